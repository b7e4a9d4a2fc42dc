/**
 * The default table's own path skips work, never facts: TCP data segments' lines made when read
 * (lazyTcpSummaries) are the lines the full path makes, field for field, on every corpus capture and fixture; and the
 * descriptions of recent payloads that are reused are the ones the bytes give; and an MQTT line the unwrapped table
 * writes from the packet's fields (omitMqttSummaries) is the cleaned summary line, whatever the topic or payload holds.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeCapture } from '../src/index.js';
import type { TcpEvent, TimelineEvent } from '../src/model/events.js';
import { LazyTcpEvent } from '../src/analysis/tcp-events.js';
import { describePayload, describePayloadUncached, recentPreview } from '../src/mqtt/payload.js';
import type { MqttEvent } from '../src/model/events.js';
import { previewPayload, summarizeMqtt } from '../src/mqtt/summary.js';
import { CellText } from '../src/views/cell-text.js';
import { ChunkedWriter } from '../src/views/output.js';
import { makeStyle } from '../src/views/style.js';
import { TableView } from '../src/views/table.js';
import { Writable } from 'node:stream';
import { corpusCaptures, corpusMissing, fixtureCaptures } from './helpers/corpus.js';

const TCP_KEYS: Array<keyof TcpEvent> = [
  'kind', 'frame', 'time', 'layer', 'type', 'src', 'dst', 'stream', 'flags', 'seq', 'ack', 'relSeq', 'relAck', 'len',
  'window', 'windowValue', 'summary', 'retransmission', 'outOfOrder', 'duplicateAck', 'handshakeRttMs', 'handshakeFrames',
  'duplicateOf',
];

test('lazyTcpSummaries: the same events, a data segment\'s fields and line read by name as the full path gives them', async (t) => {
  if (corpusMissing !== undefined) t.diagnostic(`corpus skipped: ${corpusMissing}`);
  const captures = [...corpusCaptures(), ...fixtureCaptures()];
  let lazyEvents = 0;
  for (const c of captures) {
    const full = await analyzeCapture(c.file, { ports: c.ports });
    const lazy = await analyzeCapture(c.file, { ports: c.ports, lazyTcpSummaries: true });
    assert.equal(lazy.events.length, full.events.length, c.name);
    assert.deepEqual(lazy.summary, full.summary, c.name);
    full.events.forEach((f: TimelineEvent, i) => {
      const l = lazy.events[i]!;
      if (l instanceof LazyTcpEvent) {
        lazyEvents++;
        assert.equal(f.layer === 'tcp' && f.type, 'DATA', `${c.name} #${i}`);
        const event: TcpEvent = l;
        for (const key of TCP_KEYS) assert.deepEqual(event[key], (f as TcpEvent)[key], `${c.name} #${i} ${key}`);
        assert.equal(l.summary, (f as TcpEvent).summary, 'read twice');
      } else {
        assert.deepEqual(l, f, `${c.name} #${i}`);
      }
    });
  }
  assert.ok(lazyEvents > 1000, `${lazyEvents} data segments`);
});

test('recent payload descriptions: a repeated payload gets the description (and preview) its bytes give', () => {
  let seed = 99;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n);
  };
  const texts: Buffer[] = [];
  for (let i = 0; i < 400; i++) {
    const len = 10 + random(300);
    const kind = random(4);
    let text = kind === 0 ? JSON.stringify({ t: random(1000), unit: 'C', pad: 'x'.repeat(len) })
      : kind === 1 ? `plain text\t${'y'.repeat(len)}` : kind === 2 ? `{"broken": ${'1'.repeat(len)}` : '';
    let bytes = Buffer.from(text);
    if (kind === 3) bytes = Buffer.from(Array.from({ length: len }, () => random(256)));
    // Some the same length as the one before (the same slot) with other bytes.
    if (i % 5 === 0 && texts.length > 0) {
      const prev = texts[texts.length - 1]!;
      bytes = Buffer.from(prev);
      const at = random(bytes.length);
      bytes[at] = bytes[at]! ^ 0x01;
      text = '';
    }
    texts.push(bytes);
  }
  for (let round = 0; round < 2000; round++) {
    // Payloads seen recently again, as views into a larger buffer (as in the pipeline).
    const bytes = texts[random(texts.length)]!;
    const host = Buffer.concat([Buffer.from('head'), bytes, Buffer.from('tail')]);
    const view = host.subarray(4, 4 + bytes.length);
    const got = describePayload(view);
    assert.deepEqual(got, describePayloadUncached(view, view.length));
    host.fill(0x7f); // the reader's chunk is reused: what was kept must not change
    const again = describePayload(bytes);
    assert.deepEqual(again, describePayloadUncached(bytes, bytes.length));
    // The preview kept with a recent description is the one made from a copy of it (never a recent one).
    assert.equal(previewPayload(again), previewPayload({ ...again }));
    assert.equal(recentPreview(again, () => 'made'), recentPreview(again, () => 'made'));
  }
});

/** The summary cells of the unwrapped table of `events` (one row each). */
async function summaryCells(events: MqttEvent[]): Promise<string[]> {
  const chunks: Buffer[] = [];
  const stream = new Writable({ write(chunk: Buffer, _encoding, done) { chunks.push(chunk); done(); } });
  const out = new ChunkedWriter(stream);
  const table = new TableView(out, { width: undefined, live: false, style: makeStyle(false) });
  for (const e of events) table.event(e);
  table.end();
  await out.close();
  const lines = Buffer.concat(chunks).toString('utf8').split('\n').slice(3, 3 + events.length);
  return lines.map((line) => line.split(' │ ').slice(5).join(' │ '));
}

