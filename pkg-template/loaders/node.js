// Node >= 20.19 (import and require) and Bun: read the .wasm from disk, synchronously.
import { initSync, registerErrorClass } from './scopegate.js';
import { ScopegateError } from '../errors.js';
import { state } from './ready.js';

// fs itself, from process.getBuiltinModule (Node >= 20.16, Bun): `import ... from 'node:fs'` makes
// Node build fs's ES module namespace, whose getters load its stream classes (about 30 internal
// modules): 2.5 ms of a cold start on the CI machine (benches/RESULTS.md, 2026-12-03).
if (typeof globalThis.process?.getBuiltinModule !== 'function') {
  throw new Error('scopegate: this entry needs Node >= 20.19 or Bun (process.getBuiltinModule); elsewhere, load the module yourself with scopegate/slim');
}
const { readFileSync } = process.getBuiltinModule('node:fs');

initSync({ module: readFileSync(new URL('./scopegate_bg.wasm', import.meta.url)) });
registerErrorClass(ScopegateError);
state.ready = true;
export * from './checks.js';
export * from './extras.js';
export { ScopegateError };
