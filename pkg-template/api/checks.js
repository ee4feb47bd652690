// Every call into the WebAssembly module goes through here (the loaders export this module, not
// the generated bindings):
// - arguments wasm-bindgen's glue would coerce or reject with a plain Error (a number for a
//   path, a plain object or a freed object for a Grant) throw a ScopegateError with code
//   `invalid_argument` before the module is entered (a `&str` parameter must be checked here:
//   the glue reads `length` from whatever it is given and allocates that much);
// - a trap inside the module (running out of memory) surfaces as a ScopegateError with code
//   `resource_exhausted`, with the original error as `cause`.
// Which objects were freed is tracked by ready.js's `freed` and `FREED` (free() and
// Symbol.dispose are wrapped here), not read from wasm-bindgen's private fields.
import * as engine from './scopegate.js';
import { FULL } from './build.js';
import { ScopegateError } from '../errors.js';
import { FREED, checkNotFreed, converted, describe, freed, freedError, otherBuildMessage, requireReady } from './ready.js';
import {
  answered, clock, namesFor, readDecision, readDecisions, readNamedDecision, readTokenValue, writeRequest, writeText,
  written,
} from './exchange.js';

// The public API only: the module's internal exports (the exchange buffers, VerifierCore, ...)
// are used by this package's own files.
export { Grant, Session, version } from './scopegate.js';

function argumentError(message) {
  return new ScopegateError(message, 'invalid_argument');
}

function check(value, expected, name, label) {
  if (expected === 'string') {
    if (typeof value !== 'string') throw argumentError(`${label}: ${name} must be a string, not ${describe(value)}`);
    return;
  }
  const Class = engine[expected];
  if (value instanceof Class && !freed.has(value)) return;
  if (value instanceof Class) throw freedError(label, expected);
  if (value?.constructor?.name === expected) {
    throw argumentError(otherBuildMessage(label, name, expected, FULL));
  }
  throw argumentError(`${label}: ${name} must be a ${expected}, not ${describe(value)}`);
}

// [owner, method, [argument index, argument name, 'string' or the expected class name]...]
const grantArgument = [0, 'grant', 'Grant'];
const checked = new Map([
  ['Grant.has', [[0, 'scope', 'string']]],
  ['Policy.decideAll', [[1, 'grant', 'Grant']]],
  ['Policy.allowedRules', [grantArgument]],
  ['Policy.clientUnsafeScopes', [grantArgument]],
  ['Policy.queryTransportAllowed', [grantArgument]],
  ['Session.fromJwt', [[0, 'policy', 'Policy']]],
  ['Session.fromTokenResponse', [[0, 'policy', 'Policy']]],
]);

/** `original` (a method of `name`'s class, or a static one when `statics`) behind the checks. */
function guarded(original, className, key, statics) {
  const label = `${className}.${key}`;
  const args = checked.get(label) ?? [];
  return {
    [key](...values) {
      requireReady(label);
      if (!statics && this[FREED] === true) check(this, className, 'this', label);
      for (const [index, name, expected] of args) check(values[index], expected, name, label);
      try {
        return original.apply(this, values);
      } catch (error) {
        if (!statics) checkNotFreed(this, className, label);
        throw converted(error, label);
      }
    },
  }[key];
}

/**
 * A (method, path, grant) call: the hot path. The arguments are tested inline, written into the
 * module's input buffer, and `finish(policy, answer)` turns the module's answer into the result.
 */
function requestCall(key, input, finish) {
  const label = `Policy.${key}`;
  return {
    [key](verb, path, grant) {
      if (typeof verb !== 'string' || typeof path !== 'string' || !(grant instanceof engine.Grant) || grant[FREED] === true || this[FREED] === true) {
        requireReady(label);
        checkNotFreed(this, 'Policy', label);
        check(verb, 'string', 'method', label);
        check(path, 'string', 'path', label);
        check(grant, 'Grant', 'grant', label);
      }
      let answer;
      try {
        writeRequest(verb, path);
        answer = answered(input.call(this, written.method, written.path, grant));
      } catch (error) {
        checkNotFreed(this, 'Policy', label);
        checkNotFreed(grant, 'Grant', label);
        throw converted(error, label);
      }
      return finish(this, answer);
    },
  }[key];
}

