// Whether the WebAssembly module is instantiated: set by the loaders (at import, or by
// scopegate/slim's initialize), read by checks.js before every call.
export const state = { ready: false };
