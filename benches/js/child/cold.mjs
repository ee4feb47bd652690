// Cold start of one tool in a fresh process: import + instantiate + compile the policy + the first
// decision, timed from before the first import of the tool. The workload (policy text and each
// peer's translation) is read from a JSON file before the clock starts: a real deployment ships the
// policy in the tool's own format, so the translation is not the tool's cost.
//   node child/cold.mjs <tool> <workload.json>          → {"tool", "ms"}
//   node child/cold.mjs none                            → the empty process, for the wall-clock baseline
//   TRACE_LOG=<file> node --import ./child/trace.mjs child/cold.mjs <tool> <workload.json>
//                                                       → also the files the tool loaded (sizes)
// fs from process.getBuiltinModule, not `import 'node:fs'`: that import builds fs's ES module
// namespace, which loads Node's stream classes, and a tool that imports node:fs would then find
// that work done before its clock starts.
const { readFileSync } = process.getBuiltinModule('node:fs');

const [tool, file] = process.argv.slice(2);
if (tool === 'none') {
  process.stdout.write(JSON.stringify({ tool, ms: 0 }) + '\n');
} else {
  const w = JSON.parse(readFileSync(file, 'utf8'));
  if (w.bundle !== undefined) w.bundle = Buffer.from(w.bundle, 'base64');
  const { build, load } = await import('../lib/peers.mjs'); // no tool imports: it only has code
  const t0 = performance.now();
  const mods = await load(tool);
  const t1 = performance.now();
  const t = await build(tool, mods, w);
  const t2 = performance.now();
  const allowed = t.decide(0);
  const t3 = performance.now();
  await build(tool, mods, w); // the same compile again, warm: what the first one paid for being first
  const t4 = performance.now();
  const out = { tool, ms: t3 - t0, importMs: t1 - t0, compileMs: t2 - t1, firstMs: t3 - t2, recompileMs: t4 - t3, allowed };
  if (globalThis.__traceFiles) out.files = globalThis.__traceFiles();
  process.stdout.write(JSON.stringify(out) + '\n');
}
