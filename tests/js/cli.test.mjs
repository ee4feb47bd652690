// `npx scopegate`: the command line of the npm package (the Rust binary compiled for WASI, run by
// Node) must print exactly what the native binary prints. Each tests/cli/*.toml case (the native
// snapshot tests, tests/cli.rs) runs here through the installed package and through the native
// binary (SCOPEGATE_NATIVE_CLI), from the repository root: stdout, stderr and exit status must be
// byte-identical, and equal to the snapshot files (compared as trycmd compares them: it writes
// `\` as `/`, so a snapshot holds `/"` where the output has `\"`).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import test from 'node:test';

const root = process.env.SCOPEGATE_ROOT;
const native = process.env.SCOPEGATE_NATIVE_CLI;
const packageDir = dirname(createRequire(import.meta.url).resolve('scopegate/package.json'));
const bin = join(packageDir, 'cli', 'scopegate.js');
const casesDir = join(root, 'tests', 'cli');

/** A case file as tests/cli.rs writes them: `args = [...]` (a JSON-compatible TOML array) and `status.code = N`. */
function readCase(name) {
  const text = readFileSync(join(casesDir, `${name}.toml`), 'utf8');
  const args = text.match(/^args = (\[.*\])$/m);
  const status = text.match(/^status\.code = (\d+)$/m);
  assert.ok(args && status, `${name}.toml: expected an args line and a status.code line`);
  const expected = (stream) => readFileSync(join(casesDir, `${name}.${stream}`), 'utf8');
  return { args: JSON.parse(args[1]), code: Number(status[1]), stdout: expected('stdout'), stderr: expected('stderr') };
}

const names = readdirSync(casesDir).filter((f) => f.endsWith('.toml')).map((f) => f.slice(0, -5)).sort();

test('every snapshot case is here, and the native binary to compare with', () => {
  assert.ok(names.length >= 20, names.join(' '));
  assert.ok(native, 'SCOPEGATE_NATIVE_CLI names the native scopegate binary (scripts/test-pkg builds it)');
});

for (const name of names) {
  test(`npx scopegate: ${name}`, () => {
    const expected = readCase(name);
    const run = spawnSync(process.execPath, [bin, ...expected.args], { cwd: root, encoding: 'utf8' });
    const reference = spawnSync(native, expected.args, { cwd: root, encoding: 'utf8' });
    assert.equal(run.stdout, reference.stdout, `${name}: stdout differs from the native binary's`);
    assert.equal(run.stderr, reference.stderr, `${name}: stderr differs from the native binary's`);
    assert.equal(run.status, reference.status, `${name}: exit status differs from the native binary's`);
    const asTrycmd = (text) => text.replaceAll('\\', '/');
    assert.equal(asTrycmd(run.stdout), expected.stdout, `${name}: stdout`);
    assert.equal(asTrycmd(run.stderr), expected.stderr, `${name}: stderr`);
    assert.equal(run.status, expected.code, `${name}: exit status`);
  });
}

test('the package installs the bin: npx scopegate --version', () => {
  const out = execFileSync('npx', ['--no-install', 'scopegate', '--version'], { encoding: 'utf8' });
  assert.match(out, /^scopegate \d+\.\d+\.\d+\n$/);
});
