// The soak-test worker: guard() in front of a stand-in origin, with the banking policy and an
// HS256 verifier (a cache of 1,000 tokens), plus /__soak/memory to read the WebAssembly memory
// size. Driven by soak.mjs (scripts/soak).
import { Policy, Verifier, guard, wasmMemoryBytes } from 'scopegate';
import bankingPolicy from './banking.json';

const policy = new Policy(bankingPolicy);
let verifier;

export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname === '/__soak/memory') {
      return Response.json({ wasmMemoryBytes: wasmMemoryBytes() });
    }
    verifier ??= new Verifier({ secret: env.SECRET }, { algorithms: ['HS256'], cacheSize: 1000 });
    const checked = await guard(request, { policy, verifier, realm: 'soak' });
    if (checked instanceof Response) return checked;
    return new Response(checked.headers.get('x-scopegate-data'));
  },
};
