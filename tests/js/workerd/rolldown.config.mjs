// Bundles hono-scenario.mjs with Hono for workerd (which loads only the modules its config lists);
// scopegate stays external: workerd's config maps it to the installed package's modules.
export default {
  input: 'hono-scenario.mjs',
  external: [/^scopegate($|\/)/],
  platform: 'browser',
  output: { file: '../hono-scenario.js', format: 'esm' },
};
