// Warm per-call decision latency of one tool on one policy size, in a process of its own.
//   node child/latency.mjs <tool> <rules> <samples> <sampleMs> <warmMs> [requests]
// `requests` keeps only the first requests of the mix (the quick mode's smaller counts).
import { measure, report } from '../lib/common.mjs';
import { build, load } from '../lib/peers.mjs';
import { workload } from '../lib/workload.mjs';

const [tool, rules, samples, sampleMs, warmMs, requests] = process.argv.slice(2);
const w = workload(Number(rules));
if (requests) w.requests = w.requests.slice(0, Number(requests));
const t = await build(tool, await load(tool), w);
const { ns, calls } = await measure((reps) => t.loop(reps), w.requests.length, {
  samples: Number(samples),
  sampleMs: Number(sampleMs),
  warmMs: Number(warmMs),
});
report({ tool, rules: Number(rules), ns, callsPerSample: calls });
