/**
 * MQTT framing and TCP reassembly under every segmentation: real MQTT byte streams (taken from corpus captures with
 * `tshark -z follow,tcp,raw`) are fed split at every byte position, as many tiny segments, reordered, duplicated,
 * overlapping and with segments dropped; the same messages must come out (or, for drops, an explicit gap finding
 * and every later message after resynchronisation).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { BufferBudget, TcpStreamReassembler, type StreamHandler } from '../src/reassembly/stream.js';
import type { MqttEvent } from '../src/model/events.js';
import { newTestDissector } from './helpers/dissector.js';
import { corpusDir, corpusMissing, fixturesDir } from './helpers/corpus.js';
import { tsharkMissing } from './helpers/tshark.js';

interface Streams { client: Buffer; server: Buffer }

/** The two directions of TCP stream `index` of a capture, as tshark reassembles them. */
function follow(file: string, index: number): Streams {
  const text = execFileSync('tshark', ['-r', file, '-q', '-z', `follow,tcp,raw,${index}`], { encoding: 'utf8' });
  const lines = text.split('\n');
  const client: string[] = [];
  const server: string[] = [];
  const body = lines.slice(lines.findIndex((l) => l.startsWith('Node 1:')) + 1);
  for (const line of body) {
    if (line.startsWith('=')) break;
    if (line.startsWith('\t')) server.push(line.trim());
    else if (line.trim() !== '') client.push(line.trim());
  }
  return { client: Buffer.from(client.join(''), 'hex'), server: Buffer.from(server.join(''), 'hex') };
}

const newDissector = newTestDissector;

const key = (e: MqttEvent): string => `${e.direction} ${e.type} ${e.packetId ?? ''} ${e.topic ?? ''} ${e.payload?.text ?? e.payload?.hex ?? ''}`;

function feed(streams: Streams, cutClient: number[], cutServer: number[]): ReturnType<typeof newDissector> {
  const d = newDissector();
  const { toServer, toClient } = d.dissector.handlers();
  const push = (handler: StreamHandler, data: Buffer, cuts: number[]) => {
    let start = 0;
    let frame = 1;
    for (const cut of [...cuts, data.length]) {
      if (cut > start) handler.data(data.subarray(start, cut), frame++, frame / 1000);
      start = Math.max(start, cut);
    }
    handler.end('fin', frame, frame / 1000);
  };
  push(toServer, streams.client, cutClient);
  push(toClient, streams.server, cutServer);
  return d;
}

/**
 * Where to split a stream: every byte position of streams up to 8 KiB; in longer ones (the 100 KB PUBLISHes of
 * mqtt-limit-2) every position within 8 bytes of each packet boundary (all fixed-header and Remaining Length splits)
 * and every 61st position elsewhere, so the test stays quadratic-free.
 */
function splitPositions(stream: Buffer, packets: MqttEvent[]): number[] {
  if (stream.length <= 8192) return Array.from({ length: Math.max(0, stream.length - 1) }, (_, i) => i + 1);
  const positions = new Set<number>();
  let offset = 0;
  for (const p of packets) {
    for (let d = -8; d <= 8; d++) positions.add(offset + d);
    offset += 1 + (p.length < 128 ? 1 : p.length < 16384 ? 2 : p.length < 2097152 ? 3 : 4) + p.length;
  }
  for (let k = 1; k < stream.length; k += 61) positions.add(k);
  return [...positions].filter((k) => k > 0 && k < stream.length).sort((a, b) => a - b);
}

const SAMPLES = [
  [path.join(corpusDir, 'arkime/mqtt_big.pcap'), 0],
  [path.join(corpusDir, 'suricata-verify/mqtt5-pub-mosquittoprops/input.pcap'), 0],
  [path.join(corpusDir, 'suricata-verify/mqtt-limit-2/input.pcap'), 0],
  [path.join(corpusDir, 'suricata-verify/mqtt311-unsub-qos2/input.pcap'), 0],
  // The lab's own fixtures: the publisher's stream and a busy MQTT 5 session.
  [path.join(fixturesDir, 'reqresp.pcap'), 1],
  [path.join(fixturesDir, 'qos-mqtt5.pcap'), 0],
] as const;

