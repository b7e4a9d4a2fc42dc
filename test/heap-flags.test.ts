/**
 * Long runs get V8's smaller young generation (src/cli/heap-flags.ts): a capture file of 64 MiB or more, and
 * standard input that is a pipe, are analysed by a child Node started with --max-semi-space-size, whose exit code
 * and messages are the command's; small files and standard input redirected from one are not. (Its effect on peak
 * memory is measured in bench/, not here.)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { childFlags, REEXEC_MIN_BYTES, wantsHeapFlags } from '../src/cli/heap-flags.js';
import { fixturesDir, repoRoot } from './helpers/corpus.js';

test('a capture of 64 MiB or more runs in a child with the heap flag, which answers for the command', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mqtt-pcap-heap-'));
  try {
    const big = path.join(dir, 'big.pcap');
    writeFileSync(big, 'not a capture');
    truncateSync(big, REEXEC_MIN_BYTES);
    assert.equal(wantsHeapFlags(big), true);
    assert.equal(wantsHeapFlags(path.join(fixturesDir, 'reqresp.pcap')), false);
    for (const cli of ['dist/src/cli/main.js', 'dist/src/mqtt-pcap/mqtt-pcap.mjs']) {
      // The child reads no more than the first bytes: unreadable input, exit 2, one line, as without the child.
      const r = spawnSync(process.execPath, [path.join(repoRoot, cli), 'analyze', big, '--format', 'summary'], { encoding: 'utf8' });
      assert.equal(r.status, 2, r.stderr);
      assert.equal(r.stderr.split('\n').length, 2, r.stderr);
      assert.match(r.stderr, /^mqtt-pcap: /);
      assert.equal(r.stdout, '');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** wantsHeapFlags('-') in a child whose standard input is `stdin` (the child is a command: it has a script argument). */
function wantsForStdin(stdin: 'pipe' | number): string {
  const module = pathToFileURL(path.join(repoRoot, 'dist/src/cli/heap-flags.js')).href;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `import { wantsHeapFlags } from ${JSON.stringify(module)}; process.stdout.write(String(wantsHeapFlags('-')))`, '--', 'x'],
    { encoding: 'utf8', stdio: [stdin, 'pipe', 'pipe'], ...(stdin === 'pipe' ? { input: '' } : {}) });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('standard input: a pipe runs in the child (same output as without it), a small file redirected to it does not', () => {
  assert.equal(wantsForStdin('pipe'), 'true');
  const small = openSync(path.join(fixturesDir, 'reqresp.pcap'), 'r');
  try {
    assert.equal(wantsForStdin(small), 'false');
  } finally {
    closeSync(small);
  }
  const input = readFileSync(path.join(fixturesDir, 'reqresp.pcap'));
  const args = ['analyze', '-', '--format', 'ndjson'];
  const inChild = spawnSync(process.execPath, [path.join(repoRoot, 'dist/src/mqtt-pcap/mqtt-pcap.mjs'), ...args], { input, encoding: 'utf8' });
  const flagGiven = spawnSync(process.execPath, ['--max-semi-space-size=8', path.join(repoRoot, 'dist/src/cli/main.js'), ...args], { input, encoding: 'utf8' });
  assert.equal(inChild.status, 0, inChild.stderr);
  assert.equal(inChild.stdout, flagGiven.stdout);
  assert.equal(inChild.stderr, flagGiven.stderr);
  assert.ok(inChild.stdout.length > 0);
});

test("the child's V8 background threads: no more than the cores the analysing thread leaves, one-thread GC on two cores or fewer", () => {
  assert.deepEqual(childFlags(1), ['--max-semi-space-size=8', '--v8-pool-size=1', '--single-threaded-gc']);
  assert.deepEqual(childFlags(2), ['--max-semi-space-size=8', '--v8-pool-size=1', '--single-threaded-gc']);
  assert.deepEqual(childFlags(3), ['--max-semi-space-size=8', '--v8-pool-size=2']);
  assert.deepEqual(childFlags(16), ['--max-semi-space-size=8', '--v8-pool-size=4']);
  // Node accepts them (an unknown flag would stop it before it runs anything).
  const r = spawnSync(process.execPath, [...childFlags(2), '-e', 'process.stdout.write("ok")'], { encoding: 'utf8' });
  assert.equal(r.stdout, 'ok', r.stderr);
});
