// scopegate/hono: Hono middleware.
import type { Decision } from '../types.js';
import type { GuardOptions } from '../index.js';

/** What the middleware puts in `c.get('scopegate')`. */
export interface ScopegateOutcome {
  decision: Decision;
  subject: string | null;
  clientId: string | null;
  scopes: string[];
  data: 'own' | 'all' | null;
  rule: string | null;
}

/** Options: guard()'s, plus the mount prefix stripped before deciding. */
export interface ScopegateMiddlewareOptions extends GuardOptions {
  basePath?: string;
}

/** Hono middleware: refusals answered as guard() answers them; the outcome in `c.get('scopegate')`. */
export declare function scopegate(options: ScopegateMiddlewareOptions): (c: any, next: () => Promise<void>) => Promise<Response | void>;
