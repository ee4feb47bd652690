// CommonJS: require() of the ESM package (Node >= 20.19).
const assert = require('node:assert/strict');
const { Policy, ScopegateError } = require('scopegate');

const policy = new Policy({ version: 1, name: 'cjs', scopes: { a: {} }, default_scopes: 'all', rules: [{ id: 'r', methods: ['GET'], paths: ['/x/{id}'], any_of: ['a'] }] });
const grant = policy.expand('a');
assert.deepEqual(policy.decide('GET', '/x/7', grant).params, { id: '7' });
assert.throws(() => new Policy('nope'), ScopegateError);
console.log('require ok');
