// The npm package's API in Node, through node:test: errors, bad input, lifetimes and memory.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import * as scopegate from 'scopegate';
import * as lite from 'scopegate/lite';
import { policyOf } from './builds.mjs';

const root = process.env.SCOPEGATE_ROOT;
const banking = readFileSync(join(root, 'examples/policies/banking.json'), 'utf8');
const partner = readFileSync(join(root, 'examples/policies/partner.json'), 'utf8');
const { Policy, ScopegateError } = scopegate;
// A JWT part from a value, and an unsigned JWT from payload text (kept as written: big integers).
const b64url = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const unsignedJwt = (payloadJson) => `${b64url({ alg: 'none' })}.${Buffer.from(payloadJson).toString('base64url')}.`;

test('a decision is a plain object with the documented fields', () => {
  const policy = new Policy(banking);
  const grant = policy.expand('read_only');
  const decision = policy.decide('GET', '/legal/kyc/42', grant);
  assert.equal(Object.getPrototypeOf(decision), Object.prototype);
  assert.deepEqual(decision, {
    allowed: false,
    reason: 'insufficient_scope',
    rule: 'read-all',
    missing: ['read_all'],
    data: null,
    params: {},
    challenge: 'Bearer error="insufficient_scope", scope="read_all"',
  });
  assert.equal(policy.allows('GET', '/wallets', grant), true);
  // Captured parameters are own properties, whatever their name: __proto__ does not set the prototype.
  const named = new Policy({
    version: 1,
    name: 'params',
    default_scopes: 'all',
    unknown_scopes: 'reject',
    scopes: { read: { description: 'Read.', subject: 'any' } },
    rules: [{ id: 'odd', methods: ['GET'], paths: ['/x/{__proto__}/{constructor}/{toString}'], any_of: ['read'] }],
  });
  const params = named.decide('GET', '/x/a/b/c', named.expand('read')).params;
  assert.equal(Object.getPrototypeOf(params), Object.prototype);
  assert.deepEqual(Object.entries(params), [['__proto__', 'a'], ['constructor', 'b'], ['toString', 'c']]);
});

test('the Node entry refuses a runtime without process.getBuiltinModule with a clear message', () => {
  for (const entry of ['scopegate', 'scopegate/lite']) {
    const script = `process.getBuiltinModule = undefined; await import(${JSON.stringify(entry)});`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.notEqual(run.status, 0, entry);
    assert.match(run.stderr, /scopegate: this entry needs Node >= 20\.19 or Bun \(process\.getBuiltinModule\)/, entry);
  }
});

test('grants follow each API default rule', () => {
  const bank = new Policy(banking);
  const all = bank.grant(null, 'read_only read_write');
  assert.deepEqual(all.toJSON(), { granted: ['read_only', 'read_write'], dropped: [], defaulted: true, roles: {} });
  const part = new Policy(JSON.parse(partner));
  const files = part.grant(['files'], ['base']);
  assert.deepEqual(files.granted, ['files']);
  assert.equal(part.queryTransportAllowed(files), true);
  const base = part.expand('base');
  assert.deepEqual(part.clientUnsafeScopes(base), ['base']);
});

test('policy problems come as one ScopegateError with pointers', () => {
  const bad = { version: 1, name: 'x', scopes: {}, default_scopes: 'all', rules: [{ id: 'r', methods: ['GET'], paths: ['/a//b'], any_of: ['nope'] }] };
  assert.throws(() => new Policy(bad), (e) => {
    assert.ok(e instanceof ScopegateError);
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'ScopegateError');
    assert.equal(e.code, 'invalid_policy');
    assert.deepEqual(e.problems.map((p) => [p.code, p.pointer]), [
      ['invalid_pattern', '/rules/0/paths/0'],
      ['unknown_scope', '/rules/0/any_of/0'],
    ]);
    return true;
  });
});

