// Token decoding and signature verification, one case per process.
//   node child/tokens.mjs <case> <samples> <sampleMs> <warmMs>
//   node child/tokens.mjs check            (both libraries accept and refuse the same tokens)
// Cases: decode:<scopegate|jwt-decode|jose>, verify:<scopegate|jose>:<HS256|RS256|ES256|EdDSA>,
// verify-cached:scopegate:<alg> (the Verifier's token cache, the same token again, as a new string),
// authorize-cached:scopegate:<alg> (Policy.authorize through that cache, reading the decision of
// an allowed request), authorize-refused-cached:scopegate:<alg> (the same for a refused one).
// The fixture tokens (tests/fixtures) are RFC 9068 access tokens (`typ: at+jwt`) signed by PyJWT;
// both verifiers get one key, the same algorithm list, issuer, audience, typ and clock, and no cache.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { measure, report } from '../lib/common.mjs';
import { ROOT } from '../lib/workload.mjs';

const keys = JSON.parse(readFileSync(`${ROOT}tests/fixtures/keys.json`, 'utf8'));
const fixtures = JSON.parse(readFileSync(`${ROOT}tests/fixtures/tokens.json`, 'utf8'));
const currentDate = new Date(fixtures.now * 1000);
const ALG_KEY = { HS256: 'hmac', RS256: 'rsa', ES256: 'p256', EdDSA: 'ed25519' };
export const ALGS = Object.keys(ALG_KEY);
const tokenFor = (alg) => fixtures.tokens.find((t) => t.alg === alg && t.key === ALG_KEY[alg]).token;
const jwkFor = (alg) => keys[`${ALG_KEY[alg]}_jwk`];
const claims = { issuer: fixtures.claims.iss, audience: fixtures.claims.aud[0], typ: 'at+jwt' };
const DECODE_TOKEN = tokenFor('RS256');

/** A verifier for `alg`: `verify(token)` resolves to the payload, or throws. */
async function verifier(lib, alg) {
  if (lib === 'scopegate') {
    const { Verifier } = await import('scopegate');
    const v = new Verifier({ jwk: jwkFor(alg) }, { algorithms: [alg], ...claims });
    return { sync: false, verify: async (t) => (await v.verify(t, { currentDate })).claims };
  }
  const jose = await import('jose');
  const key = await jose.importJWK(jwkFor(alg), alg); // imported once: a CryptoKey, jose's fastest form
  const options = { algorithms: [alg], ...claims, currentDate };
  return { sync: false, verify: async (t) => (await jose.jwtVerify(t, key, options)).payload };
}

async function decoder(lib) {
  if (lib === 'scopegate') {
    const { decodeUnverified } = await import('scopegate');
    return (t) => decodeUnverified(t).claims; // also decodes the header and splits the scopes
  }
  if (lib === 'jwt-decode') {
    const { jwtDecode } = await import('jwt-decode');
    return (t) => jwtDecode(t);
  }
  const { decodeJwt } = await import('jose');
  return (t) => decodeJwt(t);
}

/** scopegate with its verified-token cache (`cacheSize`): the same token verified again is a lookup. */
async function cachedVerifier(alg) {
  const { Verifier } = await import('scopegate');
  const v = new Verifier({ jwk: jwkFor(alg) }, { algorithms: [alg], ...claims, cacheSize: 1024 });
  return { sync: false, verify: async (t) => (await v.verify(t, { currentDate })).claims };
}

/**
 * A policy for the fixture tokens' scopes (`read:files write:files openid`): a request they may
 * make is the typical edge request.
 */
const FILES_POLICY = {
  version: 1,
  name: 'files',
  default_scopes: 'all',
  unknown_scopes: 'drop',
  scopes: {
    openid: { description: 'Sign in.', subject: 'any' },
    'read:files': { description: "Read the user's files.", subject: 'end_user' },
    'write:files': { description: "Write the user's files.", subject: 'end_user' },
  },
  rules: [
    { id: 'read-files', methods: ['GET'], paths: ['/files/{id}'], any_of: ['read:files'] },
    { id: 'write-files', methods: ['PUT', 'DELETE'], paths: ['/files/{id}'], all_of: ['write:files'] },
  ],
};

/**
 * The edge path: `policy.authorize` (bearer header → cached verification → decision), reading
 * only the decision, as guard() does: an allowed request (`GET /files/42` under FILES_POLICY) or,
 * with `refused`, one refused for lack of scope (`GET /accounts` under the banking policy, which
 * knows none of the token's scopes: the missing-scope search and the challenge run too).
 * `verify` resolves to `{ exp }` so the loop below works unchanged.
 */
