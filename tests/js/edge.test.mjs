// The edge guard and remote JWKS through the packed package, with real signatures (node:crypto).
import assert from 'node:assert/strict';
import { createHmac, createSecretKey, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { Policy, RemoteBundle, RemoteJwks, ScopegateError, Verifier, checkRequest, guard, pathUnderBase } from 'scopegate';

const root = process.env.SCOPEGATE_ROOT;
const banking = new Policy(readFileSync(join(root, 'examples/policies/banking.json'), 'utf8'));
const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const hs256 = (claims) => {
  const input = `${b64({ alg: 'HS256', typ: 'at+jwt' })}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
};
const es256Key = (kid) => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' } };
};
const es256 = (key, claims) => {
  const input = `${b64({ alg: 'ES256', kid: key.kid })}.${b64(claims)}`;
  const signature = sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
};
const request = (path, token, headers = {}) =>
  new Request(`https://api.example${path}`, {
    headers: token ? { authorization: `Bearer ${token}`, ...headers } : headers,
  });

test('guard: RFC 6750 refusals and forwarded requests with trusted headers', async () => {
  const verifier = new Verifier({ secret: SECRET }, { algorithms: ['HS256'], cacheSize: 16 });
  const options = { policy: banking, verifier, realm: 'bank' };
  const user = hs256({ sub: 'u-1', scope: 'read_only', exp: now() + 60 });

  const missing = await guard(request('/accounts'), options);
  assert.equal(missing.status, 401);
  assert.equal(missing.headers.get('www-authenticate'), 'Bearer realm="bank"');
  assert.equal((await missing.json()).code, 'token_missing');

  const forged = await guard(request('/accounts', user.slice(0, -2) + 'AA'), options);
  assert.equal(forged.status, 401);
  // The client learns that the token is invalid, not which check failed (RFC 6750 §3).
  assert.equal(forged.headers.get('www-authenticate'), 'Bearer realm="bank", error="invalid_token", error_description="The access token is invalid"');
  assert.deepEqual(await forged.json(), { error: 'invalid_token', code: 'invalid_signature', message: 'The access token is invalid' });
  const detailed = await guard(request('/accounts', user.slice(0, -2) + 'AA'), { ...options, detailedErrors: true });
  assert.match((await detailed.json()).message, /signature/);
  assert.match(detailed.headers.get('www-authenticate'), /error_description="[^"]*signature[^"]*"$/);

  const expired = await guard(request('/accounts', hs256({ scope: 'read_only', exp: now() - 1 })), options);
  assert.equal(expired.status, 401);
  assert.equal((await expired.json()).code, 'token_expired');

  const forbidden = await guard(request('/admin/users', user), options);
  assert.equal(forbidden.status, 403);
  assert.equal(forbidden.headers.get('www-authenticate'), 'Bearer realm="bank", error="insufficient_scope", scope="read_all"');
  assert.deepEqual((await forbidden.json()).missing, ['read_all']);

  const both = await guard(new Request(`https://api.example/accounts?access_token=${user}`, { headers: { authorization: `Bearer ${user}` } }), options);
  assert.equal(both.status, 400);
  assert.match(both.headers.get('www-authenticate'), /error="invalid_request"/);
  const query = await guard(new Request(`https://api.example/accounts?access_token=${user}`), options);
  assert.equal(query.status, 400);
  assert.equal((await query.json()).code, 'token_in_query_not_allowed');

  const spoofed = request('/accounts/7', user, { 'X-Scopegate-Data': 'all', 'x-scopegate-extra': '1' });
  const own = await guard(spoofed, options);
  assert.ok(own instanceof Request);
  assert.equal(own.headers.get('x-scopegate-data'), 'own');
  assert.equal(own.headers.get('x-scopegate-subject'), 'u-1');
  assert.equal(own.headers.get('x-scopegate-scopes'), 'read_only');
  assert.equal(own.headers.get('x-scopegate-rule'), 'read-own');
  assert.equal(own.headers.get('x-scopegate-extra'), null);
  assert.equal(own.url, 'https://api.example/accounts/7');

  const machine = hs256({ sub: 'svc', client_id: 'batch', scope: 'read_all', exp: now() + 60 });
  const all = await guard(request('/accounts/7', machine), options);
  assert.equal(all.headers.get('x-scopegate-data'), 'all');
  assert.equal(all.headers.get('x-scopegate-client-id'), 'batch');
  assert.equal(verifier.cachedTokens, 2, 'each valid token verified once, then cached');

  // A request body reaches the origin untouched.
  const writer = hs256({ sub: 'u-1', scope: 'read_write', exp: now() + 60 });
  const payment = await guard(
    new Request('https://api.example/payments', { method: 'POST', body: '{"amount":5}', headers: { authorization: `Bearer ${writer}` } }),
    options,
  );
  assert.equal(payment.method, 'POST');
  assert.equal(await payment.text(), '{"amount":5}');

  await assert.rejects(guard('not a request', options), ScopegateError);
  await assert.rejects(guard(request('/'), { policy: banking, verifier: {} }), { code: 'invalid_argument' });
});

