// Hostile arguments from JavaScript: an exception from a getter, a proxy trap or toJSON, thrown
// while a call reads its arguments, must leave every object usable and freeable (it used to leave
// the object borrowed: unfreeable, and after enough calls the instance was dead). Every argument
// position of every exported function and method gets every hostile value, thousands of times.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import * as full from 'scopegate';
import * as lite from 'scopegate/lite';
import { policyOf } from './builds.mjs';

const root = process.env.SCOPEGATE_ROOT;
const banking = readFileSync(join(root, 'examples/policies/banking.json'), 'utf8');
const bankingBundle = await new full.Policy(banking).toBundle();
const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const input = `${b64({ alg: 'HS256' })}.${b64({ sub: 'u', scope: 'read_only', exp: 4102444800 })}`;
const jwt = `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;

class Boom extends Error {}
const boom = () => { throw new Boom('hostile'); };
/** Values whose reading runs code that throws. */
function hostileValues() {
  const everyTrap = new Proxy({}, { get: boom, has: boom, ownKeys: boom, getOwnPropertyDescriptor: boom, getPrototypeOf: boom });
  const revocable = Proxy.revocable({}, {});
  revocable.revoke();
  const arrayWithThrowingItems = new Proxy(['read_only', 'GET'], { get: (target, key) => (key === 'length' ? 2 : boom()) });
  const endlessArray = new Proxy([], { get: (target, key) => (key === 'length' ? 2 ** 32 - 1 : 'x') });
  const throwingToJson = { toJSON: boom };
  const throwingGetters = Object.defineProperties({}, Object.fromEntries(
    ['currentDate', 'maxSize', 'scopeClaim', 'algorithms', 'secret', 'jwk', 'pem', 'jwks', 'kid', 'issuer',
      'audience', 'typ', 'cacheSize', 'requested', 'receivedAt', 'allowClientUnsafe', 'allowSemicolons',
      'ignoreTrailingSlash', 'length', '0', '1'].map((key) => [key, { get: boom, enumerable: true }]),
  ));
  const dateProxy = new Proxy(new Date(), { get: boom });
  return [everyTrap, revocable.proxy, arrayWithThrowingItems, endlessArray, throwingToJson, throwingGetters, dateProxy];
}

/** Every call of a build: [label, function of (args) that calls it, the good arguments]. */
function calls(scopegate, objects) {
  const { policy, grant, verifier, session } = objects;
  const list = [
    ['Policy.fromBundle', (a) => scopegate.Policy.fromBundle(...a), [bankingBundle, {}]],
    ['Policy.grant', (a) => policy.grant(...a), ['read_only', 'read_only read_write']],
    ['Policy.expand', (a) => policy.expand(...a), ['read_only']],
    ['Policy.decide', (a) => policy.decide(...a), ['GET', '/wallets', grant]],
    ['Policy.allows', (a) => policy.allows(...a), ['GET', '/wallets', grant]],
    ['Policy.decideAll', (a) => policy.decideAll(...a), [[['GET', '/wallets']], grant]],
    ['Policy.allowedRules', (a) => policy.allowedRules(...a), [grant]],
    ['Policy.scopesFor', (a) => policy.scopesFor(...a), ['GET', '/wallets']],
    ['Policy.clientUnsafeScopes', (a) => policy.clientUnsafeScopes(...a), [grant]],
    ['Policy.queryTransportAllowed', (a) => policy.queryTransportAllowed(...a), [grant]],
    ['Grant.has', (a) => grant.has(...a), ['read_only']],
    ['Session.fromJwt', (a) => scopegate.Session.fromJwt(...a), [policy, jwt, {}]],
    ['Session.fromTokenResponse', (a) => scopegate.Session.fromTokenResponse(...a),
      [policy, { access_token: 't', token_type: 'Bearer' }, { requested: 'read_only', receivedAt: new Date() }]],
    ['Session.can', (a) => session.can(...a), ['GET', '/wallets', { currentDate: new Date() }]],
    ['Session.decide', (a) => session.decide(...a), ['GET', '/wallets', {}]],
    ['Session.missing', (a) => session.missing(...a), ['GET', '/wallets', {}]],
    ['Session.isExpired', (a) => session.isExpired(...a), [{}]],
    ['Session.urlWithToken', (a) => session.urlWithToken(...a), ['/v1/x']],
    ['decodeUnverified', (a) => scopegate.decodeUnverified(...a), [jwt, { maxSize: 4096 }]],
    ['parseTokenResponse', (a) => scopegate.parseTokenResponse(...a), [{ access_token: 't', token_type: 'Bearer' }, 'read_only']],
    ['bearerToken', (a) => scopegate.bearerToken(...a), ['Bearer abc', 'x=1']],
    ['parseScopes', (a) => scopegate.parseScopes(...a), [['read_only']]],
    ['normalizePath', (a) => scopegate.normalizePath(...a), ['/a', { allowSemicolons: true }]],
  ];
  if (verifier) {
    list.push(
      ['new Policy', (a) => new scopegate.Policy(...a), [banking]],
      ['new Verifier', (a) => new scopegate.Verifier(...a), [{ secret: SECRET }, { algorithms: ['HS256'], issuer: ['x'] }]],
      ['Verifier.verify', (a) => verifier.verify(...a), [jwt, { currentDate: new Date() }]],
      ['Policy.authorize', (a) => policy.authorize(...a), ['GET', '/wallets', `Bearer ${jwt}`, verifier, { currentDate: new Date() }]],
    );
  }
  return list;
}

for (const [build, scopegate] of [['full', full], ['lite', lite]]) {
  test(`${build}: exceptions while arguments are read leave every object usable and freeable`, async () => {
    const policy = await policyOf(scopegate, banking);
    const grant = policy.expand('read_only');
    const verifier = scopegate.Verifier ? new scopegate.Verifier({ secret: SECRET }, { algorithms: ['HS256'], cacheSize: 8 }) : null;
    const session = scopegate.Session.fromJwt(policy, jwt, {});
    const objects = { policy, grant, verifier, session };
    const before = scopegate.wasmMemoryBytes();
    let thrown = 0;
    for (let round = 0; round < 40; round += 1) {
      for (const [label, invoke, good] of calls(scopegate, objects)) {
        for (let position = 0; position < good.length; position += 1) {
          for (const hostile of hostileValues()) {
            const args = [...good];
            args[position] = hostile;
            let result;
            try {
              result = invoke(args);
              // verify and authorize are async: their problems are rejections.
              if (result instanceof Promise) result = await result;
            } catch (error) {
              thrown += 1;
              // The exception is the one thrown by the hostile value, or a ScopegateError; never a
              // wasm-bindgen error about a borrowed object, never a trap.
              const expected = error instanceof Boom || (error instanceof TypeError && /revoked/i.test(error.message))
                || error instanceof scopegate.ScopegateError;
              assert.ok(expected, `${label} argument ${position}: ${error?.constructor?.name}: ${error?.message}`);
              if (error instanceof scopegate.ScopegateError) assert.notEqual(error.code, 'resource_exhausted', label);
              continue;
            }
            result?.free?.();
          }
        }
      }
    }
    assert.ok(thrown > 5000, `${thrown} hostile calls threw`);
    // Every object still answers, and can be freed.
    assert.equal(policy.decide('GET', '/wallets', grant).reason, 'allowed');
    assert.equal(policy.decideAll([['GET', '/wallets']], grant)[0].allowed, true);
    assert.equal(session.can('GET', '/wallets'), true);
    if (verifier) assert.equal((await verifier.verify(jwt, { currentDate: new Date(0) })).subject, 'u');
    assert.ok(scopegate.wasmMemoryBytes() - before < 16 * 1024 * 1024, 'no memory was lost');
    for (const object of [grant, session, verifier, policy]) object?.free();
  });
}

test('running out of memory is a ScopegateError (resource_exhausted), and a new policy still works', () => {
  // In a child process: the module grows to 4 GiB before it traps.
  const script = `
    import { Policy, ScopegateError } from 'scopegate';
    import { readFileSync } from 'node:fs';
    const text = readFileSync(process.argv[1], 'utf8');
    const policy = new Policy(text);
    const grant = policy.expand('read_only');
    const huge = '/'.padEnd(400 * 1024 * 1024, 'x');
    const requests = Array.from({ length: 12 }, () => ['GET', huge]);
    let outcome;
    try {
      policy.decideAll(requests, grant);
      outcome = 'no error';
    } catch (error) {
      outcome = error instanceof ScopegateError ? error.code : String(error);
    }
    const fresh = new Policy(text);
    const answer = fresh.decide('GET', '/wallets', fresh.expand('read_only')).reason;
    console.log(JSON.stringify({ outcome, answer }));
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script, join(root, 'examples/policies/banking.json')], {
    encoding: 'utf8',
    cwd: process.cwd(),
    maxBuffer: 1 << 20,
  });
  assert.equal(child.status, 0, child.stderr);
  assert.deepEqual(JSON.parse(child.stdout), { outcome: 'resource_exhausted', answer: 'allowed' });
});

