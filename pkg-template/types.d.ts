/// <reference lib="esnext.disposable" />
// Types shared by the full and lite builds of scopegate.

/** Stable error codes (the same strings as the Rust `ErrorCode`). */
export type ErrorCode =
  | 'invalid_scope' | 'invalid_policy' | 'invalid_json' | 'unsupported_version' | 'unknown_field'
  | 'missing_field' | 'invalid_type' | 'invalid_value' | 'duplicate_rule_id' | 'duplicate_name'
  | 'duplicate_key'
  | 'unknown_scope' | 'implies_cycle' | 'invalid_pattern' | 'invalid_method' | 'invalid_path'
  | 'invalid_argument' | 'token_expired' | 'token_not_yet_valid' | 'invalid_signature'
  | 'algorithm_not_allowed' | 'key_not_found' | 'claim_invalid' | 'claim_missing' | 'invalid_key'
  | 'malformed_token' | 'unsupported_token' | 'token_too_large' | 'invalid_options'
  | 'clock_unavailable' | 'invalid_request' | 'token_response_error' | 'invalid_token_response'
  | 'token_missing' | 'token_in_query_not_allowed' | 'client_unsafe_token'
  /** A RemoteJwks has no usable key set (fetch failed, and no good keys within maxStale). */
  | 'jwks_unavailable'
  /** A call ran the WebAssembly module out of memory (or trapped); the objects it used may be unusable. */
  | 'resource_exhausted'
  /** scopegate/slim: a call before initialize() or initializeSync(). */
  | 'not_initialized'
  /** Bytes that are not a compiled policy bundle of this format version (Policy.fromBundle). */
  | 'invalid_bundle'
  /** A bundle's signature is missing, does not verify, or the verification key cannot be used. */
  | 'invalid_bundle_signature'
  /** A RemoteBundle has no policy yet (its first fetch failed or gave no usable bundle). */
  | 'policy_unavailable'
  | 'invalid_openapi'
  | 'invalid_test_file';

/** One problem of an invalid policy. */
export interface Problem {
  code: ErrorCode;
  message: string;
  /** JSON pointer (RFC 6901) to the offending value, such as `/rules/3/paths/0`. */
  pointer: string | null;
}

/** Every error scopegate throws. */
export declare class ScopegateError extends Error {
  constructor(message?: string, code?: ErrorCode);
  readonly name: 'ScopegateError';
  readonly code: ErrorCode;
  /** JSON pointer for policy and input errors. */
  readonly pointer: string | null;
  /** The token claim concerned, for claim errors. */
  readonly claim: string | null;
  /** Every problem found, for `invalid_policy`. */
  readonly problems: Problem[];
}

/** Why a request was allowed or refused. */
export type Reason =
  | 'allowed' | 'no_matching_rule' | 'insufficient_scope' | 'denied_by_rule' | 'invalid_path'
  | 'invalid_method' | 'token_expired';

/** Which data an allowed caller sees. */
export type DataRange = 'own' | 'all';

/** Scopes as a space-delimited string (RFC 6749 §3.3) or a list. */
export type Scopes = string | readonly string[];

/** The decision for one request. */
export interface Decision {
  allowed: boolean;
  reason: Reason;
  /** The id of the deciding rule. */
  rule: string | null;
  /** The smallest set of scopes that would allow the request (insufficient_scope). */
  missing: string[];
  /** For an allowed request: own data only, or all of it. */
  data: DataRange | null;
  /** The `{name}` values captured by the deciding rule's path pattern. */
  params: Record<string, string>;
  /** For a refusal: the RFC 6750 `WWW-Authenticate` header value. */
  challenge: string | null;
}

/** A rule of a policy document. */
export interface Rule {
  id: string;
  methods: string[];
  paths: string[];
  except?: string[];
  any_of?: string[];
  all_of?: string[];
  effect: 'allow' | 'deny';
  description?: string;
}

/** A scope definition of a policy document. */
export interface ScopeDefinition {
  description?: string;
  subject: 'end_user' | 'machine' | 'any';
  client_safe: boolean;
  implies?: string[];
}

