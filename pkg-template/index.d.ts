// scopegate (full build): scopes, policies, decisions, decoding and signature verification.
import type { ClockOptions, Decision, Grant, ScopegateError, Token } from './types.js';
import type { Session as SessionInstance, SessionClass } from './types.js';
import { SessionStoreOf } from './types.js';
import { BundleBytes, BundleKey, BundleLoadOptions, PolicyBase, PolicyDocument, RemoteBundleBase } from './types.js';

export * from './types.js';

/** JWT verification keys: an HMAC secret, a PEM public key, a JWK or a JWKS. */
export type VerifierKeys =
  | { secret: string | Uint8Array; kid?: string }
  | { pem: string; kid?: string }
  | { jwk: string | object; kid?: string }
  | { jwks: string | object }
  /** A Node `KeyObject` (node:crypto): public key or HMAC secret. */
  | { key: { type: string; export(options?: object): unknown }; kid?: string };

/** Supported JWS algorithms (`none` never is). */
export type Algorithm =
  | 'HS256' | 'HS384' | 'HS512' | 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512'
  | 'ES256' | 'ES384' | 'EdDSA' | 'Ed25519';

/** Verification options, with jose's names. Times are in seconds. */
export interface VerifyOptions {
  algorithms: Algorithm[];
  issuer?: string | string[];
  audience?: string | string[];
  /** Seconds, or a duration as jose writes it: `'30s'`, `'5 minutes'`, `'2h'`. */
  clockTolerance?: number | string;
  /** Seconds, or a duration as jose writes it (`'1h'`); measured from `iat`. */
  maxTokenAge?: number | string;
  typ?: string;
  requiredClaims?: string[];
  maxSize?: number;
  scopeClaim?: string;
  /** How many verified tokens to remember (never past their `exp`); default 0, no cache. */
  cacheSize?: number;
}


/**
 * Verifies JWT access tokens with fixed keys and options. HMAC signatures are verified in
 * WebAssembly; RSA, ECDSA and EdDSA signatures by the platform's WebCrypto (a platform without
 * Ed25519 in WebCrypto refuses EdDSA tokens with `algorithm_not_allowed`). Free it with `free()`
 * or `using`.
 */
export declare class Verifier {
  constructor(keys: VerifierKeys, options: VerifyOptions);
  /** A Verifier for a WebCrypto `CryptoKey` (extractable) or a Node `KeyObject`, as jose takes them. */
  static fromKey(key: CryptoKey | { type: string; export(options?: object): unknown }, options: VerifyOptions, kid?: string): Promise<Verifier>;
  /** Resolves to the verified token (a frozen object: cache hits share it); rejects with a ScopegateError. */
  verify(token: string, options?: ClockOptions): Promise<Readonly<Token>>;
  /**
   * Verifies a detached signature over `message` (the JWS encoding: `r || s` for ECDSA) with the
   * key a token naming `options.kid` and `algorithm` would get; resolves when it verifies.
   */
  verifySignature(algorithm: Algorithm, message: Uint8Array, signature: Uint8Array, options?: { kid?: string }): Promise<void>;
  /** How many verified tokens the cache holds. */
  readonly cachedTokens: number;
  clearCache(): void;
  free(): void;
  [Symbol.dispose](): void;
}

/** The result of `Policy.authorize`. */
export declare class Authorization {
  private constructor();
  /** The endpoint decision (a refusal for lack of scope is a decision, not an error). */
  readonly decision: Decision;
  /** The verified token (frozen). */
  readonly token: Readonly<Token>;
  /** The token's scopes under the policy: made on first read (`policy.expand(token.scopes)`), freed by `free()`. */
  readonly grant: Grant;
  readonly source: 'header' | 'query';
  /** The token's `sub`. */
  readonly subject: string | null;
  /** The token's `client_id`. */
  readonly clientId: string | null;
  /** The granted scopes, sorted. */
  readonly scopes: string[];
  toJSON(): { decision: Decision; token: Token; grant: ReturnType<Grant['toJSON']>; source: 'header' | 'query' };
  /** Frees the grant, if it was read. */
  free(): void;
  [Symbol.dispose](): void;
}

/** A compiled policy (full build: can authorize whole requests). */
export declare class Policy extends PolicyBase {
  /** Loads and compiles a policy; throws ScopegateError (`invalid_policy`, ...) with every problem. */
  constructor(policy: string | PolicyDocument);
  private readonly __scopegateBuild: 'full';
  /** Loads a compiled bundle; with `verifyKey`, only one signed by that key. */
  static fromBundle(bytes: BundleBytes, options?: BundleLoadOptions): Promise<Policy>;
  /** The policy as a compiled bundle; `signingKey` (Ed25519 private key) signs it. */
  toBundle(options?: { stripDescriptions?: boolean; signingKey?: BundleKey }): Promise<Uint8Array>;
  /**
   * Finds, verifies (through the verifier's cache) and checks the request's bearer token, then
   * decides. Token problems reject with a ScopegateError; a token without the scopes resolves to
   * an Authorization whose decision is a refusal.
   */
  authorize(
    method: string,
    target: string,
    authorization: string | null | undefined,
    verifier: Verifier,
    options?: ClockOptions,
  ): Promise<Authorization>;
}

