// The banking decision table (tests/tables/banking.decisions.json), every case once per loop,
// through the npm package: the same work as the native criterion bench `table/banking-*`
// (benches/decide.rs), so the two show what crossing into WebAssembly costs.
//   node child/table.mjs <allows|decide> <samples> <sampleMs> <warmMs>
import { readFileSync } from 'node:fs';
import { measure, report } from '../lib/common.mjs';

const [mode, samples, sampleMs, warmMs] = process.argv.slice(2);
const root = new URL('../../../', import.meta.url);
const table = JSON.parse(readFileSync(new URL('tests/tables/banking.decisions.json', root), 'utf8'));
const { Policy } = await import('scopegate');
const policy = new Policy(readFileSync(new URL(table.policy, root), 'utf8'));
const cases = table.cases.map((c) => [c.method, c.path, policy.expand(c.scopes)]);
const call = mode === 'decide' ? (m, p, g) => policy.decide(m, p, g).allowed : (m, p, g) => policy.allows(m, p, g);
const { ns, calls } = await measure(
  (reps) => {
    let allowed = 0;
    for (let r = 0; r < reps; r++) for (const [m, p, g] of cases) if (call(m, p, g)) allowed += 1;
    return allowed;
  },
  cases.length,
  { samples: Number(samples), sampleMs: Number(sampleMs), warmMs: Number(warmMs) },
);
report({ case: `table:${mode}`, cases: cases.length, ns, callsPerSample: calls });
