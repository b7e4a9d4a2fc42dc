/**
 * Long runs get V8's smaller young generation (src/cli/heap-flags.ts): a capture file of 64 MiB or more is analysed
 * by a child Node started with --max-semi-space-size, whose exit code and messages are the command's; small files
 * and standard input are not. (Its effect on peak memory is measured in bench/, not here.)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { REEXEC_MIN_BYTES, wantsHeapFlags } from '../src/cli/heap-flags.js';
import { fixturesDir, repoRoot } from './helpers/corpus.js';

test('a capture of 64 MiB or more runs in a child with the heap flag, which answers for the command', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mqtt-pcap-heap-'));
  try {
    const big = path.join(dir, 'big.pcap');
    writeFileSync(big, 'not a capture');
    truncateSync(big, REEXEC_MIN_BYTES);
    assert.equal(wantsHeapFlags(big), true);
    assert.equal(wantsHeapFlags(path.join(fixturesDir, 'reqresp.pcap')), false);
    assert.equal(wantsHeapFlags('-'), false);
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
