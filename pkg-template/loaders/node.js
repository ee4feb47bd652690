// Node >= 20.19 (import and require) and Bun: read the .wasm from disk, synchronously.
import { readFileSync } from 'node:fs';
import { initSync, registerErrorClass } from './scopegate.js';
import { ScopegateError } from '../errors.js';
import { state } from './ready.js';

initSync({ module: readFileSync(new URL('./scopegate_bg.wasm', import.meta.url)) });
registerErrorClass(ScopegateError);
state.ready = true;
export * from './checks.js';
export * from './extras.js';
export { ScopegateError };
