// scopegate/express: Express (and Connect) middleware. Each request is checked as guard() checks
// it (the shared checkRequest of the full build): a refusal is answered with the same RFC 6750
// status, WWW-Authenticate and JSON body; an allowed request goes on with `req.scopegate` =
// { decision, subject, clientId, scopes, data, rule } and without any client-sent `x-scopegate-*`
// header (the trusted ones are set in their place).
import { checkRequest, ScopegateError } from 'scopegate';

/** The Fetch API Request an Express request stands for (its body is not read: not needed). */
function fetchRequest(req) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, String(value));
  }
  const host = req.headers.host ?? 'localhost';
  return new Request(`${req.protocol ?? 'http'}://${host}${req.originalUrl ?? req.url}`, { method: req.method, headers });
}

/**
 * `scopegate({ policy, verifier, basePath?, realm?, detailedErrors?, headerPrefix? })`:
 * `policy` a Policy or RemoteBundle, `verifier` a Verifier or RemoteJwks. `basePath` defaults to
 * where the middleware is mounted (`app.use('/api', scopegate(...))` → `/api`).
 */
export function scopegate(options) {
  if (options === null || typeof options !== 'object') {
    throw new ScopegateError('scopegate/express: scopegate({ policy, verifier }) needs its options', 'invalid_argument');
  }
  const prefix = (options.headerPrefix ?? 'x-scopegate-').toLowerCase();
  return function scopegateMiddleware(req, res, next) {
    const basePath = options.basePath ?? (req.baseUrl || undefined);
    checkRequest(fetchRequest(req), { ...options, basePath }).then(async (checked) => {
      if (!checked.allowed) {
        const { response } = checked;
        res.status(response.status);
        for (const [name, value] of response.headers) res.setHeader(name, value);
        res.end(await response.text());
        return;
      }
      for (const name of Object.keys(req.headers)) {
        if (name.startsWith(prefix)) delete req.headers[name];
      }
      for (const [name, value] of checked.request.headers) {
        if (name.startsWith(prefix)) req.headers[name] = value;
      }
      req.scopegate = checked.outcome;
      next();
    }, next);
  };
}