async function cachedAuthorizer(alg, refused) {
  const { Policy, Verifier } = await import('scopegate');
  const policy = refused ? new Policy(readFileSync(`${ROOT}examples/policies/banking.json`, 'utf8')) : new Policy(FILES_POLICY);
  const path = refused ? '/accounts' : '/files/42';
  const v = new Verifier({ jwk: jwkFor(alg) }, { algorithms: [alg], ...claims, cacheSize: 1024 });
  const exp = fixtures.claims.exp;
  return {
    sync: false,
    verify: async (t) => {
      const result = await policy.authorize('GET', path, `Bearer ${t}`, v, { currentDate });
      const { decision } = result;
      result.free(); // as guard() does: no work left for the finalizer
      if (decision.allowed === refused) throw new Error(`GET ${path} was ${decision.reason}, not the path measured`);
      return { exp };
    },
  };
}

/** `t` as a new string (copied, its hash not yet computed), as a request would bring it. */
const fresh = (t) => (' ' + t).slice(1);

const tamper = (t) => {
  const [h, p, s] = t.split('.');
  const c = s[5] === 'A' ? 'B' : 'A';
  return `${h}.${p}.${s.slice(0, 5)}${c}${s.slice(6)}`;
};

async function check() {
  const problems = [];
  const decoded = [];
  for (const lib of ['scopegate', 'jwt-decode', 'jose']) decoded.push((await decoder(lib))(DECODE_TOKEN));
  try {
    assert.deepEqual(decoded[0], decoded[1]);
    assert.deepEqual(decoded[0], decoded[2]);
  } catch (e) {
    problems.push(`decode: the claims differ: ${e.message}`);
  }
  for (const alg of ALGS) {
    const sg = await verifier('scopegate', alg);
    const jo = await verifier('jose', alg);
    const outcome = async (v, t) => {
      try {
        return { ok: true, payload: await v.verify(t) };
      } catch (e) {
        return { ok: false, error: e.code ?? e.message };
      }
    };
    for (const [what, tok] of [['valid', tokenFor(alg)], ['tampered', tamper(tokenFor(alg))]]) {
      const a = await outcome(sg, tok);
      const b = await outcome(jo, tok);
      if (a.ok !== b.ok || a.ok !== (what === 'valid')) problems.push(`${alg} ${what}: scopegate ${a.ok ? 'accepts' : `refuses (${a.error})`}, jose ${b.ok ? 'accepts' : `refuses (${b.error})`}`);
      else if (a.ok) {
        try {
          assert.deepEqual(a.payload, b.payload);
        } catch {
          problems.push(`${alg}: the verified claims differ`);
        }
      }
    }
  }
  report({ check: 'tokens', problems });
}

const [which, samples, sampleMs, warmMs] = process.argv.slice(2);
const opts = { samples: Number(samples), sampleMs: Number(sampleMs), warmMs: Number(warmMs) };
if (which === 'check') await check();
else {
  const [kind, lib, alg] = which.split(':');
  let run;
  if (kind === 'decode') {
    const decode = await decoder(lib);
    run = (reps) => {
      let s = 0;
      for (let r = 0; r < reps; r++) s += decode(DECODE_TOKEN).exp;
      return s;
    };
  } else {
    const v = kind === 'verify-cached' ? await cachedVerifier(alg) : kind.startsWith('authorize') ? await cachedAuthorizer(alg, kind === 'authorize-refused-cached') : await verifier(lib, alg);
    const token = tokenFor(alg);
    run = v.sync
      ? (reps) => {
          let s = 0;
          for (let r = 0; r < reps; r++) s += v.verify(token).exp;
          return s;
        }
      : kind === 'verify-cached'
        ? async (reps) => {
            // A new string each call, as each request brings its token: a string used before has
            // its hash stored, which would make a cache keyed by strings look cheaper than it is.
            let s = 0;
            for (let r = 0; r < reps; r++) s += (await v.verify(fresh(token))).exp;
            return s;
          }
        : async (reps) => {
            let s = 0;
            for (let r = 0; r < reps; r++) s += (await v.verify(token)).exp;
            return s;
          };
  }
  const { ns, calls } = await measure(run, 1, opts);
  report({ case: which, ns, callsPerSample: calls });
}
