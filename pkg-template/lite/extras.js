export * from "./frontend.js";
