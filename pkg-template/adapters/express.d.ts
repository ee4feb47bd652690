// scopegate/express: Express and Connect middleware.
import type { ScopegateMiddlewareOptions, ScopegateOutcome } from './hono.js';

export type { ScopegateMiddlewareOptions, ScopegateOutcome };

/**
 * Express middleware: refusals answered as guard() answers them; the outcome in `req.scopegate`.
 * `basePath` defaults to where the middleware is mounted.
 */
export declare function scopegate(options: ScopegateMiddlewareOptions): (req: any, res: any, next: (error?: unknown) => void) => void;
