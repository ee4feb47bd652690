// Compiled policy bundles in JavaScript: Policy.fromBundle (both builds), policy.toBundle (the
// full build) and RemoteBundle (hot updates). The module reads and writes the bundle; the
// platform's WebCrypto checks and makes the Ed25519 signatures.
import * as engine from './scopegate.js';
import { FULL } from './build.js';
import { ScopegateError } from '../errors.js';
import { byteLimit, converted, describe, requireReady, seconds } from './ready.js';
import { Policy } from './checks.js';

/** `value` as bytes: a Uint8Array (or other view) or an ArrayBuffer. */
function bundleBytes(value, label) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new ScopegateError(`${label}: the bundle must be a Uint8Array or an ArrayBuffer, not ${describe(value)}`, 'invalid_argument');
}

function options(value, label, allowed) {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object') {
    throw new ScopegateError(`${label}: options must be an object, not ${describe(value)}`, 'invalid_argument');
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new ScopegateError(`${label}: unknown option ${JSON.stringify(key)} (expected ${allowed.join(', ')})`, 'invalid_argument');
    }
  }
  return value;
}

/** The DER inside a PEM document labelled `label`, or null when `text` is not one. */
function pemBody(text, label) {
  const match = new RegExp(`^\\s*-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----\\s*$`).exec(text);
  if (!match) return null;
  try {
    return Uint8Array.from(atob(match[1].replace(/\s+/g, '')), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

const ED25519 = { name: 'Ed25519' };
const imported = new Map();

/**
 * An Ed25519 key as a CryptoKey: a CryptoKey as it is, a PEM (`PUBLIC KEY` for `verify`,
 * `PRIVATE KEY` for `sign`) or a JWK (an object or its JSON). PEM and JWK texts are imported once.
 */
function cryptoKey(key, usage, code, label) {
  if (typeof CryptoKey === 'function' && key instanceof CryptoKey) return Promise.resolve(key);
  const pemLabel = usage === 'verify' ? 'PUBLIC KEY' : 'PRIVATE KEY';
  const cacheKey = typeof key === 'string' ? `${usage}:${key}` : null;
  const cached = cacheKey && imported.get(cacheKey);
  if (cached) return cached;
  let format;
  let data;
  if (typeof key === 'string' && key.trimStart().startsWith('-----')) {
    format = usage === 'verify' ? 'spki' : 'pkcs8';
    data = pemBody(key, pemLabel);
    if (data === null) {
      return Promise.reject(new ScopegateError(`${label}: the key is not a PEM "${pemLabel}" document`, code));
    }
  } else {
    format = 'jwk';
    try {
      data = typeof key === 'string' ? JSON.parse(key) : key;
    } catch {
      data = null;
    }
    if (data === null || typeof data !== 'object') {
      return Promise.reject(new ScopegateError(`${label}: the key must be a CryptoKey, a PEM "${pemLabel}" or an Ed25519 JWK, not ${describe(key)}`, code));
    }
  }
  const promise = Promise.resolve()
    .then(() => globalThis.crypto.subtle.importKey(format, data, ED25519, false, [usage]))
    .catch((cause) => {
      if (cacheKey) imported.delete(cacheKey);
      const missing = cause?.name === 'NotSupportedError' || !globalThis.crypto?.subtle;
      const error = new ScopegateError(
        missing
          ? `${label}: this platform's WebCrypto has no Ed25519 (${cause?.message ?? cause})`
          : `${label}: the platform's WebCrypto refused the Ed25519 key (${cause?.message ?? cause})`,
        code,
      );
      error.cause = cause;
      throw error;
    });
  if (cacheKey && imported.size < 64) imported.set(cacheKey, promise);
  return promise;
}

function call(label, run) {
  requireReady(label);
  try {
    return run();
  } catch (error) {
    throw converted(error, label);
  }
}

/** Refuses `bytes` unless they carry an Ed25519 signature that `verifyKey` verifies. */
async function checkSignature(bytes, verifyKey, label) {
  const found = call(label, () => engine.bundleSignature(bytes));
  if (found === null) {
    throw new ScopegateError(`${label}: the bundle is not signed, and a verifyKey was given`, 'invalid_bundle_signature');
  }
  const [signedLength, signature] = found;
  const key = await cryptoKey(verifyKey, 'verify', 'invalid_bundle_signature', label);
  let verified = false;
  try {
    verified = await globalThis.crypto.subtle.verify(ED25519, key, signature, bytes.subarray(0, signedLength));
  } catch {
    verified = false;
  }
  if (!verified) {
    throw new ScopegateError(
      `${label}: the bundle's signature does not verify with verifyKey (tampered, or signed by another key)`,
      'invalid_bundle_signature',
    );
  }
}

const engineLoaded = typeof engine.Policy === 'function';

if (engineLoaded) {
  /**
   * Loads a policy from a compiled bundle (`policy.toBundle()`, `scopegate compile`). With
   * `verifyKey` (an Ed25519 public key: PEM, JWK or CryptoKey), an unsigned, tampered or
   * foreign-signed bundle is refused with `invalid_bundle_signature`.
   */
  engine.Policy.fromBundle = async function fromBundle(bytes, loadOptions) {
    const label = 'Policy.fromBundle';
    requireReady(label);
    const data = bundleBytes(bytes, label);
    const { verifyKey } = options(loadOptions, label, ['verifyKey']);
    if (verifyKey !== undefined) await checkSignature(data, verifyKey, label);
    return call(label, () => engine.Policy.fromBundleBytes(data));
  };

  if (FULL) {
    const toBundleBytes = engine.Policy.prototype.toBundleBytes;
    /**
     * The policy as a compiled bundle (a Uint8Array): `stripDescriptions` leaves the descriptions
     * out; `signingKey` (an Ed25519 private key: PKCS#8 PEM, JWK or CryptoKey) signs it.
     */
    engine.Policy.prototype.toBundle = async function toBundle(writeOptions) {
      const label = 'Policy.toBundle';
      const { stripDescriptions = false, signingKey } = options(writeOptions, label, ['stripDescriptions', 'signingKey']);
      if (typeof stripDescriptions !== 'boolean') {
        throw new ScopegateError(`${label}: stripDescriptions must be a boolean`, 'invalid_argument');
      }
      const bytes = call(label, () => toBundleBytes.call(this, stripDescriptions));
      if (signingKey === undefined) return bytes;
      const key = await cryptoKey(signingKey, 'sign', 'invalid_key', label);
      const signature = new Uint8Array(await globalThis.crypto.subtle.sign(ED25519, key, bytes));
      // (Read by name: the lite module has no such export, and bundlers warn about a static one.)
      return call(label, () => Reflect.get(engine, 'appendBundleSignature')(bytes, signature));
    };
  }
}

/** The largest bundle a Policy loads (Limits::max_document_bytes): RemoteBundle's default maxBytes. */
const MAX_BUNDLE_BYTES = 8 * 1024 * 1024;

/**
 * The body of a fetched `response` as bytes, refused once it is longer than `maxBytes`: a larger
 * Content-Length is refused before reading, and a body is read no further than that, so a wrong
 * or hostile URL cannot fill the memory of the worker that reads it. A response without a stream
 * body (a custom `fetch` may answer a plain object) is read whole with arrayBuffer() or text().
 */
export async function bodyUpTo(response, maxBytes) {
  const tooLarge = () => new Error(`the body has more than maxBytes (${maxBytes} bytes)`);
  const body = response.body;
  const stream = typeof body?.getReader === 'function';
  if (Number(response.headers?.get?.('content-length')) > maxBytes) {
    if (stream) body.cancel().catch(() => {});
    throw tooLarge();
  }
  if (!stream) {
    const bytes = typeof response.arrayBuffer === 'function'
      ? new Uint8Array(await response.arrayBuffer())
      : new TextEncoder().encode(await response.text());
    if (bytes.byteLength > maxBytes) throw tooLarge();
    return bytes;
  }
  const reader = body.getReader();
  const chunks = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > maxBytes) {
      reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/**
 * A policy bundle kept up to date from a URL: fetched with `If-None-Match` once `ttl` seconds
 * have passed, swapped in whole between requests, and the last good policy kept on any failure
 * (network, HTTP error, bad signature, bad bytes, a body over `maxBytes`), reported to `onError`.
 * `policy()` resolves to the current Policy; guard() takes a RemoteBundle as its `policy`.
 */
export class RemoteBundle {
  #url;
  #verifyKey;
  #fetch;
  #ttl;
  #timeout;
  #maxBytes;
  #onError;
  #onUpdate;
  #policy = null;
  #etag = null;
  #checkedAt = -Infinity;
  #inFlight = null;
  #lastError = null;
  #fetches = 0;
  #loads = 0;

  constructor(url, remoteOptions) {
    if (typeof url !== 'string' && !(url instanceof URL)) {
      throw new ScopegateError('RemoteBundle needs the bundle URL', 'invalid_argument');
    }
    const { verifyKey, ttl, timeout, maxBytes, fetch: fetchFn, onError, onUpdate } = options(
      remoteOptions, 'RemoteBundle', ['verifyKey', 'ttl', 'timeout', 'maxBytes', 'fetch', 'onError', 'onUpdate'],
    );
    for (const [name, fn] of [['fetch', fetchFn], ['onError', onError], ['onUpdate', onUpdate]]) {
      if (fn !== undefined && typeof fn !== 'function') {
        throw new ScopegateError(`RemoteBundle: ${name} must be a function`, 'invalid_argument');
      }
    }
    this.#url = String(url);
    this.#verifyKey = verifyKey;
    this.#fetch = fetchFn ?? globalThis.fetch.bind(globalThis);
    this.#ttl = seconds('RemoteBundle', 'ttl', ttl, 60);
    this.#timeout = seconds('RemoteBundle', 'timeout', timeout, 5);
    this.#maxBytes = byteLimit('RemoteBundle', maxBytes, MAX_BUNDLE_BYTES);
    this.#onError = onError;
    this.#onUpdate = onUpdate;
  }

  /** How many times the URL was fetched, and how many bundles were loaded (for tests, metrics). */
  get fetches() {
    return this.#fetches;
  }

  get loads() {
    return this.#loads;
  }

  /** The last failure (a ScopegateError), or null after a success. */
  get lastError() {
    return this.#lastError;
  }

  /**
   * The current Policy, checking the URL first when `ttl` has passed. Rejects with
   * `policy_unavailable` only while no bundle has ever loaded.
   */
  async policy() {
    if (this.#policy && Date.now() - this.#checkedAt < this.#ttl * 1000) return this.#policy;
    this.#inFlight ??= this.#check().finally(() => {
      this.#inFlight = null;
    });
    return this.#inFlight;
  }

  async #check() {
    this.#fetches += 1;
    this.#checkedAt = Date.now();
    const headers = { accept: 'application/octet-stream' };
    if (this.#etag !== null && this.#policy) headers['if-none-match'] = this.#etag;
    let response;
    try {
      response = await this.#fetch(this.#url, { headers, signal: AbortSignal.timeout(this.#timeout * 1000) });
    } catch (cause) {
      return this.#failed(`could not be fetched (${cause?.message ?? cause})`, cause);
    }
    if (response?.status === 304 && this.#policy) {
      this.#lastError = null;
      return this.#policy;
    }
    if (!response?.ok) return this.#failed(`answered HTTP ${response?.status}`);
    let policy;
    try {
      const bytes = await bodyUpTo(response, this.#maxBytes);
      policy = await Policy.fromBundle(bytes, this.#verifyKey === undefined ? undefined : { verifyKey: this.#verifyKey });
    } catch (cause) {
      const detail = cause instanceof ScopegateError ? `${cause.code}: ${cause.message}` : (cause?.message ?? cause);
      return this.#failed(`gave no usable bundle (${detail})`, cause);
    }
    // The previous Policy is not freed here: a request may still be deciding with it. The
    // garbage collector frees it (wasm-bindgen's finalizers) once nothing uses it.
    this.#policy = policy;
    this.#etag = response.headers.get('etag');
    this.#lastError = null;
    this.#loads += 1;
    try {
      this.#onUpdate?.(policy);
    } catch {
      // A failing callback must not take the policy down with it.
    }
    return policy;
  }

  #failed(what, cause) {
    const error = new ScopegateError(`the policy bundle at ${this.#url} ${what}`, 'policy_unavailable');
    if (cause !== undefined) error.cause = cause;
    this.#lastError = error;
    try {
      this.#onError?.(error);
    } catch {
      // As above.
    }
    if (this.#policy) return this.#policy;
    throw error;
  }
}
