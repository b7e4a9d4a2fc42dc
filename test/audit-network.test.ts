/**
 * Network faults on real captures (fixtures/edge/, fixtures/lab/capture_edge.sh "network faults"): a wire that
 * corrupts segments, a long path, a subscriber stopped with SIGSTOP, a firewall that resets and one that drops mid-
 * session. Each is checked against tshark where tshark can say (checksums, zero windows) and against what the
 * programs' logs said happened (every PUBLISH delivered intact; the broker answered at once; the subscriber was
 * paused; the client's packets stopped reaching the broker).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { analyzeCapture } from '../src/index.js';
import type { FindingEvent, MqttEvent, TcpEvent } from '../src/index.js';
import { describeDiagnosis } from '../src/diagnosis/words.js';
import type { Diagnosis } from '../src/diagnosis/types.js';
import { fixturesDir } from './helpers/corpus.js';
import { diagnose } from './helpers/diagnose.js';
import { tsharkFields, tsharkMissing } from './helpers/tshark.js';

const edge = (name: string): string => path.join(fixturesDir, 'edge', name);
const missing = (name: string): string | undefined =>
  existsSync(edge(name)) ? undefined : `fixtures/edge/${name} not present (fixtures/lab/capture.sh --only edge-...)`;

function codes(list: Diagnosis[]): string[] {
  return list.map((d) => d.code).filter((c) => c !== 'diag.harmless-teardown-retransmission');
}
function one(list: Diagnosis[], code: string): Diagnosis {
  const found = list.filter((d) => d.code === code);
  assert.equal(found.length, 1, `one ${code}: ${codes(list).join(', ')}`);
  return found[0]!;
}
function texts(d: Diagnosis): { en: string; id: string } {
  return { en: describeDiagnosis(d, 'en')?.sentence ?? '', id: describeDiagnosis(d, 'id')?.sentence ?? '' };
}

test('corrupted segments (bad TCP checksum) are dropped as the receiver drops them: the MQTT is read from the retransmissions', { skip: missing('corrupt.pcap') }, async () => {
  const file = edge('corrupt.pcap');
  const a = await analyzeCapture(file);
  const tcp = a.events.filter((e): e is TcpEvent => e.kind === 'packet' && e.layer === 'tcp');
  const bad = tcp.filter((e) => e.badChecksum === true).map((e) => e.frame);
  if (tsharkMissing === undefined) {
    // tshark with the check on: exactly the frames whose checksum is bad.
    const theirs = tsharkFields(file, ['frame.number', 'tcp.checksum.status'], ['-o', 'tcp.check_checksum:TRUE'])
      .filter((r) => r[1] === '0').map((r) => Number(r[0]));
    assert.deepEqual(bad, theirs);
  }
  assert.equal(bad.length, 5);
  for (const e of tcp.filter((x) => x.badChecksum === true)) assert.match(e.summary, /^\[TCP CHECKSUM INCORRECT\]/);
  // What the programs did: 6 QoS 1 PUBLISHes in, 6 copies out, 12 PUBACKs, two clean sessions of MQTT 3.1.1.
  const mqtt = a.events.filter((e): e is MqttEvent => e.kind === 'packet' && e.layer === 'mqtt');
  const count = (type: string, direction?: string): number => mqtt.filter((e) => e.type === type && (direction === undefined || e.direction === direction)).length;
  assert.equal(count('PUBLISH', 'client'), 6);
  assert.equal(count('PUBLISH', 'server'), 6);
  assert.equal(count('PUBACK'), 12);
  assert.equal(count('CONNECT'), 2);
  assert.equal(count('DISCONNECT'), 2);
  assert.deepEqual(mqtt.filter((e) => e.malformed !== undefined || e.versionInferred === true).map((e) => e.frame), []);
  assert.deepEqual(mqtt.filter((e) => e.type === 'PUBLISH').map((e) => e.payload?.text), Array(12).fill('Suhu: 28°C'));
  const findings = a.events.filter((e): e is FindingEvent => e.kind === 'finding').map((f) => f.code);
  assert.ok(!findings.some((c) => c.startsWith('mqtt.')), findings.join(', '));
  const list = await diagnose(file);
  assert.deepEqual(codes(list), ['diag.tcp-retransmitted-data', 'diag.tcp-retransmitted-data']);
  for (const d of list) {
    assert.ok(Number(d.detail.facts['corrupted']) > 0);
    assert.equal(d.detail.causes[0], 'corrupted-in-transit');
    assert.ok(Number(d.detail.facts['maxDelayMs']) > 100, 'delayed from the corrupted first transmission');
    const { en, id } = texts(d);
    assert.match(en, /arrived corrupted \(bad TCP checksum, sent by the client\)/);
    assert.match(id, /tiba dalam keadaan rusak \(checksum TCP salah/);
  }
});

test('a capture on the sending host with checksum offload (every segment of that host "bad") is read as before', { skip: missing('../reqresp.pcap') }, async () => {
  // reqresp.pcap with the publisher's TCP checksums spoiled, as a capture on its own host with TX offload shows them.
  const data = Buffer.from(readFileSync(path.join(fixturesDir, 'reqresp.pcap')));
  let off = 24;
  let spoiled = 0;
  while (off + 16 <= data.length) {
    const incl = data.readUInt32LE(off + 8);
    const p = off + 16;
    if (data.readUInt16BE(p + 12) === 0x0800 && data[p + 14 + 9] === 6 && data.readUInt32BE(p + 14 + 12) === 0xac120004) {
      const tcp = p + 14 + (data[p + 14]! & 0x0f) * 4;
      data.writeUInt16BE(data.readUInt16BE(tcp + 16) ^ 0x5a5a, tcp + 16);
      spoiled++;
    }
    off = p + incl;
  }
  assert.ok(spoiled > 5);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'audit-network-'));
  try {
    const file = path.join(dir, 'offload.pcap');
    writeFileSync(file, data);
    const [ours, original] = await Promise.all([analyzeCapture(file), analyzeCapture(path.join(fixturesDir, 'reqresp.pcap'))]);
    const tcpOf = (x: typeof ours): TcpEvent[] => x.events.filter((e): e is TcpEvent => e.kind === 'packet' && e.layer === 'tcp');
    assert.deepEqual(tcpOf(ours).filter((e) => e.badChecksum === true).map((e) => e.frame), []);
    const mqttOf = (x: typeof ours): string[] => x.events.filter((e): e is MqttEvent => e.kind === 'packet' && e.layer === 'mqtt').map((e) => `${e.frame} ${e.type}`);
    assert.deepEqual(mqttOf(ours), mqttOf(original));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a long path (1.2 s round trip) is no slow broker: the broker answered at once, its TCP ACKs as late', { skip: missing('long-rtt.pcap') }, async () => {
  const file = edge('long-rtt.pcap');
  const a = await analyzeCapture(file);
  const waits = a.events.filter((e): e is MqttEvent => e.kind === 'packet' && e.layer === 'mqtt' && e.direction === 'server' && e.latencyMs !== undefined)
    .map((e) => e.latencyMs!);
  assert.ok(waits.filter((w) => w > 1000).length >= 5, `answers a round trip late: ${waits.join(', ')}`);
  // No broker-slow: the two notes say the path's round trip (the handshake's resent SYN, the forwarding delay it holds).
  assert.deepEqual(codes(await diagnose(file)), ['diag.forwarding-includes-rtt', 'diag.slow-handshake']);
});

test('a subscriber stopped by SIGSTOP: zero window as tshark flags it, its length, a paused reader, and retransmissions into its full buffer', { skip: missing('sub-sigstop.pcap') }, async () => {
  const file = edge('sub-sigstop.pcap');
  const a = await analyzeCapture(file);
  const zero = a.events.filter((e): e is TcpEvent => e.kind === 'packet' && e.layer === 'tcp' && e.summary.includes('[TCP ZeroWindow]')).map((e) => e.frame);
  if (tsharkMissing === undefined) {
    const theirs = tsharkFields(file, ['frame.number'], ['-Y', 'tcp.analysis.zero_window']).map((r) => Number(r[0]));
    assert.deepEqual(zero, theirs);
  }
  assert.ok(zero.length >= 10);
  const list = await diagnose(file);
  assert.deepEqual(codes(list), ['diag.tcp-retransmitted-data', 'diag.tcp-zero-window']);
  const z = one(list, 'diag.tcp-zero-window');
  assert.ok(Number(z.detail.facts['longestMs']) >= 3000, String(z.detail.facts['longestMs']));
  assert.equal(z.detail.causes[0], 'reader-paused');
  assert.match(texts(z).en, /the longest for 3\.\d+ s: it read nothing at all/);
  assert.match(texts(z).id, /yang terlama selama 3,\d+ s/);
  const r = one(list, 'diag.tcp-retransmitted-data');
  assert.equal(r.detail.facts['receiverWindowFull'], true);
  assert.equal(r.detail.causes[0], 'slow-reader');
  // Every message was delivered once the subscriber resumed.
  assert.equal(a.events.filter((e) => e.kind === 'packet' && e.layer === 'mqtt' && e.type === 'PUBLISH' && e.direction === 'server').length, 300);
});

test('a firewall that resets the publisher mid-session: its packets stopped reaching the broker, it was not silent, no message was "published to nobody"', { skip: missing('middlebox-rst.pcap') }, async () => {
  const list = await diagnose(edge('middlebox-rst.pcap'));
  assert.deepEqual(list.map((d) => d.code), ['diag.broker-unreachable', 'diag.keepalive-dropped']);
  const k = one(list, 'diag.keepalive-dropped');
  assert.ok(k.detail.facts['undeliveredSince'] !== undefined);
  assert.equal(k.detail.causes[0], 'path-blocked');
  assert.match(texts(k).en, /lab-pub \(172\.18\.0\.4\) was not silent: .*its packets stopped reaching the broker; having heard nothing/);
  assert.match(texts(k).id, /tidak diam: .*paketnya tidak lagi sampai ke broker/);
});

test('a path that drops both ways mid-session: cut both ways, not a broker gone, no message "published to nobody"', { skip: missing('path-drop.pcap') }, async () => {
  const list = await diagnose(edge('path-drop.pcap'));
  assert.deepEqual(codes(list), ['diag.broker-unreachable', 'diag.keepalive-dropped', 'diag.tcp-retransmitted-data']);
  const r = one(list, 'diag.tcp-retransmitted-data');
  assert.equal(r.detail.facts['bothWays'], true);
  assert.equal(r.detail.causes[0], 'path-cut');
  assert.match(texts(r).en, /both ways, and none of it was acknowledged/);
  assert.match(texts(r).id, /di kedua arah/);
  const k = one(list, 'diag.keepalive-dropped');
  assert.ok(k.detail.facts['undeliveredSince'] !== undefined);
  assert.doesNotMatch(texts(k).en, /no PINGREQ/);
});

test('a capture on the subscriber\'s host, started mid-session with -s 96: every message at tshark\'s frame, a late start and a snaplen said', { skip: missing('sub-host-snap96.pcap') }, async () => {
  const file = edge('sub-host-snap96.pcap');
  const a = await analyzeCapture(file);
  const mqtt = a.events.filter((e): e is MqttEvent => e.kind === 'packet' && e.layer === 'mqtt');
  if (tsharkMissing === undefined) {
    const theirs = tsharkFields(file, ['frame.number', 'mqtt.msgtype'], ['-Y', 'mqtt']).flatMap((r) => r[1]!.split(',').map((t) => `${r[0]} ${t}`));
    assert.deepEqual(mqtt.map((e) => `${e.frame} ${e.msgtype}`), theirs);
  }
  assert.equal(mqtt.filter((e) => e.type === 'PUBLISH' && e.malformed === 'mqtt.incomplete').length, 5);
  assert.deepEqual(codes(await diagnose(file)), ['diag.capture-started-late', 'diag.snaplen-cut']);
});
