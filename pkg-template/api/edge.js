// Edge glue for the full build: remote JWKS (fetch is JavaScript I/O) and guard(request) for the
// Fetch API. Finding, verifying and deciding is done by Policy.authorize (verify.js and the
// WebAssembly core).
import { Verifier } from './verify.js';
import { ScopegateError } from '../errors.js';
import { RemoteBundle, bodyUpTo } from './bundle.js';
import { byteLimit, converted, seconds } from './ready.js';
import * as engine from './scopegate.js';

export { Verifier, Authorization } from './verify.js';

/**
 * A JWKS fetched from the issuer's URL and turned into a Verifier. The keys are cached for `ttl`
 * seconds (or the response's Cache-Control max-age, within [cooldown, ttl]); a token naming an
 * unknown `kid` triggers a refetch, at most once per `cooldown` seconds; never more than one
 * fetch is in flight.
 *
 * It fails safe: when a refetch fails (network error, timeout, a non-2xx answer, a body over
 * `maxBytes` or not a valid key set), the last good keys stay in use for up to `maxStale`
 * seconds past their expiry (stale-if-error), and `onError(error)` is told. Without good keys,
 * `verifier()` throws a ScopegateError with code `jwks_unavailable` (guard() answers 503).
 * Nothing else is thrown.
 */
/**
 * `use(verifier)` with `source`'s keys: a Verifier as it is; a RemoteJwks's current keys, and once
 * more with refetched keys when the token names a key they do not hold (rotation).
 */
async function withKeys(source, use) {
  if (!(source instanceof RemoteJwks)) return use(source);
  try {
    return await use(await source.verifier());
  } catch (error) {
    const rotated = error?.code === 'key_not_found' ? await source.refresh() : null;
    if (!rotated) throw error;
    return use(rotated);
  }
}

/** Issuer → the promise of its `jwks_uri` (RemoteJwks.fromIssuer). */
const discovered = new Map();

/** The metadata URLs of `issuer`: OpenID Connect Discovery first, then RFC 8414. */
function metadataUrls(issuer) {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/$/, '');
  return [
    `${url.origin}${path}/.well-known/openid-configuration`,
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
  ];
}

/** A JWKS (or metadata document) larger than this is refused unless `maxBytes` says otherwise. */
const MAX_JWKS_BYTES = 1024 * 1024;

async function discoverJwksUri(issuer, fetchFn, maxBytes) {
  const failures = [];
  for (const url of metadataUrls(issuer)) {
    let metadata;
    try {
      const response = await fetchFn(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(5000) });
      if (!response?.ok) {
        failures.push(`${url}: HTTP ${response?.status}`);
        continue;
      }
      metadata = JSON.parse(new TextDecoder().decode(await bodyUpTo(response, maxBytes)));
    } catch (cause) {
      failures.push(`${url}: ${cause?.message ?? cause}`);
      continue;
    }
    if (metadata?.issuer !== issuer) {
      throw new ScopegateError(`the metadata at ${url} names issuer ${JSON.stringify(metadata?.issuer)}, not ${JSON.stringify(issuer)}`, 'jwks_unavailable');
    }
    const jwksUri = metadata.jwks_uri;
    const parsed = typeof jwksUri === 'string' && URL.canParse(jwksUri) ? new URL(jwksUri) : null;
    const local = parsed && ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
    if (!parsed || !(parsed.protocol === 'https:' || (parsed.protocol === 'http:' && local))) {
      throw new ScopegateError(`the metadata at ${url} has no https jwks_uri (${JSON.stringify(jwksUri)})`, 'jwks_unavailable');
    }
    return jwksUri;
  }
  throw new ScopegateError(`no OpenID Connect or OAuth 2.0 metadata for ${issuer} (${failures.join('; ')})`, 'jwks_unavailable');
}

export class RemoteJwks {
  #url;
  #options;
  #fetch;
  #ttl;
  #cooldown;
  #timeout;
  #maxStale;
  #maxBytes;
  #onError;
  #verifier = null;
  #fetchedAt = -Infinity;
  #expiresAt = -Infinity;
  #inFlight = null;
  #lastError = null;
  #fetches = 0;