test('checkRequest with a basePath: the path under it decides; a path outside it is refused as no rule covers it', async () => {
  const verifier = new Verifier({ secret: SECRET }, { algorithms: ['HS256'] });
  const options = { policy: banking, verifier, realm: 'bank', basePath: '/api' };
  const machine = hs256({ sub: 'svc', scope: 'read_all', exp: now() + 60 });
  const inside = await checkRequest(request('/api/accounts/7', machine), options);
  assert.equal(inside.allowed, true);
  assert.equal(inside.outcome.rule, 'read-all');
  // Case folding and percent-decoding never bring a path under the base (exact comparison).
  for (const outside of ['/API/accounts/7', '/%61pi/accounts/7', '/apiary/accounts/7', '/accounts/7']) {
    const refused = await checkRequest(request(outside, machine), options);
    assert.equal(refused.allowed, false, outside);
    assert.equal(refused.response.status, 403);
    assert.equal(refused.response.headers.get('www-authenticate'), 'Bearer realm="bank", error="insufficient_scope"');
    assert.equal((await refused.response.json()).code, 'no_matching_rule');
  }
  assert.equal(pathUnderBase('/api', '/api/'), '/');
  assert.equal(pathUnderBase('/API/x', '/api'), null);
  assert.throws(() => pathUnderBase('/x', 'api'), { code: 'invalid_argument' });
  await assert.rejects(checkRequest(request('/api/accounts'), { ...options, basePath: 'api' }), { code: 'invalid_argument' });
});

test('RemoteJwks: cached with a TTL, refetched on a new kid with a cool-down, one fetch in flight', async () => {
  let keys = [es256Key('k1')];
  let served = 0;
  const fetch = async () => {
    served += 1;
    await new Promise((resolve) => setTimeout(resolve, 20));
    return new Response(JSON.stringify({ keys: keys.map((k) => k.jwk) }), { headers: { 'cache-control': 'max-age=300' } });
  };
  const jwks = new RemoteJwks('https://issuer.example/jwks.json', { algorithms: ['ES256'], fetch, cooldown: 0.2 });
  const options = { policy: banking, verifier: jwks };
  const token = (key) => es256(key, { sub: 'u', scope: 'read_only', exp: now() + 60 });

  const first = await Promise.all([1, 2, 3].map(() => guard(request('/accounts', token(keys[0])), options)));
  assert.ok(first.every((r) => r instanceof Request));
  assert.equal(served, 1, 'concurrent requests share one fetch');

  await guard(request('/accounts', token(keys[0])), options);
  assert.equal(served, 1, 'within the TTL the keys are reused');

  // Rotation: the issuer signs with a new kid; the first such token triggers one refetch.
  await new Promise((resolve) => setTimeout(resolve, 250));
  keys = [es256Key('k2'), ...keys];
  assert.ok((await guard(request('/accounts', token(keys[0])), options)) instanceof Request);
  assert.equal(served, 2);

  // An unknown kid within the cool-down does not refetch: 401, no fetch storm.
  const stranger = es256Key('k9');
  const refused = await Promise.all([1, 2, 3].map(() => guard(request('/accounts', token(stranger)), options)));
  assert.ok(refused.every((r) => r.status === 401));
  assert.equal((await refused[0].json()).code, 'key_not_found');
  assert.equal(served, 2);

  // RemoteJwks.verify: the same rotation for code that verifies tokens itself.
  await new Promise((resolve) => setTimeout(resolve, 250));
  keys = [es256Key('k3'), ...keys];
  assert.equal((await jwks.verify(token(keys[0]))).subject, 'u');
  assert.equal(served, 3, 'one refetch for the new kid');
  assert.equal((await jwks.verify(token(keys[1]))).subject, 'u');
  await assert.rejects(jwks.verify(token(stranger)), { code: 'key_not_found' });
  assert.equal(served, 3, 'within the cool-down: no refetch');

  const down = new RemoteJwks('https://issuer.example/jwks.json', {
    algorithms: ['ES256'],
    fetch: async () => new Response('no', { status: 500 }),
  });
  const unavailable = await guard(request('/accounts', token(keys[0])), { policy: banking, verifier: down });
  assert.equal(unavailable.status, 503);
  assert.equal((await unavailable.json()).code, 'jwks_unavailable');
  assert.throws(() => new RemoteJwks(42, { algorithms: ['ES256'] }), { code: 'invalid_argument' });
  assert.throws(() => new RemoteJwks('https://x', {}), { code: 'invalid_argument' });
});

