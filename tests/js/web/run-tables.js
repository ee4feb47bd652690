// Shared by every runtime (Node, Deno, Bun via tables.mjs; workerd, the plain Chromium page and
// the Vite app via the generated tables-data.js): answers every shared table with a scopegate
// module and returns the same JSON as `cargo run --example tables_json` (without its trailing
// newline; the lite build, without a Verifier, answers as `tables_json lite`). `data` is
// { decisions: [{ name, policy, cases }], grants: [{ policy, requested, allowed }],
// invalidPolicies: [text], tokens: tests/tables/tokens.json }, each policy with its native
// bundle (base64). The full build decides with the JSON policy and must write the native bundle
// byte for byte (signed too); the lite build decides with the policy loaded from the bundle.
const bytesOf = (base64) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
const sameBytes = (a, b) => a.length === b.length && a.every((byte, i) => byte === b[i]);

async function loadPolicy(scopegate, text, bundle, signedBundle, keys) {
  const lite = typeof scopegate.Verifier !== 'function';
  if (lite) return scopegate.Policy.fromBundle(bytesOf(bundle));
  const policy = new scopegate.Policy(text);
  if (!sameBytes(await policy.toBundle(), bytesOf(bundle))) {
    throw new Error(`toBundle() of ${policy.name} differs from the native bundle`);
  }
  if (signedBundle !== undefined) {
    const signed = await policy.toBundle({ signingKey: keys['signing-key'] });
    if (!sameBytes(signed, bytesOf(signedBundle))) {
      throw new Error(`toBundle({ signingKey }) of ${policy.name} differs from the native signed bundle`);
    }
    (await scopegate.Policy.fromBundle(signed, { verifyKey: keys['verify-key'] })).free();
  }
  return policy;
}

export async function runTables(scopegate, data) {
  const decisions = {};
  for (const { name, policy: text, bundle, signedBundle, cases } of data.decisions) {
    const policy = await loadPolicy(scopegate, text, bundle, signedBundle, data.keys);
    decisions[name] = cases.map((c) => {
      const grant = policy.expand(c.scopes);
      const result = {
        decision: policy.decide(c.method, c.path, grant),
        allows: policy.allows(c.method, c.path, grant),
      };
      // decideAll answers each request as decide does (its own path through the module).
      const [batched] = policy.decideAll([[c.method, c.path]], grant);
      if (JSON.stringify(batched) !== JSON.stringify(result.decision)) {
        throw new Error(`${name}: decideAll ${JSON.stringify(batched)} differs from decide ${JSON.stringify(result.decision)}`);
      }
      grant.free();
      return result;
    });
    policy.free();
  }
  const grants = [];
  for (const { policy: text, bundle, requested, allowed } of data.grants) {
    const policy = await loadPolicy(scopegate, text, bundle);
    try {
      const grant = policy.grant(requested, allowed);
      grants.push(grant.toJSON());
      grant.free();
    } catch (error) {
      grants.push({ error: error.code });
    } finally {
      policy.free();
    }
  }
  const lite = typeof scopegate.Verifier !== 'function';
  const invalidPolicies = lite ? undefined : data.invalidPolicies.map((text) => {
    try {
      new scopegate.Policy(text).free();
      return { code: 'loaded', problems: [] };
    } catch (error) {
      return { code: error.code, problems: error.problems.map((p) => [p.code, p.pointer]) };
    }
  });
  const accepted = (token) => ({ subject: token.subject, scopes: token.scopes });
  const refused = (error) => ({ error: error.code, claim: error.claim });
  const tokens = {
    decode: data.tokens.decode.map(({ token, options }) => {
      try {
        return accepted(scopegate.decodeUnverified(token, options));
      } catch (error) {
        return refused(error);
      }
    }),
  };
  if (scopegate.Verifier) {
    const verifiers = Object.fromEntries(Object.entries(data.tokens.verifiers)
      .map(([name, { keys, options }]) => [name, new scopegate.Verifier(keys, options)]));
    tokens.verify = [];
    for (const { verifier, token, now } of data.tokens.verify) {
      try {
        tokens.verify.push(accepted(await verifiers[verifier].verify(token, { currentDate: new Date((now ?? data.tokens.now) * 1000) })));
      } catch (error) {
        tokens.verify.push(refused(error));
      }
    }
    for (const verifier of Object.values(verifiers)) verifier.free();
    tokens.refused_keys = data.tokens.refused_keys.map(({ keys, options }) => {
      try {
        new scopegate.Verifier(keys, options).free();
        return 'loaded';
      } catch (error) {
        return error.code;
      }
    });
  }
  let httpAnswers;
  if (scopegate.refusalFor) {
    httpAnswers = data.httpAnswers.errors.map(({ code, message, realm, detailed }) =>
      scopegate.refusalFor(new scopegate.ScopegateError(message, code), { realm, detailedErrors: detailed }));
    for (const { policy: text, method, path, scopes, realm } of data.httpAnswers.decisions) {
      const policy = new scopegate.Policy(text);
      const grant = policy.expand(scopes);
      httpAnswers.push(scopegate.refusalFor(policy.decide(method, path, grant), { realm }));
      grant.free();
      policy.free();
    }
  }
  let basePaths;
  if (scopegate.pathUnderBase) {
    basePaths = data.basePaths.map(({ path, base }) => {
      try {
        return scopegate.pathUnderBase(path, base);
      } catch (error) {
        if (!(error instanceof scopegate.ScopegateError)) throw error;
        return { error: error.code };
      }
    });
  }
  return JSON.stringify({ decisions, grants, invalid_policies: invalidPolicies, tokens, http_answers: httpAnswers, base_paths: basePaths });
}

// For the pages: runs the tables and shows the JSON (or the error) in <pre id="result">, then
// sets data-done on <body> so the test driver knows when to read it.
export async function showTables(scopegate, data) {
  const pre = document.getElementById('result');
  try {
    pre.textContent = await runTables(scopegate, data);
  } catch (e) {
    pre.textContent = `ERROR ${e && e.code ? e.code + ': ' : ''}${e && e.stack ? e.stack : e}`;
  }
  document.body.dataset.done = 'true';
}
