// Browsers, bundlers (Vite, webpack), Deno: fetch the .wasm next to this file.
import init, { registerErrorClass } from './scopegate.js';
import { ScopegateError } from '../errors.js';
import { state } from './ready.js';

await init({ module_or_path: new URL('./scopegate_bg.wasm', import.meta.url) });
registerErrorClass(ScopegateError);
state.ready = true;
export * from './checks.js';
export * from './extras.js';
export { ScopegateError };
