// Typed usage of the public API of scopegate and scopegate/lite. scripts/test-runtimes checks it
// with `tsc --strict --noEmit` (tsconfig.typed-usage.json, skipLibCheck off, so the package's
// .d.ts files are checked too) and then runs it, so the types and the runtime must agree.
// The lines under `@ts-expect-error` must NOT typecheck: they show that the types are strict.
import {
  Policy, Verifier, ScopegateError, Session, SessionStore, RemoteJwks, guard, bearerToken, decodeUnverified, parseTokenResponse, parseScopes,
  normalizePath, version, refusalFor, refusalResponse, RemoteBundle,
  type Authorization, type Decision, type DataRange, type ErrorCode, type Grant, type PolicyDocument,
  type Reason, type Token, type TokenResponse, type VerifyOptions, type SessionSnapshot,
} from 'scopegate';
import * as lite from 'scopegate/lite';

function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new Error(`typed-usage: ${what}`);
}

const doc: PolicyDocument = {
  version: 1,
  name: 'typed',
  scopes: {
    read: { subject: 'end_user', client_safe: true },
    write: { subject: 'end_user', client_safe: true, implies: ['read'] },
    audit: { subject: 'machine', client_safe: false },
  },
  roles: { editor: ['write'] },
  default_scopes: 'all',
  rules: [
    { id: 'read-own', methods: ['GET'], paths: ['/items/{id}'], any_of: ['read'] },
    { id: 'write-own', methods: ['PUT'], paths: ['/items/{id}'], any_of: ['write'] },
    { id: 'audit', methods: ['GET'], paths: ['/audit/**'], all_of: ['audit'] },
  ],
};

// Policy, Grant and Decision, with `using` (Symbol.dispose) for the wasm-backed classes.
{
  using policy = new Policy(doc);
  using grant: Grant = policy.expand(['editor']);
  const granted: string[] = grant.granted;
  check(granted.includes('read') && grant.has('write'), 'editor implies read');
  const decision: Decision = policy.decide('GET', '/items/7', grant);
  const allowed: boolean = decision.allowed;
  const reason: Reason = decision.reason;
  const data: DataRange | null = decision.data;
  const id: string | undefined = decision.params['id'];
  check(allowed && reason === 'allowed' && data === 'own' && id === '7', 'decide GET /items/7');
  // Narrowing on the literal unions.
  if (decision.reason === 'insufficient_scope') {
    const missing: string[] = decision.missing;
    void missing;
  }
  switch (decision.data) {
    case 'own': case 'all': case null: break;
    default: { const never: never = decision.data; void never; }
  }
  const many: Decision[] = policy.decideAll([['GET', '/items/1'], ['GET', '/audit/x']], grant);
  check(many[1]?.reason === 'insufficient_scope' && many[1].challenge !== null, 'decideAll');
  const sets: string[][] = policy.scopesFor('GET', '/audit/log');
  check(sets.length === 1, 'scopesFor');
  const fromText = new Policy(JSON.stringify(doc));
  check(fromText.name === 'typed' && fromText.toJSON().version === 1, 'toJSON');
  fromText.free();
  const narrow: Grant = policy.grant(null, 'read audit');
  check(narrow.defaulted && policy.clientUnsafeScopes(narrow).includes('audit'), 'grant');
  narrow.free();
}

// ScopegateError with `.code` narrowing.
try {
  new Policy({ ...doc, rules: [{ id: 'x', methods: ['GET'], paths: ['/a'], any_of: ['nope'] }] });
  check(false, 'an invalid policy throws');
} catch (e: unknown) {
  check(e instanceof ScopegateError, 'ScopegateError');
  const code: ErrorCode = e.code;
  if (e.code === 'invalid_policy') {
    const pointer: string | null | undefined = e.problems[0]?.pointer;
    check(pointer === '/rules/0/any_of/0', `problem pointer ${pointer}`);
  } else {
    check(false, `unexpected ${code}`);
  }
}

