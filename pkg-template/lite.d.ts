// scopegate/lite: scopes, policies, decisions and unverified decoding; no signature code.
import { PolicyBase } from './types.js';

export * from './types.js';

/** A compiled policy. */
export declare class Policy extends PolicyBase {}