/** Options of a RemoteJwks: verification options plus fetching. Times in seconds. */
export interface RemoteJwksOptions extends VerifyOptions {
  /** How long fetched keys are used before a refetch (default 600; Cache-Control max-age wins, within [cooldown, ttl]). */
  ttl?: number;
  /** Minimum time between two fetches, also after an unknown `kid` (default 30). */
  cooldown?: number;
  /** Fetch timeout (default 5). */
  timeout?: number;
  /** The fetch function (default globalThis.fetch). */
  fetch?: (input: string, init?: RequestInit) => Promise<Response>;
  /**
   * How long past their expiry the last good keys stay in use while refetches fail
   * (stale-if-error; default 86400, one day).
   */
  maxStale?: number;
  /**
   * The largest JWKS (and, for `fromIssuer`, metadata document) read, in bytes (default 1048576,
   * 1 MiB); a larger body is a failed fetch, read no further.
   */
  maxBytes?: number;
  /** Told of each failed fetch (network, timeout, non-2xx, a body over maxBytes or not a valid key set). */
  onError?: (error: ScopegateError) => void;
}

/** A JWKS fetched from a URL, cached, refetched on key rotation (one fetch in flight at most). */
export declare class RemoteJwks {
  constructor(url: string | URL, options: RemoteJwksOptions);
  /**
   * The keys an issuer publishes, found by OpenID Connect Discovery or RFC 8414 metadata (cached
   * per issuer); `options.issuer` defaults to `issuer`. Rejects with `jwks_unavailable`.
   */
  static fromIssuer(issuer: string, options: RemoteJwksOptions): Promise<RemoteJwks>;
  /** How many times the key set was fetched. */
  readonly fetches: number;
  /** The last failure to fetch or read the key set (code `jwks_unavailable`), null after a success. */
  readonly lastError: ScopegateError | null;
  /**
   * The current Verifier (fetches when none or stale). Rejects with a ScopegateError
   * (`jwks_unavailable`) when no usable keys are at hand.
   */
  verifier(): Promise<Verifier>;
  /** Refetches after an unknown `kid`; null within the cool-down. */
  refresh(): Promise<Verifier | null>;
  /**
   * Verifies with the current keys, refetching once when the token names an unknown key
   * (rotation), as guard() does. Rejects with a ScopegateError.
   */
  verify(token: string, options?: ClockOptions): Promise<Readonly<Token>>;
}

/** Options of guard(). */
export interface GuardOptions {
  policy: Policy | RemoteBundle;
  verifier: Verifier | RemoteJwks;
  /** Prefix of the headers the guard sets and strips from clients (default `x-scopegate-`). */
  headerPrefix?: string;
  /** The `realm` of WWW-Authenticate challenges. */
  realm?: string;
  /** Fix the clock (tests). */
  currentDate?: Date;
  /** Send each error's own message to the client instead of the short generic description. */
  detailedErrors?: boolean;
}

/** What checkRequest resolves to. */
export type CheckedRequest =
  | { allowed: false; response: Response }
  | {
      allowed: true;
      /** The request to forward: client-sent `headerPrefix` headers removed, the trusted ones set. */
      request: Request;
      outcome: { decision: Decision; subject: string | null; clientId: string | null; scopes: string[]; data: 'own' | 'all' | null; rule: string | null };
    };

/**
 * The path a policy decides for a service mounted at `basePath`: `pathname` without the prefix,
 * or null when `pathname` is outside it (refused as no_matching_rule). Exact comparison: no case
 * folding, no percent-decoding. Throws `invalid_argument` for a `basePath` not starting with "/"
 * or holding a query or fragment.
 */
export declare function pathUnderBase(pathname: string, basePath: string): string | null;

/** guard()'s check for code that answers by itself (framework middlewares); `basePath` is stripped before deciding. */
export declare function checkRequest(request: Request, options: GuardOptions & { basePath?: string }): Promise<CheckedRequest>;

/** The HTTP answer to a refusal (the Rust core's `Refusal`). */
export interface RefusalAnswer {
  status: 400 | 401 | 403 | 503;
  /** The WWW-Authenticate header value (none for 503). */
  challenge: string | null;
  body: { error: string; code: string; message: string; rule?: string | null; missing?: string[] };
}

/**
 * The answer guard() sends for a refusal: an error (a ScopegateError) or a refusing decision
 * (null for an allowing one). Descriptions are generic unless `detailedErrors`.
 */
export declare function refusalFor(refused: ScopegateError | Decision, options?: { realm?: string; detailedErrors?: boolean }): RefusalAnswer | null;
/** A Fetch API Response for a refusalFor answer. */
export declare function refusalResponse(answer: RefusalAnswer): Response;

/**
 * Checks a Fetch API Request: resolves to a refusal Response (401/403/400/503, RFC 6750) or to the
 * Request to forward, with `<prefix>subject`, `scopes`, `data` (own/all), `rule`, `client-id`
 * headers set and client-sent ones removed.
 */
export declare function guard(request: Request, options: GuardOptions): Promise<Request | Response>;

/** A policy bundle kept up to date from a URL; guard() takes it as its `policy`. */
export declare class RemoteBundle extends RemoteBundleBase<Policy> {}

/** Sessions and the store of this build: they take this build's Policy only. */
export declare const Session: SessionClass<Policy>;
export type Session = SessionInstance;
export declare class SessionStore extends SessionStoreOf<Policy> {}
