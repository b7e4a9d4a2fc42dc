/**
 * Where users see the diagnosis: `mqtt-pcap analyze` prints a Diagnosis section after the summary (English, or
 * Bahasa Indonesia with --lang id), one line when all is well, and NDJSON carries the diagnoses as findings.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fixturesDir, repoRoot } from './helpers/corpus.js';

const CLI = path.join(repoRoot, 'dist/src/cli/main.js');

function analyze(args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, 'analyze', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('analyze prints the diagnosis after the summary, with frames, cause and check', () => {
  const out = analyze([path.join(fixturesDir, 'faults/fault-topic-typo.pcap')]);
  const at = out.indexOf('\nDiagnosis\n');
  assert.ok(at > out.indexOf('\nFindings\n'), 'Diagnosis comes after the summary');
  const section = out.slice(at);
  assert.match(section, /warning +The subscription of lab-sub \(172\.18\.0\.3\) to 'sister\/tmp' matched no published topic, while 3 messages were published to 'sister\/temp': a typing mistake, the filter is missing 'e'\. \(see frames 10–26 \(4\)\) \[diag\.topic-mismatch\]/);
  assert.match(section, /usual cause: the topic was typed differently/);
  assert.match(section, /check: the topic string in sub\.py and pub\.py/);
});

test('analyze --format summary --lang id words the diagnosis in Bahasa Indonesia', () => {
  const out = analyze([path.join(fixturesDir, 'faults/fault-no-broker.pcap'), '--format', 'summary', '--lang', 'id']);
  assert.match(out, /Koneksi ke 172\.18\.0\.2:1883 ditolak: 1 percobaan dijawab dengan TCP reset \(RST\)/);
  assert.match(out, /penyebab umum: broker tidak berjalan/);
  assert.match(out, /periksa: apakah broker berjalan\?/);
});

test('analyze on the healthy lab capture says all is well and what was checked', () => {
  const out = analyze([path.join(fixturesDir, 'reqresp.pcap'), '--format', 'summary']);
  assert.match(out, /\nDiagnosis\n✓ All is well: checked that the broker was reachable/);
});

test('NDJSON carries the diagnoses as findings with facts, causes, checks and evidence', () => {
  const out = analyze([path.join(fixturesDir, 'faults/fault-unreachable.pcap'), '--format', 'ndjson']);
  const diagnoses = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => String(e['code'] ?? '').startsWith('diag.'));
  assert.equal(diagnoses.length, 1);
  const d = diagnoses[0]!;
  assert.equal(d['code'], 'diag.broker-unreachable');
  assert.deepEqual(d['evidence'], { firstFrame: 3, lastFrame: 6, count: 4, frames: [3, 4, 5, 6] });
  const detail = d['detail'] as { facts: Record<string, unknown>; causes: string[]; checks: string[] };
  assert.equal(detail.facts['outcome'], 'unanswered');
  assert.deepEqual(detail.causes, ['wrong-address', 'firewall-drops', 'host-down']);
});

test('analyze --format summary prints the same Diagnosis section as the table, TCP frames included', () => {
  for (const name of ['faults/fault-broker-stopped.pcap', 'faults/fault-topic-typo.pcap', 'reqresp-any.pcap']) {
    const file = path.join(fixturesDir, name);
    const section = (out: string): string => out.slice(out.indexOf('\nDiagnosis\n'));
    assert.equal(section(analyze([file, '--format', 'summary'])), section(analyze([file])), name);
  }
});
