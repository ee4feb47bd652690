// The Wycheproof signature vectors through the npm package: the platform's WebCrypto checks RSA,
// ECDSA and EdDSA signatures, and every key load and every verdict must be the native build's
// (`cargo run --example wycheproof_json`, which asserts that the native answers are Wycheproof's).
//
// Usage: node wycheproof.mjs VECTORS.json   (also `deno run --allow-read`, `bun`)
import { readFileSync } from 'node:fs';
import { Verifier } from 'scopegate';

const path = (globalThis.Deno ? Deno.args : process.argv.slice(2))[0];
if (!path) throw new Error('usage: wycheproof.mjs VECTORS.json');
const groups = JSON.parse(readFileSync(path, 'utf8'));
const bytes = (base64) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

let vectors = 0;
let refusedKeys = 0;
const failures = [];
for (const group of groups) {
  let verifier = null;
  try {
    verifier = new Verifier({ pem: group.pem }, { algorithms: [group.alg] });
  } catch (error) {
    if (error?.name !== 'ScopegateError') throw error;
  }
  if ((verifier !== null) !== group.loaded) {
    failures.push(`${group.set} (${group.alg}): key loaded = ${verifier !== null}, native = ${group.loaded}`);
    verifier?.free();
    continue;
  }
  if (verifier === null) refusedKeys += 1;
  for (const vector of group.vectors) {
    vectors += 1;
    let verified = false;
    if (verifier !== null) {
      try {
        await verifier.verifySignature(group.alg, bytes(vector.msg), bytes(vector.sig));
        verified = true;
      } catch (error) {
        if (error?.name !== 'ScopegateError') throw error;
        if (error.code !== 'invalid_signature') {
          failures.push(`${group.set} #${vector.id}: unexpected error ${error.code}: ${error.message}`);
          continue;
        }
      }
    }
    if (verified !== vector.verified) {
      failures.push(`${group.set} #${vector.id} (${group.alg}): verified = ${verified}, native = ${vector.verified}`);
    }
  }
  verifier?.free();
}

if (failures.length > 0 || vectors < 3000) {
  console.log(failures.slice(0, 20).join('\n'));
  console.log(`FAIL ${failures.length} of ${vectors} Wycheproof vectors differ from the native answers`);
  (globalThis.Deno ? Deno.exit : process.exit)(1);
}
console.log(`${vectors} vectors in ${groups.length} key groups (${refusedKeys} refused at load), every answer the native one`);
