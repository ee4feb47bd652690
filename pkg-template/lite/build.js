export const FULL = false; // this directory holds the lite build
