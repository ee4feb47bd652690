// An edge worker guarding the banking API: every request is checked by scopegate's guard
// (bearer token → signature via the issuer's JWKS → policy decision) before it may reach the
// origin. Refusals are RFC 6750 responses; allowed requests reach the origin with
// x-scopegate-subject / -scopes / -data (own or all) / -rule / -client-id headers set by the guard
// (any such header sent by a client is removed first).
//
// Bindings (see config.capnp): ORIGIN and JWKS are services (the origin and the issuer's key
// endpoint), JWKS_URL, ISSUER and AUDIENCE are text.
import { Policy, RemoteJwks, guard } from 'scopegate';
import bankingPolicy from './banking.json';

// Compiled once per isolate, reused by every request.
const policy = new Policy(bankingPolicy);
let jwks;

function keysFor(env) {
  jwks ??= new RemoteJwks(env.JWKS_URL, {
    algorithms: ['ES256', 'RS256', 'EdDSA'],
    issuer: env.ISSUER,
    audience: env.AUDIENCE,
    typ: 'at+jwt',
    cacheSize: 10_000, // verified tokens remembered until their exp
    ttl: 600,
    cooldown: 1,
    fetch: (url, init) => env.JWKS.fetch(url, init),
    // A failed refetch keeps the last good keys (up to a day past their expiry); say so in the logs.
    onError: (error) => console.warn(`scopegate: ${error.message}`),
  });
  return jwks;
}

export default {
  async fetch(request, env) {
    const checked = await guard(request, { policy, verifier: keysFor(env), realm: 'bank' });
    if (checked instanceof Response) return checked;
    return env.ORIGIN.fetch(checked);
  },
};