test('paths are read canonically or refused, the same in every build', () => {
  const policy = new Policy(banking);
  const grant = policy.expand('read_only');
  for (const target of ['/admin//../config', '//evil/admin/config', '/admin/%2e%2e/config', '/wallets/..;/x', '/%61dmin/x', '/wallets/', '/wallets/1 ']) {
    assert.equal(policy.decide('GET', target, grant).reason, 'invalid_path', target);
    assert.equal(policy.allows('GET', target, grant), false, target);
  }
  assert.equal(policy.decide('delete', '/wallets', grant).reason, 'invalid_method');
  assert.equal(scopegate.normalizePath('/a/%3f'), '/a/%3F');
  assert.equal(scopegate.normalizePath(scopegate.normalizePath('/caf%c3%a9/%25')), '/caf%C3%A9/%25');
  assert.equal(scopegate.normalizePath('/a/b/', { ignoreTrailingSlash: true }), '/a/b');
  assert.equal(scopegate.normalizePath('/a;v=1', { allowSemicolons: true }), '/a;v=1');
  assert.throws(() => scopegate.normalizePath('/a;v=1'), (e) => e.code === 'invalid_path' && /';'/.test(e.message));
  assert.throws(() => scopegate.normalizePath('/a', { allowSemicolons: 'yes' }), (e) => e.code === 'invalid_argument');
  grant.free();
  policy.free();
});

test('policy files are strict: a repeated key or a lower-case method is refused with a pointer', () => {
  const base = '"version": 1, "name": "t", "scopes": {}, "default_scopes": "all"';
  const repeated = `{${base}, "rules": [{"id": "r", "methods": ["GET"], "paths": ["/a"], "effect": "deny", "effect": "allow"}]}`;
  assert.throws(() => new Policy(repeated), (e) =>
    e.code === 'invalid_policy' && e.problems[0].code === 'duplicate_key' && e.problems[0].pointer === '/rules/0');
  const lower = { version: 1, name: 't', scopes: {}, default_scopes: 'all', rules: [{ id: 'r', methods: ['delete'], paths: ['/a'] }] };
  assert.throws(() => new Policy(lower), (e) =>
    e.problems[0].code === 'invalid_method' && e.problems[0].pointer === '/rules/0/methods/0' && /case-sensitive/.test(e.problems[0].message));
});

test('bad input from JS is a ScopegateError with a code, never a trap', async () => {
  const policy = new Policy(banking);
  const grant = policy.expand([]);
  const cases = [
    [() => new Policy(42), 'invalid_argument'],
    [() => new Policy(null), 'invalid_argument'],
    [() => new Policy('{"version": 1,'), 'invalid_json'],
    [() => policy.decide(1, '/x', grant), 'invalid_argument'],
    [() => policy.allows('GET', null, grant), 'invalid_argument'],
    [() => policy.expand(7), 'invalid_argument'],
    [() => policy.expand(['ok', 3]), 'invalid_argument'],
    [() => policy.grant('read_only', 'bad"scope'), 'invalid_scope'],
    [() => policy.scopesFor('GET', '/a%2Fb'), 'invalid_path'],
    [() => policy.decideAll([null], grant), 'invalid_argument'],
    [() => policy.decideAll([['GET']], grant), 'invalid_argument'],
    [() => policy.decideAll('GET /x', grant), 'invalid_argument'],
    [() => scopegate.decodeUnverified('x'.repeat(1 << 20)), 'token_too_large'],
    [() => scopegate.decodeUnverified('a.b'), 'malformed_token'],
    [() => scopegate.decodeUnverified(undefined), 'invalid_argument'],
    [() => scopegate.parseScopes('tab\there'), 'invalid_scope'],
    [() => scopegate.normalizePath('/a%2Fb'), 'invalid_path'],
    [() => scopegate.parseTokenResponse('{"error":"invalid_scope"}'), 'token_response_error'],
    [() => new scopegate.Verifier({ secret: 'short' }, { algorithms: ['HS256'] }), 'invalid_key'],
    [() => new scopegate.Verifier({ secret: 'x'.repeat(40) }, { algorithms: ['none'] }), 'algorithm_not_allowed'],
    [() => new scopegate.Verifier({}, { algorithms: ['HS256'] }), 'invalid_argument'],
    // Engine objects of the wrong class (a plain object, another class, null) or already freed.
    [() => policy.decide('GET', '/x', {}), 'invalid_argument'],
    [() => policy.allows('GET', '/x', policy), 'invalid_argument'],
    [() => policy.allowedRules(null), 'invalid_argument'],
    [() => scopegate.Session.fromJwt(grant, 'a.b.c'), 'invalid_argument'],
    [() => { const freed = policy.expand('read_only'); freed.free(); policy.allows('GET', '/x', freed); }, 'invalid_argument'],
  ];
  for (const [call, code] of cases) {
    assert.throws(call, (e) => e instanceof ScopegateError && e.code === code, `expected ${code}: ${call}`);
  }
  // authorize is async: its argument problems reject.
  await assert.rejects(policy.authorize('GET', '/x', null, grant), (e) => e instanceof ScopegateError && e.code === 'invalid_argument');
  assert.equal(policy.decide('GET', 'x'.repeat(1 << 20), grant).reason, 'invalid_path');
  // Keys described two ways at once are ambiguous: refused, whichever pair.
  for (const keys of [{ secret: 'x'.repeat(40), jwk: { kty: 'oct', k: 'AA' } }, { pem: 'x', jwks: '{}' }]) {
    assert.throws(
      () => new scopegate.Verifier(keys, { algorithms: ['HS256'] }),
      (e) => e instanceof ScopegateError && e.code === 'invalid_argument' && /exactly one/.test(e.message),
    );
  }
  // The objects stay usable after every refusal above.
  assert.equal(policy.decideAll([['GET', '/wallets']], grant).length, 1);
  // The hot paths answer with a number: a request the module cannot read (here, lengths past the
  // input buffer, which the package never writes) answers FAILED (u32::MAX), with the error kept
  // for the package to throw, and the next call is unaffected.
  assert.equal(policy.allowsInput(1 << 30, 0, grant), 0xffffffff);
  assert.equal(policy.decideInput(0, 1 << 30, grant), 0xffffffff);
  assert.equal(policy.decide('GET', '/wallets', grant).reason, 'insufficient_scope');
  assert.equal(policy.allows('GET', '/wallets', policy.expand('read_only')), true);
});