test('RemoteJwks fails safe: the last good keys survive a bad refetch, failures are reported, nothing else escapes', async () => {
  const good = es256Key('k1');
  const answers = [];
  let mode = 'good';
  let pulled = 0;
  const fetch = async () => {
    answers.push(mode);
    switch (mode) {
      case 'good': return new Response(JSON.stringify({ keys: [good.jwk] }), { headers: { 'cache-control': 'max-age=0' } });
      case '5xx': return new Response('upstream down', { status: 503 });
      case 'not json': return new Response('<html>maintenance</html>');
      case 'bad set': return new Response(JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' }] }));
      case 'weak key': return new Response(JSON.stringify({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: Buffer.alloc(32).toString('base64url') }] }));
      case 'body throws': return { ok: true, status: 200, headers: new Headers(), text: async () => { throw new TypeError('stream broke'); } };
      case 'endless body': return new Response(new ReadableStream({ pull(c) { pulled += 1; c.enqueue(new Uint8Array(65536)); } }));
      case 'announced too large': return new Response('{"keys":[]}', { headers: { 'content-length': String(2 ** 30) } });
      case 'fetch throws': throw new TypeError('network is down');
      case 'fetch throws a string': throw 'bare string';
      default: throw new Error(mode);
    }
  };
  const errors = [];
  const jwks = new RemoteJwks('https://issuer.example/jwks.json', {
    algorithms: ['ES256'], fetch, ttl: 0, cooldown: 0, maxStale: 3600,
    onError: (error) => { errors.push(error); throw new Error('a failing callback changes nothing'); },
  });
  const options = { policy: banking, verifier: jwks };
  const token = es256(good, { sub: 'u', scope: 'read_only', exp: now() + 60 });
  assert.ok((await guard(request('/accounts', token), options)) instanceof Request);
  assert.equal(jwks.lastError, null);

  const failures = ['5xx', 'not json', 'bad set', 'weak key', 'body throws', 'fetch throws', 'fetch throws a string', 'endless body', 'announced too large'];
  for (const failure of failures) {
    mode = failure;
    const answer = await guard(request('/accounts', token), options);
    assert.ok(answer instanceof Request, `${failure}: the last good keys keep deciding`);
    assert.equal(jwks.lastError?.code, 'jwks_unavailable', failure);
  }
  assert.equal(errors.length, failures.length, 'each failure is reported once');
  assert.ok(errors.every((e) => e instanceof ScopegateError && e.code === 'jwks_unavailable'));
  assert.match(errors[0].message, /HTTP 503/);
  assert.match(errors[2].message, /invalid_key/);
  // Over maxBytes (1 MiB by default): read no further than that, or not at all when announced.
  assert.match(errors[7].message, /gave no usable key set \(the body has more than maxBytes \(1048576 bytes\)\)/);
  assert.ok(pulled <= 16 + 4, `an endless body was read in ${pulled} chunks of 64 KiB`);
  assert.match(errors[8].message, /more than maxBytes/);
  assert.equal(answers.length, 1 + failures.length, 'one fetch per request once the TTL has passed');

  // Good again: the new set is used and the error clears.
  mode = 'good';
  assert.ok((await guard(request('/accounts', token), options)) instanceof Request);
  assert.equal(jwks.lastError, null);

  // Past maxStale the old keys are not used: 503, never a crash.
  const stale = new RemoteJwks('https://issuer.example/jwks.json', { algorithms: ['ES256'], fetch, ttl: 0, cooldown: 0, maxStale: 0 });
  mode = 'good';
  assert.ok((await guard(request('/accounts', token), { policy: banking, verifier: stale })) instanceof Request);
  mode = '5xx';
  await new Promise((resolve) => setTimeout(resolve, 5));
  const refused = await guard(request('/accounts', token), { policy: banking, verifier: stale });
  assert.equal(refused.status, 503);
  assert.equal((await refused.json()).code, 'jwks_unavailable');

  // Without any good keys, each cause is a 503 jwks_unavailable.
  for (const failure of failures) {
    mode = failure;
    const fresh = new RemoteJwks('https://issuer.example/jwks.json', { algorithms: ['ES256'], fetch });
    const answer = await guard(request('/accounts', token), { policy: banking, verifier: fresh });
    assert.equal(answer.status, 503, failure);
    assert.equal((await answer.json()).code, 'jwks_unavailable', failure);
    await assert.rejects(fresh.verifier(), (e) => e instanceof ScopegateError && e.code === 'jwks_unavailable');
  }
  assert.throws(() => new RemoteJwks('https://x', { algorithms: ['ES256'], onError: 'log' }), { code: 'invalid_argument' });
  assert.throws(() => new RemoteJwks('https://x', { algorithms: ['ES256'], maxStale: -1 }), { code: 'invalid_argument' });
});

