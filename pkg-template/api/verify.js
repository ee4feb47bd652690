// Verification for the full build: `Verifier` and `Policy.authorize`, both async (as jose's
// jwtVerify). The module (VerifierCore) parses and checks the keys, the token, its header and its
// claims, and verifies HMAC signatures; RSA, ECDSA and EdDSA signatures are verified here by the
// platform's WebCrypto, on exactly the signing input and signature the module extracted, with the
// key it validated (imported once into a CryptoKey and kept). The verified-token cache lives here
// too: a hit inside the time window the module computed for the token (from `nbf`/`iat` to
// `exp`/maximum age) returns the object converted when the token was first verified (frozen, so
// every hit may share it); outside it, the module checks the claims again.
import * as engine from './scopegate.js';
import { ScopegateError } from '../errors.js';
import { checkNotFreed, converted, freedError, requireReady } from './ready.js';
import {
  answered, clock, readAuthorization, readToken, readTokenValue, writeRequest, writeText, written,
} from './exchange.js';

const { VerifierCore: Core } = engine; // not named VerifierCore here: see checks.js on bundling

/** WebCrypto's names for each JOSE algorithm: how to import the key, how to verify. */
const RSA_PKCS1 = (hash) => ({ key: { name: 'RSASSA-PKCS1-v1_5', hash }, verify: { name: 'RSASSA-PKCS1-v1_5' } });
const RSA_PSS = (hash, saltLength) => ({ key: { name: 'RSA-PSS', hash }, verify: { name: 'RSA-PSS', saltLength } });
const ECDSA = (namedCurve, hash) => ({ key: { name: 'ECDSA', namedCurve }, verify: { name: 'ECDSA', hash } });
const ED25519 = { key: { name: 'Ed25519' }, verify: { name: 'Ed25519' } };
const WEB_CRYPTO = {
  RS256: RSA_PKCS1('SHA-256'),
  RS384: RSA_PKCS1('SHA-384'),
  RS512: RSA_PKCS1('SHA-512'),
  PS256: RSA_PSS('SHA-256', 32),
  PS384: RSA_PSS('SHA-384', 48),
  PS512: RSA_PSS('SHA-512', 64),
  ES256: ECDSA('P-256', 'SHA-256'),
  ES384: ECDSA('P-384', 'SHA-384'),
  EdDSA: ED25519,
  Ed25519: ED25519,
};

/** `{ key: KeyObject, kid? }` (Node's crypto keys) as a JWK or secret the module reads. */
function keyObjectKeys(keys) {
  if (keys === null || typeof keys !== 'object' || !('key' in keys)) return keys;
  const { key, kid } = keys;
  const named = (value) => (kid === undefined ? value : { ...value, kid });
  if (typeof CryptoKey === 'function' && key instanceof CryptoKey) {
    throw argumentError('new Verifier: a CryptoKey is read asynchronously: use await Verifier.fromKey(key, options)');
  }
  if (key === null || typeof key !== 'object' || typeof key.export !== 'function' || typeof key.type !== 'string') {
    throw argumentError('new Verifier: `key` must be a KeyObject (node:crypto) or, with Verifier.fromKey, a CryptoKey');
  }
  if (key.type === 'private') throw new ScopegateError('new Verifier: this KeyObject is a private key: give the public key', 'invalid_key');
  if (key.type === 'secret') return named({ secret: new Uint8Array(key.export()) });
  return named({ jwk: key.export({ format: 'jwk' }) });
}

function argumentError(message) {
  return new ScopegateError(message, 'invalid_argument');
}

function deepFreeze(value) {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze(value[key]);
  }
  return value;
}

const cachedEntry = Symbol('cachedEntry');
const uncachedEntry = Symbol('uncachedEntry');

/**
 * Verifies JWT access tokens with fixed keys and options: `await verifier.verify(token)`.
 * Options use jose's names: `algorithms` (required), `issuer`, `audience`, `clockTolerance`,
 * `maxTokenAge` (seconds, or jose's durations: '30s', '2h'), `typ`, `requiredClaims`, plus
 * `maxSize`, `scopeClaim` and `cacheSize`
 * (how many verified tokens to remember, never past their `exp`; default 0: no cache). Keys:
 * exactly one of `{ secret }`, `{ pem }`, `{ jwk }`, `{ jwks }`, optionally with `kid`.
 */
export class Verifier {
  #core;
  #capacity;
  #cache = new Map();
  #keys = new Map();
  #freed = false;

