// Shared by the framework middleware tests: the banking policy, an HS256 verifier and tokens
// signed for it, and a server on a free port for the duration of a test.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Policy, Verifier } from 'scopegate';

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
export const policy = new Policy(readFileSync(join(process.env.SCOPEGATE_ROOT, 'examples/policies/banking.json'), 'utf8'));
export const verifier = new Verifier({ secret: SECRET }, { algorithms: ['HS256'] });
const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An HS256 token with these claims. */
export function token(claims) {
  const input = `${b64({ alg: 'HS256' })}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
}

/** A read_only user's token, valid for ten minutes. */
export const user = token({ sub: 'u-1', scope: 'read_only', exp: Math.floor(Date.now() / 1000) + 600 });

/** Runs `run(baseUrl)` against the server `listen(callback)` starts; closes it afterwards. */
export async function withServer(listen, run) {
  const server = await new Promise((resolve) => {
    const s = listen(() => resolve(s));
  });
  try {
    await run(`http://127.0.0.1:${server.address().port}`);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}