test('verification uses jose names and an injectable clock', async () => {
  const { createHmac } = await import('node:crypto');
  const secret = 'a-test-secret-of-at-least-32-bytes!!';
  const input = `${b64url({ alg: 'HS256', typ: 'at+jwt' })}.${b64url({ iss: 'https://issuer', scope: 'read_only', exp: 2000, iat: 1000 })}`;
  const jwt = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
  const verifier = new scopegate.Verifier({ secret }, { algorithms: ['HS256'], issuer: 'https://issuer', typ: 'at+jwt' });
  const pending = verifier.verify(jwt, { currentDate: new Date(1500 * 1000) });
  assert.ok(pending instanceof Promise, 'verify returns a Promise, as jose');
  const token = await pending;
  assert.deepEqual([token.scopes, token.expiresAt, token.issuer], [['read_only'], 2000, 'https://issuer']);
  assert.ok(Object.isFrozen(token) && Object.isFrozen(token.claims) && Object.isFrozen(token.scopes));
  await assert.rejects(verifier.verify(jwt), (e) => e.code === 'token_expired');
  // The clock option is read once; anything but a valid Date is refused as in every call.
  for (const currentDate of ['now', new Date(Number.NaN), new Date(-1000), 1500]) {
    await assert.rejects(verifier.verify(jwt, { currentDate }), (e) => e instanceof ScopegateError && e.code === 'invalid_argument' && /currentDate/.test(e.message));
  }
  const boom = new Error('boom');
  await assert.rejects(verifier.verify(jwt, { get currentDate() { throw boom; } }), (e) => e.code === 'invalid_argument' && e.cause === boom);
  const policy = new Policy(banking);
  const result = await policy.authorize('GET', '/wallets', `Bearer ${jwt}`, verifier, { currentDate: new Date(1500 * 1000) });
  assert.equal(result.decision.data, 'own');
  assert.equal(result.source, 'header');
  assert.deepEqual([result.subject, result.clientId, result.scopes], [token.subject, null, ['read_only']]);
  assert.deepEqual(result.token, token);
  assert.deepEqual(JSON.parse(JSON.stringify(result)).decision, result.decision);
  assert.equal(JSON.parse(JSON.stringify(result)).grant.granted[0], 'read_only');
  // The grant is made when read, once, from the token's scopes: the scopes the decision used.
  assert.equal(result.grant, result.grant);
  assert.deepEqual(result.grant.granted, result.scopes);
  result.free();
  result.free();
  const roleInput = `${b64url({ alg: 'HS256', typ: 'at+jwt' })}.${b64url({ iss: 'https://issuer', sub: 'u-2', scope: 'end_user', exp: 2000, iat: 1000 })}`;
  const roleJwt = `${roleInput}.${createHmac('sha256', secret).update(roleInput).digest('base64url')}`;
  const roleToken = await verifier.verify(roleJwt, { currentDate: new Date(1500 * 1000) });
  const byRole = await policy.authorize('POST', '/payments', `Bearer ${roleJwt}`, verifier, { currentDate: new Date(1500 * 1000) });
  assert.deepEqual(byRole.scopes, ['read_only', 'read_write'], 'roles expanded, as policy.expand(token.scopes) does');
  assert.deepEqual(byRole.scopes, policy.expand(roleToken.scopes).granted);
  assert.equal(byRole.decision.allowed, true);
  assert.deepEqual(scopegate.decodeUnverified(jwt).scopes, ['read_only']);
  // jose's duration strings for clockTolerance and maxTokenAge; anything else is refused.
  const at = (seconds) => ({ currentDate: new Date(seconds * 1000) });
  const tolerant = new scopegate.Verifier({ secret }, { algorithms: ['HS256'], clockTolerance: '1 min' });
  assert.equal((await tolerant.verify(jwt, at(2059))).expiresAt, 2000, 'exp + 60 s of tolerance');
  await assert.rejects(tolerant.verify(jwt, at(2060)), { code: 'token_expired' });
  const young = new scopegate.Verifier({ secret }, { algorithms: ['HS256'], maxTokenAge: '0.25h' });
  assert.equal((await young.verify(jwt, at(1900))).issuedAt, 1000, 'iat + 900 s');
  await assert.rejects(young.verify(jwt, at(1901)), (e) => e.code === 'token_expired' && e.claim === 'iat' && /900 s/.test(e.message));
  for (const bad of ['-30s', '30 s ago', '30 parsecs', '1.s', '', '30  s']) {
    assert.throws(() => new scopegate.Verifier({ secret }, { algorithms: ['HS256'], clockTolerance: bad }),
      (e) => e.code === 'invalid_argument' && /clockTolerance/.test(e.message), bad);
  }
  for (const good of ['30s', '30 S', '2 hours', '1.5m', '1y']) {
    new scopegate.Verifier({ secret }, { algorithms: ['HS256'], maxTokenAge: good }).free();
  }
  tolerant.free();
  young.free();
});

