// Runs every decision table through a scopegate module and prints the decisions as one JSON
// document, in the same shape as `cargo run --example decision_tables_json`.
// Usage: <runtime> decision-tables.mjs <repo root> [lite]   (imports "scopegate" or "scopegate/lite")
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = process.argv[2];
const scopegate = await import(process.argv[3] === 'lite' ? 'scopegate/lite' : 'scopegate');
const tables = readdirSync(join(root, 'tests/tables'))
  .filter((name) => name.endsWith('.decisions.json'))
  .sort();
const out = {};
for (const name of tables) {
  const table = JSON.parse(readFileSync(join(root, 'tests/tables', name), 'utf8'));
  const policy = new scopegate.Policy(readFileSync(join(root, table.policy), 'utf8'));
  out[name] = table.cases.map((c) => {
    const grant = policy.expand(c.scopes);
    const result = {
      decision: policy.decide(c.method, c.path, grant),
      allows: policy.allows(c.method, c.path, grant),
    };
    grant.free();
    return result;
  });
  policy.free();
}
console.log(JSON.stringify(out));
