// scopegate (full build): scopes, policies, decisions, decoding and signature verification.
import type { Decision, Grant, Token } from './types.js';
import { PolicyBase } from './types.js';

export * from './types.js';

/** JWT verification keys: an HMAC secret, a PEM public key, a JWK or a JWKS. */
export type VerifierKeys =
  | { secret: string | Uint8Array; kid?: string }
  | { pem: string; kid?: string }
  | { jwk: string | object; kid?: string }
  | { jwks: string | object };

/** Supported JWS algorithms (`none` never is). */
export type Algorithm =
  | 'HS256' | 'HS384' | 'HS512' | 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512'
  | 'ES256' | 'ES384' | 'EdDSA' | 'Ed25519';

/** Verification options, with jose's names. Times are in seconds. */
export interface VerifyOptions {
  algorithms: Algorithm[];
  issuer?: string | string[];
  audience?: string | string[];
  clockTolerance?: number;
  maxTokenAge?: number;
  typ?: string;
  requiredClaims?: string[];
  maxSize?: number;
  scopeClaim?: string;
}

/** Per-call options: fix the clock. */
export interface ClockOptions {
  currentDate?: Date;
}

/** Verifies JWT access tokens with fixed keys and options. Free it with `free()` or `using`. */
export declare class Verifier {
  constructor(keys: VerifierKeys, options: VerifyOptions);
  verify(token: string, options?: ClockOptions): Token;
  free(): void;
  [Symbol.dispose](): void;
}

/** The result of `Policy.authorize`. */
export interface Authorization {
  decision: Decision;
  token: Token;
  grant: Grant;
  source: 'header' | 'query';
}

/** A compiled policy (full build: can authorize whole requests). */
export declare class Policy extends PolicyBase {
  /** Finds, verifies and checks the request's bearer token, then decides; token problems throw. */
  authorize(
    method: string,
    target: string,
    authorization: string | null | undefined,
    verifier: Verifier,
    options?: ClockOptions,
  ): Authorization;
}
