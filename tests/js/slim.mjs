// scopegate/slim and scopegate/lite/slim: the caller brings the WebAssembly module or bytes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const policyJson = { version: 1, name: 'slim', scopes: { a: {} }, default_scopes: 'all', rules: [{ id: 'r', methods: ['GET'], paths: ['/x/{id}'], any_of: ['a'] }] };

const full = await import('scopegate/slim');
// Before initialize, every call says what to call, with a ScopegateError.
for (const call of [() => new full.Policy(policyJson), () => full.parseScopes('a'), () => full.decodeUnverified('a.b.c')]) {
  assert.throws(call, (e) => e instanceof full.ScopegateError && e.code === 'not_initialized' && /initialize\(source\) or initializeSync\(module\)/.test(e.message));
}
full.initializeSync(new WebAssembly.Module(readFileSync(require.resolve('scopegate/full/scopegate_bg.wasm'))));
const policy = new full.Policy(policyJson);
assert.deepEqual(policy.decide('GET', '/x/7', policy.expand('a')).params, { id: '7' });
const verifier = new full.Verifier({ secret: 'x'.repeat(32) }, { algorithms: ['HS256'] });
await assert.rejects(verifier.verify('a.b.c', {}), (e) => e instanceof full.ScopegateError && e.code === 'malformed_token');

const bundle = await policy.toBundle();
const lite = await import('scopegate/lite/slim');
await assert.rejects(lite.Policy.fromBundle(bundle), (e) => e.code === 'not_initialized');
await lite.initialize(readFileSync(require.resolve('scopegate/lite/scopegate_bg.wasm')));
const litePolicy = await lite.Policy.fromBundle(bundle);
assert.equal(litePolicy.allows('GET', '/x/1', litePolicy.expand('a')), true);
assert.throws(() => new lite.Policy(policyJson), (e) => e instanceof lite.ScopegateError && e.code === 'invalid_argument');
await assert.rejects(lite.Policy.fromBundle(new Uint8Array(4)), (e) => e instanceof lite.ScopegateError && e.code === 'invalid_bundle');
console.log('slim ok');
