// scopegate/lite/slim: the lite build, loaded from a WebAssembly.Module, bytes or URL you provide.
export * from './lite.js';
export type { WasmSource } from './slim.js';
export { initialize, initializeSync } from './slim.js';