test('RemoteJwks.fromIssuer: OpenID Connect and RFC 8414 discovery, exact issuer, https jwks_uri, cached', async () => {
  const key = es256Key('k1');
  const asked = [];
  const server = (metadata) => async (url) => {
    asked.push(String(url));
    const { pathname } = new URL(url);
    if (pathname === '/jwks') return new Response(JSON.stringify({ keys: [key.jwk] }));
    const body = metadata(pathname);
    return body ? new Response(JSON.stringify(body)) : new Response('not found', { status: 404 });
  };
  // OpenID Connect: <issuer>/.well-known/openid-configuration.
  const oidc = server((path) => path === '/.well-known/openid-configuration'
    && { issuer: 'https://auth.example', jwks_uri: 'https://auth.example/jwks' });
  const jwks = await RemoteJwks.fromIssuer('https://auth.example', { algorithms: ['ES256'], fetch: oidc });
  const token = es256(key, { iss: 'https://auth.example', sub: 'u', scope: 'read_only', exp: now() + 60 });
  assert.equal((await jwks.verify(token)).subject, 'u');
  // The issuer became the verifier's expected issuer.
  const foreign = es256(key, { iss: 'https://evil.example', sub: 'u', exp: now() + 60 });
  await assert.rejects(jwks.verify(foreign), (e) => e.code === 'claim_invalid');
  // Cached: a second discovery asks nothing.
  const before = asked.length;
  await RemoteJwks.fromIssuer('https://auth.example', { algorithms: ['ES256'], fetch: oidc });
  assert.equal(asked.length, before);

  // RFC 8414 for an issuer with a path: the well-known part goes before the path.
  const rfc8414 = server((path) => path === '/.well-known/oauth-authorization-server/tenant1'
    && { issuer: 'https://as.example/tenant1', jwks_uri: 'https://as.example/jwks' });
  const tenant = await RemoteJwks.fromIssuer('https://as.example/tenant1', { algorithms: ['ES256'], fetch: rfc8414 });
  assert.ok(tenant instanceof RemoteJwks);
  assert.ok(asked.includes('https://as.example/tenant1/.well-known/openid-configuration'));

  // Wrong issuer, http jwks_uri, no metadata: jwks_unavailable, and failures are not cached.
  const cases = [
    server(() => ({ issuer: 'https://other.example', jwks_uri: 'https://x.example/jwks' })),
    server(() => ({ issuer: 'https://bad.example', jwks_uri: 'http://x.example/jwks' })),
    server(() => null),
  ];
  for (const fetch of cases) {
    await assert.rejects(RemoteJwks.fromIssuer('https://bad.example', { algorithms: ['ES256'], fetch }), (e) => e.code === 'jwks_unavailable');
  }
  await assert.rejects(RemoteJwks.fromIssuer(42, { algorithms: ['ES256'] }), (e) => e.code === 'invalid_argument');

  // Metadata over maxBytes is no metadata; maxBytes is checked before anything is fetched.
  const large = server(() => ({ issuer: 'https://large.example', jwks_uri: 'https://large.example/jwks', padding: 'x'.repeat(4096) }));
  await assert.rejects(RemoteJwks.fromIssuer('https://large.example', { algorithms: ['ES256'], fetch: large, maxBytes: 1024 }),
    (e) => e.code === 'jwks_unavailable' && /more than maxBytes \(1024 bytes\)/.test(e.message));
  assert.ok(await RemoteJwks.fromIssuer('https://large.example', { algorithms: ['ES256'], fetch: large }) instanceof RemoteJwks);
  const fetched = asked.length;
  await assert.rejects(RemoteJwks.fromIssuer('https://other.example', { algorithms: ['ES256'], fetch: oidc, maxBytes: 0 }), (e) => e.code === 'invalid_argument');
  assert.equal(asked.length, fetched);
});