test('the lite build decides the same from a bundle and has no Verifier', async () => {
  assert.equal(lite.Verifier, undefined);
  const policy = await policyOf(lite, banking);
  const grant = policy.expand('read_only');
  assert.deepEqual(policy.decide('GET', '/wallets', grant).data, 'own');
  assert.throws(() => new lite.Policy('{}'), (e) => e instanceof lite.ScopegateError && e.code === 'invalid_argument');
});

test('both builds give claims and token responses as JSON.parse reads them, large integers too', async () => {
  const payload = '{"sub":"u-1","scope":"read_only","big":18446744073709551615,"low":-9007199254740993,'
    + '"safe":9007199254740991,"half":1.5,"nested":{"ids":[9007199254740993,2]}}';
  const body = '{"access_token":"a","token_type":"Bearer","expires_in":18446744073709551615}';
  for (const build of [scopegate, lite]) {
    const token = build.decodeUnverified(unsignedJwt(payload));
    assert.deepEqual(token.claims, JSON.parse(payload));
    assert.deepEqual(token.header, { alg: 'none' });
    const session = build.Session.fromJwt(await policyOf(build, banking), unsignedJwt(payload));
    assert.deepEqual(session.claims, JSON.parse(payload));
    assert.equal(build.parseTokenResponse(body).expiresIn, JSON.parse(body).expires_in);
  }
});