// Policy.decideAll: the module decides the batch and writes every decision into its output
// buffer, read here as decide's are.
if (engine.Policy) {
  engine.Policy.prototype.decideAll = function decideAll(requests, grant) {
    return readDecisions(this, answered(this.decideAllInput(requests, grant)));
  };
}

// Session.can and Session.decide: the method and path go through the input buffer, and a
// decision comes back as Policy.decide's does, named with the names of the session's policy,
// read when the session is made (the session keeps its own copy of the policy, which outlives
// the Policy object).
const sessionNames = new WeakMap();

/** The module's error for an argument that is not a string (src/wasm/args.rs, `string_arg`). */
function notAString(name, value) {
  return argumentError(`${name} must be a string, not ${value === null ? 'null' : typeof value}`);
}

/** Throws that error unless `method` and `path` are strings. */
function requireMethodAndPath(method, path) {
  if (typeof method !== 'string') throw notAString('method', method);
  if (typeof path !== 'string') throw notAString('path', path);
}

if (engine.Session) {
  const can = function can(method, path, options) {
    requireMethodAndPath(method, path);
    const now = clock(options);
    writeRequest(method, path);
    return answered(this.canInput(written.method, written.path, now)) === 1;
  };
  engine.Session.prototype.can = can;
  // Through `can` itself, not the prototype's: that one is wrapped below, as this one is.
  engine.Session.prototype.cannot = function cannot(method, path, options) {
    return !can.call(this, method, path, options);
  };
  engine.Session.prototype.decide = function decide(method, path, options) {
    requireMethodAndPath(method, path);
    const names = sessionNames.get(this);
    if (names === undefined) throw argumentError('this Session was not made by Session.fromJwt or Session.fromTokenResponse');
    const now = clock(options);
    writeRequest(method, path);
    return readNamedDecision(names, answered(this.decideInput(written.method, written.path, now)));
  };
}

const classNames = ['Policy', 'Grant', 'Session'];
for (const className of classNames) {
  const Class = engine[className];
  if (typeof Class !== 'function') continue; // not in this build
  const proto = Class.prototype;
  const release = proto.free;
  const freeOnce = function free() {
    if (freed.has(this)) return;
    release.call(this);
    freed.add(this);
    if (Object.isExtensible(this)) this[FREED] = true;
  };
  for (const key of Object.getOwnPropertyNames(proto)) {
    // The ...Input methods are called by the hot paths below, which check their arguments.
    if (key === 'constructor' || key === 'free' || key.startsWith('__') || key.endsWith('Input')) continue;
    const descriptor = Object.getOwnPropertyDescriptor(proto, key);
    if (typeof descriptor.value === 'function') {
      proto[key] = guarded(descriptor.value, className, key, false);
    } else if (typeof descriptor.get === 'function') {
      const get = guarded(descriptor.get, className, key, false);
      Object.defineProperty(proto, key, { ...descriptor, get });
    }
  }
  proto.free = freeOnce;
  if (Symbol.dispose) proto[Symbol.dispose] = freeOnce;
  for (const key of Object.getOwnPropertyNames(Class)) {
    const value = Class[key];
    if (typeof value !== 'function' || key.startsWith('__')) continue;
    Class[key] = guarded(value, className, key, true);
  }
}

// A session made from a policy takes that policy's names, for Session.decide.
if (engine.Session) {
  for (const key of ['fromJwt', 'fromTokenResponse']) {
    const make = engine.Session[key];
    engine.Session[key] = {
      [key](policy, ...rest) {
        const session = make.call(this, policy, ...rest);
        sessionNames.set(session, namesFor(policy));
        return session;
      },
    }[key];
  }
}

// `console.log` and `util.inspect` in Node (and Deno, Bun) show what an object holds, not the
// module's pointer: its content as plain data, or "(freed)".
const inspectCustom = Symbol.for('nodejs.util.inspect.custom');
const inspectedAs = {
  Policy: (policy) => ({ name: policy.name, rules: policy.ruleIds.length, scopes: policy.scopeNames.length }),
  Grant: (grant) => grant.toJSON(),
  Session: (session) => ({ subject: session.subject, scopes: session.scopes, expiresAt: session.expiresAt }),
};
for (const className of classNames) {
  const Class = engine[className];
  if (typeof Class !== 'function') continue;
  Class.prototype[inspectCustom] = function inspect(depth, options, nodeInspect) {
    if (freed.has(this)) return `${className} (freed)`;
    const content = inspectedAs[className](this);
    return typeof nodeInspect === 'function' ? `${className} ${nodeInspect(content, options)}` : content;
  };
}

