/**
 * A small test that needs a lab tool (tshark) and uses test/helpers/tools.ts as every tool-needing test does: on a
 * machine without tshark it is skipped with one line naming it and how to get it; in CI it fails. The fresh-machine
 * test runs this file in a clean clone whose PATH lacks tshark. On its own, it checks that tshark and our reader
 * count the same frames in the lab capture.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { readCapture } from '../src/capture/index.js';
import { fixturesDir } from './helpers/corpus.js';
import { runTshark } from './helpers/tshark.js';
import { missingLine, requireTools } from './helpers/tools.js';

test('tshark and our reader count the same frames in fixtures/reqresp.pcap', async (t) => {
  if (!requireTools(t, ['tshark'])) return;
  const file = path.join(fixturesDir, 'reqresp.pcap');
  const theirs = runTshark(['-r', file, '-T', 'fields', '-e', 'frame.number']).split('\n').filter((l) => l !== '').length;
  let ours = 0;
  await readCapture(file, { frame: () => { ours += 1; }, notice: () => undefined });
  assert.ok(ours > 0);
  assert.equal(ours, theirs);
});

test('the skip line names each missing tool and the Debian package that has it', () => {
  assert.equal(missingLine(['ethtool', 'xmllint']),
    'needs ethtool, xmllint: apt-get install ethtool; apt-get install libxml2-utils (or all lab tools at once: sudo bash .ci/install-deps.sh)');
});