  constructor(url, options) {
    if (typeof url !== 'string' && !(url instanceof URL)) {
      throw new ScopegateError('RemoteJwks needs the JWKS URL', 'invalid_argument');
    }
    if (options === null || typeof options !== 'object' || !Array.isArray(options.algorithms)) {
      throw new ScopegateError('RemoteJwks needs verify options with `algorithms`', 'invalid_argument');
    }
    const { fetch: fetchFn, ttl, cooldown, timeout, maxStale, maxBytes, onError, ...verify } = options;
    if (onError !== undefined && typeof onError !== 'function') {
      throw new ScopegateError('onError must be a function', 'invalid_argument');
    }
    if (fetchFn !== undefined && typeof fetchFn !== 'function') {
      throw new ScopegateError('fetch must be a function', 'invalid_argument');
    }
    this.#url = String(url);
    this.#options = verify;
    this.#fetch = fetchFn ?? globalThis.fetch.bind(globalThis);
    this.#ttl = seconds('RemoteJwks', 'ttl', ttl, 600);
    this.#cooldown = seconds('RemoteJwks', 'cooldown', cooldown, 30);
    this.#timeout = seconds('RemoteJwks', 'timeout', timeout, 5);
    this.#maxStale = seconds('RemoteJwks', 'maxStale', maxStale, 86400);
    this.#maxBytes = byteLimit('RemoteJwks', maxBytes, MAX_JWKS_BYTES);
    this.#onError = onError;
  }

  /**
   * A RemoteJwks for the keys an issuer publishes, found by metadata discovery: OpenID Connect
   * (`<issuer>/.well-known/openid-configuration`), then RFC 8414
   * (`<origin>/.well-known/oauth-authorization-server<path>`). The metadata's `issuer` must be
   * exactly `issuer` (OpenID Connect Discovery §4.3, RFC 8414 §3.3) and its `jwks_uri` an https URL
   * (http only for localhost); `options.issuer` defaults to `issuer`. Discovery is cached per issuer
   * (failures are not). Rejects with `jwks_unavailable` when no metadata is found or it is wrong.
   */
  static fromIssuer(issuer, options) {
    if (typeof issuer !== 'string' || !URL.canParse(issuer)) {
      return Promise.reject(new ScopegateError('RemoteJwks.fromIssuer needs the issuer URL', 'invalid_argument'));
    }
    let maxBytes;
    try {
      maxBytes = byteLimit('RemoteJwks.fromIssuer', options?.maxBytes, MAX_JWKS_BYTES);
    } catch (error) {
      return Promise.reject(error);
    }
    const fetchFn = options?.fetch ?? globalThis.fetch.bind(globalThis);
    let jwksUri = discovered.get(issuer);
    if (jwksUri === undefined) {
      jwksUri = discoverJwksUri(issuer, fetchFn, maxBytes);
      discovered.set(issuer, jwksUri);
      jwksUri.catch(() => discovered.delete(issuer));
    }
    return jwksUri.then((url) => new RemoteJwks(url, { issuer, ...options }));
  }

  /** How many times the JWKS was fetched (for tests and metrics). */
  get fetches() {
    return this.#fetches;
  }

  /** The last failure to fetch or read the key set (a ScopegateError), or null after a success. */
  get lastError() {
    return this.#lastError;
  }

