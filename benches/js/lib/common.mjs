// Timing and statistics shared by the child processes and the runner.

export const now = () => process.hrtime.bigint();
export const sinceNs = (t0) => Number(process.hrtime.bigint() - t0);

/**
 * Per-call nanoseconds of `run(reps)` (which makes reps × `calls` calls): warms up for `warmMs`,
 * picks reps so one sample lasts about `sampleMs`, then takes `samples` samples.
 */
export async function measure(run, calls, { samples, sampleMs, warmMs }) {
  let reps = 1;
  let spent = 0;
  let perRep = Infinity;
  const t0 = now();
  while (spent < warmMs * 1e6) {
    const t = now();
    await run(reps);
    perRep = sinceNs(t) / reps;
    spent = sinceNs(t0);
    if (perRep * reps < 10e6) reps *= 2;
  }
  reps = Math.max(1, Math.round((sampleMs * 1e6) / perRep));
  const ns = [];
  for (let k = 0; k < samples; k++) {
    const t = now();
    await run(reps);
    ns.push(sinceNs(t) / (reps * calls));
  }
  return { ns, calls: reps * calls };
}

export function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2, min: s[0], max: s[s.length - 1], n: s.length };
}

const fix = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** 123 ns, 4.56 µs, 789 µs, 1.23 ms */
export function fmtNs(ns) {
  if (ns < 1e3) return `${fix(ns)} ns`;
  if (ns < 1e6) return `${fix(ns / 1e3)} µs`;
  return `${fix(ns / 1e6)} ms`;
}
export const fmtMs = (ms) => fmtNs(ms * 1e6);
export const fmtBytes = (b) => (b >= 1e6 ? `${(b / 1e6).toFixed(2)} MB` : `${(b / 1e3).toFixed(1)} KB`);

/** "median (min–max)" of a list, with a formatter. */
export function cell(xs, fmt) {
  const s = stats(xs);
  return s.n === 1 ? fmt(s.median) : `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;
}

/** Prints one JSON line for the runner (children's only stdout). */
export const report = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
