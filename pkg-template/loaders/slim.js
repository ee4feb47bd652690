// Bring your own WebAssembly.Module, bytes or URL: nothing is loaded until you call initialize.
import init, { initSync, registerErrorClass } from './scopegate.js';
import { ScopegateError } from '../errors.js';
import { state } from './ready.js';

export async function initialize(source) {
  await init({ module_or_path: source });
  registerErrorClass(ScopegateError);
  state.ready = true;
}
export function initializeSync(module) {
  initSync({ module });
  registerErrorClass(ScopegateError);
  state.ready = true;
}
export * from './checks.js';
export * from './extras.js';
export { ScopegateError };