test('the unwrapped table writes an MQTT line from its fields as the cleaned summary line, whatever the text holds', async () => {
  const topics = [
    'sister/temp', 'sensor/é/ü', '日本/温度', 'a\u0000b', 'tab\there', 'bidi\u202eevil', 'zero\u200bwidth', 'emoji 😀 topic',
    'lone \ud83d surrogate', 'x'.repeat(2030), 'y'.repeat(3000), 'dash — arrow → dots …', 'del\u007f', 'soft\u00adhyphen', '',
  ];
  const payloads = ['Suhu: 28°C', '{"t": 28, "unit": "C"}', 'line\nbreak', '\u0007bell', '😀'.repeat(40), 'z'.repeat(500)];
  const events: MqttEvent[] = [];
  let frame = 1;
  for (const topic of topics) {
    for (const text of payloads) {
      const bytes = Buffer.from(text);
      const frames = frame % 3 === 0 ? [frame - 1, frame] : [frame];
      events.push({
        kind: 'packet', frame, time: frame / 1000, layer: 'mqtt', type: 'PUBLISH', src: '10.0.0.2:40000', dst: '10.0.0.1:1883',
        summary: '', stream: 0, frames, direction: 'client', msgtype: 3, length: bytes.length + topic.length + 4,
        protocolVersion: 4, topic, qos: 1, dup: false, retain: frame % 2 === 0, packetId: frame,
        payload: describePayloadUncached(bytes, bytes.length), sourceFrame: frame > 1 ? frame - 1 : undefined, forwardDelayMs: frame / 7,
      });
      frame++;
    }
  }
  events.push({
    kind: 'packet', frame, time: 1, layer: 'mqtt', type: 'CONNECT', src: '10.0.0.2:40000', dst: '10.0.0.1:1883', summary: '',
    stream: 0, frames: [frame], direction: 'client', msgtype: 1, length: 20, protocolVersion: 7, clientId: 'klien\u0001 "x"',
    keepAlive: 60, cleanSession: true, username: 'ü', will: { topic: 'will/😀', qos: 0, retain: false, payload: describePayloadUncached(Buffer.from('gone'), 4) },
  });
  const cells = await summaryCells(events);
  const clean = new CellText(2048);
  events.forEach((e, i) => {
    const line = summarizeMqtt(e) + (e.frames.length > 1 ? ` [frames ${e.frames.join(', ')}]` : '');
    assert.equal(cells[i], clean.clean(line), `event ${i} (${JSON.stringify(e.topic?.slice(0, 20))})`);
  });
});
