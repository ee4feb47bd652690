// A Cloudflare-style worker that imports scopegate by its bare name (resolved to the package's
// `workerd` export, full/workerd.js, by config.capnp) and answers every request with the
// answers to every shared table as JSON, like tables.mjs.
import * as scopegate from 'scopegate';
import tables from './tables-data.js';
import { runTables } from './web/run-tables.js';

export default {
  async fetch() {
    return new Response((await runTables(scopegate, tables)) + '\n', {
      headers: { 'content-type': 'application/json' },
    });
  },
};
