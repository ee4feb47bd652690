export const FULL = true; // this directory holds the full build
