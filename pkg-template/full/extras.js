export * from "./frontend.js";
export * from "./edge.js";
