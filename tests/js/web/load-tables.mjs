// Reads every shared table of tests/tables/ (with the policy texts they name) into the data that
// run-tables.js answers. Used by tables.mjs (Node, Deno, Bun) and make-tables-data.mjs (which
// embeds the data for workerd and browsers).
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

export function loadTables(root) {
  const read = (path) => readFileSync(join(root, path), 'utf8');
  // The native bundles of scripts/table-bundles, base64 (the data is JSON for workerd, browsers).
  const bundle = (path, kind = '') => readFileSync(join(root, 'target/table-bundles', `${basename(path, '.json')}${kind}.sgb`)).toString('base64');
  const decisions = readdirSync(join(root, 'tests/tables'))
    .filter((name) => name.endsWith('.decisions.json'))
    .sort()
    .map((name) => {
      const table = JSON.parse(read(`tests/tables/${name}`));
      return {
        name,
        policy: read(table.policy),
        bundle: bundle(table.policy),
        signedBundle: bundle(table.policy, '.signed'),
        cases: table.cases.map(({ method, path, scopes }) => ({ method, path, scopes })),
      };
    });
  const grants = JSON.parse(read('tests/tables/grants.json')).cases
    .map(({ policy, requested, allowed }) => ({ policy: read(policy), bundle: bundle(policy), requested, allowed }));
  const invalidPolicies = JSON.parse(read('tests/tables/invalid-policies.json')).cases
    .map(({ document }) => (typeof document === 'string' ? document : JSON.stringify(document)));
  const tokens = JSON.parse(read('tests/tables/tokens.json'));
  const keys = Object.fromEntries(['signing-key', 'verify-key', 'other-verify-key']
    .map((name) => [name, read(`tests/fixtures/bundle/${name}.pem`)]));
  const answers = JSON.parse(read('tests/tables/http-answers.json'));
  const httpAnswers = {
    errors: answers.errors.map(({ code, message, realm, detailed }) => ({ code, message, realm, detailed })),
    decisions: answers.decisions.map(({ policy, method, path, scopes, realm }) => ({ policy: read(policy), method, path, scopes, realm })),
  };
  const basePaths = JSON.parse(read('tests/tables/base-paths.json')).cases.map(({ path, base }) => ({ path, base }));
  return { decisions, grants, invalidPolicies, tokens, keys, httpAnswers, basePaths };
}