test('RemoteJwks and RemoteBundle maxBytes: a body of exactly maxBytes is read, one byte more is not; bad values are refused', async () => {
  const key = es256Key('k1');
  const body = JSON.stringify({ keys: [key.jwk] });
  const token = es256(key, { sub: 'u', exp: now() + 60 });
  const jwksOf = (maxBytes) => new RemoteJwks('https://issuer.example/jwks.json', {
    algorithms: ['ES256'], maxBytes, fetch: async () => new Response(body),
  });
  assert.equal((await jwksOf(body.length).verify(token)).subject, 'u');
  await assert.rejects(jwksOf(body.length - 1).verify(token), (e) => e.code === 'jwks_unavailable' && /maxBytes/.test(e.message));
  // A custom fetch answering a plain object (no stream body) is held to the same limit.
  const plain = new RemoteJwks('https://issuer.example/jwks.json', {
    algorithms: ['ES256'], maxBytes: body.length - 1, fetch: async () => ({ ok: true, status: 200, headers: new Headers(), text: async () => body }),
  });
  await assert.rejects(plain.verify(token), (e) => e.code === 'jwks_unavailable' && /maxBytes/.test(e.message));

  const bytes = await new Policy(readFileSync(join(root, 'examples/policies/banking.json'), 'utf8')).toBundle();
  const remoteOf = (maxBytes) => new RemoteBundle('https://config.example/p.sgb', { maxBytes, fetch: async () => new Response(bytes) });
  assert.equal((await remoteOf(bytes.length).policy()).name, 'banking');
  await assert.rejects(remoteOf(bytes.length - 1).policy(), (e) => e.code === 'policy_unavailable' && /maxBytes/.test(e.message));

  for (const bad of [0, -1, 1.5, '1024', null, Infinity]) {
    assert.throws(() => jwksOf(bad), { code: 'invalid_argument', message: 'RemoteJwks: maxBytes must be a whole number of bytes, at least 1' }, String(bad));
    assert.throws(() => remoteOf(bad), { code: 'invalid_argument', message: 'RemoteBundle: maxBytes must be a whole number of bytes, at least 1' }, String(bad));
  }
});

test('Verifier keys as jose takes them: a KeyObject, a CryptoKey (Verifier.fromKey)', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const token = es256({ kid: 'k', privateKey }, { sub: 'u', exp: now() + 60 });
  const fromKeyObject = new Verifier({ key: publicKey }, { algorithms: ['ES256'] });
  assert.equal((await fromKeyObject.verify(token)).subject, 'u');
  assert.equal((await (await Verifier.fromKey(publicKey, { algorithms: ['ES256'] })).verify(token)).subject, 'u');
  // A CryptoKey of the same key (extractable), and an HMAC secret as a KeyObject.
  const cryptoKey = await crypto.subtle.importKey('jwk', publicKey.export({ format: 'jwk' }), { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
  assert.equal((await (await Verifier.fromKey(cryptoKey, { algorithms: ['ES256'] })).verify(token)).subject, 'u');
  const secret = createSecretKey(Buffer.from(SECRET));
  assert.equal((await new Verifier({ key: secret }, { algorithms: ['HS256'] }).verify(hs256({ sub: 'h', exp: now() + 60 }))).subject, 'h');
  // Refused: private keys, a non-extractable CryptoKey, a CryptoKey in the constructor, anything else.
  assert.throws(() => new Verifier({ key: privateKey }, { algorithms: ['ES256'] }), (e) => e.code === 'invalid_key');
  const hidden = await crypto.subtle.importKey('jwk', publicKey.export({ format: 'jwk' }), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  await assert.rejects(Verifier.fromKey(hidden, { algorithms: ['ES256'] }), (e) => e.code === 'invalid_key' && /extractable/.test(e.message));
  assert.throws(() => new Verifier({ key: cryptoKey }, { algorithms: ['ES256'] }), (e) => e.code === 'invalid_argument' && /fromKey/.test(e.message));
  assert.throws(() => new Verifier({ key: 'pem?' }, { algorithms: ['ES256'] }), (e) => e.code === 'invalid_argument');
});
