// Argument checks in front of the engine. wasm-bindgen's generated glue answers a wrong object
// where a Grant, Policy or Verifier is expected (or one already freed) with a plain Error, and
// the hot calls (decide, allows) take their strings as `&str`, which the glue would coerce; these
// wrappers throw a ScopegateError with code `invalid_argument` first, like every other bad input.
import * as engine from './scopegate.js';
import { ScopegateError } from '../errors.js';

const { Grant } = engine;

function describe(value) {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return value.constructor?.name ? `a ${value.constructor.name}` : 'an object';
}

function check(value, expected, name, method) {
  if (expected === 'string') {
    if (typeof value !== 'string') throw new ScopegateError(`${name} must be a string, not ${describe(value)}`, 'invalid_argument');
    return;
  }
  const Class = engine[expected];
  if (value instanceof Class && value.__wbg_ptr !== 0) return;
  throw new ScopegateError(
    value instanceof Class
      ? `${method}: this ${expected} was freed (free() or using) and cannot be used`
      : `${method}: ${name} must be a ${expected}, not ${describe(value)}`,
    'invalid_argument',
  );
}

// [owner, method, [argument index, argument name, 'string' or the expected class name]...]
const grantArgument = [0, 'grant', 'Grant'];
const request = [[0, 'method', 'string'], [1, 'path', 'string'], [2, 'grant', 'Grant']];
const checked = [
  [engine.Policy?.prototype, 'decide', request],
  [engine.Policy?.prototype, 'allows', request],
  [engine.Policy?.prototype, 'decideAll', [[1, 'grant', 'Grant']]],
  [engine.Policy?.prototype, 'allowedRules', [grantArgument]],
  [engine.Policy?.prototype, 'clientUnsafeScopes', [grantArgument]],
  [engine.Policy?.prototype, 'queryTransportAllowed', [grantArgument]],
  [engine.Policy?.prototype, 'authorize', [[3, 'verifier', 'Verifier']]],
  [engine.Session, 'fromJwt', [[0, 'policy', 'Policy']]],
  [engine.Session, 'fromTokenResponse', [[0, 'policy', 'Policy']]],
];
for (const [owner, method, args] of checked) {
  const original = owner?.[method];
  if (typeof original !== 'function') continue; // not in this build
  const label = `${owner === engine.Session ? 'Session' : 'Policy'}.${method}`;
  // The (method, path, grant) calls are the hot path: a fixed-arity wrapper with inline tests.
  const wrapped = args === request
    ? {
        [method](verb, path, grant) {
          if (typeof verb !== 'string' || typeof path !== 'string' || !(grant instanceof Grant) || grant.__wbg_ptr === 0) {
            for (const [index, name, expected] of args) check([verb, path, grant][index], expected, name, label);
          }
          return original.call(this, verb, path, grant);
        },
      }[method]
    : {
        [method](...values) {
          for (const [index, name, expected] of args) check(values[index], expected, name, label);
          return original.apply(this, values);
        },
      }[method];
  owner[method] = wrapped;
}
