/**
 * Lifecycle events on real captures: TCP connections opened and ended (FIN/RST and by whom, refused SYN, evicted,
 * capture end) and MQTT sessions started and ended (DISCONNECT, taken over in MQTT 5 and 3.1.1, reset, closed
 * without DISCONNECT), in both the full and the summary-only path, and the summary's tables built from them.
 * fixtures/lifecycle.pcap is made by `fixtures/lab/capture.sh --only lifecycle` (fixtures/lab/lifecycle.py).
 * A session's end is what came first on the wire (a client DISCONNECT that crossed the broker's FIN is the broker's
 * close, a FIN before a RST a close), checked against tshark's frames on the fault captures, with the Wills mosquitto
 * published (fixtures/faults/fault-violation-will.pcap, `capture.sh --only fault-violation-will`).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { analyzeCapture } from '../src/index.js';
import type { LifecycleEvent, TimelineEvent } from '../src/model/events.js';
import { sessionEndReason } from '../src/mqtt/dissector.js';
import { handshakeOutcome, handshakeStep, initialHandshake } from '../src/reassembly/handshake.js';
import { fixturesDir } from './helpers/corpus.js';
import { tsharkFields, tsharkMissing } from './helpers/tshark.js';

const LIFECYCLE = path.join(fixturesDir, 'lifecycle.pcap');
const fault = (name: string): string => path.join(fixturesDir, 'faults', `${name}.pcap`);
const REQRESP = path.join(fixturesDir, 'reqresp.pcap');

function lifecycle(events: TimelineEvent[]): LifecycleEvent[] {
  return events.filter((e): e is LifecycleEvent => e.kind === 'lifecycle');
}

/** "frame type stream reason closedBy ..." per lifecycle event: compact and readable in a failure. */
function line(e: LifecycleEvent): string {
  switch (e.type) {
    case 'connection-opened': return `${e.frame} opened ${e.stream} syn=${e.synSeen}`;
    case 'connection-ended': return `${e.frame} ended ${e.stream} ${e.reason} ${e.closedBy ?? '-'} ${e.handshake} syn=${e.synAttempts}`;
    case 'session-started': return `${e.frame} session ${e.stream} ${e.clientId ?? '?'} v${e.protocolVersion}`;
    case 'session-ended': return `${e.frame} session-ended ${e.stream} ${e.reason} ${e.closedBy ?? '-'}${e.takenOverBy !== undefined ? ` by ${e.takenOverBy.stream}@${e.takenOverBy.frame}` : ''}`;
  }
}

test('lifecycle.pcap: takeovers (MQTT 5 and 3.1.1), reset, close without DISCONNECT, refused SYN', async () => {
  const { events, summary } = await analyzeCapture(LIFECYCLE);
  assert.deepEqual(lifecycle(events).map(line), [
    '3 opened 0 syn=true',
    // A session starts at the CONNACK that accepts it.
    '8 session 0 lab-dup5 v5',
    '10 opened 1 syn=true',
    '16 session 1 lab-dup5 v5',
    // Mosquitto 2.0.11 closes the first connection (FIN, frame 15) without a DISCONNECT 0x8E.
    '19 session-ended 0 taken-over server by 1@13',
    '19 ended 0 fin server complete syn=1',
    '25 session-ended 1 disconnect client',
    '25 ended 1 fin client complete syn=1',
    '27 opened 2 syn=true',
    '32 session 2 lab-dup311 v4',
    '34 opened 3 syn=true',
    '40 session 3 lab-dup311 v4',
    '43 session-ended 2 taken-over server by 3@37',
    '43 ended 2 fin server complete syn=1',
    '47 session-ended 3 disconnect client',
    '47 ended 3 fin client complete syn=1',
    '49 opened 4 syn=true',
    '54 session 4 lab-reset v4',
    '56 session-ended 4 reset client',
    '56 ended 4 rst client complete syn=1',
    '57 opened 5 syn=true',
    '62 session 5 lab-fin v4',
    '65 session-ended 5 client-closed client',
    '65 ended 5 fin client complete syn=1',
    '67 opened 6 syn=true',
    '68 ended 6 rst server refused syn=1',
  ]);
  // The summary's tables are the ended events.
  assert.deepEqual(summary.tcp.listed.map((c) => `${c.stream} ${c.end} ${c.closedBy ?? '-'} ${c.handshake} ${c.state} ${c.protocol}`), [
    '0 fin server complete closed mqtt', '1 fin client complete closed mqtt', '2 fin server complete closed mqtt',
    '3 fin client complete closed mqtt', '4 rst client complete reset mqtt', '5 fin client complete closed mqtt',
    '6 rst server refused reset other',
  ]);
  assert.equal(summary.tcp.connections, 7);
  assert.deepEqual(summary.mqtt.sessions.map((s) => `${s.stream} ${s.clientId} ${s.end}`), [
    '0 lab-dup5 taken-over', '1 lab-dup5 disconnect', '2 lab-dup311 taken-over', '3 lab-dup311 disconnect',
    '4 lab-reset reset', '5 lab-fin client-closed',
  ]);
});

