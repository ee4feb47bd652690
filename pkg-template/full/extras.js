export * from "./frontend.js";
export * from "./edge.js";
export * from "./bundle.js";
