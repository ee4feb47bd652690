// Cloudflare Workers (workerd) and other edge runtimes that import .wasm files as modules.
import wasmModule from './scopegate_bg.wasm';
import { initSync, registerErrorClass } from './scopegate.js';
import { ScopegateError } from '../errors.js';
import './checks.js';

initSync({ module: wasmModule });
registerErrorClass(ScopegateError);
export * from './scopegate.js';
export * from './extras.js';
export { ScopegateError };