/** A policy document (format version 1; see policy.schema.json). */
export interface PolicyDocument {
  $schema?: string;
  version: 1;
  name: string;
  description?: string;
  scopes: Record<string, ScopeDefinition | Partial<ScopeDefinition>>;
  roles?: Record<string, string[]>;
  default_scopes: 'all' | string[];
  unknown_scopes?: 'drop' | 'reject';
  transport?: { query?: string[] };
  rules: Array<Omit<Rule, 'effect'> & { effect?: 'allow' | 'deny' }>;
}

/** The scopes a token holds under a policy. Free it with `free()` or `using`. */
export declare class Grant {
  private constructor();
  /** The granted scopes, roles and `implies` expanded, sorted. */
  readonly granted: string[];
  /** Requested or held scopes that were not granted. */
  readonly dropped: string[];
  /** Whether nothing was requested, so the policy's default rule applied. */
  readonly defaulted: boolean;
  /** For each role involved, the granted scopes it contributed. */
  readonly roles: Record<string, string[]>;
  has(scope: string): boolean;
  toJSON(): { granted: string[]; dropped: string[]; defaulted: boolean; roles: Record<string, string[]> };
  free(): void;
  [Symbol.dispose](): void;
}

/** A validated, compiled policy. Free it with `free()` or `using`. */
/** Bundle bytes: what `toBundle()` and `scopegate compile` write. */
export type BundleBytes = Uint8Array | ArrayBuffer | ArrayBufferView;

/** An Ed25519 key for bundles: a CryptoKey, a PEM (`PUBLIC KEY` / `PRIVATE KEY`) or a JWK. */
export type BundleKey = CryptoKey | string | JsonWebKey;

/** Options of `Policy.fromBundle`. */
export interface BundleLoadOptions {
  /** Refuse the bundle (`invalid_bundle_signature`) unless this Ed25519 public key verifies its signature. */
  verifyKey?: BundleKey;
}

export declare class PolicyBase {
  readonly name: string;
  /** The SHA-256 (hex) of the policy's source: its JSON text, or what its bundle recorded. */
  readonly sourceSha256: string;
  /** requested ∩ allowed, with the policy's default rule when `requested` is null or empty. */
  grant(requested: Scopes | null | undefined, allowed: Scopes): Grant;
  /** The grant of a token that already carries `scopes`. */
  expand(scopes: Scopes): Grant;
  /** The full decision, as a plain object. */
  decide(method: string, path: string, grant: Grant): Decision;
  /** The fast path: only whether the request is allowed. */
  allows(method: string, path: string, grant: Grant): boolean;
  /** Decides many `[method, path]` pairs for one grant. */
  decideAll(requests: ReadonlyArray<readonly [string, string]>, grant: Grant): Decision[];
  /** The allow rules the grant satisfies. */
  allowedRules(grant: Grant): Rule[];
  /** The minimal scope sets that would allow `method path`. */
  scopesFor(method: string, path: string): string[][];
  /**
   * `scopesFor` as scope ids: the sets one after the other (indexes into `scopeNames`) and each
   * set's length (what `scopesFor` is built from).
   */
  scopesForIds(method: string, path: string): [Uint32Array, Uint32Array];
  /** The names of the scopes the policy declares, sorted. */
  readonly scopeNames: string[];
  /** Granted scopes whose tokens must never reach a browser. */
  clientUnsafeScopes(grant: Grant): string[];
  /** Whether a token with this grant may travel in a URL query (`?access_token=`). */
  queryTransportAllowed(grant: Grant): boolean;
  toJSON(): PolicyDocument;
  free(): void;
  [Symbol.dispose](): void;
}

/** A decoded JWT (unix seconds for dates). */
export interface Token {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  scopes: string[];
  subject: string | null;
  issuer: string | null;
  audience: string[];
  clientId: string | null;
  jwtId: string | null;
  expiresAt: number | null;
  issuedAt: number | null;
  notBefore: number | null;
}

/** Options for decoding. */
export interface DecodeOptions {
  /** Tokens longer than this (bytes) are refused with `token_too_large`. Default 16384. */
  maxSize?: number;
  /** The claim holding the scopes; default `scope` then `scp`. */
  scopeClaim?: string;
}

/** Decodes a JWT WITHOUT VERIFYING ANYTHING: for UIs that display it or hide controls. */
export declare function decodeUnverified(token: string, options?: DecodeOptions): Token;

/** An OAuth2 token response (RFC 6749 §5.1). */
export interface TokenResponse {
  accessToken: string;
  tokenType: string;
  expiresIn: number | null;
  refreshToken: string | null;
  /** The granted scopes: the response's `scope`, or the requested ones when it has none. */
  scopes: string[];
  scopeInResponse: boolean;
}

