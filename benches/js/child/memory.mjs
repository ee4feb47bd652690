// Memory after many decisions, in a process of its own (run with --expose-gc).
//   node --expose-gc child/memory.mjs <tool> <rules> <decisions>
// Reports RSS and V8 heap after loading and after `decisions` decisions over the request mix (both
// after a full GC), and for scopegate the size of its WebAssembly memory before and after.
import { build, load } from '../lib/peers.mjs';
import { report } from '../lib/common.mjs';
import { workload } from '../lib/workload.mjs';

const [tool, rules, decisions] = process.argv.slice(2);
const w = workload(Number(rules));
const mods = await load(tool);
const t = await build(tool, mods, w);
const wasm = mods.sg ? () => mods.sg.wasmMemoryBytes() : () => null;
const snapshot = () => {
  globalThis.gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, wasm: wasm() };
};
t.decide(0);
const loaded = snapshot();
const n = w.requests.length;
const reps = Math.ceil(Number(decisions) / n);
t.loop(reps);
const after = snapshot();
report({ tool, rules: Number(rules), decisions: reps * n, loaded, after });
