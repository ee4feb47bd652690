// scopegate/hono inside workerd: a Hono app (bundled into the worker by rolldown, scopegate kept
// external) answers requests through the middleware; returns one line per request, which
// test-runtimes compares with the lines the same file gives in Node.
import { Hono } from 'hono';
import { Policy, Verifier } from 'scopegate';
import { scopegate } from 'scopegate/hono';

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
const encoder = new TextEncoder();
const b64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

async function hs256(claims) {
  const key = await crypto.subtle.importKey('raw', encoder.encode(SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const input = `${b64(encoder.encode(JSON.stringify({ alg: 'HS256' })))}.${b64(encoder.encode(JSON.stringify(claims)))}`;
  return `${input}.${b64(await crypto.subtle.sign('HMAC', key, encoder.encode(input)))}`;
}

export async function honoScenario(policyText) {
  const policy = new Policy(policyText);
  const verifier = new Verifier({ secret: SECRET }, { algorithms: ['HS256'] });
  const api = new Hono();
  api.use('*', scopegate({ policy, verifier, basePath: '/api', realm: 'bank' }));
  api.get('*', (c) => {
    const { subject, data, rule } = c.get('scopegate');
    return c.json({ subject, data, rule, spoofed: c.req.header('x-scopegate-data'), other: c.req.header('x-scopegate-admin') ?? null });
  });
  const app = new Hono().route('/api', api);
  const user = await hs256({ sub: 'u-1', scope: 'read_only', exp: 4102444800 });
  const requests = [
    ['/api/accounts', {}],
    ['/api/accounts/1', { authorization: `Bearer ${user}`, 'x-scopegate-data': 'all', 'x-scopegate-admin': 'yes' }],
    ['/api/legal/kyc/1', { authorization: `Bearer ${user}` }],
    ['/api/accounts', { authorization: 'Bearer a.b.c' }],
    ['/elsewhere', { authorization: `Bearer ${user}` }],
  ];
  const lines = [];
  for (const [path, headers] of requests) {
    const response = await app.request(`https://api.example${path}`, { headers });
    lines.push(`${path} ${response.status} ${response.headers.get('www-authenticate') ?? '-'} ${await response.text()}`);
  }
  return lines;
}
