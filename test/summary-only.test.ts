/**
 * The fast summary path (summaryOnly: the `--format summary` output) gives the same summary as the full analysis
 * on every corpus capture and fixture: it skips work, never facts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeCapture } from '../src/index.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { corpusCaptures, corpusMissing, fixtureCaptures, fixturesDir } from './helpers/corpus.js';

test('summaryOnly gives the same summary as the full analysis', async (t) => {
  if (corpusMissing !== undefined) t.diagnostic(`corpus skipped: ${corpusMissing}`);
  const captures = [...corpusCaptures(), ...fixtureCaptures()];
  assert.ok(captures.length > 0);
  for (const c of captures) {
    const full = await analyzeCapture(c.file, { ports: c.ports, onEvent: () => undefined });
    const lean = await analyzeCapture(c.file, { ports: c.ports, summaryOnly: true, onEvent: () => undefined });
    assert.deepEqual(lean.summary, full.summary, `${c.name}: summaries differ`);
  }
});

/** fixtures/qos-mqtt5.pcap with every occurrence of `from` replaced by `to` (same length: TCP stays in step). */
function patchedCapture(patches: Array<[string, string]>): string {
  let data = readFileSync(path.join(fixturesDir, 'qos-mqtt5.pcap'));
  for (const [from, to] of patches) {
    const a = Buffer.from(from, 'hex');
    const b = Buffer.from(to, 'hex');
    let at = data.indexOf(a);
    assert.ok(at >= 0, `${from} is in the capture`);
    data = Buffer.from(data);
    for (; at >= 0; at = data.indexOf(a, at + 1)) b.copy(data, at);
  }
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'mqtt-pcap-')), 'patched.pcap');
  writeFileSync(file, data);
  return file;
}

test('summaryOnly reports what the full path reports: a topic that is not UTF-8, a property PUBLISH may not carry', async () => {
  // Frames 41/44 (PUBLISH "sister/status"): first topic byte 0xff. Frames 24/25 (PUBLISH "sister/temp"): the first
  // User Property (0x26, "sensor" = "dht22") becomes a Reason String (0x1f) of the same 13 bytes.
  // The patched segments' TCP checksums are left wrong, as an edited capture's are: the receiver acknowledged them, so
  // their bytes are read (a segment with a bad checksum is dropped only when its sender sends the bytes again).
  const file = patchedCapture([['000d7369737465722f737461747573', '000dff69737465722f737461747573'], ['2600067365', '1f000d7365']]);
  const full = await analyzeCapture(file, { onEvent: () => undefined });
  const lean = await analyzeCapture(file, { summaryOnly: true, onEvent: () => undefined });
  assert.ok((full.summary.findings.byCode['mqtt.bad-utf8'] ?? 0) > 0, 'the full path reports the topic');
  assert.ok((full.summary.findings.byCode['mqtt.property-not-allowed'] ?? 0) > 0, 'the full path reports the property');
  assert.deepEqual(lean.summary, full.summary);
});