  /**
   * A Verifier for one key given as a WebCrypto `CryptoKey` (extractable: it is read with
   * `exportKey`) or a Node `KeyObject`, as jose takes them; `kid` optionally names it.
   */
  static async fromKey(key, options, kid) {
    if (typeof CryptoKey === 'function' && key instanceof CryptoKey) {
      if (key.type === 'private') throw new ScopegateError('Verifier.fromKey: this CryptoKey is a private key: give the public key', 'invalid_key');
      if (!key.extractable) {
        throw new ScopegateError('Verifier.fromKey: the CryptoKey is not extractable (importKey or generateKey with extractable: true), so its key cannot be checked', 'invalid_key');
      }
      const jwk = await globalThis.crypto.subtle.exportKey('jwk', key);
      return new Verifier(kid === undefined ? { jwk } : { jwk, kid }, options);
    }
    return new Verifier(kid === undefined ? { key } : { key, kid }, options);
  }

  constructor(keys, options) {
    requireReady('new Verifier');
    keys = keyObjectKeys(keys);
    const size = options?.cacheSize;
    if (size !== undefined && size !== null && (typeof size !== 'number' || !Number.isInteger(size) || size < 0)) {
      throw argumentError('cacheSize must be a whole number of tokens (0: no cache)');
    }
    try {
      this.#core = new Core(keys, options);
    } catch (error) {
      throw converted(error, 'new Verifier');
    }
    this.#capacity = size ?? 0;
  }

  /**
   * Verifies `token`: resolves to the token (`header`, `claims`, `scopes`, `subject`, ...; a
   * frozen object) or rejects with a ScopegateError. `options.currentDate` (a Date) fixes the clock.
   */
  async verify(token, options) {
    const now = clock(options);
    // A cache hit is answered without another promise.
    return (this[cachedEntry](token, now) ?? (await this[uncachedEntry](token, now))).value;
  }

