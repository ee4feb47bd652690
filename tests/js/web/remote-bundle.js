// RemoteBundle's hot updates, run the same way in Node (bundle.test.mjs) and in workerd
// (workerd/worker.mjs at /remote-bundle): a fake server answers with the native signed bundles
// of the tables (data from load-tables.mjs); returns one line per step, which must equal EXPECTED.
export const EXPECTED = [
  'first: banking fetches=1 loads=1',
  'within ttl: banking fetches=1',
  '304 after ttl: banking fetches=2 loads=1 (same object: true)',
  'update after ttl: partner fetches=3 loads=2 updates=2',
  'tampered update: partner kept, policy_unavailable caused by invalid_bundle_signature',
  'unsigned update: partner kept, policy_unavailable caused by invalid_bundle_signature',
  'HTTP 500: partner kept, policy_unavailable',
  'garbage bytes: partner kept, policy_unavailable caused by invalid_bundle',
  'endless body: partner kept, policy_unavailable over maxBytes, read no further: true',
  'announced too large: partner kept, policy_unavailable over maxBytes, read no further: true',
  'errors reported: 6',
  'no bundle yet: policy_unavailable',
  'unsigned without verifyKey: partner',
  'garbage without verifyKey: invalid_bundle',
];

const bytesOf = (base64) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function remoteBundleScenario(scopegate, data) {
  const bundles = Object.fromEntries(data.decisions.map((t) => [t.name.replace('.decisions.json', ''), t]));
  const signed = (name) => bytesOf(bundles[name].signedBundle);
  const unsigned = (name) => bytesOf(bundles[name].bundle);
  let served = { status: 200, body: signed('banking'), etag: '"a"' };
  // A body that never ends: how many 16 KiB chunks were asked of it.
  let pulled = 0;
  const endless = () => new ReadableStream({ pull(controller) { pulled += 1; controller.enqueue(new Uint8Array(16384)); } });
  const fakeFetch = async (url, init) => {
    if (served.throws) throw new TypeError('network down');
    if (served.etag && init?.headers?.['if-none-match'] === served.etag) return new Response(null, { status: 304 });
    const headers = { ...served.headers, ...(served.etag ? { etag: served.etag } : {}) };
    return new Response(served.body === endless ? endless() : served.body, { status: served.status, headers });
  };
  const errors = [];
  let updates = 0;
  const remote = new scopegate.RemoteBundle('https://config.example/policy.sgb', {
    verifyKey: data.keys['verify-key'],
    ttl: 0.2,
    maxBytes: 65536,
    fetch: fakeFetch,
    onError: (error) => errors.push(error),
    onUpdate: () => { updates += 1; },
  });
  const lines = [];
  const cause = () => {
    const last = remote.lastError;
    return `${last.code}${last.cause?.code ? ` caused by ${last.cause.code}` : ''}`;
  };

  const first = await remote.policy();
  lines.push(`first: ${first.name} fetches=${remote.fetches} loads=${remote.loads}`);
  lines.push(`within ttl: ${(await remote.policy()).name} fetches=${remote.fetches}`);
  await sleep(250);
  const again = await remote.policy();
  lines.push(`304 after ttl: ${again.name} fetches=${remote.fetches} loads=${remote.loads} (same object: ${again === first})`);

  served = { status: 200, body: signed('partner'), etag: '"b"' };
  await sleep(250);
  lines.push(`update after ttl: ${(await remote.policy()).name} fetches=${remote.fetches} loads=${remote.loads} updates=${updates}`);

  const tampered = signed('banking');
  tampered[20] ^= 1;
  for (const [label, next] of [
    ['tampered update', { status: 200, body: tampered, etag: '"c"' }],
    ['unsigned update', { status: 200, body: unsigned('banking'), etag: '"d"' }],
    ['HTTP 500', { status: 500, body: 'oops', etag: null }],
    ['garbage bytes', { status: 200, body: new Uint8Array([1, 2, 3]), etag: '"e"' }],
  ]) {
    served = next;
    await sleep(250);
    lines.push(`${label}: ${(await remote.policy()).name} kept, ${cause()}`);
  }
  // Over maxBytes (64 KiB here): a body that never ends is read no further than that, and one
  // whose Content-Length says more is not read at all.
  for (const [label, next, most] of [
    ['endless body', { status: 200, body: endless, etag: '"f"' }, 65536 / 16384 + 4],
    ['announced too large', { status: 200, body: endless, etag: '"g"', headers: { 'content-length': '100000000' } }, 4],
  ]) {
    served = next;
    pulled = 0;
    await sleep(250);
    const name = (await remote.policy()).name;
    const over = /maxBytes \(65536 bytes\)/.test(remote.lastError.message);
    lines.push(`${label}: ${name} kept, ${cause()}${over ? ' over maxBytes' : ''}, read no further: ${pulled <= most}`);
  }
  lines.push(`errors reported: ${errors.length}`);

  const down = new scopegate.RemoteBundle('https://config.example/down.sgb', {
    fetch: async () => { throw new TypeError('network down'); },
  });
  try {
    await down.policy();
    lines.push('no bundle yet: loaded?');
  } catch (error) {
    lines.push(`no bundle yet: ${error.code}`);
  }

  const open = new scopegate.RemoteBundle('https://config.example/open.sgb', {
    fetch: async () => new Response(unsigned('partner')),
  });
  lines.push(`unsigned without verifyKey: ${(await open.policy()).name}`);
  try {
    await scopegate.Policy.fromBundle(new Uint8Array([1, 2, 3]));
  } catch (error) {
    lines.push(`garbage without verifyKey: ${error.code}`);
  }
  return lines;
}
