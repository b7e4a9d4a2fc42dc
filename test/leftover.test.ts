/**
 * Loose ends of session 14, each on a capture the lab made with real programs: the summary's sessions table and the
 * report's diagrams say what an empty client id and a retained clear are; a persistent session's UNSUBSCRIBE on a
 * later connection is matched to the SUBSCRIBE of an earlier one; a SYN resent because the path's round trip is longer
 * than the SYN timeout is named so, not as loss; the broker-forwarding latency measured far from the broker says it
 * includes the round trip; a bad-checksum segment still held when its connection ends is reported.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';
import { analyzeCapture } from '../src/index.js';
import type { FindingEvent, MqttEvent, TcpConnectionEndedEvent, TimelineEvent } from '../src/index.js';
import { handshakeStep, initialHandshake, type HandshakeSegment } from '../src/reassembly/handshake.js';
import { DiagnosisStage } from '../src/diagnosis/stage.js';
import { ReportSink, renderReport } from '../src/report/index.js';
import { renderSummary } from '../src/views/summary-text.js';
import { makeStyle } from '../src/views/style.js';
import { repoRoot } from './helpers/corpus.js';

const CLI = path.join(repoRoot, 'dist/src/cli/main.js');
const fixture = (name: string): string => path.join(repoRoot, 'fixtures', name);

function cli(...args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.ok(r.status === 0 || r.status === 1, `${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return r.stdout;
}

async function report(file: string, lang: 'en' | 'id'): Promise<{ text: string; flowSvg: string }> {
  const sink = new ReportSink(path.relative(repoRoot, file));
  const diagnosis = new DiagnosisStage();
  const { summary } = await analyzeCapture(file, { onEvent: (e) => { sink.event(e); diagnosis.event(e, (f) => sink.event(f)); } });
  diagnosis.finish((f) => sink.event(f), summary);
  return renderReport(sink.facts(summary), { lang, format: 'md' });
}

describe('1. empty client ids and retained clears said in words', () => {
  test('summary sessions table: an empty client id says what the broker did or may do with it (fixtures/edge/early.pcap)', async () => {
    const { summary } = await analyzeCapture(fixture('edge/early.pcap'), {});
    const text = renderSummary(summary, makeStyle(false));
    const sessions = text.slice(text.indexOf('Client ID'));
    const row = (stream: number): string => sessions.split('\n').find((l) => l.startsWith(`│ ${stream} `)) ?? '';
    // Stream 3: MQTT 3.1.1, clean session 1, accepted; 4: clean session 0, refused (2); 5: MQTT 3.1, refused (2).
    assert.match(row(3), /\(empty: the broker assigned one\)/);
    assert.match(row(4), /\(empty: not allowed with clean session 0\)/);
    assert.match(row(5), /\(empty: MQTT 3\.1 needs 1 to 23 characters\)/);
    // No session row leaves the client id cell blank when the CONNECT was seen.
    for (const s of [3, 4, 5]) assert.doesNotMatch(row(s), /│ 172\.18\.0\.4:\d+ +│ +│/);
  });

  test('report: the sequence diagram and the flow graph name an empty client id, in both languages', async () => {
    const en = await report(fixture('edge/early.pcap'), 'en');
    const id = await report(fixture('edge/early.pcap'), 'id');
    assert.match(en.text, /->>H\d: CONNECT client id empty \(the broker assigns one\) \(frame 50\)/);
    assert.match(en.text, /->>H\d: CONNECT client id empty \(not allowed with clean session 0\) \(frame 72\)/);
    assert.match(id.text, /->>H\d: CONNECT client id kosong \(broker yang menentukan\) \(frame 50\)/);
    assert.doesNotMatch(en.text, /->>H\d: CONNECT +\(frame/);
    assert.match(en.flowSvg, /data-frame="50"[^]*?>CONNECT \(client id empty\)</);
    assert.match(id.flowSvg, /data-frame="50"[^]*?>CONNECT \(client id kosong\)</);
  });

  test('report: a retained PUBLISH with an empty payload is drawn as clearing the retained message, not as "" (fixtures/edge/cli-options.pcap)', async () => {
    const en = await report(fixture('edge/cli-options.pcap'), 'en');
    const id = await report(fixture('edge/cli-options.pcap'), 'id');
    // Frame 76: mosquitto_pub -r -n on cli/status (tshark: mqtt.retain 1, mqtt.len 14, no payload).
    assert.match(en.text, /PUBLISH cli\/status QoS 1 \(retained, empty payload: clears the topic's retained message\) \(frame 76\)/);
    assert.match(id.text, /PUBLISH cli\/status QoS 1 \(retained, payload kosong: menghapus pesan retained topik ini\) \(frame 76\)/);
    assert.doesNotMatch(en.text, /""/);
    assert.match(en.flowSvg, /data-frame="76"[^]*?>PUBLISH cli\/status \(clears retained\)</);
    assert.match(id.flowSvg, /data-frame="76"[^]*?>PUBLISH cli\/status \(hapus retained\)</);
  });

  test('the CLI summary says it too', () => {
    assert.match(cli('analyze', fixture('edge/early.pcap'), '--format', 'summary'), /\(empty: the broker assigned one\)/);
  });
});

/** The events of a capture with the diagnosis stage's findings among them. */
async function diagnosed(file: string): Promise<{ events: TimelineEvent[]; findings: FindingEvent[] }> {
  const events: TimelineEvent[] = [];
  const diagnosis = new DiagnosisStage();
  const { summary } = await analyzeCapture(file, { onEvent: (e) => { events.push(e); diagnosis.event(e, (f) => events.push(f)); } });
  diagnosis.finish((f) => events.push(f), summary);
  return { events, findings: events.filter((e): e is FindingEvent => e.kind === 'finding') };
}