test('decideAll answers each request as decide does, for a batch of any size', async () => {
  // Parameters, challenges and missing scopes of thousands of decisions in one output buffer
  // (which grows while the batch is written: each decision must still point at its own bytes).
  for (const build of [scopegate, lite]) {
    const policy = await policyOf(build, banking);
    const grant = policy.expand('read_only');
    const requests = [];
    for (let i = 0; i < 3000; i += 1) {
      const id = `${i}-${'\u00e9'.repeat(i % 5)}${'x'.repeat(i % 37)}`;
      requests.push(['GET', `/wallets/${i}`], ['DELETE', `/legal/kyc/${encodeURIComponent(id)}`], ['PATCH', `/nowhere/${i}`]);
    }
    const batch = policy.decideAll(requests, grant);
    assert.equal(batch.length, requests.length);
    assert.equal(batch[3 * 2999 + 1].params.user_id, `2999-${'\u00e9'.repeat(4)}${'x'.repeat(2999 % 37)}`);
    requests.forEach(([method, path], k) => assert.deepEqual(batch[k], policy.decide(method, path, grant), `${method} ${path}`));
    assert.deepEqual(policy.decideAll([], grant), []);
    grant.free();
    policy.free();
  }
});

test('texts read from the module keep every character, ASCII or not, whatever their length', () => {
  // Subject, issuer, audience, client id and JWT id of 0-40 characters, a non-ASCII character
  // (two or three bytes, or four: a surrogate pair) nowhere or at the start, the end, and around
  // the eight-byte steps; and a decision's path parameters the same way.
  const policy = new Policy(JSON.stringify({
    version: 1, name: 'texts', default_scopes: 'all', scopes: { s: {} },
    rules: [{ id: 'r', methods: ['GET'], paths: ['/t/{value}'], any_of: ['s'] }],
  }));
  const grant = policy.expand('s');
  for (let length = 0; length <= 40; length += 1) {
    for (const at of [-1, 0, 7, 8, 15, 16, 23, 24, length - 1]) {
      for (const odd of ['\u00e9', '\u20ac', '\u{1f600}']) {
        if (at >= length) continue;
        const chars = Array.from({ length }, (_, k) => String.fromCharCode(97 + (k % 26)));
        if (at >= 0) chars[at] = odd;
        const value = chars.join('');
        const claims = { sub: value, iss: value, aud: [value, 'x'], client_id: value, jti: value };
        for (const build of [scopegate, lite]) {
          const token = build.decodeUnverified(unsignedJwt(JSON.stringify(claims)));
          const read = [token.subject, token.issuer, token.audience[0], token.clientId, token.jwtId];
          assert.deepEqual(read, [value, value, value, value, value], `${length} ${at} ${odd}`);
        }
        if (length > 0) {
          const path = `/t/${encodeURIComponent(value)}`;
          assert.deepEqual(policy.decide('GET', path, grant).params, { value }, path);
        }
      }
    }
  }
});

for (const [name, build] of [['full', scopegate], ['lite', lite]]) {
  test(`memory stays flat across a million calls (${name} build)`, async () => {
    const policy = await policyOf(build, banking);
    const grant = policy.expand('read_only read_write');
    const jwt = unsignedJwt('{"sub":"u-1","scope":"read_only","exp":2000000000}');
    let allowed = 0;
    const call = (i) => {
      if (i % 10 === 0) policy.decide('DELETE', `/legal/kyc/${i}`, grant);
      else if (i % 100 === 1) build.decodeUnverified(jwt);
      else if (i % 100 === 2) policy.grant('read_only', 'read_only read_write').free();
      else if (policy.allows('GET', `/cards/${i}`, grant)) allowed++;
    };
    for (let i = 0; i < 10_000; i++) call(i);
    const before = build.wasmMemoryBytes();
    allowed = 0;
    for (let i = 0; i < 1_000_000; i++) call(i);
    assert.equal(allowed, 880_000);
    assert.equal(build.wasmMemoryBytes(), before);
  });
}

