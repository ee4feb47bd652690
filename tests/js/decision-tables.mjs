// Runs every decision table through a scopegate module and prints the decisions as one JSON
// document, in the same shape as `cargo run --example decision_tables_json`.
// Usage: <runtime> decision-tables.mjs <repo root> [lite]   (imports "scopegate" or "scopegate/lite")
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runTables } from './run-tables.js';

const root = process.argv[2];
const scopegate = await import(process.argv[3] === 'lite' ? 'scopegate/lite' : 'scopegate');
const tables = readdirSync(join(root, 'tests/tables'))
  .filter((name) => name.endsWith('.decisions.json'))
  .sort()
  .map((name) => {
    const table = JSON.parse(readFileSync(join(root, 'tests/tables', name), 'utf8'));
    return { name, policy: readFileSync(join(root, table.policy), 'utf8'), cases: table.cases };
  });
console.log(runTables(scopegate, tables));
