// Preloaded with `node --import` for the size figure: records every file a tool loads, as ES modules
// (a module hook), CommonJS modules (require.cache) or files read synchronously or not (fs, for the
// .wasm). `globalThis.__traceFiles()` lists them. Not used for timings.
import fs from 'node:fs';
import { createRequire, register, syncBuiltinESMExports } from 'node:module';
import { fileURLToPath } from 'node:url';

const log = process.env.TRACE_LOG;
fs.writeFileSync(log, '');
register('./trace-hooks.mjs', import.meta.url, { data: { log } });

const read = new Set();
const asPath = (p) => (p instanceof URL ? fileURLToPath(p) : typeof p === 'string' ? p : null);
const { readFileSync } = fs;
const { readFile } = fs.promises;
fs.readFileSync = function (p, ...rest) {
  const path = asPath(p);
  if (path) read.add(path);
  return readFileSync.call(this, p, ...rest);
};
fs.promises.readFile = function (p, ...rest) {
  const path = asPath(p);
  if (path) read.add(path);
  return readFile.call(this, p, ...rest);
};
syncBuiltinESMExports();

globalThis.__traceFiles = () => {
  const esm = readFileSync(log, 'utf8').split('\n').filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
  const cjs = Object.keys(createRequire(import.meta.url).cache);
  return [...new Set([...esm, ...cjs, ...read])].filter((p) => p.includes('/node_modules/') && !p.endsWith('/package.json')).sort();
};
