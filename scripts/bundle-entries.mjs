// Bundles the runtime entries of one build of the npm package (pkg/<build>/{node,web,workerd,
// slim}.js) with rolldown (Vite's bundler; not minified): each entry keeps its loader, and
// everything they share (the API code and the generated bindings) becomes one module,
// engine.js. Kept as imports, written as they are: errors.js (shared by both builds and the
// adapters, for one ScopegateError class), the .wasm (workerd imports it as a module) and node:*.
//   node scripts/bundle-entries.mjs pkg/full OUT_DIR
import { build } from 'rolldown';

const [dir, outDir] = process.argv.slice(2);
const entries = ['node', 'web', 'workerd', 'slim'];
const kept = (id) => id === '../errors.js' || id.endsWith('.wasm') || id.startsWith('node:');
// Every module but the entries' own goes to the shared chunk, engine.js.
const loader = new RegExp(`/(${entries.join('|')})\\.js$`);
const shared = { name: 'engine', test: (id) => !loader.test(id) };
await build({
  input: Object.fromEntries(entries.map((name) => [name, `${dir}/${name}.js`])),
  platform: 'neutral',
  external: (id, importer, resolved) => !resolved && kept(id),
  // Every module of the package runs for its effects (checks.js wraps the classes it exports).
  treeshake: false,
  logLevel: 'warn',
  output: {
    dir: outDir,
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: '[name].js',
    codeSplitting: { groups: [shared] },
  },
});
