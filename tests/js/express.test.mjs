// scopegate/express in a real Express app over HTTP: refusals as guard() answers them, the outcome
// in req.scopegate, client-sent x-scopegate-* headers replaced, and the mount path as basePath.
import assert from 'node:assert/strict';
import test from 'node:test';
import express from 'express';
import { scopegate } from 'scopegate/express';
import { policy, token, user, verifier, withServer as serveDuring } from './servers.mjs';

const app = express();
app.use('/api', scopegate({ policy, verifier, realm: 'bank' }));
app.get('/api/{*rest}', (req, res) => {
  res.json({
    subject: req.scopegate.subject,
    data: req.scopegate.data,
    rule: req.scopegate.rule,
    headerData: req.headers['x-scopegate-data'] ?? null,
    spoofedOther: req.headers['x-scopegate-admin'] ?? null,
  });
});

const withServer = (run) => serveDuring((ready) => app.listen(0, '127.0.0.1', ready), run);

test('express: allowed requests go on with req.scopegate and without spoofed headers', async () => {
  await withServer(async (base) => {
    const response = await fetch(`${base}/api/accounts/1`, {
      headers: { authorization: `Bearer ${user}`, 'x-scopegate-data': 'all', 'x-scopegate-admin': 'yes' },
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { subject: 'u-1', data: 'own', rule: 'read-own', headerData: 'own', spoofedOther: null });
  });
});

test('express: refusals are the RFC 6750 answers guard() gives', async () => {
  await withServer(async (base) => {
    const missing = await fetch(`${base}/api/accounts`);
    assert.equal(missing.status, 401);
    assert.equal(missing.headers.get('www-authenticate'), 'Bearer realm="bank"');
    assert.equal(missing.headers.get('cache-control'), 'no-store');
    const scope = await fetch(`${base}/api/legal/kyc/1`, { headers: { authorization: `Bearer ${user}` } });
    assert.equal(scope.status, 403);
    assert.equal(scope.headers.get('www-authenticate'), 'Bearer realm="bank", error="insufficient_scope", scope="read_all"');
    assert.deepEqual(await scope.json(), { error: 'insufficient_scope', code: 'insufficient_scope', message: "The access token's scopes do not allow this request", rule: 'read-all', missing: ['read_all'] });
    const expired = await fetch(`${base}/api/accounts`, { headers: { authorization: `Bearer ${token({ scope: 'read_only', exp: 1 })}` } });
    assert.equal(expired.status, 401);
    assert.equal((await expired.json()).code, 'token_expired');
  });
});