describe('2. UNSUBSCRIBE on a later connection of a persistent session (fixtures/edge/unsub-later.pcap)', () => {
  test('the copies on a resumed session continue from the earlier connection: each traced to the publish it copies', async () => {
    const { events } = await diagnosed(fixture('edge/unsub-later.pcap'));
    const source = (frame: number): number | undefined => events.find((e): e is MqttEvent => e.kind === 'packet' && e.layer === 'mqtt' && e.frame === frame && e.type === 'PUBLISH')?.sourceFrame;
    // tshark: the publisher's ids 2, 3, 4, 5 are frames 71, 102, 105, 154. ul-keep (3.1.1, clean session 0) got id 2 in
    // frame 72 and never acknowledged it: frame 138 resends it with DUP set (same packet id); 140 and 142 are the two
    // messages of its absence, 155 the next live one. ul-keep5 (MQTT 5, Session Expiry 60 s) acknowledged both: 121
    // and 123 are the messages of its absence, 156 the live one. Before: 121→52, 123→71, 138→52, 155→105, 156→102,
    // and #154 (delivered to both) counted as published to nobody.
    assert.deepEqual([121, 123, 138, 140, 142, 155, 156].map(source), [102, 105, 71, 102, 105, 154, 154]);
  });

  test('published-to-nobody: only the messages after the UNSUBSCRIBEs, caused by the persistent sessions\' later UNSUBSCRIBE', async () => {
    const { findings } = await diagnosed(fixture('edge/unsub-later.pcap'));
    const nobody = findings.filter((f) => f.code === 'diag.published-to-nobody');
    assert.equal(nobody.length, 1);
    const d = nobody[0]!.detail as { facts: Record<string, unknown>; causes: string[] };
    assert.equal(d.facts['count'], 5);
    assert.deepEqual(nobody[0]!.evidence?.frames, [177, 180, 183, 186, 189]);
    assert.equal(d.facts['unsubscribedMessages'], 5);
    assert.deepEqual(d.facts['unsubscribedSubscribers'], ['ul-keep (172.18.0.3)', 'ul-keep5 (172.18.0.3)']);
    // ul-keep5's UNSUBSCRIBE (frame 164) and ul-keep's (169), each on its second connection.
    assert.deepEqual(d.facts['unsubscribeFrames'], [164, 169]);
    assert.deepEqual(d.causes, ['subscriber-unsubscribed']);
  });

  test('unsubscribe-unmatched: the clean sessions\' UNSUBSCRIBE (MQTT 5: UNSUBACK 0x11; MQTT 3.1.1: inferred), never the persistent sessions\'', async () => {
    const { findings } = await diagnosed(fixture('edge/unsub-later.pcap'));
    const unmatched = findings.filter((f) => f.code === 'diag.unsubscribe-unmatched');
    const facts = unmatched.map((f) => (f.detail as { facts: Record<string, unknown> }).facts);
    assert.deepEqual(facts.map((f) => [f['client'], f['clean']]).sort(), [['ul-clean (172.18.0.3)', true], ['ul-clean5 (172.18.0.3)', undefined]]);
    const clean = unmatched.find((f) => String(f.summary).startsWith('ul-clean ('))!;
    // Frame 171: ul-clean's UNSUBSCRIBE on its second connection (session present 0), answered by UNSUBACK 173.
    assert.deepEqual(clean.evidence?.frames, [171, 173]);
    assert.match(clean.summary, /its session was clean \(clean session 1: it starts with no subscription\) and this connection had not subscribed to it, so nothing was unsubscribed/);
  });

  test('an MQTT 3.1.1 clean session that unsubscribes what it subscribed is no unmatched one (fixtures/edge/unsub-midrun.pcap)', async () => {
    const { findings } = await diagnosed(fixture('edge/unsub-midrun.pcap'));
    assert.deepEqual(findings.filter((f) => f.code === 'diag.unsubscribe-unmatched'), []);
  });
});

