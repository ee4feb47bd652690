// Frontend sessions and the session store, through the packed package (full and lite builds).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import * as full from 'scopegate';
import * as lite from 'scopegate/lite';
import { policyOf } from './builds.mjs';

const root = process.env.SCOPEGATE_ROOT;
const banking = readFileSync(join(root, 'examples/policies/banking.json'), 'utf8');
const partner = readFileSync(join(root, 'examples/policies/partner.json'), 'utf8');
const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
// Sessions decode without verifying, so an unsigned token is enough here.
const jwt = (claims) => `${b64({ alg: 'none' })}.${b64(claims)}.`;
const at = (seconds) => ({ currentDate: new Date(seconds * 1000) });
const NOW = 1_800_000_000;

for (const [build, api] of [['full', full], ['lite', lite]]) {
  const { Policy, Session, SessionStore, ScopegateError } = api;

  test(`${build}: a JWT session answers like the policy until exp, then token_expired`, async () => {
    const policy = await policyOf(api, banking);
    const session = Session.fromJwt(policy, jwt({ sub: 'u-1', scope: 'end_user', exp: NOW + 60 }));
    assert.deepEqual(session.scopes, ['read_only', 'read_write']);
    assert.equal(session.subject, 'u-1');
    assert.equal(session.expiresAt, NOW + 60);
    assert.equal(session.claims.sub, 'u-1');
    const decision = session.decide('GET', '/accounts/7', at(NOW));
    assert.deepEqual(decision, policy.decide('GET', '/accounts/7', policy.expand('end_user')));
    assert.equal(session.can('GET', '/accounts/7', at(NOW)), true);
    assert.deepEqual(session.missing('DELETE', '/admin/users/1', at(NOW)), ['admin']);
    assert.equal(session.cannot('DELETE', '/admin/users/1', at(NOW)), true);
    const expired = session.decide('GET', '/accounts/7', at(NOW + 60));
    assert.equal(expired.allowed, false);
    assert.equal(expired.reason, 'token_expired');
    assert.equal(expired.challenge, 'Bearer error="invalid_token", error_description="The access token expired"');
    assert.equal(session.can('GET', '/accounts/7', at(NOW + 60)), false);
    assert.equal(session.isExpired(at(NOW + 59)), false);
    assert.equal(session.isExpired(at(NOW + 60)), true);
    // missing: [] when allowed, the scopes when some would help, null when none would.
    assert.deepEqual(session.missing('GET', '/accounts/7', at(NOW)), []);
    assert.equal(session.missing('PATCH', '/wallets/1', at(NOW)), null, 'no rule: no scope would help');
    assert.equal(session.missing('DELETE', '/admin/users/1', at(NOW + 60)), null, 'expired: no scope would help');
  });

  test(`${build}: a session decides with its own copy of the policy, after the Policy is freed`, async () => {
    const policy = await policyOf(api, banking);
    const expected = policy.decide('GET', '/accounts/7', policy.expand('end_user'));
    const refused = policy.decide('DELETE', '/admin/users/1', policy.expand('end_user'));
    const session = Session.fromJwt(policy, jwt({ sub: 'u-1', scope: 'end_user', exp: NOW + 60 }));
    const fromResponse = Session.fromTokenResponse(policy, { access_token: 'o', token_type: 'Bearer', scope: 'end_user' });
    policy.free();
    for (const made of [session, fromResponse]) {
      assert.deepEqual(made.decide('GET', '/accounts/7', at(NOW)), expected);
      assert.deepEqual(made.decide('DELETE', '/admin/users/1', at(NOW)), refused);
      assert.deepEqual(made.missing('DELETE', '/admin/users/1', at(NOW)), ['admin']);
      assert.equal(made.can('GET', '/accounts/7', at(NOW)), true);
      assert.equal(made.cannot('DELETE', '/admin/users/1', at(NOW)), true);
    }
    assert.equal(session.can('GET', '/accounts/7', at(NOW + 60)), false, 'expired');
    // The arguments are checked as the module checks them, with its messages.
    for (const [args, message] of [
      [[42, '/x'], 'method must be a string, not number'],
      [['GET', null], 'path must be a string, not null'],
      [['GET', {}], 'path must be a string, not object'],
    ]) {
      for (const check of ['decide', 'can', 'cannot']) {
        assert.throws(() => session[check](...args), (error) => error instanceof ScopegateError
          && error.code === 'invalid_argument' && error.message === message, `${check}: ${message}`);
      }
    }
    session.free();
    assert.throws(() => session.decide('GET', '/accounts/7'), /was freed/);
    assert.throws(() => session.can('GET', '/accounts/7'), /was freed/);
    assert.throws(() => session.cannot('GET', '/accounts/7'), /^ScopegateError: Session\.cannot: this Session was freed/);
    fromResponse.free();
  });

  test(`${build}: client_safe: false tokens are refused, with why`, async () => {
    const policy = await policyOf(api, partner);
    assert.throws(
      () => Session.fromJwt(policy, jwt({ scope: 'base' })),
      (error) =>
        error instanceof ScopegateError &&
        error.code === 'client_unsafe_token' &&
        /"base"/.test(error.message) &&
        /never reach a browser/.test(error.message),
    );
    // The partner default (nothing requested, no scope in the response) is base: refused too.
    assert.throws(
      () => Session.fromTokenResponse(policy, { access_token: 'o', token_type: 'Bearer' }),
      { code: 'client_unsafe_token' },
    );
    const server = Session.fromJwt(policy, jwt({ scope: 'base' }), { allowClientUnsafe: true });
    assert.deepEqual(server.scopes, ['base', 'files']);
  });

  test(`${build}: token responses, and tokens in URLs only where transport.query allows`, async () => {
    const policy = await policyOf(api, partner);
    const files = Session.fromTokenResponse(
      policy,
      JSON.stringify({ access_token: 'a+b/c', token_type: 'Bearer', expires_in: 3600, scope: 'files', refresh_token: 'r' }),
      { receivedAt: new Date(NOW * 1000) },
    );
    assert.equal(files.expiresAt, NOW + 3600);
    assert.equal(files.refreshToken, 'r');
    assert.equal(files.claims, null);
    assert.equal(files.urlWithToken('/v1/img/cat.png?w=2'), '/v1/img/cat.png?w=2&access_token=a%2Bb%2Fc');
    const requested = Session.fromTokenResponse(
      policy,
      { access_token: 'x', token_type: 'bearer' },
      { requested: 'files upload_files' },
    );
    assert.deepEqual(requested.scopes, ['files', 'upload_files']);
    assert.throws(() => requested.urlWithToken('/v1/img/cat.png'), { code: 'token_in_query_not_allowed' });
    assert.throws(() => files.urlWithToken('/v1/img/cat.png#x'), { code: 'invalid_argument' });
  });

  test(`${build}: bad input throws ScopegateError with a code`, async () => {
    const policy = await policyOf(api, banking);
    for (const [call, code] of [
      [() => Session.fromJwt(policy, 42), 'invalid_argument'],
      [() => Session.fromJwt(policy, 'a.b'), 'malformed_token'],
      [() => Session.fromJwt(policy, jwt({}), { allowClientUnsafe: 'yes' }), 'invalid_argument'],
      [() => Session.fromJwt(policy, 'x'.repeat(20_000)), 'token_too_large'],
      [() => Session.fromTokenResponse(policy, '{"error":"invalid_grant"}'), 'token_response_error'],
      [() => Session.fromTokenResponse(policy, 'nope'), 'invalid_token_response'],
      [() => Session.fromTokenResponse(policy, { access_token: 'o', token_type: 'Bearer', scope: 'read_only' }, { receivedAt: 'today' }), 'invalid_argument'],
      [() => Session.fromJwt(policy, jwt({ scope: 'read_only' })).can(null, '/x'), 'invalid_argument'],
      [() => Session.fromJwt(policy, jwt({})).decide('GET', '/', { currentDate: 'now' }), 'invalid_argument'],
      [() => new SessionStore({}), 'invalid_argument'],
      [() => new SessionStore(policy).signIn(42), 'invalid_argument'],
      [() => new SessionStore(policy).subscribe('x'), 'invalid_argument'],
    ]) {
      assert.throws(call, (error) => error instanceof ScopegateError && error.code === code, code);
    }
  });

  test(`${build}: the store notifies sign-in, step-up, expiry and sign-out`, async () => {
    const policy = await policyOf(api, banking);
    const store = new SessionStore(policy);
    const events = [];
    const unsubscribe = store.subscribe((snapshot) => events.push([snapshot.event, snapshot.version]));
    assert.equal(store.session, null);
    assert.equal(store.can('GET', '/accounts'), false);
    assert.equal(store.decide('GET', '/accounts').reason, 'insufficient_scope');
    assert.deepEqual(store.missing('GET', '/accounts'), ['read_only'], 'signed out: the scopes a sign-in would need');
    assert.equal(store.missing('PATCH', '/wallets/1'), null);

    const snapshot = store.getSnapshot();
    assert.equal(store.getSnapshot(), snapshot, 'the snapshot is stable between changes');
    store.signIn(jwt({ sub: 'u', scope: 'read_only' }));
    assert.notEqual(store.getSnapshot(), snapshot);
    assert.equal(store.can('GET', '/accounts'), true);
    assert.equal(store.can('POST', '/payments'), false);
    assert.deepEqual(store.missing('POST', '/payments'), ['read_write']);

    store.refresh(jwt({ sub: 'u', scope: 'read_only read_write', exp: Math.floor(Date.now() / 1000) + 1 }));
    assert.equal(store.can('POST', '/payments'), true);

    // A refused token leaves the store as it was: malformed, or already expired.
    assert.throws(() => store.signIn('garbage'), { code: 'malformed_token' });
    const stale = jwt({ sub: 'old', scope: 'admin', exp: Math.floor(Date.now() / 1000) - 5 });
    const seen = events.length;
    assert.throws(() => store.signIn(stale), (e) => e.code === 'token_expired' && /acceptExpired/.test(e.message));
    assert.throws(() => store.refresh(stale), { code: 'token_expired' });
    assert.equal(events.length, seen, 'no event for a refused sign-in');
    assert.equal(store.session.subject, 'u');
    assert.equal(store.can('POST', '/payments'), true);

    await new Promise((resolve) => setTimeout(resolve, 1300));
    assert.equal(store.decide('POST', '/payments').reason, 'token_expired');
    store.signOut();
    unsubscribe();
    store.signIn(jwt({ scope: 'read_only' }));
    // Asked for explicitly, an expired token is kept: every check refused, nothing would help.
    assert.equal(store.signIn(stale, { acceptExpired: true }).isExpired(), true);
    assert.equal(store.decide('DELETE', '/admin/users/1').reason, 'token_expired');
    assert.equal(store.missing('DELETE', '/admin/users/1'), null);
    assert.deepEqual(events.map(([event]) => event), ['sign-in', 'refresh', 'expired', 'sign-out']);
    assert.deepEqual(events.map(([, version]) => version), [1, 2, 3, 4]);
  });
}