const skip = tsharkMissing ?? corpusMissing;

test('MQTT framing: the same messages whatever byte position the stream is split at', { skip }, async (t) => {
  for (const [file, index] of SAMPLES) {
    await t.test(path.relative(path.dirname(corpusDir), file), () => {
      const streams = follow(file, index);
      assert.ok(streams.client.length > 0 && streams.server.length > 0, 'tshark follow gave no bytes');
      const baseline = feed(streams, [], []);
      assert.ok(baseline.mqtt.length >= 3, 'sample should hold several MQTT packets');
      assert.equal(baseline.findings.filter((f) => f.severity === 'error').length, 0);
      const expected = baseline.mqtt.map(key);
      for (const direction of ['client', 'server'] as const) {
        for (const k of splitPositions(streams[direction], baseline.mqtt.filter((e) => e.direction === direction))) {
          const split = direction === 'client' ? feed(streams, [k], []) : feed(streams, [], [k]);
          assert.deepEqual(split.mqtt.map(key), expected, `${direction} stream split at byte ${k}`);
        }
      }
      // One byte per segment: every packet spans as many frames as it has bytes.
      const tiny = feed(streams, Array.from({ length: streams.client.length }, (_, i) => i + 1), []);
      assert.deepEqual(tiny.mqtt.map(key), expected, 'one byte per segment');
      const first = tiny.mqtt.find((e) => e.direction === 'client')!;
      assert.equal(first.frames.length, first.length + 2 > 127 + 2 ? first.frames.length : first.length + 2, 'frames spanned by the first packet');
      assert.equal(first.frame, first.frames[first.frames.length - 1]);
    });
  }
});

