// Argument checks for engine objects. wasm-bindgen's generated glue answers a wrong object where
// a Grant, Policy or Verifier is expected (or one already freed) with a plain Error; these
// wrappers throw a ScopegateError with code `invalid_argument` first, like every other bad input.
import * as engine from './scopegate.js';
import { ScopegateError } from '../errors.js';

function describe(value) {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return value.constructor?.name ? `a ${value.constructor.name}` : 'an object';
}

function check(value, Class, name, method) {
  if (value instanceof Class && value.__wbg_ptr !== 0) return;
  const freed = value instanceof Class;
  const error = new ScopegateError(
    freed
      ? `${method}: this ${Class.name} was freed (free() or using) and cannot be used`
      : `${method}: ${name} must be a ${Class.name}, not ${describe(value)}`,
  );
  error.code = 'invalid_argument';
  throw error;
}

// [owner, method, argument index, argument name, expected class name]
const checked = [
  [engine.Policy?.prototype, 'decide', 2, 'grant', 'Grant'],
  [engine.Policy?.prototype, 'allows', 2, 'grant', 'Grant'],
  [engine.Policy?.prototype, 'decideAll', 1, 'grant', 'Grant'],
  [engine.Policy?.prototype, 'allowedRules', 0, 'grant', 'Grant'],
  [engine.Policy?.prototype, 'clientUnsafeScopes', 0, 'grant', 'Grant'],
  [engine.Policy?.prototype, 'queryTransportAllowed', 0, 'grant', 'Grant'],
  [engine.Policy?.prototype, 'authorize', 3, 'verifier', 'Verifier'],
  [engine.Session, 'fromJwt', 0, 'policy', 'Policy'],
  [engine.Session, 'fromTokenResponse', 0, 'policy', 'Policy'],
];
for (const [owner, method, index, name, className] of checked) {
  const original = owner?.[method];
  const Class = engine[className];
  if (typeof original !== 'function' || typeof Class !== 'function') continue; // not in this build
  const label = `${owner === engine.Session ? 'Session' : 'Policy'}.${method}`;
  owner[method] = {
    [method](...args) {
      check(args[index], Class, name, label);
      return original.apply(this, args);
    },
  }[method];
}
