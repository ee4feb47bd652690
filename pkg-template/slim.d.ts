// scopegate/slim: the full build, loaded from a WebAssembly.Module, bytes or URL you provide.
export * from './index.js';

export type WasmSource = WebAssembly.Module | BufferSource | URL | string | Response | Promise<Response>;
/** Loads the module (call once, before anything else). */
export declare function initialize(source: WasmSource): Promise<void>;
/** Loads an already compiled module synchronously. */
export declare function initializeSync(module: WebAssembly.Module | BufferSource): void;