/** Parses a token endpoint response; §5.2 error responses throw `token_response_error`. */
export declare function parseTokenResponse(body: string | object, requested?: Scopes | null): TokenResponse;

/** Where a request carries its bearer token (RFC 6750), or null. */
export declare function bearerToken(
  authorization: string | null | undefined,
  query: string | null | undefined,
): { token: string; source: 'header' | 'query' } | null;

/** Parses scopes into a sorted, duplicate-free list (throws `invalid_scope`). */
export declare function parseScopes(scopes: Scopes): string[];

/** The `path_matching` options of a policy that change how a path normalizes. */
export interface NormalizeOptions {
  /** `;` is an ordinary character in a segment (default false: refused). */
  allowSemicolons?: boolean;
  /** One trailing `/` is dropped (default false: refused). */
  ignoreTrailingSlash?: boolean;
}

/**
 * The canonical form of a request path, as decisions read it: a path that normalizes to itself
 * (characters that may not stand raw, such as `?` in a segment, are percent-encoded). Paths that
 * servers could read differently (dot segments, `//`, `%2F`, raw spaces, ...) throw `invalid_path`.
 */
export declare function normalizePath(path: string, options?: NormalizeOptions): string;

/** The size in bytes of the WebAssembly linear memory (flat across long runs: no leak). */
export declare function wasmMemoryBytes(): number;

/** The package version. */
export declare function version(): string;

/** Per-call options: fix the clock. */
export interface ClockOptions {
  currentDate?: Date;
}

/** Options of the SessionStore checks: the clock, and values for a path template's `{name}`s. */
export interface StoreCheckOptions extends ClockOptions {
  params?: Record<string, string | number>;
}

/** How a Session is built. */
export interface SessionOptions extends DecodeOptions {
  /** Accept a token carrying `client_safe: false` scopes (never in a browser). Default false. */
  allowClientUnsafe?: boolean;
}

/** How a Session is built from a token response. */
export interface TokenResponseSessionOptions extends SessionOptions {
  /** The scopes that were requested (used when the response has no `scope`). */
  requested?: Scopes | null;
  /** When the response arrived (anchors `expires_in`); default now. */
  receivedAt?: Date;
}

/** Options of `SessionStore.signIn` and `refresh`. */
export interface StoreSignInOptions extends TokenResponseSessionOptions {
  /** Keep a token that has already expired (default false: refused with `token_expired`). */
  acceptExpired?: boolean;
}

/**
 * A signed-in user's token under a policy, for UIs. A JWT is decoded, NOT verified: the API must
 * still authorize every request. Free it with `free()` or `using` (or let the GC do it).
 */
export declare class Session {
  private constructor();
  /**
   * From a JWT access token; throws `client_unsafe_token` for a token a browser must not hold.
   * `policy` must come from the same entry point as `Session` (each build checks its own type:
   * see SessionOf in index.d.ts and lite.d.ts).
   */
  static fromJwt(policy: PolicyBase, token: string, options?: SessionOptions): Session;
  /** From an OAuth2 token response (opaque tokens); same client-safety check. */
  static fromTokenResponse(
    policy: PolicyBase,
    body: string | object,
    options?: TokenResponseSessionOptions,
  ): Session;
  readonly accessToken: string;
  readonly refreshToken: string | null;
  /** The granted scopes (roles and `implies` expanded), sorted. */
  readonly scopes: string[];
  readonly grant: Grant;
  readonly subject: string | null;
  /** Expiry in unix seconds, if known. */
  readonly expiresAt: number | null;
  /** The JWT's claims (unverified), or null for an opaque token. */
  readonly claims: Record<string, unknown> | null;
  isExpired(options?: ClockOptions): boolean;
  /** Whether the session may call `method path`; false once expired. */
  can(method: string, path: string, options?: ClockOptions): boolean;
  cannot(method: string, path: string, options?: ClockOptions): boolean;
  /** The full decision; reason `token_expired` once expired. */
  decide(method: string, path: string, options?: ClockOptions): Decision;
  /**
   * The scopes lacking for `method path`: `[]` when allowed, `null` when no scope would help
   * (expired, no matching rule, a deny rule, an invalid path).
   */
  missing(method: string, path: string, options?: ClockOptions): string[] | null;
  /** `url` plus `access_token=`; throws `token_in_query_not_allowed` unless transport.query allows. */
  urlWithToken(url: string): string;
  free(): void;
  [Symbol.dispose](): void;
}