  /**
   * The current Verifier, fetching the keys first when there are none or they are stale. Throws
   * a ScopegateError (`jwks_unavailable`) when no usable keys are at hand.
   */
  async verifier() {
    if (this.#verifier && Date.now() < this.#expiresAt) return this.#verifier;
    if (Date.now() - this.#fetchedAt < this.#cooldown * 1000) {
      return this.#inFlight ?? this.#lastGood();
    }
    return this.#load();
  }

  /**
   * Refetches after a token named an unknown key (rotation). Returns the new Verifier, or null
   * when the last fetch is younger than the cool-down.
   */
  async refresh() {
    if (Date.now() - this.#fetchedAt < this.#cooldown * 1000) {
      return this.#inFlight ? this.#inFlight : null;
    }
    return this.#load();
  }

  /**
   * Verifies `token` with the current keys; a token naming a key the set does not hold triggers
   * one refetch (rotation, within the cool-down), as guard() does. Resolves to the verified token;
   * rejects with a ScopegateError (`jwks_unavailable` without usable keys).
   */
  verify(token, options) {
    return withKeys(this, (verifier) => verifier.verify(token, options));
  }

  #load() {
    this.#inFlight ??= this.#fetchKeys().finally(() => {
      this.#inFlight = null;
    });
    return this.#inFlight;
  }

  async #fetchKeys() {
    this.#fetches += 1;
    this.#fetchedAt = Date.now();
    let response;
    try {
      response = await this.#fetch(this.#url, {
        headers: { accept: 'application/jwk-set+json, application/json' },
        signal: AbortSignal.timeout(this.#timeout * 1000),
      });
    } catch (cause) {
      return this.#failed(`could not be fetched (${cause?.message ?? cause})`, cause);
    }
    if (!response?.ok) return this.#failed(`answered HTTP ${response?.status}`);
    let verifier;
    let maxAge;
    try {
      const text = new TextDecoder().decode(await bodyUpTo(response, this.#maxBytes));
      verifier = new Verifier({ jwks: text }, this.#options);
      maxAge = /max-age=(\d+)/i.exec(response.headers.get('cache-control') ?? '')?.[1];
    } catch (cause) {
      // An unreadable body, or one that is not a valid key set (invalid_json, invalid_key, ...).
      const detail = cause instanceof ScopegateError ? `${cause.code}: ${cause.message}` : (cause?.message ?? cause);
      return this.#failed(`gave no usable key set (${detail})`, cause);
    }
    const ttl = maxAge === undefined ? this.#ttl : Math.min(Math.max(Number(maxAge), this.#cooldown), this.#ttl);
    // The previous Verifier is not freed here: a verification may still be awaiting WebCrypto
    // with it. The garbage collector frees it (wasm-bindgen's finalizers) once nothing uses it.
    this.#verifier = verifier;
    this.#expiresAt = this.#fetchedAt + ttl * 1000;
    this.#lastError = null;
    return verifier;
  }

  #failed(what, cause) {
    const error = new ScopegateError(`the JWKS at ${this.#url} ${what}`, 'jwks_unavailable');
    if (cause !== undefined) error.cause = cause;
    this.#lastError = error;
    try {
      this.#onError?.(error);
    } catch {
      // A failing callback must not take the key set down with it.
    }
    return this.#lastGood();
  }

  /** The last good keys while they are within `maxStale` of their expiry (stale-if-error). */
  #lastGood() {
    if (this.#verifier && Date.now() <= this.#expiresAt + this.#maxStale * 1000) return this.#verifier;
    const reason = this.#lastError ? this.#lastError.message : `the JWKS at ${this.#url} has not been fetched`;
    throw new ScopegateError(
      this.#verifier ? `${reason}; the last good keys are older than maxStale` : reason,
      'jwks_unavailable',
    );
  }
}

/**
 * The HTTP answer to a refusal: an error (a ScopegateError: no token, a bad token, no keys or no
 * policy) or a refusing decision, as `{ status, challenge, body }` (null for an allowing
 * decision). The mapping is the Rust core's (`Refusal`); descriptions are generic unless
 * `detailedErrors` (the detailed message stays on the error, for logs).
 */
export function refusalFor(refused, options) {
  if (refused instanceof Error) {
    return engine.refusalForError(refused.code ?? 'malformed_token', refused.message ?? String(refused), answerOptions(options));
  }
  return engine.refusalForDecision(refused, answerOptions(options));
}

/** The engine's answer options from `{ realm, detailedErrors }`. */
function answerOptions(options) {
  const { realm, detailedErrors } = options ?? {};
  return { realm: realm ?? null, detailedErrors: detailedErrors === true };
}

/** A Fetch API Response for `refusalFor`'s answer. */
export function refusalResponse({ status, challenge, body }) {
  const headers = new Headers({ 'content-type': 'application/json', 'cache-control': 'no-store' });
  if (challenge) headers.set('www-authenticate', challenge);
  return new Response(JSON.stringify(body), { status, headers });
}

/**
 * The path a policy decides for a service mounted at `basePath` (Hono's `app.route('/api', api)`,
 * Express's `app.use('/api', router)`): `pathname` without that prefix, or `null` when `pathname`
 * is outside it (no rule covers it). The comparison is exact: a path that reaches the base only by
 * case folding or percent-decoding is outside it. Throws `invalid_argument` for a `basePath` that
 * does not start with "/" or holds a query or fragment.
 */
