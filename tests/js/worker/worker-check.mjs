// End-to-end test of the edge worker example (www/worker/) in a real workerd: a loopback origin
// and a loopback JWKS endpoint, driven by real HTTP requests carrying tokens signed by test keys
// (node:crypto). Checks the RFC 6750 refusals, the headers the origin receives (own/all data,
// spoofed headers stripped), key rotation (a new kid triggers one JWKS refetch), and a JWKS
// endpoint that turns bad mid-run (the last good keys keep deciding, the failure is logged; a
// worker that never had good keys answers 503).
// Usage (from the repository root, after scripts/build-pkg): node tests/js/worker/worker-check.mjs
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const ISSUER = 'https://auth.bank.example';
const AUDIENCE = 'https://api.bank.example';

function listen(handler) {
  const server = createServer(handler);
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}
const portOf = (server) => server.address().port;
async function freePort() {
  const server = await listen(() => {});
  const port = portOf(server);
  await new Promise((done) => server.close(done));
  return port;
}

// Test keys: ES256 (k1) now, EdDSA (k2) after rotation.
const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
function key(kid, type) {
  const pair = type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  const alg = type === 'ec' ? 'ES256' : 'EdDSA';
  return { kid, alg, privateKey: pair.privateKey, jwk: { ...pair.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' } };
}
function token(signer, claims, header = {}) {
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg: signer.alg, kid: signer.kid, typ: 'at+jwt', ...header })}.${b64({
    iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 300, ...claims,
  })}`;
  const data = Buffer.from(input);
  const signature = signer.alg === 'ES256'
    ? sign('sha256', data, { key: signer.privateKey, dsaEncoding: 'ieee-p1363' })
    : sign(null, data, signer.privateKey);
  return `${input}.${signature.toString('base64url')}`;
}

const k1 = key('k1', 'ec');
let published = [k1];
let jwksFetches = 0;
const origin = await listen((req, res) => {
  const trusted = Object.fromEntries(Object.entries(req.headers).filter(([name]) => name.startsWith('x-scopegate-')));
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ method: req.method, url: req.url, trusted }));
});
// The issuer's JWKS endpoint; `issuerMode` turns it bad mid-run.
let issuerMode = 'good';
const issuer = await listen((req, res) => {
  jwksFetches += 1;
  if (issuerMode === '500') {
    res.writeHead(500);
    res.end('internal error');
  } else if (issuerMode === 'garbage') {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html>maintenance</html>');
  } else if (issuerMode === 'bad keys') {
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' });
    res.end(JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA', kid: 'k1' }] }));
  } else {
    res.writeHead(200, { 'content-type': 'application/jwk-set+json', 'cache-control': 'max-age=600' });
    res.end(JSON.stringify({ keys: published.map((k) => k.jwk) }));
  }
});

// Starts the example worker in workerd in front of the origin and the issuer; its log is kept.
async function startWorker() {
  const port = await freePort();
  const child = spawn(join(root, 'node_modules/workerd/bin/workerd'), [
    'serve', join(root, 'www/worker/config.capnp'),
    `--socket-addr=http=127.0.0.1:${port}`,
    `--external-addr=origin=127.0.0.1:${portOf(origin)}`,
    `--external-addr=issuer=127.0.0.1:${portOf(issuer)}`,
  ], { stdio: ['ignore', 'inherit', 'pipe'] });
  const worker = { child, base: `http://127.0.0.1:${port}`, log: '' };
  child.stderr.on('data', (chunk) => {
    worker.log += chunk;
    process.stderr.write(chunk);
  });
  for (let i = 0; ; i += 1) {
    try {
      await fetch(`${worker.base}/`);
      return worker;
    } catch (error) {
      if (i > 100) throw new Error(`workerd did not start: ${error.message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

const workers = [];
let checks = 0;
try {
  const main = await startWorker();
  workers.push(main);
  const callOn = async (worker, path, bearer, headers = {}) => {
    const response = await fetch(worker.base + path, {
      headers: bearer ? { authorization: `Bearer ${bearer}`, ...headers } : headers,
    });
    return { status: response.status, challenge: response.headers.get('www-authenticate'), body: await response.json() };
  };
  const call = (path, bearer, headers) => callOn(main, path, bearer, headers);
  const expect = (what, actual, status, code) => {
    assert.equal(actual.status, status, `${what}: ${JSON.stringify(actual)}`);
    if (code) assert.equal(actual.body.code, code, what);
    checks += 1;
  };
  const alice = token(k1, { sub: 'alice', scope: 'read_only read_write' });

  const missing = await call('/accounts');
  expect('missing token', missing, 401, 'token_missing');
  assert.equal(missing.challenge, 'Bearer realm="bank"');
  expect('bad signature', await call('/accounts', alice.slice(0, -4) + 'AAAA'), 401, 'invalid_signature');
  expect('expired', await call('/accounts', token(k1, { scope: 'read_only', exp: Math.floor(Date.now() / 1000) - 5 })), 401, 'token_expired');
  expect('other issuer', await call('/accounts', token(k1, { scope: 'read_only', iss: 'https://evil.example' })), 401, 'claim_invalid');
  expect('other audience', await call('/accounts', token(k1, { scope: 'read_only', aud: 'https://other.example' })), 401, 'claim_invalid');
  expect('id token typ', await call('/accounts', token(k1, { scope: 'read_only' }, { typ: 'JWT' })), 401, 'claim_invalid');
  const forbidden = await call('/admin/settings', alice);
  expect('insufficient scope', forbidden, 403, 'insufficient_scope');
  assert.equal(forbidden.challenge, 'Bearer realm="bank", error="insufficient_scope", scope="read_all"');
  assert.match((await call('/accounts', alice)).challenge ?? '', /^$/);

  const own = await call('/accounts/acc-1', alice, { 'x-scopegate-data': 'all', 'x-scopegate-subject': 'root', 'X-Scopegate-Admin': '1' });
  expect('allowed, own data', own, 200);
  assert.deepEqual(own.body, {
    method: 'GET',
    url: '/accounts/acc-1',
    trusted: {
      'x-scopegate-subject': 'alice',
      'x-scopegate-scopes': 'read_only read_write',
      'x-scopegate-data': 'own',
      'x-scopegate-rule': 'read-own',
    },
  });
  const machine = await call('/accounts', token(k1, { sub: 'reporting', client_id: 'batch', scope: 'read_all' }));
  expect('allowed, all data', machine, 200);
  assert.equal(machine.body.trusted['x-scopegate-data'], 'all');
  assert.equal(machine.body.trusted['x-scopegate-client-id'], 'batch');
  assert.equal(jwksFetches, 1, 'the JWKS is fetched once and cached');

  // Rotation: the issuer publishes k2 (EdDSA) and signs with it; after the cool-down (1 s) the
  // first token with the new kid makes the worker refetch once.
  await new Promise((r) => setTimeout(r, 1100));
  const k2 = key('k2', 'okp');
  published = [k2, k1];
  const rotated = await call('/accounts', token(k2, { sub: 'alice', scope: 'read_only' }));
  expect('new kid after rotation', rotated, 200);
  assert.equal(jwksFetches, 2);
  expect('old key still published', await call('/accounts', token(k1, { sub: 'alice', scope: 'read_only' })), 200);
  const stranger = key('k9', 'ec');
  expect('unknown kid', await call('/accounts', token(stranger, { scope: 'read_only' })), 401, 'key_not_found');
  expect('unknown kid again', await call('/accounts', token(stranger, { scope: 'read_only' })), 401, 'key_not_found');
  assert.ok(jwksFetches <= 3, `unknown kids within the cool-down do not refetch (${jwksFetches} fetches)`);

  // The JWKS endpoint turns bad: each refetch (an unknown kid after the cool-down) fails, the
  // worker keeps deciding with the last good keys and logs the failure through onError.
  for (const mode of ['500', 'garbage', 'bad keys']) {
    issuerMode = mode;
    await new Promise((r) => setTimeout(r, 1100));
    const before = jwksFetches;
    expect(`unknown kid while the JWKS gives ${mode}`, await call('/accounts', token(key(`k-${mode}`, 'ec'), { scope: 'read_only' })), 401, 'key_not_found');
    assert.equal(jwksFetches, before + 1, `one refetch was tried (${mode})`);
    expect(`known key while the JWKS gives ${mode}`, await call('/accounts', token(k2, { sub: 'alice', scope: 'read_only' })), 200);
  }
  await new Promise((r) => setTimeout(r, 200));
  for (const logged of ['answered HTTP 500', 'gave no usable key set (invalid_key: the JWKS is not valid JSON', 'gave no usable key set (invalid_key: key 0']) {
    assert.ok(main.log.includes(`scopegate: the JWKS at http://issuer.internal/.well-known/jwks.json ${logged}`), `logged: ${logged}`);
  }
  // A worker that never got good keys answers 503 jwks_unavailable, and keeps running.
  const fresh = await startWorker();
  workers.push(fresh);
  for (let i = 0; i < 2; i += 1) {
    expect('no good keys yet', await callOn(fresh, '/accounts', alice), 503, 'jwks_unavailable');
  }
  issuerMode = 'good';
  await new Promise((r) => setTimeout(r, 1100));
  expect('good keys again', await callOn(fresh, '/accounts', alice), 200);
  console.log(`workerd edge worker: ${checks} request checks passed (${jwksFetches} JWKS fetches)`);
} catch (error) {
  console.error(String(error.stack ?? error));
  process.exitCode = 1;
} finally {
  for (const worker of workers) worker.child.kill();
  origin.close();
  issuer.close();
}
