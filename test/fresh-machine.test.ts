/**
 * The first ten minutes of a newcomer: the README's test command in a clean clone on a machine that lacks a lab tool
 * (here: a PATH without tshark) skips what needs the tool with one visible line naming it, and passes; with CI=true
 * the same missing tool fails the run. And `npm pack` makes a package that installs into an empty folder and runs.
 *
 * Kept cheap: the clone borrows this checkout's node_modules (a symlink instead of `npm ci`) and runs one small test
 * file (`npm test -- dist/test/tools.test.js`), not the whole suite.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from './helpers/corpus.js';
import { requireTools, whichTool } from './helpers/tools.js';

/** A folder of symlinks to node, npm and sh only: a PATH on which no lab tool is found. */
function bareBin(dir: string): string {
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  symlinkSync(process.execPath, path.join(bin, 'node'));
  for (const tool of ['npm', 'sh', 'env']) {
    const full = whichTool(tool);
    if (full !== undefined) symlinkSync(full, path.join(bin, tool));
  }
  return bin;
}

function env(bin: string, ci: boolean): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, PATH: bin };
  delete e.CI;
  delete e.NODE_TEST_CONTEXT; // the clone's node --test must run its own tests, not report to ours
  if (ci) e.CI = 'true';
  return e;
}

test('npm test in a clean clone without tshark: one visible skip line, passes; with CI=true it fails', { timeout: 300_000 }, (t) => {
  if (!requireTools(t, ['git'])) return;
  const dir = mkdtempSync(path.join(tmpdir(), 'mqtt-pcap-fresh-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const clone = path.join(dir, 'clone');
  const git = spawnSync('git', ['clone', '-q', repoRoot, clone], { encoding: 'utf8' });
  assert.equal(git.status, 0, git.stderr);
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(clone, 'node_modules'));
  const bin = bareBin(dir);
  assert.notEqual(spawnSync('sh', ['-c', 'command -v tshark'], { env: { PATH: bin } }).status, 0, 'control: no tshark on the bare PATH');

  const plain = spawnSync('npm', ['test', '--', 'dist/test/tools.test.js'], { cwd: clone, env: env(bin, false), encoding: 'utf8', timeout: 240_000 });
  const output = `${plain.stdout}\n${plain.stderr}`;
  assert.equal(plain.status, 0, `npm test failed without tshark:\n${output}`);
  // The spec reporter's line for the test, and the summary line at the end of the run.
  assert.match(plain.stdout, /# needs tshark: apt-get install tshark/, output);
  assert.match(plain.stderr, /^skipped 1 test: needs tshark: apt-get install tshark \(or all lab tools at once: sudo bash \.ci\/install-deps\.sh\)$/m, output);

  // The same run with CI=true: what `npm test` runs after its build (not building a second time).
  const ci = spawnSync('node', ['dist/test/helpers/run-tests.js', 'dist/test/tools.test.js'], { cwd: clone, env: env(bin, true), encoding: 'utf8', timeout: 240_000 });
  assert.notEqual(ci.status, 0, `with CI=true a missing tshark must fail the run:\n${ci.stdout}\n${ci.stderr}`);
  assert.match(ci.stdout, /missing in CI \(CI=true\): needs tshark/);
});

test('npm pack makes a package that installs into an empty folder and runs mqtt-pcap --version', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mqtt-pcap-pack-'));
  try {
    const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(pack.status, 0, pack.stderr);
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    assert.ok(tarball !== undefined, `no tarball in ${dir}: ${pack.stdout}`);
    const app = path.join(dir, 'app');
    mkdirSync(app);
    // A project of its own, so that npm never walks up to a package.json or node_modules above the temporary folder.
    writeFileSync(path.join(app, 'package.json'), '{ "name": "app", "private": true }\n');
    const install = spawnSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', path.join(dir, tarball)],
      { cwd: app, encoding: 'utf8', timeout: 240_000 });
    assert.equal(install.status, 0, install.stderr);
    const version = spawnSync(path.join(app, 'node_modules', '.bin', 'mqtt-pcap'), ['--version'], { cwd: app, encoding: 'utf8' });
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    assert.equal(version.status, 0, version.stderr);
    assert.equal(version.stdout.trim(), pkg.version);
    // And it analyses a capture.
    const r = spawnSync(path.join(app, 'node_modules', '.bin', 'mqtt-pcap'), ['analyze', path.join(repoRoot, 'fixtures', 'reqresp.pcap'), '-f', 'summary'],
      { cwd: app, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /MQTT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