export function pathUnderBase(pathname, basePath) {
  try {
    return engine.pathUnderBase(pathname, basePath);
  } catch (error) {
    throw converted(error, 'pathUnderBase');
  }
}

/**
 * Checks a Fetch API Request against the policy, as guard() does, for code that answers by itself
 * (the framework middlewares): resolves to `{ allowed: false, response }` (the RFC 6750 refusal)
 * or `{ allowed: true, outcome, request }`, where `outcome` is `{ decision, subject, clientId,
 * scopes, data, rule }` and `request` is the request without any client-sent `headerPrefix`
 * headers, with the trusted ones set. `basePath` is stripped from the path before deciding (a
 * path outside it is refused as matching no rule).
 */
export async function checkRequest(request, options) {
  if (!(request instanceof Request)) {
    throw new ScopegateError('checkRequest needs a Fetch API Request', 'invalid_argument');
  }
  const { policy, verifier, headerPrefix = 'x-scopegate-', realm, currentDate, detailedErrors, basePath } = options ?? {};
  if (policy === null || (typeof policy?.authorize !== 'function' && !(policy instanceof RemoteBundle))) {
    throw new ScopegateError('`policy` must be a compiled Policy of the full build ("scopegate"), or a RemoteBundle', 'invalid_argument');
  }
  if (!(verifier instanceof Verifier) && !(verifier instanceof RemoteJwks)) {
    throw new ScopegateError('`verifier` must be a Verifier or a RemoteJwks', 'invalid_argument');
  }
  const url = new URL(request.url);
  const path = basePath === undefined ? url.pathname : pathUnderBase(url.pathname, basePath);
  const refused = (answer) => ({ allowed: false, response: refusalResponse(answer) });
  if (path === null) {
    // Outside the base path no rule of this policy applies: refused, as a path no rule covers.
    return refused(engine.refusalNoMatchingRule(answerOptions({ realm, detailedErrors })));
  }
  const target = path + url.search;
  const authorization = request.headers.get('authorization');
  const clock = currentDate ? { currentDate } : undefined;

  let result;
  try {
    const deciding = policy instanceof RemoteBundle ? await policy.policy() : policy;
    result = await withKeys(verifier, (current) => deciding.authorize(request.method, target, authorization, current, clock));
  } catch (error) {
    if (!(error instanceof ScopegateError)) throw error;
    return refused(refusalFor(error, { realm, detailedErrors }));
  }

  const { decision, subject, clientId, scopes } = result;
  result.free();
  if (!decision.allowed) return refused(refusalFor(decision, { realm, detailedErrors }));

  const headers = new Headers(request.headers);
  const prefix = headerPrefix.toLowerCase();
  for (const name of [...headers.keys()]) {
    if (name.startsWith(prefix)) headers.delete(name);
  }
  if (subject !== null) headers.set(`${prefix}subject`, subject);
  if (clientId !== null) headers.set(`${prefix}client-id`, clientId);
  headers.set(`${prefix}scopes`, scopes.join(' '));
  headers.set(`${prefix}data`, decision.data);
  if (decision.rule) headers.set(`${prefix}rule`, decision.rule);
  const outcome = { decision, subject, clientId, scopes, data: decision.data, rule: decision.rule };
  return { allowed: true, outcome, request: new Request(request, { headers }) };
}

/**
 * Checks a Fetch API Request against the policy: bearer token from the Authorization header or,
 * where the policy's transport allows, the access_token query parameter; verified (Verifier or
 * RemoteJwks); decided. Resolves to a Response (401/403/400/503 refusal per RFC 6750) or to the
 * Request to forward: headers starting with `headerPrefix` (default `x-scopegate-`) removed, then
 * `<prefix>subject`, `<prefix>scopes`, `<prefix>data` (own/all), `<prefix>rule` and
 * `<prefix>client-id` set.
 */
export async function guard(request, options) {
  if (!(request instanceof Request)) {
    throw new ScopegateError('guard needs a Fetch API Request', 'invalid_argument');
  }
  const checked = await checkRequest(request, options);
  return checked.allowed ? checked.request : checked.response;
}