  /**
   * Verifies a detached signature over `message` (a Uint8Array; the signature in the JWS encoding,
   * `r || s` for ECDSA) with the key a token naming `options.kid` and `algorithm` would get;
   * `algorithm` must be one of the allowed algorithms. Resolves when it verifies; rejects with a
   * ScopegateError (`invalid_signature`, `algorithm_not_allowed`, `key_not_found`, ...) otherwise.
   */
  async verifySignature(algorithm, message, signature, options) {
    const label = 'Verifier.verifySignature';
    if (this.#freed) throw freedError(label, 'Verifier');
    let pending;
    try {
      pending = this.#core.beginSignature(algorithm, options?.kid, message, signature);
    } catch (error) {
      throw converted(error, label);
    }
    const valid = await this.#checked(pending);
    if (this.#freed) {
      pending.free();
      throw argumentError(`${label}: this Verifier was freed while verifying`);
    }
    this.#core.finishSignature(pending, valid);
  }

  /** How many verified tokens the cache holds. */
  get cachedTokens() {
    return this.#cache.size;
  }

  /** Forgets every cached token. */
  clearCache() {
    for (const entry of this.#cache.values()) entry.handle.free();
    this.#cache.clear();
  }

  /** Frees the module's memory for this verifier (it cannot be used afterwards). */
  free() {
    if (this.#freed) return;
    this.#freed = true;
    this.clearCache();
    this.#core.free();
  }

  [Symbol.dispose ?? Symbol.for('Symbol.dispose')]() {
    this.free();
  }

  /**
   * `{ value, used }` for `token` when it is in the cache and still valid at `now` (between the
   * entry's `from` and `until`, both computed by the module; before `from`, the module checks the
   * claims again and throws what a fresh verification would), synchronously, so that a hit costs
   * no promise; `undefined` otherwise (an expired entry is dropped): then [uncachedEntry]
   * verifies it. `value` is the frozen token, `used` what `use(handle)` returned: the module's
   * handle is only lent to `use`, synchronously, since another call may evict and free it
   * afterwards.
   */
  [cachedEntry](token, now, use, key) {
    if (this.#freed) throw freedError('Verifier.verify', 'Verifier');
    if (typeof token !== 'string') throw argumentError(`Verifier.verify: token must be a string, not ${token === null ? 'null' : typeof token}`);
    const cacheKey = key ?? textKey(token);
    const cached = this.#cache.get(cacheKey);
    // The key is a hash: a hit is the same token, compared in full.
    if (cached === undefined || cached.token !== token) return undefined;
    if (now < cached.until) {
      // Before `from` (the clock went back), the module gives the error a fresh verification would.
      if (now < cached.from) answered(this.#core.recheck(cached.handle, now));
      this.#cache.delete(cacheKey);
      this.#cache.set(cacheKey, cached);
      return { value: cached.value, used: use?.(cached.handle) };
    }
    this.#cache.delete(cacheKey);
    cached.handle.free();
    return undefined;
  }

  /**
   * `{ value, used }` for `token`, not in the cache, verified at `now` (and cached when the cache
   * has room); `use` as for [cachedEntry].
   */
  async [uncachedEntry](token, now, use, key) {
    const core = this.#core;
    let pending;
    try {
      pending = core.beginInput(writeText(token));
    } catch (error) {
      throw converted(error, 'Verifier.verify');
    }
    const valid = await this.#checked(pending);
    if (this.#freed) {
      pending.free();
      throw argumentError('Verifier.verify: this Verifier was freed while verifying');
    }
    let handle;
    try {
      handle = core.finish(pending, valid, now);
    } catch (error) {
      throw converted(error, 'Verifier.verify');
    }
    let entry;
    try {
      entry = { token, handle, value: deepFreeze(readTokenValue(handle.valueAddress())), from: handle.validFrom, until: handle.validUntil };
    } catch (error) {
      handle.free();
      throw converted(error, 'Verifier.verify');
    }
    if (this.#capacity === 0 || now >= entry.until) {
      try {
        return { value: entry.value, used: use?.(handle) };
      } finally {
        handle.free();
      }
    }
    // A concurrent call may have cached the same token meanwhile (or, rarely, another token of the
    // same key): this entry replaces it.
    const cacheKey = key ?? textKey(token);
    const previous = this.#cache.get(cacheKey);
    if (previous !== undefined) {
      this.#cache.delete(cacheKey);
      previous.handle.free();
    } else if (this.#cache.size >= this.#capacity) {
      const oldest = this.#cache.keys().next().value;
      this.#cache.get(oldest).handle.free();
      this.#cache.delete(oldest);
    }
    this.#cache.set(cacheKey, entry);
    return { value: entry.value, used: use?.(handle) };
  }

  /**
   * Whether the pending signature verifies: checked by the module (HMAC) or by WebCrypto. When the
   * platform cannot check it (a key WebCrypto refuses, an algorithm it lacks), the pending check
   * is freed before the error goes on.
   */
  async #checked(pending) {
    if (pending.checked) return true;
    try {
      return await this.#platformVerifies(pending);
    } catch (error) {
      pending.free();
      throw error;
    }
  }

  /** Whether the platform's WebCrypto verifies the pending signature (false: it does not). */
  async #platformVerifies(pending) {
    const algorithm = pending.algorithm;
    const names = WEB_CRYPTO[algorithm];
    const key = await this.#cryptoKey(pending.keyIndex, algorithm, names);
    const signature = pending.signature;
    const signingInput = pending.signingInput;
    try {
      return await globalThis.crypto.subtle.verify(names.verify, key, signature, signingInput);
    } catch {
      // A malformed signature for this key: WebCrypto may throw where it could answer false.
      return false;
    }
  }

  /** The CryptoKey for key `index` and `algorithm`, imported once. */
  #cryptoKey(index, algorithm, names) {
    const id = `${index}:${algorithm}`;
    let key = this.#keys.get(id);
    if (key === undefined) {
      const jwk = this.#core.keyJwk(index);
      key = Promise.resolve()
        .then(() => globalThis.crypto.subtle.importKey('jwk', jwk, names.key, false, ['verify']))
        .catch((cause) => {
          this.#keys.delete(id);
          const missing = cause?.name === 'NotSupportedError' || !globalThis.crypto?.subtle;
          const error = missing
            ? new ScopegateError(`this platform's WebCrypto cannot verify ${algorithm} signatures (${cause?.message ?? cause})`, 'algorithm_not_allowed')
            : new ScopegateError(`the platform's WebCrypto refused the ${algorithm} key (${cause?.message ?? cause})`, 'invalid_key');
          error.cause = cause;
          throw error;
        });
      this.#keys.set(id, key);
    }
    return key;
  }
}

/**
 * The result of `Policy.authorize`: the endpoint `decision` (possibly a refusal for lack of
 * scope), the verified `token` (frozen), its `grant` under the policy, where it travelled
 * (`source`: "header" or "query"), and `subject`, `clientId`, `scopes` read from them.
 */
export class Authorization {
  #scopes;
  #policy;
  #grant = null;

  constructor(decision, token, scopes, source, policy) {
    this.decision = decision;
    this.token = token;
    this.source = source;
    this.#scopes = scopes;
    this.#policy = policy;
  }

  /** The granted scopes (roles and `implies` expanded), sorted. */
  get scopes() {
    return this.#scopes;
  }

  /** The token's `sub`, or null. */
  get subject() {
    return this.token.subject;
  }

  /** The token's `client_id`, or null. */
  get clientId() {
    return this.token.clientId;
  }

  /**
   * The token's Grant under the policy, made on first read (the decision needs none) from the
   * token's scopes, as `policy.expand(token.scopes)`; freed by `free()`.
   */
  get grant() {
    this.#grant ??= this.#policy.expand(this.token.scopes);
    return this.#grant;
  }

  /** Frees the grant's memory in the module, if it was made. */
  free() {
    this.#grant?.free();
    this.#grant = null;
  }

  [Symbol.dispose ?? Symbol.for('Symbol.dispose')]() {
    this.free();
  }

  /** `{ decision, token, grant, source }` as plain data. */
  toJSON() {
    return { decision: this.decision, token: this.token, grant: this.grant.toJSON(), source: this.source };
  }
}

/**
 * The key `text` is filed under in the caches below: 52 bits of a hash of its length and of its
 * last 48 UTF-16 code units (a token's signature; all of a shorter text). V8 spends about 1 µs
 * hashing a fresh string of several hundred characters as a Map key, and copying it into the
 * module to hash it there costs more than this does. A key is a hint: a hit compares the strings,
 * so texts that share a key only share a slot.
 */
function textKey(text) {
  const n = text.length;
  let a = n ^ 0x9e3779b9;
  let b = n + 0x85ebca6b;
  for (let i = n > 48 ? n - 48 : 0; i < n; i += 1) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  b ^= b >>> 15;
  return (a >>> 0) + (b & 0xfffff) * 0x100000000;
}

/**
 * The tokens the module found in recent `Authorization` headers of requests without a query: for
 * those, where the token is depends on the header alone, so the module's answer is kept (only
 * successes; at most HEADER_TOKENS, the oldest forgotten first), filed by the header's key.
 */
const HEADER_TOKENS = 1024;
const headerTokens = new Map();

function remember(key, authorization, found) {
  if (headerTokens.size >= HEADER_TOKENS) headerTokens.delete(headerTokens.keys().next().value);
  headerTokens.set(key, { authorization, found });
}

/**
 * Authorizes a request: finds the bearer token in `authorization` or the target's query, verifies
 * it (through the verifier's cache), checks where it travelled and decides. Resolves to an
 * Authorization; token problems reject with a ScopegateError (token_missing, invalid_request,
 * token_expired, invalid_signature, token_in_query_not_allowed, ...).
 */
async function authorize(method, target, authorization, verifier, options) {
  const label = 'Policy.authorize';
  if (typeof method !== 'string') throw argumentError(`${label}: method must be a string`);
  if (typeof target !== 'string') throw argumentError(`${label}: target must be a string`);
  const hasAuthorization = authorization !== undefined && authorization !== null;
  if (hasAuthorization && typeof authorization !== 'string') throw argumentError(`${label}: authorization must be a string or null`);
  if (!(verifier instanceof Verifier)) throw argumentError(`${label}: verifier must be a Verifier`);
  // Without a query, where the token is depends on the header alone (see headerTokens).
  const headerKey = hasAuthorization && !target.includes('?') ? textKey(authorization) : undefined;
  const known = headerKey === undefined ? undefined : headerTokens.get(headerKey);
  let found = known !== undefined && known.authorization === authorization ? known.found : undefined;
  if (found === undefined) {
    try {
      writeRequest(target, hasAuthorization ? authorization : '');
      found = readToken(answered(engine.requestTokenInput(written.method, written.path, hasAuthorization)), authorization);
      found.push(textKey(found[0]));
    } catch (error) {
      throw converted(error, label);
    }
    if (headerKey !== undefined) remember(headerKey, authorization, found);
  }
  // The decision is made while the verified token's handle is lent (see cachedEntry); a cache hit
  // is taken synchronously.
  const decide = (handle) => {
    try {
      writeRequest(method, target);
      return readAuthorization(this, answered(this.authorizeInput(written.method, written.path, found[1] === 'query', handle)));
    } catch (error) {
      checkNotFreed(this, 'Policy', label);
      throw converted(error, label);
    }
  };
  const now = clock(options);
  const { value, used } = verifier[cachedEntry](found[0], now, decide, found[2]) ?? (await verifier[uncachedEntry](found[0], now, decide, found[2]));
  return new Authorization(used.decision, value, used.scopes, found[1], this);
}

engine.Policy.prototype.authorize = authorize;