for (const [build, scopegate] of [['full', full], ['lite', lite]]) {
  test(`${build}: a 10,000-scope implies chain (the default limit) loads, and its cycle is reported, without a stack overflow`, async () => {
    const chain = (cycle) => {
      const n = 10_000;
      const scopes = {};
      for (let i = 0; i < n; i += 1) scopes[`s${i}`] = { implies: i + 1 < n ? [`s${i + 1}`] : cycle ? ['s0'] : [] };
      return { version: 1, name: 'chain', scopes, default_scopes: 'all', rules: [{ id: 'r', methods: ['GET'], paths: ['/c'], all_of: [`s${n - 1}`] }] };
    };
    for (let round = 0; round < 5; round += 1) {
      const policy = await policyOf(scopegate, chain(false));
      const head = policy.expand('s0');
      assert.equal(head.granted.length, 10_000);
      assert.equal(policy.allows('GET', '/c', head), true);
      // The full build refuses the cycle (so no bundle of it can be written for the lite build).
      assert.throws(() => new full.Policy(chain(true)), (e) => e.code === 'invalid_policy' && e.problems[0].code === 'implies_cycle');
      head.free();
      policy.free();
    }
    const small = await policyOf(scopegate, banking);
    assert.equal(small.decide('GET', '/wallets', small.expand('read_only')).reason, 'allowed');
  });
}