test('the summary-only path emits the same lifecycle events as the full path', async () => {
  for (const file of [LIFECYCLE, REQRESP]) {
    const full = await analyzeCapture(file);
    const lean: TimelineEvent[] = [];
    await analyzeCapture(file, { summaryOnly: true, onEvent: (e) => lean.push(e) });
    assert.deepEqual(lifecycle(lean), lifecycle(full.events), file);
  }
});

test('reqresp.pcap: the lab client DISCONNECTs, then each connection ends with FIN; ends follow the MQTT packets', async () => {
  const { events } = await analyzeCapture(REQRESP);
  assert.deepEqual(lifecycle(events).map(line), [
    '3 opened 0 syn=true', '8 session 0 lab-sub v4', '15 opened 1 syn=true', '20 session 1 lab-pub v4',
    '44 session-ended 0 disconnect client', '44 ended 0 fin server complete syn=1',
    '49 session-ended 1 disconnect client', '49 ended 1 fin client complete syn=1',
  ]);
  // Opened comes before the SYN's own event; a session starts after the CONNACK that accepts it; an end after the closing segment.
  const at = (pred: (e: TimelineEvent) => boolean): number => events.findIndex(pred);
  assert.ok(at((e) => e.type === 'connection-opened') < at((e) => e.kind === 'packet' && e.layer === 'tcp' && e.type === 'SYN'));
  assert.ok(at((e) => e.type === 'session-started') > at((e) => e.kind === 'packet' && e.type === 'CONNACK'));
  const ended = events.find((e) => e.type === 'connection-ended' && e.frame === 44)!;
  assert.ok(events.indexOf(ended) > at((e) => e.kind === 'packet' && e.layer === 'tcp' && e.frame === 44));
});

test('a full connection table evicts: the connection and its session end with reason evicted', async () => {
  const { events } = await analyzeCapture(LIFECYCLE, { maxConnections: 1 });
  const ends = lifecycle(events).filter((e) => e.type === 'connection-ended' || e.type === 'session-ended').map(line);
  assert.ok(ends.includes('10 session-ended 0 evicted -'), ends.join('\n'));
  assert.ok(ends.some((l) => l.startsWith('10 ended 0 evicted')), ends.join('\n'));
});

test('an MQTT 5 broker DISCONNECT is named, and is a takeover once another connection took the client id', () => {
  const end = { reason: 'fin', closedBy: 'server', state: 'closed', handshake: 'complete', frame: 9, time: 1 } as const;
  assert.deepEqual(sessionEndReason({ by: 'server', frame: 7 }, undefined, end), { reason: 'broker-disconnect', closedBy: 'server' });
  assert.deepEqual(sessionEndReason({ by: 'server', frame: 7 }, { stream: 2, frame: 5 }, end), { reason: 'taken-over', closedBy: 'server' });
  // The client left first: not a takeover.
  assert.deepEqual(sessionEndReason({ by: 'client', frame: 7 }, { stream: 2, frame: 5 }, end), { reason: 'disconnect', closedBy: 'client' });
  assert.deepEqual(sessionEndReason(undefined, { stream: 2, frame: 5 }, { ...end, closedBy: 'client' }), { reason: 'client-closed', closedBy: 'client' });
  assert.deepEqual(sessionEndReason(undefined, undefined, { ...end, reason: 'capture-end', closedBy: undefined } as never), { reason: 'capture-end' });
});

