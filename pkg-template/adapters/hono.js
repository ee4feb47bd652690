// scopegate/hono: Hono middleware. Each request is checked as guard() checks it (the shared
// checkRequest of the full build): a refusal is answered with the same RFC 6750 response; an
// allowed request reaches the handler without any client-sent `x-scopegate-*` header, and the
// outcome is `c.get('scopegate')` = { decision, subject, clientId, scopes, data, rule }.
import { checkRequest, ScopegateError } from 'scopegate';

/**
 * `scopegate({ policy, verifier, basePath?, realm?, detailedErrors?, headerPrefix? })`:
 * `policy` a Policy or RemoteBundle, `verifier` a Verifier or RemoteJwks; `basePath` is the mount
 * prefix stripped before deciding (`app.route('/api', api)` → `basePath: '/api'`).
 */
export function scopegate(options) {
  if (options === null || typeof options !== 'object') {
    throw new ScopegateError('scopegate/hono: scopegate({ policy, verifier }) needs its options', 'invalid_argument');
  }
  return async function scopegateMiddleware(c, next) {
    const checked = await checkRequest(c.req.raw, options);
    if (!checked.allowed) return checked.response;
    // The handler sees the request as forwarded: client copies of the trusted headers removed.
    c.req.raw = checked.request;
    c.set('scopegate', checked.outcome);
    await next();
  };
}