test('classes free their Rust state with free() or Symbol.dispose', () => {
  const policy = new Policy(banking);
  const grant = policy.expand('read_only');
  grant[Symbol.dispose]();
  const freed = (e) => e instanceof ScopegateError && e.code === 'invalid_argument' && /Grant was freed/.test(e.message);
  assert.throws(() => policy.decide('GET', '/wallets', grant), freed);
  assert.throws(() => grant.granted, freed);
  assert.doesNotThrow(() => grant.free(), 'a second free is a no-op');
  // What is freed is returned: 100,000 grants made and freed leave the memory as it was.
  for (let i = 0; i < 1000; i += 1) policy.expand('read_only read_write').free();
  const before = scopegate.wasmMemoryBytes();
  for (let i = 0; i < 100_000; i += 1) policy.expand('read_only read_write')[Symbol.dispose]();
  assert.equal(scopegate.wasmMemoryBytes(), before);
  policy.free();
  assert.throws(() => policy.name, (e) => e.code === 'invalid_argument' && /Policy was freed/.test(e.message));
});

test('a freed object that cannot take new properties (sealed, not extensible) still says it was freed', () => {
  const policy = new Policy(banking);
  const grantFreed = (e) => e instanceof ScopegateError && e.code === 'invalid_argument' && /Grant was freed/.test(e.message);
  const policyFreed = (e) => e instanceof ScopegateError && e.code === 'invalid_argument' && /Policy was freed/.test(e.message);
  for (const lock of [Object.preventExtensions, Object.seal]) {
    const grant = lock(policy.expand('read_only'));
    grant.free();
    assert.throws(() => policy.allows('GET', '/wallets', grant), grantFreed);
    assert.throws(() => policy.decide('GET', '/wallets', grant), grantFreed);
    assert.throws(() => grant.granted, grantFreed);
    assert.throws(() => grant.has('read_only'), grantFreed);
    const other = lock(new Policy(banking));
    other.free();
    const fresh = policy.expand('read_only');
    assert.throws(() => other.name, policyFreed);
    assert.throws(() => other.allows('GET', '/wallets', fresh), policyFreed);
    assert.throws(() => other.expand('read_only'), policyFreed);
    assert.equal(policy.allows('GET', '/wallets', fresh), true, 'the objects not freed keep working');
  }
});

test('authorize with a freed policy rejects with the freed error, its verifier still usable', async () => {
  const keys = JSON.parse(readFileSync(join(root, 'tests/fixtures/keys.json'), 'utf8'));
  const fixtures = JSON.parse(readFileSync(join(root, 'tests/fixtures/tokens.json'), 'utf8'));
  const token = fixtures.tokens.find((t) => t.alg === 'HS256' && t.key === 'hmac').token;
  const options = { currentDate: new Date(fixtures.now * 1000) };
  const verifier = new scopegate.Verifier({ jwk: keys.hmac_jwk }, {
    algorithms: ['HS256'], issuer: fixtures.claims.iss, audience: fixtures.claims.aud[0],
  });
  const partnerPolicy = new Policy(partner);
  const freed = new Policy(partner);
  freed.free();
  for (let round = 0; round < 2; round += 1) { // the token verified, then from the cache
    await assert.rejects(
      freed.authorize('GET', '/files/42', `Bearer ${token}`, verifier, options),
      (e) => e instanceof ScopegateError && e.code === 'invalid_argument' && /Policy was freed/.test(e.message),
    );
    const result = await partnerPolicy.authorize('GET', '/files/42', `Bearer ${token}`, verifier, options);
    assert.equal(typeof result.decision.allowed, 'boolean');
    result.free();
  }
});

// RS256 and Ed25519 tokens signed with fresh node:crypto keys.
async function signedTokens() {
  const { generateKeyPairSync, sign } = await import('node:crypto');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ed = generateKeyPairSync('ed25519');
  const jwt = (alg, key, claims) => {
    const input = `${b64url({ alg, typ: 'at+jwt' })}.${b64url(claims)}`;
    const digest = alg === 'RS256' ? 'sha256' : null;
    return `${input}.${sign(digest, Buffer.from(input), key).toString('base64url')}`;
  };
  return {
    rsaPem: rsa.publicKey.export({ type: 'spki', format: 'pem' }),
    edPem: ed.publicKey.export({ type: 'spki', format: 'pem' }),
    rs256: (claims) => jwt('RS256', rsa.privateKey, claims),
    eddsa: (claims) => jwt('EdDSA', ed.privateKey, claims),
    signEd: (message) => sign(null, message, ed.privateKey),
  };
}