if (engine.Policy) {
  const proto = engine.Policy.prototype;
  proto.decide = requestCall('decide', proto.decideInput, readDecision);
  proto.allows = requestCall('allows', proto.allowsInput, (policy, allowed) => allowed === 1);
}

// Policy.scopesFor: the sets come from the module as scope ids, named here with the policy's
// scope names, read once per policy (thousands of sets would otherwise cross as strings).
const scopeNames = new WeakMap();
if (engine.Policy) {
  engine.Policy.prototype.scopesFor = function scopesFor(method, path) {
    const [ids, lengths] = this.scopesForIds(method, path);
    let names = scopeNames.get(this);
    if (names === undefined) {
      names = this.scopeNames;
      scopeNames.set(this, names);
    }
    const sets = new Array(lengths.length);
    let at = 0;
    for (let i = 0; i < lengths.length; i += 1) {
      const set = new Array(lengths[i]);
      for (let k = 0; k < set.length; k += 1) set[k] = names[ids[at + k]];
      sets[i] = set;
      at += set.length;
    }
    return sets;
  };
}

/**
 * A constructible class whose constructor's traps are converted too; with `refusal`, a class
 * this build cannot construct (the lite Policy: bundles only), whose constructor throws it.
 */
function constructible(Class, className, refusal) {
  if (typeof Class !== 'function') return Class;
  return new Proxy(Class, {
    construct(target, values, newTarget) {
      requireReady(`new ${className}`);
      if (refusal) throw new ScopegateError(`new ${className}: ${refusal}`, 'invalid_argument');
      try {
        return Reflect.construct(target, values, newTarget);
      } catch (error) {
        throw converted(error, `new ${className}`);
      }
    },
  });
}

/** A function of the module whose traps are converted. */
function call(original, name) {
  if (typeof original !== 'function') return original;
  return {
    [name](...values) {
      requireReady(name);
      try {
        return original.apply(this, values);
      } catch (error) {
        throw converted(error, name);
      }
    },
  }[name];
}

// The wrappers' local names differ from the module's own (Policy, bearerToken, ...) so that a
// bundler putting both in one scope (scripts/bundle-entries.mjs) renames neither: the classes and
// functions keep the names they show in messages, inspection and stack traces.
const checkedPolicy = constructible(
  engine.Policy,
  'Policy',
  FULL
    ? null
    : 'scopegate/lite loads compiled bundles only: use await Policy.fromBundle(bytes) (write the bundle with `scopegate compile policy.json` or policy.toBundle() of the full build, "scopegate")',
);
/** Decodes a JWT without verifying anything: the token is written into the module's input buffer. */
export function decodeUnverified(token, options) {
  requireReady('decodeUnverified');
  if (typeof token !== 'string') throw argumentError(`decodeUnverified: token must be a string, not ${describe(token)}`);
  try {
    return readTokenValue(answered(engine.decodeInput(writeText(token), options)));
  } catch (error) {
    throw converted(error, 'decodeUnverified');
  }
}
const checkedParseTokenResponse = call(engine.parseTokenResponse, 'parseTokenResponse');
const checkedBearerToken = call(engine.bearerToken, 'bearerToken');
const checkedParseScopes = call(engine.parseScopes, 'parseScopes');
const checkedNormalizePath = call(engine.normalizePath, 'normalizePath');
const checkedWasmMemoryBytes = call(engine.wasmMemoryBytes, 'wasmMemoryBytes');
export {
  checkedPolicy as Policy,
  checkedParseTokenResponse as parseTokenResponse,
  checkedBearerToken as bearerToken,
  checkedParseScopes as parseScopes,
  checkedNormalizePath as normalizePath,
  checkedWasmMemoryBytes as wasmMemoryBytes,
};
