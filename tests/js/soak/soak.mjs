// Soak test: the guard in workerd under sustained load, a mix of valid, invalid and hostile
// requests; every answer must be the expected one and the WebAssembly memory must stay flat.
// Usage (from the repository root, after scripts/build-pkg): node tests/js/soak/soak.mjs [requests]
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const total = Number(process.argv[2] ?? 1_000_000);
const concurrency = 32;
const SECRET = 'a-soak-test-secret-of-at-least-32-bytes';
const b64 = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const sign = (input) => createHmac('sha256', SECRET).update(input).digest('base64url');
const now = () => Math.floor(Date.now() / 1000);
const token = (claims, header = { alg: 'HS256' }) => {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${sign(input)}`;
};

// 200 users with valid tokens (more than fit one cache line of a real worker? the cache holds
// 1,000; 5,000 more distinct tokens churn it).
const users = Array.from({ length: 200 }, (_, i) => token({ sub: `u${i}`, scope: 'read_only read_write', exp: now() + 7200 }));
const machine = token({ sub: 'svc', client_id: 'batch', scope: 'read_all', exp: now() + 7200 });
const churn = (i) => token({ sub: `c${i % 5000}`, scope: 'read_only', exp: now() + 7200, jti: `j${i % 5000}` });

/** Request kinds: [name, share of the mix, () => [path, headers], expected status]. */
const kinds = [
  ['allowed, own data', 30, (i) => [`/accounts/${i % 97}`, { authorization: `Bearer ${users[i % users.length]}` }], 200],
  ['allowed, all data', 10, () => ['/legal/kyc/42', { authorization: `Bearer ${machine}` }], 200],
  ['allowed, cache churn', 10, (i) => ['/wallets', { authorization: `Bearer ${churn(i)}` }], 200],
  ['insufficient scope', 10, (i) => ['/admin/settings', { authorization: `Bearer ${users[i % users.length]}` }], 403],
  ['expired token', 5, () => ['/wallets', { authorization: `Bearer ${token({ scope: 'read_only', exp: now() - 10 })}` }], 401],
  ['forged signature', 5, (i) => ['/wallets', { authorization: `Bearer ${users[i % users.length].slice(0, -4)}AAAA` }], 401],
  ['alg none', 3, () => ['/wallets', { authorization: `Bearer ${b64({ alg: 'none' })}.${b64({ scope: 'admin' })}.` }], 401],
  ['garbage token', 5, () => ['/wallets', { authorization: `Bearer ${randomBytes(48).toString('base64url')}` }], 401],
  ['huge token', 2, () => ['/wallets', { authorization: `Bearer ${'x'.repeat(20_000)}` }], 400],
  ['no token', 5, () => ['/wallets', {}], 401],
  ['spoofed trusted header', 5, (i) => [`/accounts/${i}`, { authorization: `Bearer ${users[0]}`, 'x-scopegate-data': 'all' }], 200],
  // workerd parses the URL as browsers do (dot segments resolved): the guard decides, and the
  // origin is sent, the resolved path.
  ['dot segments (resolved by the URL parser)', 2, () => ['/wallets/%2e%2e/admin/settings', { authorization: `Bearer ${users[2]}` }], 403],
  ['empty segment', 2, () => ['/wallets//1', { authorization: `Bearer ${machine}` }], 400],
  ['encoded slash', 1, () => ['/admin%2Fsettings', { authorization: `Bearer ${machine}` }], 400],
  ['encoded letter', 1, () => ['/%61dmin/settings', { authorization: `Bearer ${machine}` }], 400],
  ['long path', 2, (i) => [`/admin/${'a/'.repeat(2000)}${i}`, { authorization: `Bearer ${users[0]}` }], 403],
  ['token in query and header', 2, () => [`/wallets?access_token=${users[1]}`, { authorization: `Bearer ${users[1]}` }], 400],
];
const schedule = kinds.flatMap(([, share], k) => Array(share).fill(k));

async function freePort() {
  return new Promise((ok) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

const port = await freePort();
const workerd = spawn(join(root, 'node_modules/workerd/bin/workerd'), [
  'serve', join(root, 'tests/js/soak/config.capnp'), `--socket-addr=http=127.0.0.1:${port}`,
], { stdio: ['ignore', 'inherit', 'inherit'] });
// node:http sends the path as written (fetch would resolve dot segments first, as browsers do).
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
function send(path, headers = {}) {
  return new Promise((ok, fail) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => ok({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}
const memory = async () => JSON.parse((await send('/__soak/memory')).body).wasmMemoryBytes;

let exitCode = 0;
try {
  for (let i = 0; ; i += 1) {
    try {
      await memory();
      break;
    } catch (error) {
      if (i > 100) throw new Error(`workerd did not start: ${error.message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const counts = kinds.map(() => 0);
  const wrong = new Map();
  const samples = [];
  let next = 0;
  const started = Date.now();
  const sampleEvery = Math.max(1, Math.floor(total / 20));
  async function lane() {
    while (next < total) {
      const i = next++;
      const k = schedule[i % schedule.length];
      const [name, , build, expected] = kinds[k];
      const [path, headers] = build(i);
      const response = await send(path, headers);
      counts[k] += 1;
      if (response.status !== expected) {
        const key = `${name}: ${response.status} (expected ${expected})`;
        wrong.set(key, (wrong.get(key) ?? 0) + 1);
      }
      if (i % sampleEvery === 0) samples.push([i, await memory()]);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  samples.push([total, await memory()]);
  const seconds = (Date.now() - started) / 1000;
  console.log(`${total} requests in ${seconds.toFixed(0)} s (${Math.round(total / seconds)}/s, ${concurrency} in flight)`);
  for (const [k, [name, , , expected]] of kinds.entries()) console.log(`  ${String(counts[k]).padStart(8)}  ${name} → ${expected}`);
  console.log('WebAssembly memory (MiB) at request:', samples.map(([i, bytes]) => `${i}: ${(bytes / 2 ** 20).toFixed(1)}`).join(', '));
  // Flat: after the first tenth (warm-up: caches filled), memory does not grow.
  const warm = samples.find(([i]) => i >= total / 10)?.[1] ?? samples[0][1];
  const last = samples.at(-1)[1];
  if (wrong.size > 0) {
    console.log('unexpected answers:', Object.fromEntries(wrong));
    exitCode = 1;
  }
  if (last > warm) {
    console.log(`memory grew after warm-up: ${warm} → ${last} bytes`);
    exitCode = 1;
  }
  console.log(exitCode === 0 ? 'soak: every answer as expected, memory flat' : 'soak: FAILED');
} catch (error) {
  console.error(String(error.stack ?? error));
  exitCode = 1;
} finally {
  agent.destroy();
  workerd.kill();
}
process.exit(exitCode);
