export * from "./frontend.js";
export * from "./bundle.js";
