// Cloudflare Workers (workerd) and other edge runtimes that import .wasm files as modules.
import wasmModule from './scopegate_bg.wasm';
import { initSync, registerErrorClass } from './scopegate.js';
import { ScopegateError } from '../errors.js';
import { state } from './ready.js';

initSync({ module: wasmModule });
registerErrorClass(ScopegateError);
state.ready = true;
export * from './checks.js';
export * from './extras.js';
export { ScopegateError };
