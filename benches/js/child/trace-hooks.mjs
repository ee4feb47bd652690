// Module hooks of child/trace.mjs (they run on the hooks thread): append each loaded URL to the log.
import { appendFileSync } from 'node:fs';

let log;
export function initialize(data) {
  log = data.log;
}
export async function load(url, context, nextLoad) {
  appendFileSync(log, url + '\n');
  return nextLoad(url, context);
}