// Verifier options, bearerToken, decodeUnverified and parseTokenResponse.
const options: VerifyOptions = { algorithms: ['HS256'], issuer: 'https://issuer', clockTolerance: 5, typ: 'at+jwt' };
{
  using verifier = new Verifier({ secret: 'a-test-secret-of-at-least-32-bytes!!' }, options);
  using policy = new Policy(doc);
  try {
    const auth: Authorization = await policy.authorize('GET', '/items/1', 'Bearer a.b.c', verifier, { currentDate: new Date(0) });
    void auth.source;
    check(false, 'a bad token throws');
  } catch (e) {
    check(e instanceof ScopegateError && e.code === 'malformed_token', 'authorize: malformed_token');
  }
}
const found = bearerToken(null, 'access_token=abc');
if (found) {
  const source: 'header' | 'query' = found.source;
  check(source === 'query' && found.token === 'abc', 'bearerToken from the query');
}
const b64 = (v: object) => btoa(JSON.stringify(v)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
const token: Token = decodeUnverified(`${b64({ alg: 'HS256' })}.${b64({ sub: 'u1', scope: 'read', exp: 99 })}.sig`, { maxSize: 4096 });
const expiresAt: number | null = token.expiresAt;
check(token.subject === 'u1' && expiresAt === 99 && token.scopes[0] === 'read', 'decodeUnverified');
const response: TokenResponse = parseTokenResponse({ access_token: 't', token_type: 'Bearer', expires_in: 60 }, 'read write');
check(response.scopes.length === 2 && !response.scopeInResponse && response.expiresIn === 60, 'parseTokenResponse');
check(parseScopes('b a a').join(' ') === 'a b' && normalizePath('/a/%3f') === '/a/%3F', 'parseScopes, normalizePath');
check(normalizePath('/a/b/', { ignoreTrailingSlash: true }) === '/a/b', 'normalizePath options');
check(typeof version() === 'string', 'version');

// The HTTP answers guard() sends, for frameworks that answer themselves.
{
  const answer = refusalFor(new ScopegateError('expired at 1', 'token_expired'), { realm: 'api' });
  check(answer !== null && answer.status === 401 && answer.body.code === 'token_expired', 'refusalFor error');
  const response: Response = refusalResponse(answer!);
  check(response.headers.get('www-authenticate') === 'Bearer realm="api", error="invalid_token", error_description="The access token expired"', 'refusalResponse');
  const remote = new RemoteBundle('https://config.example/p.sgb', { ttl: 30, maxBytes: 1 << 20, onError: (e) => void e.code });
  check(remote.fetches === 0, 'RemoteBundle');
}

// scopegate/lite: the same policies and decisions from a compiled bundle, no Verifier.
{
  const bundle: Uint8Array = await new Policy(doc).toBundle({ stripDescriptions: true });
  using policy = await lite.Policy.fromBundle(bundle);
  check(policy.sourceSha256.length === 64, 'lite sourceSha256');
  // Each build's sessions take that build's policies only: the types refuse the mix, and so does
  // the runtime, naming both entry points.
  try {
    // @ts-expect-error: a lite Policy is not a Policy of the full build
    new SessionStore(policy);
    check(false, 'mixed builds refused');
  } catch (error) {
    check(error instanceof ScopegateError && /scopegate\/lite/.test(error.message) && /same entry point/.test(error.message), 'mixed builds refused');
  }
  try {
    // @ts-expect-error: the lite build reads bundles only (its constructor is private)
    new lite.Policy(doc);
    check(false, 'lite new Policy refused');
  } catch (error) {
    check(error instanceof lite.ScopegateError && error.code === 'invalid_argument', 'lite new Policy refused');
  }
  using grant = policy.expand('read');
  const decision: lite.Decision = policy.decide('PUT', '/items/1', grant);
  check(decision.reason === 'insufficient_scope' && decision.missing[0] === 'write', 'lite decide');
  check(lite.decodeUnverified(`${b64({ alg: 'none' })}.${b64({})}.`).subject === null, 'lite decodeUnverified');
}

// Sessions and the store (frontends), guard (edge).
{
  const policy = new Policy(doc);
  const unsigned = `${b64({ alg: 'none' })}.${b64({ sub: 'u', scope: 'read' })}.`;
  const session: Session = Session.fromJwt(policy, unsigned);
  const scopes: string[] = session.scopes;
  const expiry: number | null = session.expiresAt;
  check(scopes.join() === 'read' && expiry === null && session.can('GET', '/items/1'), 'session');
  const store = new SessionStore(policy);
  let seen: SessionSnapshot | undefined;
  const stop = store.subscribe((snapshot) => { seen = snapshot; });
  store.signIn(unsigned);
  check(seen?.event === 'sign-in' && store.cannot('PUT', '/items/1'), 'store');
  const lacking: string[] | null = store.missing('PUT', '/items/1');
  check(lacking === null || Array.isArray(lacking), 'store.missing');
  store.refresh(unsigned, { acceptExpired: false });
  stop();
  const verifier = new Verifier({ secret: 'k'.repeat(32) }, { algorithms: ['HS256'], cacheSize: 8 });
  const answer: Request | Response = await guard(new Request('https://x/items/1'), { policy, verifier });
  check(answer instanceof Response && answer.status === 401, 'guard');
  const jwks = new RemoteJwks('https://auth.example/jwks.json', { algorithms: ['ES256'], maxBytes: 65536 });
  check(jwks.fetches === 0, 'RemoteJwks');
}

// Never called: each of these must fail to typecheck.
export function mustNotTypecheck(policy: Policy, grant: Grant, e: ScopegateError): void {
  // @ts-expect-error: the method is a string
  policy.decide(1, '/x', grant);
  // @ts-expect-error: Reason is a closed union
  const reason: Reason = 'maybe';
  // @ts-expect-error: ErrorCode is a closed union, so this comparison can never be true
  if (e.code === 'not_a_code') void reason;
  // @ts-expect-error: the lite build has no Verifier
  new lite.Verifier({ secret: 'x' }, { algorithms: ['HS256'] });
  // @ts-expect-error: `none` is not an Algorithm
  new Verifier({ secret: 'x' }, { algorithms: ['none'] });
  // @ts-expect-error: decisions are read, not built: `data` must be 'own' | 'all' | null
  const d: Decision = { ...policy.decide('GET', '/', grant), data: 'some' };
  void d;
  // @ts-expect-error: a store event is a closed union
  if (new SessionStore(policy).getSnapshot().event === 'login') void 0;
  // @ts-expect-error: a policy document needs `version: 1`
  new Policy({ ...doc, version: 2 });
  // @ts-expect-error: maxBytes is a number of bytes
  new RemoteBundle('https://config.example/p.sgb', { maxBytes: '1 MB' });
}
