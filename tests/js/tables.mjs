// Answers every shared table (tests/tables/) with a scopegate module and prints the answers as
// one JSON document, in the shape of `cargo run --example tables_json`.
// Usage: <runtime> tables.mjs <repo root> [lite]   (imports "scopegate" or "scopegate/lite")
import { loadTables } from './load-tables.mjs';
import { runTables } from './run-tables.js';

const root = process.argv[2];
const scopegate = await import(process.argv[3] === 'lite' ? 'scopegate/lite' : 'scopegate');
console.log(await runTables(scopegate, loadTables(root)));