test('WebCrypto verifies RSA and EdDSA; the cache shares frozen tokens, expires at exp and evicts the oldest', async () => {
  const keys = await signedTokens();
  const at = (seconds) => ({ currentDate: new Date(seconds * 1000) });
  const verifier = new scopegate.Verifier({ pem: keys.rsaPem }, { algorithms: ['RS256'], cacheSize: 2 });
  const first = keys.rs256({ sub: 'u-1', scope: 'read_only', exp: 2000 });
  const token = await verifier.verify(first, at(1000));
  assert.deepEqual([token.subject, token.scopes], ['u-1', ['read_only']]);
  assert.equal(verifier.cachedTokens, 1);
  assert.equal(await verifier.verify(first, at(1500)), token, 'a hit returns the same frozen object');
  // A hit still checks the time: at exp the entry is dropped and the token refused.
  await assert.rejects(verifier.verify(first, at(2000)), (e) => e.code === 'token_expired');
  assert.equal(verifier.cachedTokens, 0);
  // A tampered signature is refused by WebCrypto and never cached.
  const [head, body, signature] = keys.rs256({ sub: 'u-2', exp: 2000 }).split('.');
  const forged = `${head}.${b64url({ sub: 'admin', exp: 2000 })}.${signature}`;
  await assert.rejects(verifier.verify(forged, at(1000)), (e) => e.code === 'invalid_signature');
  assert.equal(verifier.cachedTokens, 0);
  // Three tokens through a cache of two: the oldest goes; concurrent verifications of one token
  // leave one entry; memory stays as it was once every entry is freed.
  const tokens = [1, 2, 3].map((n) => keys.rs256({ sub: `u-${n}`, scope: n === 2 ? 'read_all' : 'read_only', exp: 2000 }));
  await Promise.all([tokens[0], tokens[0], tokens[1], tokens[1]].map((t) => verifier.verify(t, at(1000))));
  assert.equal(verifier.cachedTokens, 2);
  await verifier.verify(tokens[2], at(1000));
  assert.equal(verifier.cachedTokens, 2);
  // authorize under concurrency: decisions come from the right tokens even as entries are evicted.
  const policy = new Policy(banking);
  const results = await Promise.all(tokens.concat(tokens).map((t) => policy.authorize('GET', '/wallets', `Bearer ${t}`, verifier, at(1000))));
  assert.deepEqual(results.map((r) => r.subject), ['u-1', 'u-2', 'u-3', 'u-1', 'u-2', 'u-3']);
  assert.deepEqual(results.map((r) => [r.decision.allowed, r.decision.data]), [[true, 'own'], [true, 'all'], [true, 'own'], [true, 'own'], [true, 'all'], [true, 'own']]);
  for (const r of results) r.free();
  // Between nbf/iat and exp a hit answers from the entry; when the clock goes back before them the
  // hit is refused as a fresh verification would refuse it, and the entry stays.
  const notBefore = keys.rs256({ sub: 'u-4', nbf: 1100, exp: 2000 });
  const issued = keys.rs256({ sub: 'u-5', iat: 1300, exp: 2000 });
  const early = await verifier.verify(notBefore, at(1100));
  assert.equal(await verifier.verify(notBefore, at(1999)), early);
  await assert.rejects(verifier.verify(notBefore, at(1099)), (e) => e.code === 'token_not_yet_valid');
  assert.equal(await verifier.verify(notBefore, at(1100)), early, 'the entry stays');
  const fresh = await verifier.verify(issued, at(1300));
  await assert.rejects(verifier.verify(issued, at(1299)), (e) => e.code === 'claim_invalid' && e.claim === 'iat');
  assert.equal(await verifier.verify(issued, at(1300)), fresh);
  const leeway = new scopegate.Verifier({ pem: keys.rsaPem }, { algorithms: ['RS256'], cacheSize: 2, clockTolerance: 10 });
  const tolerated = await leeway.verify(notBefore, at(1090));
  assert.equal(await leeway.verify(notBefore, at(1095)), tolerated);
  await assert.rejects(leeway.verify(notBefore, at(1089)), (e) => e.code === 'token_not_yet_valid');
  leeway.free();
  verifier.clearCache();
  assert.equal(verifier.cachedTokens, 0);
  const before = scopegate.wasmMemoryBytes();
  for (let i = 0; i < 200; i += 1) await verifier.verify(tokens[i % 3], at(1000));
  verifier.clearCache();
  assert.equal(scopegate.wasmMemoryBytes(), before);
  verifier.free();
  await assert.rejects(verifier.verify(first, at(1000)), (e) => e.code === 'invalid_argument' && /freed/.test(e.message));
  policy.free();
  // EdDSA, and a detached signature with the verifier's key.
  const ed = new scopegate.Verifier({ pem: keys.edPem }, { algorithms: ['EdDSA'] });
  assert.equal((await ed.verify(keys.eddsa({ sub: 'e', exp: 2000 }), at(1000))).subject, 'e');
  const message = new TextEncoder().encode('a detached message');
  await ed.verifySignature('EdDSA', message, keys.signEd(message));
  await assert.rejects(ed.verifySignature('EdDSA', new TextEncoder().encode('another'), keys.signEd(message)), (e) => e.code === 'invalid_signature');
  await assert.rejects(ed.verifySignature('RS256', message, keys.signEd(message)), (e) => e.code === 'algorithm_not_allowed');
  ed.free();
});

