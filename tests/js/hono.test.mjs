// scopegate/hono in a real Hono app served over HTTP by @hono/node-server: refusals as guard()
// answers them, the outcome in c.get('scopegate'), client-sent x-scopegate-* headers never seen by
// the handler, and a mount prefix stripped before deciding.
import assert from 'node:assert/strict';
import test from 'node:test';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { scopegate } from 'scopegate/hono';
import { policy, user, verifier, withServer as serveDuring } from './servers.mjs';

const api = new Hono();
api.use('*', scopegate({ policy, verifier, basePath: '/api', realm: 'bank' }));
api.get('*', (c) => {
  const outcome = c.get('scopegate');
  return c.json({
    subject: outcome.subject,
    data: outcome.data,
    rule: outcome.rule,
    scopes: outcome.scopes,
    spoofed: c.req.header('x-scopegate-data') ?? null,
    spoofedOther: c.req.header('x-scopegate-admin') ?? null,
  });
});
const app = new Hono().route('/api', api);

const withServer = (run) => serveDuring((ready) => serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, ready), run);

test('hono: allowed requests reach the handler with the outcome and without spoofed headers', async () => {
  await withServer(async (base) => {
    const response = await fetch(`${base}/api/accounts/1`, {
      headers: { authorization: `Bearer ${user}`, 'x-scopegate-data': 'all', 'x-scopegate-admin': 'yes' },
    });
    assert.equal(response.status, 200);
    const body = await response.json();
    // The client said `data: all`; the handler sees the policy's answer (own) and no other copy.
    assert.deepEqual(body, { subject: 'u-1', data: 'own', rule: 'read-own', scopes: ['read_only'], spoofed: 'own', spoofedOther: null });
  });
});

test('hono: refusals are the RFC 6750 answers guard() gives', async () => {
  await withServer(async (base) => {
    const missing = await fetch(`${base}/api/accounts`);
    assert.equal(missing.status, 401);
    assert.equal(missing.headers.get('www-authenticate'), 'Bearer realm="bank"');
    const scope = await fetch(`${base}/api/legal/kyc/1`, { headers: { authorization: `Bearer ${user}` } });
    assert.equal(scope.status, 403);
    assert.equal(scope.headers.get('www-authenticate'), 'Bearer realm="bank", error="insufficient_scope", scope="read_all"');
    assert.equal((await scope.json()).code, 'insufficient_scope');
    const bad = await fetch(`${base}/api/accounts`, { headers: { authorization: 'Bearer a.b.c' } });
    assert.equal(bad.status, 401);
    assert.equal((await bad.json()).message, 'The access token is invalid');
    const path = await fetch(`${base}/api/accounts/a%2Fb`, { headers: { authorization: `Bearer ${user}` } });
    assert.equal(path.status, 400);
  });
});

test('hono: options are checked when the middleware is made', () => {
  assert.throws(() => scopegate(null), (e) => e.code === 'invalid_argument');
});
