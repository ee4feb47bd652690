// Shared by the workerd worker, the plain Chromium page and the Vite app: runs every decision
// table through a scopegate module and returns the same JSON as decision-tables.mjs (without
// its trailing newline). `tables` is the default export of the generated tables-data.js.
export function runTables(scopegate, tables) {
  const out = {};
  for (const { name, policy: text, cases } of tables) {
    const policy = new scopegate.Policy(text);
    out[name] = cases.map((c) => {
      const grant = policy.expand(c.scopes);
      const result = {
        decision: policy.decide(c.method, c.path, grant),
        allows: policy.allows(c.method, c.path, grant),
      };
      grant.free();
      return result;
    });
    policy.free();
  }
  return JSON.stringify(out);
}

// For the pages: runs the tables and shows the JSON (or the error) in <pre id="result">, then
// sets data-done on <body> so the test driver knows when to read it.
export function showTables(scopegate, tables) {
  const pre = document.getElementById('result');
  try {
    pre.textContent = runTables(scopegate, tables);
  } catch (e) {
    pre.textContent = `ERROR ${e && e.code ? e.code + ': ' : ''}${e && e.stack ? e.stack : e}`;
  }
  document.body.dataset.done = 'true';
}
