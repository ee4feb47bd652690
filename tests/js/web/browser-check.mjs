// Serves <dir>, opens <page> in headless Chromium (playwright-core, /usr/bin/chromium), waits for
// the page to set body[data-done], prints the text of #result, optionally saves a screenshot.
// Fails on any page error or failed request. Usage: node browser-check.mjs <dir> <page> [png]
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, page, screenshot] = process.argv.slice(2);
// playwright-core lives in the repository's node_modules, not in the scratch project.
const { chromium } = createRequire(process.env.PLAYWRIGHT_FROM)('playwright-core');
// The demo's static server (www/serve.mjs in the repository) serves the scratch directory.
const repo = dirname(process.env.PLAYWRIGHT_FROM);
const { serveDirectories } = await import(pathToFileURL(join(repo, 'www/serve.mjs')).href);
const profile = mkdtempSync(join(tmpdir(), 'scopegate-chromium-'));
const server = await serveDirectories([['/', resolve(dir)]]);
// A fresh profile each run (playwright takes it as launchPersistentContext's first argument).
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  timeout: 30_000,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
  ],
});
// Any page error or failed request ends the wait at once (a failed module import never finishes).
const problems = [];
let failed;
const failure = new Promise((resolve) => { failed = resolve; });
const problem = (text) => { problems.push(text); failed(); };
try {
  const tab = await browser.newPage();
  tab.on('pageerror', (e) => problem(`page error: ${e.message}`));
  tab.on('console', (m) => m.type() === 'error' && problem(`console: ${m.text()}`));
  tab.on('requestfailed', (r) => problem(`request failed: ${r.url()}`));
  tab.on('response', (r) => r.status() >= 400 && problem(`HTTP ${r.status()}: ${r.url()}`));
  await tab.goto(new URL(page, server.url).href, { timeout: 20_000 });
  await Promise.race([
    failure,
    tab.waitForSelector('body[data-done]', { timeout: 20_000 }).catch(() => problem('timed out after 20 s')),
  ]);
  if (screenshot) await tab.screenshot({ path: screenshot, timeout: 10_000 });
  const text = await tab.textContent('#result').catch(() => null);
  if (problems.length) throw new Error(problems.join('\n'));
  console.log(text);
} catch (e) {
  console.error(String(e.message ?? e));
  process.exitCode = 1;
} finally {
  await browser.close();
  await server.close();
  rmSync(profile, { recursive: true, force: true });
}
