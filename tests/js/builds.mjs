// The two builds side by side in tests: the lite build reads bundles only, so its policies are
// the bundles the full build writes for the same JSON.
import * as full from 'scopegate';
import * as lite from 'scopegate/lite';

/** A build's Policy for a JSON policy (text or object). */
export async function policyOf(api, json) {
  if (api !== lite) return new api.Policy(json);
  const source = new full.Policy(json);
  try {
    return await lite.Policy.fromBundle(await source.toBundle());
  } finally {
    source.free();
  }
}
