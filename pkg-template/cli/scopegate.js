#!/usr/bin/env node
// `npx scopegate`: the Rust command line (src/bin/scopegate) compiled to WebAssembly for WASI and
// run by Node's WASI, so its output is the native binary's, byte for byte (tests/cli/*.toml hold
// both to the same snapshots). The program enters the working directory it is given in PWD, and
// sees the file system from `/`, as a native program would.
import { readFile } from 'node:fs/promises';
import process from 'node:process';

// Node marks WASI experimental and says so on stderr; that notice is not part of the output.
const printWarning = process.listeners('warning');
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name === 'ExperimentalWarning' && /WASI/.test(warning.message)) return;
  for (const listener of printWarning) listener(warning);
});

const { WASI } = await import('node:wasi');
const wasi = new WASI({
  version: 'preview1',
  args: ['scopegate', ...process.argv.slice(2)],
  env: { PWD: process.cwd() },
  preopens: { '/': '/' },
  returnOnExit: true,
});
const bytes = await readFile(new URL('./scopegate.wasm', import.meta.url));
const { instance } = await WebAssembly.instantiate(bytes, wasi.getImportObject());
process.exitCode = wasi.start(instance);
