// A Cloudflare-style worker that imports scopegate by its bare name (resolved to the package's
// `workerd` export, full/workerd.js, by config.capnp) and answers every request with the
// answers to every shared table as JSON, like tables.mjs; at /remote-bundle, RemoteBundle's
// update steps (web/remote-bundle.js); at /hono, the Hono middleware's answers (hono-scenario.mjs).
import * as scopegate from 'scopegate';
import tables from './tables-data.js';
import { runTables } from './web/run-tables.js';
import { remoteBundleScenario } from './web/remote-bundle.js';
import { honoScenario } from './hono-scenario.js';

export default {
  async fetch(request) {
    if (new URL(request.url).pathname === '/hono') {
      // scopegate/hono in a Hono app (hono-scenario.mjs, bundled with Hono by test-runtimes).
      const banking = tables.decisions.find((table) => table.name === 'banking.decisions.json').policy;
      return new Response((await honoScenario(banking)).join('\n') + '\n');
    }
    if (new URL(request.url).pathname === '/remote-bundle') {
      // RemoteBundle's hot updates, one line per step (compared with EXPECTED by test-runtimes).
      return new Response((await remoteBundleScenario(scopegate, tables)).join('\n') + '\n');
    }
    return new Response((await runTables(scopegate, tables)) + '\n', {
      headers: { 'content-type': 'application/json' },
    });
  },
};