/** What changed the store. */
export type SessionEvent = 'init' | 'sign-in' | 'refresh' | 'sign-out' | 'expired';

/** An immutable view of a store, new after every change. */
export interface SessionSnapshot {
  readonly session: Session | null;
  readonly version: number;
  readonly event: SessionEvent;
}

/** What a store signs in with: a JWT, a token response (object or JSON text) or a Session. */
export type Credential = string | object | Session;

/**
 * The current session of a frontend; subscribers are told about sign-in, refresh, step-up,
 * sign-out and expiry. Without a session, decisions use an empty grant.
 */
/** The static side of a build's Session class, for that build's Policy type `P`. */
export interface SessionClass<P extends PolicyBase> {
  fromJwt(policy: P, token: string, options?: SessionOptions): Session;
  fromTokenResponse(policy: P, body: string | object, options?: TokenResponseSessionOptions): Session;
  prototype: Session;
}

/** A build's SessionStore: constructed with that build's Policy type `P` only. */
export declare class SessionStoreOf<P extends PolicyBase> extends SessionStoreBase {
  constructor(policy: P, options?: { session?: Credential });
  readonly policy: P;
}

export declare class SessionStoreBase {
  constructor(policy: PolicyBase, options?: { session?: Credential });
  readonly policy: PolicyBase;
  readonly session: Session | null;
  getSnapshot(): SessionSnapshot;
  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: (snapshot: SessionSnapshot) => void): () => void;
  /** Throws `token_expired` for a token already expired, unless `acceptExpired`; the store is then unchanged. */
  signIn(credential: Credential, options?: StoreSignInOptions): Session;
  refresh(credential: Credential, options?: StoreSignInOptions): Session;
  signOut(): void;
  /** `path` may be a template (`/users/{id}`) filled from `options.params`. */
  can(method: string, path: string, options?: StoreCheckOptions): boolean;
  cannot(method: string, path: string, options?: StoreCheckOptions): boolean;
  decide(method: string, path: string, options?: StoreCheckOptions): Decision;
  /** As `Session.missing`: `[]` when allowed, `null` when no scope would help. */
  missing(method: string, path: string, options?: StoreCheckOptions): string[] | null;
}

/** The DOM root bindElements watches. */
export interface ElementRoot {
  querySelectorAll(selectors: string): ArrayLike<unknown> & Iterable<unknown>;
}

/**
 * Hides (`data-when-denied="hide"`, default) or disables (`"disable"`) every element under `root`
 * marked `data-endpoint="METHOD /path/{param}"` (params from `data-params` JSON or
 * `data-param-<name>`), after every store change. Returns a function that undoes it.
 */
export declare function bindElements(root: ElementRoot, store: SessionStoreBase): () => void;

/** Options of a RemoteBundle. Times in seconds. */
export interface RemoteBundleOptions {
  /** Ed25519 public key every bundle must be signed with (unsigned ones are then refused). */
  verifyKey?: BundleKey;
  /** How long a bundle is used before the URL is checked again (If-None-Match); default 60. */
  ttl?: number;
  /** Fetch timeout; default 5. */
  timeout?: number;
  /** The largest bundle read, in bytes (default 8388608, 8 MiB, the most a Policy loads); a larger body is a failed check, read no further. */
  maxBytes?: number;
  /** The fetch function; default globalThis.fetch. */
  fetch?: typeof fetch;
  /** Called with a ScopegateError (`policy_unavailable`) on every failed check; the last good policy stays. */
  onError?: (error: ScopegateError) => void;
  /** Called with each newly loaded policy. */
  onUpdate?: (policy: any) => void;
}

/** A policy bundle kept up to date from a URL (see RemoteBundle in each build). */
export declare class RemoteBundleBase<P> {
  constructor(url: string | URL, options?: RemoteBundleOptions);
  /** The current policy, checking the URL when `ttl` has passed; rejects (`policy_unavailable`) only before any bundle loaded. */
  policy(): Promise<P>;
  readonly fetches: number;
  readonly loads: number;
  readonly lastError: ScopegateError | null;
}