test('the session ends with what came first on the wire: the first FIN or RST, then a takeover only if it came before', () => {
  const end = { reason: 'rst', closedBy: 'server', state: 'reset', handshake: 'complete', frame: 9, time: 1 } as const;
  // The broker's FIN (frame 6) before its RST: it closed the connection; the RST only answers what the client sent after.
  assert.deepEqual(sessionEndReason(undefined, undefined, end, { reset: false, by: 'server', frame: 6 }), { reason: 'broker-closed', closedBy: 'server' });
  // The client's FIN first, the broker's RST after it: the client closed it.
  assert.deepEqual(sessionEndReason(undefined, undefined, end, { reset: false, by: 'client', frame: 6 }), { reason: 'client-closed', closedBy: 'client' });
  // Without the streams' first close, the TCP end tells it.
  assert.deepEqual(sessionEndReason(undefined, undefined, end), { reason: 'reset', closedBy: 'server' });
  // The broker closed (frame 6) before another connection took the client id over (frame 8): not a takeover.
  assert.deepEqual(sessionEndReason(undefined, { stream: 2, frame: 8 }, end, { reset: false, by: 'server', frame: 6 }), { reason: 'broker-closed', closedBy: 'server' });
  assert.deepEqual(sessionEndReason(undefined, { stream: 2, frame: 5 }, end, { reset: false, by: 'server', frame: 6 }), { reason: 'taken-over', closedBy: 'server' });
  // Half-closed by the client when the capture ended.
  assert.deepEqual(sessionEndReason(undefined, undefined, { ...end, reason: 'capture-end', closedBy: undefined } as never, { reset: false, by: 'client', frame: 6 }),
    { reason: 'client-closed', closedBy: 'client' });
});

test('handshake outcome: SYNs without an answer are unanswered, retransmitted SYNs are counted', () => {
  const h = initialHandshake(true, false);
  const syn = { syn: true, ack: false, rst: false, fromClient: true, len: 0, opened: true };
  handshakeStep(h, syn, 1, 0);
  handshakeStep(h, { ...syn, opened: false }, 2, 1);
  handshakeStep(h, { ...syn, opened: false }, 3, 3);
  assert.equal(h.synAttempts, 3);
  assert.equal(handshakeOutcome(h), 'unanswered');
  handshakeStep(h, { syn: true, ack: true, rst: false, fromClient: false, len: 0, opened: false }, 4, 3.1);
  assert.equal(handshakeOutcome(h), 'incomplete');
  assert.equal(handshakeStep(h, { syn: false, ack: true, rst: false, fromClient: true, len: 0, opened: false }, 5, 3.2), true);
  assert.equal(handshakeOutcome(h), 'complete');
});

/** "stream reason closedBy" of every session-ended event, on the full and the summary-only path (the same). */
async function sessionEnds(file: string): Promise<string[]> {
  const full = lifecycle((await analyzeCapture(file)).events);
  const lean: TimelineEvent[] = [];
  await analyzeCapture(file, { summaryOnly: true, onEvent: (e) => lean.push(e) });
  const ends = (list: LifecycleEvent[]): string[] => list.filter((e) => e.type === 'session-ended').map(line);
  assert.deepEqual(ends(lifecycle(lean)), ends(full));
  return ends(full);
}

/** tshark's frames of the first FIN or RST sent by the broker (port 1883) and of the client's DISCONNECT, per client port. */
function brokerCloseAndDisconnect(file: string): Map<string, { close?: number; disconnect?: number }> {
  const byPort = new Map<string, { close?: number; disconnect?: number }>();
  for (const [frame, src, dst, fin, rst, type] of tsharkFields(file, ['frame.number', 'tcp.srcport', 'tcp.dstport', 'tcp.flags.fin', 'tcp.flags.reset', 'mqtt.msgtype'])) {
    const client = src === '1883' ? dst! : src!;
    const entry = byPort.get(client) ?? {};
    byPort.set(client, entry);
    if (src === '1883' && (fin === '1' || fin === 'True' || rst === '1' || rst === 'True')) entry.close ??= Number(frame);
    if (src !== '1883' && (type ?? '').split(',').includes('14')) entry.disconnect ??= Number(frame);
  }
  return byPort;
}

test('fault-malformed-packet: lab-cross\'s DISCONNECT crossed the broker\'s FIN: the broker closed the session', async () => {
  const file = fault('fault-malformed-packet');
  assert.deepEqual(await sessionEnds(file), [
    '33 session-ended 1 disconnect client',
    // lab-leave: the QoS 3 PUBLISH and the DISCONNECT in one segment, then its FIN, the broker's RST last.
    '44 session-ended 2 disconnect client',
    '54 session-ended 3 disconnect client',
    // lab-cross: the broker's FIN (frame 63) before the client's DISCONNECT (frame 64), then its RST (frame 65).
    '65 session-ended 4 broker-closed server',
    '68 session-ended 0 disconnect client',
  ]);
  if (tsharkMissing === undefined) {
    const cross = [...brokerCloseAndDisconnect(file).values()].filter((c) => c.close !== undefined && c.disconnect !== undefined && c.close < c.disconnect);
    assert.deepEqual(cross, [{ close: 63, disconnect: 64 }]);
  }
});

test('fault-keepalive-mqtt5: the broker\'s FIN on the keep-alive, the client\'s RST long after: the broker closed it', async () => {
  assert.deepEqual(await sessionEnds(fault('fault-keepalive-mqtt5')), ['12 session-ended 0 broker-closed server']);
});