describe('3. SYNs resent because the round trip is longer than the SYN timeout (fixtures/edge/long-rtt.pcap)', () => {
  test('the connection-ended events say the first SYN was answered, with the round trip from it', async () => {
    const { events } = await diagnosed(fixture('edge/long-rtt.pcap'));
    const ended = events.filter((e): e is TcpConnectionEndedEvent => e.kind === 'lifecycle' && e.type === 'connection-ended' && e.layer === 'tcp');
    // tshark: SYNs 4 (TSval 1954605435) and 5; SYN-ACK 7 echoes 1954605435 (TSecr) at 2.414883, the ACK 8 at 2.414950,
    // the first SYN at 1.210023: 1204.927 ms. Wireshark's initial RTT counts from the resent SYN: 359.878 ms.
    const first = ended.find((e) => e.stream === 0)!;
    assert.equal(first.synAttempts, 2);
    assert.equal(first.synResentEarly?.firstSynFrame, 4);
    assert.equal(first.synResentEarly?.synAckFrame, 7);
    assert.ok(Math.abs((first.synResentEarly?.rttMs ?? 0) - 1204.927) < 0.01, String(first.synResentEarly?.rttMs));
    assert.ok(Math.abs((first.handshakeRttMs ?? 0) - 359.878) < 0.01);
  });

  test('diag.slow-handshake names the resent SYNs, the round trip and the answered first SYN, in both languages, and calls nothing lost', async () => {
    const { findings } = await diagnosed(fixture('edge/long-rtt.pcap'));
    const slow = findings.filter((f) => f.code === 'diag.slow-handshake');
    assert.equal(slow.length, 1);
    const facts = (slow[0]!.detail as { facts: Record<string, unknown> }).facts;
    assert.equal(facts['count'], 2);
    assert.equal(facts['resent'], 2);
    assert.equal(facts['firstSynFrame'], 4);
    assert.equal(facts['synAckFrame'], 7);
    assert.match(slow[0]!.summary, /took 1\.201 s to 1\.205 s from the first SYN: the clients resent their SYN 2 times in all because the round trip to the broker is longer than the SYN retransmission timeout \(1 s\), not because a packet was lost/);
    const id = cli('analyze', fixture('edge/long-rtt.pcap'), '--format', 'summary', '--lang', 'id');
    assert.match(id, /mengirim ulang SYN 2 kali seluruhnya karena waktu pulang-pergi \(round trip\) ke broker lebih lama/);
    // Not called loss by any other diagnosis (the other note is item 4's, on the forwarding delays).
    assert.deepEqual(findings.filter((f) => f.code.startsWith('diag.')).map((f) => f.code).sort(), ['diag.forwarding-includes-rtt', 'diag.slow-handshake']);
  });

  test('a SYN-ACK that answers a resent SYN (the first one lost) is no slow handshake', () => {
    const h = initialHandshake(true, false);
    const seg = (over: Partial<HandshakeSegment>): HandshakeSegment => ({ syn: false, ack: false, rst: false, fromClient: true, len: 0, opened: false, ...over });
    handshakeStep(h, seg({ syn: true, opened: true, tsval: 100 }), 1, 0);
    handshakeStep(h, seg({ syn: true, tsval: 1100 }), 2, 1);
    handshakeStep(h, seg({ syn: true, ack: true, fromClient: false, tsval: 7, tsecr: 1100 }), 3, 1.05);
    handshakeStep(h, seg({ ack: true }), 4, 1.05);
    assert.equal(h.firstSynRttMs, undefined);
    const k = initialHandshake(true, false);
    handshakeStep(k, seg({ syn: true, opened: true, tsval: 100 }), 1, 0);
    handshakeStep(k, seg({ syn: true, tsval: 1100 }), 2, 1);
    handshakeStep(k, seg({ syn: true, ack: true, fromClient: false, tsval: 7, tsecr: 100 }), 3, 1.2);
    handshakeStep(k, seg({ ack: true }), 4, 1.2);
    assert.ok(Math.abs((k.firstSynRttMs ?? 0) - 1200) < 1e-6);
  });
});

