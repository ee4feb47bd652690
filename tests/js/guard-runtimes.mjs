// guard() speaks only the Fetch API: the same requests give the expected answers, identically, in
// Node, Deno and Bun. Tokens are signed with WebCrypto (HS256). Prints one line per request and
// fails on any answer other than the expected one; scripts/test-pkg also compares the output
// across runtimes.
import { readFileSync } from 'node:fs';
import { Policy, Verifier, guard } from 'scopegate';

const root = process.argv[2];
const policy = new Policy(readFileSync(`${root}/examples/policies/banking.json`, 'utf8'));
const secret = 'a-test-secret-of-at-least-32-bytes!!';
const verifier = new Verifier({ secret }, { algorithms: ['HS256'], cacheSize: 8 });
const encoder = new TextEncoder();
const b64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
const NOW = 1_800_000_000;
async function hs256(claims) {
  const input = `${b64(encoder.encode(JSON.stringify({ alg: 'HS256' })))}.${b64(encoder.encode(JSON.stringify(claims)))}`;
  return `${input}.${b64(await crypto.subtle.sign('HMAC', key, encoder.encode(input)))}`;
}
const user = await hs256({ sub: 'u-1', scope: 'read_only', exp: NOW + 60 });
const requests = [
  new Request('https://api.example/accounts'),
  new Request('https://api.example/accounts', { headers: { authorization: 'Bearer x.y.z' } }),
  new Request('https://api.example/admin/x', { headers: { authorization: `Bearer ${user}` } }),
  new Request('https://api.example/accounts/1', { headers: { authorization: `Bearer ${user}`, 'x-scopegate-data': 'all' } }),
  new Request(`https://api.example/accounts/1?access_token=${user}`),
];
const expected = [
  '401 Bearer token_missing',
  '401 Bearer error="invalid_token", error_description="The access token is invalid" malformed_token',
  '403 Bearer error="insufficient_scope", scope="read_all" insufficient_scope',
  'pass x-scopegate-data=own x-scopegate-rule=read-own x-scopegate-scopes=read_only x-scopegate-subject=u-1',
  '400 Bearer error="invalid_request", error_description="This access token may not be sent in the URL; send it in the Authorization header" token_in_query_not_allowed',
];
let failed = false;
for (const [i, request] of requests.entries()) {
  const result = await guard(request, { policy, verifier, currentDate: new Date(NOW * 1000) });
  const line = result instanceof Response
    ? `${result.status} ${result.headers.get('www-authenticate')} ${(await result.json()).code}`
    : `pass ${[...result.headers].filter(([name]) => name.startsWith('x-scopegate-')).map((h) => h.join('=')).join(' ')}`;
  console.log(line);
  if (line !== expected[i]) {
    console.error(`request ${i}: expected ${expected[i]}`);
    failed = true;
  }
}
if (failed) throw new Error('guard() gave unexpected answers');
