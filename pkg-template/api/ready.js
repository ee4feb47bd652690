// The module's state: whether it is instantiated (set by the loaders, at import or by
// scopegate/slim's initialize; read before every call), and its traps as ScopegateErrors.
import { ScopegateError } from '../errors.js';

export const state = { ready: false };

/** Before the module is instantiated (scopegate/slim before `initialize`), every call throws. */
export function requireReady(label) {
  if (!state.ready) {
    throw new ScopegateError(
      `${label}: the WebAssembly module is not loaded yet: call initialize(source) or initializeSync(module) of scopegate/slim first`,
      'not_initialized',
    );
  }
}

/**
 * The error to throw for `error`, thrown by a call into the module: a trap (out of memory, or a
 * bug) becomes `resource_exhausted`; anything else (a ScopegateError) is thrown as it is.
 */
export function converted(error, label) {
  const trap = error instanceof WebAssembly.RuntimeError
    || (error instanceof RangeError && /call stack/i.test(error.message));
  if (!trap) return error;
  const exhausted = new ScopegateError(
    `${label}: the WebAssembly module ran out of resources (${error.message}); the objects this call used may be unusable: create them again`,
    'resource_exhausted',
  );
  exhausted.cause = error;
  return exhausted;
}

/** Objects whose Rust state was freed (checks.js wraps their `free()`). */
export const freed = new WeakSet();

/**
 * The same, marked on the object itself, which the checks in front of each call read: looking up
 * a property costs less than a WeakSet (`allows` 15-60 ns faster in Node 20: benches/RESULTS.md,
 * 2026-12-03 evening). An object its user made non-extensible (Object.preventExtensions,
 * Object.seal) cannot take the mark; it is still in `freed`, which a failed call consults before
 * reporting its error.
 */
export const FREED = Symbol('scopegate.freed');

/** The error for an object of class `className` used after it was freed. */
export function freedError(label, className) {
  return new ScopegateError(`${label}: this ${className} was freed (free() or using) and cannot be used`, 'invalid_argument');
}

/**
 * Throws the "was freed" error when `value`, of class `className`, was freed: what a failed call
 * reports before its own error (the glue's error for a freed object has no code).
 */
export function checkNotFreed(value, className, label) {
  if (freed.has(value)) throw freedError(label, className);
}

/**
 * The message for an object of the other build (a lite Policy given to the full build's Session,
 * say): each build has its own module and memory, so its objects cannot cross.
 */
export function otherBuildMessage(label, name, expected, fullBuild) {
  const here = fullBuild ? '"scopegate" (full)' : '"scopegate/lite"';
  const there = fullBuild ? '"scopegate/lite"' : '"scopegate" (full)';
  return `${label}: ${name} is a ${expected} of ${there}, but this is ${here}: import ${expected} and ${label.split('.')[0]} from the same entry point`;
}

/** What `value` is, for error messages: `null`, a type name, or `a ClassName`. */
export function describe(value) {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return value.constructor?.name ? `a ${value.constructor.name}` : 'an object';
}

/** An optional option in seconds (`fallback` when absent); `label` names the class it is for. */
export function seconds(label, name, value, fallback) {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ScopegateError(`${label}: ${name} must be a non-negative number of seconds`, 'invalid_argument');
  }
  return value;
}

/** An optional `maxBytes` option (`fallback` when absent): a whole number of bytes, at least 1. */
export function byteLimit(label, value, fallback) {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ScopegateError(`${label}: maxBytes must be a whole number of bytes, at least 1`, 'invalid_argument');
  }
  return value;
}
