// Hostile costs from Node (issue: robustness): the adversarial policy benches/policies/wide-3000.json
// (3,000 allow and 10 deny rules all matching one request) with a caller holding nothing.
//   node child/adversarial.mjs <case> <samples> <sampleMs> <warmMs>
//   case: decide | allows | scopesFor | compile | grant-10k (a requested scope string of 10,000 tokens)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Policy } from 'scopegate';
import { measure, report } from '../lib/common.mjs';
import { ROOT } from '../lib/workload.mjs';

const [which, samples, sampleMs, warmMs] = process.argv.slice(2);
const text = readFileSync(join(ROOT, 'benches/policies/wide-3000.json'), 'utf8');
const policy = new Policy(text);
const empty = policy.expand('');
const requested = Array.from({ length: 10_000 }, (_, i) => `b${i % 3000} unknown_${i}`).join(' ').slice(0, 65_000);
const cases = {
  decide: () => policy.decide('GET', '/api/x', empty),
  allows: () => policy.allows('GET', '/api/x', empty),
  scopesFor: () => policy.scopesFor('GET', '/api/x'),
  compile: () => new Policy(text).free(),
  'grant-10k': () => policy.grant(requested, 'common b1 b2').free(),
};
const call = cases[which];
if (!call) throw new Error(`unknown case ${which}`);
const { ns, calls } = await measure((reps) => {
  for (let i = 0; i < reps; i++) call();
}, 1, { samples: Number(samples), sampleMs: Number(sampleMs), warmMs: Number(warmMs) });
report({ case: which, ns, callsPerSample: calls });
