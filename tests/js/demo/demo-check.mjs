// End-to-end test of the demo site (www/) in headless Chromium (playwright-core + /usr/bin/chromium):
// signs in as each persona and checks which controls are visible or disabled, signs out and in
// again, lets a short token expire, checks the partner gallery's client-safety refusals and the
// playground's validation. Saves a screenshot of each state in test-artifacts/demo/.
// Usage (from the repository root, after scripts/build-pkg): node tests/js/demo/demo-check.mjs
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveDemo } from '../../../www/serve.mjs';

const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const artifacts = join(root, 'test-artifacts/demo');
mkdirSync(artifacts, { recursive: true });
const { chromium } = createRequire(join(root, 'package.json'))('playwright-core');
const profile = mkdtempSync(join(tmpdir(), 'scopegate-demo-'));
const server = await serveDemo(0);
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  timeout: 30_000,
  viewport: { width: 1200, height: 1400 },
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
  ],
});
const problems = [];
let checks = 0;
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  await page.goto(server.url, { timeout: 20_000 });
  await page.waitForSelector('body[data-ready]', { timeout: 20_000 });

  const byTest = (id) => page.locator(`[data-testid="${id}"]`);
  const shot = (name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
  // Which controls a persona sees: [visible menu entries, enabled buttons].
  const menu = ['menu-accounts', 'menu-users', 'menu-kyc', 'menu-support-users', 'menu-keys', 'menu-admin'];
  const disableable = ['btn-pay', 'btn-close-account'];
  const hideable = ['btn-add-agent', 'btn-rotate-key'];
  async function expectUi(state, visible, enabled) {
    for (const id of [...menu, ...hideable]) {
      assert.equal(await byTest(id).isVisible(), visible.includes(id), `${state}: ${id} visible`);
      checks += 1;
    }
    for (const id of disableable) {
      assert.equal(await byTest(id).isVisible(), true, `${state}: ${id} stays visible`);
      assert.equal(await byTest(id).isEnabled(), enabled.includes(id), `${state}: ${id} enabled`);
      checks += 2;
    }
  }
  const signIn = async (who) => byTest(`signin-${who}`).click();

  await expectUi('signed out', [], []);
  await shot('1-signed-out');

  // The banking policy: read_only reads everything but legal, keys and admin (own data);
  // read_write writes the same; read_all reads everything (all data).
  const endUser = [['menu-accounts', 'menu-users', 'menu-support-users', 'btn-add-agent'], ['btn-pay', 'btn-close-account']];
  const allMenus = menu;
  await signIn('end-user');
  await expectUi('end user', ...endUser);
  assert.match(await byTest('data-range').textContent(), /only your own accounts/);
  assert.match(await byTest('session-status').textContent(), /alice .*read_only read_write/);
  await shot('2-end-user');

  await signIn('machine');
  await expectUi('machine client', allMenus, []);
  assert.match(await byTest('data-range').textContent(), /every account/);
  await shot('3-machine');

  await signIn('support');
  await expectUi('support agent', [...allMenus, 'btn-add-agent'], []);
  await shot('4-support-agent');

  await signIn('admin');
  await expectUi('administrator', [...allMenus, 'btn-rotate-key'], []);
  await shot('5-administrator');

  await byTest('signout').click();
  await expectUi('signed out again', [], []);
  assert.equal(await byTest('session-status').textContent(), 'Signed out.');
  await signIn('end-user');
  await expectUi('end user again', ...endUser);

  // A 3-second token: the store's expiry event re-evaluates the page by itself.
  await signIn('short');
  await expectUi('short token', ...endUser);
  await page.waitForFunction(() => document.querySelector('[data-testid="btn-pay"]').disabled, null, { timeout: 8_000 });
  await expectUi('expired token', [], []);
  assert.match(await byTest('data-range').textContent(), /token_expired/);
  assert.equal(await byTest('btn-pay').getAttribute('data-scopegate-reason'), 'token_expired');
  await shot('6-expired');

  // Partner gallery.
  await byTest('partner-base').click();
  assert.equal(await byTest('gallery-status').getAttribute('data-code'), 'client_unsafe_token');
  assert.match(await byTest('gallery-status').textContent(), /never reach a browser/);
  await shot('7-gallery-base-refused');
  await byTest('partner-upload').click();
  assert.equal(await byTest('gallery-status').getAttribute('data-code'), 'token_in_query_not_allowed');
  await byTest('partner-files').click();
  assert.equal(await byTest('gallery-status').getAttribute('data-code'), 'ok');
  await page.waitForFunction(() => [...document.querySelectorAll('#images img')].every((i) => i.complete && i.naturalWidth > 0));
  assert.equal(await page.locator('#images img').count(), 3);
  assert.match(await page.locator('#images img').first().getAttribute('src'), /\?access_token=files-7Hq2LmX9$/);
  await shot('8-gallery-files');
  checks += 7;

  // Playground: live validation with JSON pointers, decoding, decisions.
  const policy = byTest('policy-text');
  const original = await policy.inputValue();
  await policy.fill(original.replace('"version": 1', '"version": 2').replace('"read_only"', '"read only"'));
  const problemsText = await byTest('policy-problems').textContent();
  assert.match(problemsText, /\/version: unsupported_version/);
  await shot('9-playground-invalid');
  await policy.fill(original);
  assert.match(await byTest('policy-problems').textContent(), /valid policy "banking"/);
  await byTest('token-text').fill(await page.evaluate(() => import('./personas.js').then((m) => m.demoToken({ sub: 'x', scope: 'read_write' }))));
  assert.match(await byTest('token-claims').textContent(), /"read_write"/);
  await byTest('method').selectOption('POST');
  await byTest('path').fill('/payments');
  assert.match(await byTest('explanation').textContent(), /Allowed by rule "write-own"; the caller sees only its own data/);
  await byTest('path').fill('/admin/settings');
  assert.match(await byTest('explanation').textContent(), /needs admin/);
  await shot('10-playground-decision');
  checks += 5;
  if (problems.length) throw new Error(problems.join('\n'));
  console.log(`demo: ${checks} checks passed in Chromium; screenshots in test-artifacts/demo/`);
} catch (error) {
  console.error(String(error.stack ?? error));
  if (problems.length) console.error(problems.join('\n'));
  process.exitCode = 1;
} finally {
  await browser.close();
  await server.close();
  rmSync(profile, { recursive: true, force: true });
}
