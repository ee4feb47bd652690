// scopegate/lite: scopes, policies, decisions and unverified decoding; no signature code.
import { BundleBytes, BundleLoadOptions, PolicyBase, RemoteBundleBase } from './types.js';
import type { Credential, Session as SessionInstance, SessionOptions, TokenResponseSessionOptions } from './types.js';
import { SessionStoreBase } from './types.js';

export * from './types.js';

/** A compiled policy, loaded from a bundle (the lite build reads no JSON policy). */
export declare class Policy extends PolicyBase {
  private constructor();
  private readonly __scopegateBuild: 'lite';
  /** Loads a compiled bundle; with `verifyKey`, only one signed by that key. */
  static fromBundle(bytes: BundleBytes, options?: BundleLoadOptions): Promise<Policy>;
}

/** A policy bundle kept up to date from a URL. */
export declare class RemoteBundle extends RemoteBundleBase<Policy> {}

/** A signed-in user's token under a policy of this build (see Session in types.d.ts). */
export declare const Session: {
  fromJwt(policy: Policy, token: string, options?: SessionOptions): SessionInstance;
  fromTokenResponse(policy: Policy, body: string | object, options?: TokenResponseSessionOptions): SessionInstance;
  prototype: SessionInstance;
};
export type Session = SessionInstance;

/** The current session of a frontend, for a policy of this build. */
export declare class SessionStore extends SessionStoreBase {
  constructor(policy: Policy, options?: { session?: Credential });
  readonly policy: Policy;
}