test('fault-max-connections: the broker\'s FIN before the client\'s first byte still came first', async () => {
  const ends = await sessionEnds(fault('fault-max-connections'));
  assert.deepEqual(ends.filter((l) => !l.includes(' disconnect client')), ['30 session-ended 2 broker-closed server', '38 session-ended 3 broker-closed server']);
});

test('fault-violation-will: ends by wire order, and the Wills mosquitto published (not the one a clean DISCONNECT discarded)', async () => {
  const file = fault('fault-violation-will');
  assert.deepEqual(await sessionEnds(file), [
    '27 session-ended 1 disconnect client',
    // lab-leave: DISCONNECT in the segment of its malformed PUBLISH, before any FIN or RST.
    '38 session-ended 2 disconnect client',
    // lab-cross: the broker's FIN (frame 49) before its DISCONNECT (frame 52).
    '53 session-ended 3 broker-closed server',
    '65 session-ended 4 broker-closed server',
    '69 session-ended 0 disconnect client',
  ]);
  // mosquitto's log: "Client lab-leave disconnected due to malformed packet", "Client lab-cross disconnected due to
  // malformed packet", "Client lab-device disconnected due to protocol error", "Client lab-quiet disconnected.": it
  // published the Wills of the first three, lab-leave's too (it closes on the malformed packet, never reading the
  // DISCONNECT after it), and not lab-quiet's.
  const { events } = await analyzeCapture(file);
  const wills = events.filter((e) => e.kind === 'packet' && e.layer === 'mqtt' && e.type === 'PUBLISH' && e.direction === 'server' && e.topic?.startsWith('sister/status/'));
  assert.deepEqual(wills.map((e) => e.kind === 'packet' && e.layer === 'mqtt' ? `${e.frame} ${e.topic} ${e.willOf ?? '-'} ${e.sourceFrame ?? '-'}` : ''), [
    '39 sister/status/lab-leave lab-leave 32', '50 sister/status/lab-cross lab-cross 44', '63 sister/status/lab-device lab-device 57',
  ]);
  if (tsharkMissing === undefined) {
    // tshark: the broker's PUBLISHes to sister/status/..., and lab-cross's DISCONNECT after the broker's FIN.
    const published = tsharkFields(file, ['frame.number', 'mqtt.topic'], ['-Y', 'mqtt.msgtype == 3 && tcp.srcport == 1883 && mqtt.topic contains "status"']);
    assert.deepEqual(published.map(([frame, topic]) => `${frame} ${topic}`), wills.map((e) => `${e.frame} ${e.kind === 'packet' && e.layer === 'mqtt' ? e.topic : ''}`));
    const cross = [...brokerCloseAndDisconnect(file).values()].filter((c) => c.close !== undefined && c.disconnect !== undefined && c.close < c.disconnect);
    assert.deepEqual(cross, [{ close: 49, disconnect: 52 }]);
  }
});

test('fault-publish-not-allowed: an MQTT 5 broker DISCONNECT, then its FIN: the broker sent DISCONNECT, with its reason code', async () => {
  const file = fault('fault-publish-not-allowed');
  const { events } = await analyzeCapture(file);
  const ends = lifecycle(events).filter((e) => e.type === 'session-ended');
  assert.deepEqual(ends.map((e) => `${line(e)}${e.type === 'session-ended' && e.reasonCode !== undefined ? ` 0x${e.reasonCode.toString(16)}` : ''}`), [
    '13 session-ended 0 broker-disconnect server 0x94', '25 session-ended 1 broker-disconnect server 0x9a', '37 session-ended 2 broker-disconnect server 0x9b',
  ]);
  if (tsharkMissing === undefined) {
    // tshark: each broker DISCONNECT (its reason code) comes before the broker's FIN on its stream.
    const rows = tsharkFields(file, ['frame.number', 'tcp.stream', 'tcp.srcport', 'tcp.flags.fin', 'mqtt.msgtype', 'mqtt.disconnect.reason_code'], ['-Y', 'tcp.srcport == 1883 && (mqtt.msgtype == 14 || tcp.flags.fin == 1)']);
    assert.deepEqual(rows.map(([frame, stream, , , type, code]) => `${stream} ${type === '14' ? `DISCONNECT 0x${Number(code).toString(16)}` : 'FIN'} ${frame}`), [
      '0 DISCONNECT 0x94 11', '0 FIN 12', '1 DISCONNECT 0x9a 23', '1 FIN 24', '2 DISCONNECT 0x9b 35', '2 FIN 36',
    ]);
  }
});
