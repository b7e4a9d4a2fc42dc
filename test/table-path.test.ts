/**
 * The default table's own path skips work, never facts: TCP data segments' lines made when read
 * (lazyTcpSummaries) are the lines the full path makes, field for field, on every corpus capture and fixture; and the
 * descriptions of recent payloads that are reused are the ones the bytes give.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeCapture } from '../src/index.js';
import type { TcpEvent, TimelineEvent } from '../src/model/events.js';
import { LazyTcpEvent } from '../src/analysis/tcp-events.js';
import { describePayload, describePayloadUncached, recentPreview } from '../src/mqtt/payload.js';
import { previewPayload } from '../src/mqtt/summary.js';
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