/** Deterministic PRNG for reordering. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

interface Segment { seq: number; data: Buffer; frame: number }

function segmentsOf(data: Buffer, isn: number, random: () => number): Segment[] {
  const out: Segment[] = [];
  let offset = 0;
  let frame = 1;
  while (offset < data.length) {
    const size = 1 + Math.floor(random() * 40);
    out.push({ seq: (isn + 1 + offset) >>> 0, data: data.subarray(offset, offset + size), frame: frame++ });
    offset += size;
  }
  return out;
}

function collect(): { handler: StreamHandler; chunks: Buffer[]; gaps: number[] } {
  const chunks: Buffer[] = [];
  const gaps: number[] = [];
  return {
    chunks, gaps,
    handler: { data: (d) => chunks.push(Buffer.from(d)), gap: (n) => gaps.push(n), end: () => undefined },
  };
}

test('TCP reassembly: reordered, duplicated and overlapping segments deliver the stream once, in order', { skip }, () => {
  const { client } = follow(path.join(corpusDir, 'arkime/mqtt_big.pcap'), 0);
  for (let seed = 1; seed <= 50; seed++) {
    const random = mulberry32(seed);
    // Near the 32-bit wrap for half the seeds.
    const isn = seed % 2 === 0 ? 0xffffff00 : Math.floor(random() * 0xffffffff);
    const segments = segmentsOf(client, isn, random);
    const sent: Segment[] = [];
    for (const s of segments) {
      sent.push(s);
      if (random() < 0.2) sent.push(s); // duplicate
      if (random() < 0.1 && s.data.length > 2) sent.push({ ...s, data: s.data.subarray(1), seq: (s.seq + 1) >>> 0 }); // overlap
    }
    // Local reordering: swap neighbours.
    for (let i = 0; i + 1 < sent.length; i++) if (random() < 0.3) [sent[i], sent[i + 1]] = [sent[i + 1]!, sent[i]!];
    const sink = collect();
    const reassembler = new TcpStreamReassembler(sink.handler, { maxPendingBytesPerStream: 1 << 20, budget: new BufferBudget(1 << 24) });
    reassembler.synchronize(isn);
    for (const s of sent) reassembler.segment(s.seq, s.data, s.frame, s.frame / 1000);
    reassembler.finish('fin', 0, 0);
    assert.deepEqual(sink.gaps, [], `seed ${seed}: no gap expected`);
    assert.ok(Buffer.concat(sink.chunks).equals(client), `seed ${seed}: stream differs`);
  }
});

test('a dropped segment becomes a gap of its exact size, and MQTT framing resynchronises after it', { skip }, () => {
  const { client } = follow(path.join(corpusDir, 'arkime/mqtt_big.pcap'), 0);
  const baseline = feed({ client, server: Buffer.alloc(0) }, [], []).mqtt;
  const random = mulberry32(7);
  const segments = segmentsOf(client, 1000, random);
  for (let drop = 1; drop < segments.length - 1; drop++) {
    const d = newDissector();
    const { toServer } = d.dissector.handlers();
    const reassembler = new TcpStreamReassembler(toServer, { maxPendingBytesPerStream: 1 << 20, budget: new BufferBudget(1 << 24) });
    reassembler.synchronize(1000);
    segments.forEach((s, i) => { if (i !== drop) reassembler.segment(s.seq, s.data, s.frame, s.frame / 1000); });
    reassembler.finish('fin', segments.length + 1, 1);
    const gap = d.findings.find((f) => f.code === 'tcp.gap');
    assert.ok(gap, `drop ${drop}: expected a tcp.gap finding`);
    assert.equal(gap.detail?.['lostBytes'], segments[drop]!.data.length);
    // Every message that starts at least one whole message after the hole is found again.
    const holeEnd = segments[drop]!.seq - 1001 + segments[drop]!.data.length;
    let offset = 0;
    const after: string[] = [];
    let skippedOne = false;
    for (const e of baseline) {
      const size = 1 + (e.length < 128 ? 1 : e.length < 16384 ? 2 : 3) + e.length;
      if (offset >= holeEnd) {
        if (skippedOne) after.push(key(e));
        skippedOne = true;
      }
      offset += size;
    }
    const found = new Set(d.mqtt.map(key));
    for (const k of after) assert.ok(found.has(k), `drop ${drop}: message "${k}" not recovered after the gap`);
  }
});

test('MQTT on another port, and over WebSocket, is recognised whatever byte the client\'s first segment ends at', { skip }, () => {
  for (const [file, index, port] of [['nonstandard-port.pcap', 1, 1884], ['websocket.pcap', 0, 9001]] as const) {
    const streams = follow(path.join(fixturesDir, file), index);
    const reference = newTestDissector(0, port);
    const feedSplit = (d: ReturnType<typeof newTestDissector>, cut: number): void => {
      const { toServer, toClient } = d.dissector.handlers();
      if (cut > 0) toServer.data(streams.client.subarray(0, cut), 1, 0.001);
      toServer.data(streams.client.subarray(cut), 2, 0.002);
      toClient.data(streams.server, 3, 0.003);
    };
    feedSplit(reference, 0);
    assert.ok(reference.mqtt.length >= 3, `${file}: MQTT expected on port ${port}`);
    const expected = reference.mqtt.map(key);
    const limit = Math.min(streams.client.length - 1, 400);
    for (let cut = 1; cut <= limit; cut++) {
      const d = newTestDissector(0, port);
      feedSplit(d, cut);
      assert.deepEqual(d.mqtt.map(key), expected, `${file}: first client segment of ${cut} bytes`);
    }
  }
});

test('the bytes skipped while resynchronising are reported on the frame that carried them, not on the peer\'s RST', () => {
  // Bytes of fixtures/reqresp.pcap's client stream: the CONNECT (frame 18), then a hole, then frame 22's last three
  // bytes ("°C", the end of a PUBLISH payload): no header can start there. The broker's RST (frame 24) ends both directions.
  const d = newDissector();
  const { toServer, toClient } = d.dissector.handlers();
  toServer.data(Buffer.from('101300044d5154540402003c00076c61622d707562', 'hex'), 18, 0.375859);
  toServer.gap(15, 18, 22, 0.376903, 'lost');
  toServer.data(Buffer.from('c2b043', 'hex'), 22, 0.376903);
  toServer.end('rst', 24, 0.5);
  toClient.end('rst', 24, 0.5);
  const resync = d.findings.filter((f) => f.code === 'mqtt.resync');
  assert.deepEqual(resync.map((f) => [f.frame, f.time, f.detail?.['bytes']]), [[22, 0.376903, 3]]);
});
