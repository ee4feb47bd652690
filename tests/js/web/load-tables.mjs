// Reads every shared table of tests/tables/ (with the policy texts they name) into the data that
// run-tables.js answers. Used by tables.mjs (Node, Deno, Bun) and make-tables-data.mjs (which
// embeds the data for workerd and browsers).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export function loadTables(root) {
  const read = (path) => readFileSync(join(root, path), 'utf8');
  const decisions = readdirSync(join(root, 'tests/tables'))
    .filter((name) => name.endsWith('.decisions.json'))
    .sort()
    .map((name) => {
      const table = JSON.parse(read(`tests/tables/${name}`));
      return { name, policy: read(table.policy), cases: table.cases.map(({ method, path, scopes }) => ({ method, path, scopes })) };
    });
  const grants = JSON.parse(read('tests/tables/grants.json')).cases
    .map(({ policy, requested, allowed }) => ({ policy: read(policy), requested, allowed }));
  const invalidPolicies = JSON.parse(read('tests/tables/invalid-policies.json')).cases
    .map(({ document }) => (typeof document === 'string' ? document : JSON.stringify(document)));
  const tokens = JSON.parse(read('tests/tables/tokens.json'));
  return { decisions, grants, invalidPolicies, tokens };
}