describe('4. broker forwarding measured far from the broker (fixtures/edge/long-rtt.pcap: tcpdump on the clients\' side, 600 ms each way)', () => {
  test('diag.forwarding-includes-rtt says the delays hold the round trip, and leaves the figures as measured', async () => {
    const { findings } = await diagnosed(fixture('edge/long-rtt.pcap'));
    const notes = findings.filter((f) => f.code === 'diag.forwarding-includes-rtt');
    assert.equal(notes.length, 1);
    const facts = (notes[0]!.detail as { facts: Record<string, unknown> }).facts;
    // The broker's kernel ACKs the clients' data 1.2 s after it leaves (tshark tcp.analysis.ack_rtt 1.201-1.208 s).
    assert.ok(Math.abs(Number(facts['roundTripMs']) - 1203) < 5, String(facts['roundTripMs']));
    assert.equal(facts['forwardedCount'], 4);
    // The median delay (1205.6 ms) is the round trip: nothing left for the broker, no negative estimate.
    assert.equal(facts['brokerMs'], undefined);
    assert.match(notes[0]!.summary, /include the network round trip between the capture point and the broker at 172\.18\.0\.2:1883, about 1203 ms/);
    assert.match(notes[0]!.summary, /nothing measurable is left for the broker itself/);
    const { summary } = await analyzeCapture(fixture('edge/long-rtt.pcap'), {});
    assert.ok(Math.abs((summary.mqtt.forwarding?.medianMs ?? 0) - 1205.648) < 0.01, 'the summary\'s figure is the measured one');
  });

  test('a capture made next to the broker (fixtures/reqresp.pcap, the lab bridge) gets no such note', async () => {
    const { findings } = await diagnosed(fixture('reqresp.pcap'));
    assert.deepEqual(findings.filter((f) => f.code === 'diag.forwarding-includes-rtt'), []);
  });
});

describe('5. a bad-checksum segment still held when the capture ends (fixtures/edge/corrupt-end.pcap)', () => {
  test('not read as MQTT, and counted by a tcp.bad-checksum-dropped finding at its own frame, on both paths', async () => {
    const file = fixture('edge/corrupt-end.pcap');
    const { events } = await diagnosed(file);
    // tshark -o tcp.check_checksum:TRUE: frame 10, 26 bytes, tcp.checksum.status Bad, dissected as a Ping Request (the
    // PUBLISH's first byte 0x32 flipped); the broker never got it (no PUBACK, no ACK past it in the capture).
    const mqtt = events.filter((e): e is MqttEvent => e.kind === 'packet' && e.layer === 'mqtt');
    assert.deepEqual(mqtt.map((e) => [e.frame, e.type]), [[6, 'CONNECT'], [8, 'CONNACK']]);
    const dropped = events.filter((e): e is FindingEvent => e.kind === 'finding' && e.code === 'tcp.bad-checksum-dropped');
    assert.equal(dropped.length, 1);
    assert.equal(dropped[0]!.frame, 10);
    assert.equal(dropped[0]!.src, '172.18.0.3:46782');
    assert.deepEqual(dropped[0]!.detail, { bytes: 26, ended: 'capture-end' });
    assert.match(dropped[0]!.summary, /neither sent again nor acknowledged before the capture ended/);
    const { summary } = await analyzeCapture(file, { summaryOnly: true });
    assert.equal(summary.findings.byCode['tcp.bad-checksum-dropped'], 1);
  });

  test('a segment retransmitted intact is no such finding (fixtures/edge/corrupt.pcap)', async () => {
    const { summary } = await analyzeCapture(fixture('edge/corrupt.pcap'), {});
    assert.equal(summary.findings.byCode['tcp.bad-checksum-dropped'], undefined);
  });
});