test('a platform whose WebCrypto lacks Ed25519 refuses EdDSA tokens with algorithm_not_allowed', async () => {
  const keys = await signedTokens();
  const subtle = globalThis.crypto.subtle;
  const importKey = subtle.importKey;
  subtle.importKey = function (format, key, algorithm, ...rest) {
    if (algorithm?.name === 'Ed25519') return Promise.reject(new DOMException('Unrecognized name.', 'NotSupportedError'));
    return importKey.call(this, format, key, algorithm, ...rest);
  };
  try {
    const verifier = new scopegate.Verifier({ pem: keys.edPem }, { algorithms: ['EdDSA'] });
    const jwt = keys.eddsa({ sub: 'e', exp: 2000 });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      await assert.rejects(verifier.verify(jwt, { currentDate: new Date(1000 * 1000) }), (e) =>
        e instanceof ScopegateError && e.code === 'algorithm_not_allowed' && /cannot verify EdDSA/.test(e.message) && e.cause?.name === 'NotSupportedError');
    }
    // Each refusal frees what the module prepared for the check: memory stays as it was.
    const before = scopegate.wasmMemoryBytes();
    for (let i = 0; i < 2000; i += 1) {
      await assert.rejects(verifier.verify(jwt, { currentDate: new Date(1000 * 1000) }), { code: 'algorithm_not_allowed' });
    }
    assert.equal(scopegate.wasmMemoryBytes(), before);
    verifier.free();
  } finally {
    delete subtle.importKey;
  }
  assert.equal(subtle.importKey, importKey);
});

test('console.log shows what a Policy, Grant or Session holds; the policy schema ships with the package', async () => {
  const { inspect } = await import('node:util');
  const { createRequire } = await import('node:module');
  const policy = new Policy(banking);
  assert.match(inspect(policy), /^Policy \{ name: '[^']+', rules: \d+, scopes: \d+ \}$/);
  const grant = policy.expand('read_only');
  assert.match(inspect(grant), /^Grant \{\n?\s*granted: \[ 'read_only' \]/);
  const session = scopegate.Session.fromJwt(policy, unsignedJwt('{"sub":"u-1","scope":"read_only"}'));
  assert.equal(inspect(session), "Session { subject: 'u-1', scopes: [ 'read_only' ], expiresAt: null }");
  grant.free();
  assert.equal(inspect(grant), 'Grant (freed)');
  session.free();
  policy.free();
  // "$schema": "./node_modules/scopegate/policy.schema.json" (or resolved through the exports map).
  const require = createRequire(import.meta.url);
  const shipped = require('scopegate/policy.schema.json');
  assert.deepEqual(shipped, JSON.parse(readFileSync(join(root, 'policy.schema.json'), 'utf8')));
});
