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

test('the end-of-run lines: one per missing tool with its count, one for the absent corpus saying where it comes from', async () => {
  const { default: skipSummary } = await import('./helpers/skip-summary.js');
  const events = [
    { type: 'test:pass', data: { skip: missingLine(['tshark']) } },
    { type: 'test:pass', data: { skip: missingLine(['tshark']) } },
    { type: 'test:pass', data: { skip: 'corpus not present (looked in /nowhere)' } },
    { type: 'test:diagnostic', data: { message: 'corpus skipped: corpus not present' } },
    { type: 'test:pass', data: { skip: 'running as root: chmod 000 does not stop root' } },
    { type: 'test:pass', data: {} },
  ];
  async function* source() { yield* events; }
  const lines: string[] = [];
  for await (const line of skipSummary(source())) lines.push(line);
  assert.equal(lines.length, 2, lines.join(''));
  assert.equal(lines[0], `skipped 2 tests: ${missingLine(['tshark'])}\n`);
  assert.match(lines[1]!, /^skipped 2 corpus tests: the public corpus is not at .*MANIFEST\.md.*MQTT_PCAP_CORPUS=DIR/);
});
