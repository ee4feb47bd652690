// scopegate/lite: scopes, policies, decisions and unverified decoding; no signature code.
import { BundleBytes, BundleLoadOptions, PolicyBase, RemoteBundleBase } from './types.js';
import type { Session as SessionInstance, SessionClass } from './types.js';
import { SessionStoreOf } from './types.js';

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

/** Sessions and the store of this build: they take this build's Policy only. */
export declare const Session: SessionClass<Policy>;
export type Session = SessionInstance;
export declare class SessionStore extends SessionStoreOf<Policy> {}
