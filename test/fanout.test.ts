/**
 * The fan-out tracer (src/mqtt/fanout.ts) links exactly what its rules say: checked against a plain model of those
 * rules (a list of the remembered publishes and a map of cursors per stream, compared by content) on long random
 * sequences that repeat contents, expire publishes by count and by time, send retained copies and late
 * subscriptions, and pass the bounds on cursors per stream and on streams. The real captures' links are checked by
 * test/output-identity.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FanoutTracer, type FanoutOptions, type ForwardMatch } from '../src/mqtt/fanout.js';

const MAX_CURSORS_PER_STREAM = 4096;
const MAX_STREAMS = 10_000;

/** The rules, written plainly: what the tracer must do, without its tables. */
class PlainFanout {
  private readonly remembered: { seq: number; frame: number; time: number; key: string }[] = [];
  private next = 0;
  private readonly cursors = new Map<number, Map<string, number>>();

  constructor(private readonly options: FanoutOptions) {}

  published(broker: string, topic: string, payload: Buffer, frame: number, time: number): void {
    while (this.remembered.length > 0 && time - this.remembered[0]!.time > this.options.windowSeconds) this.remembered.shift();
    if (this.remembered.length >= this.options.maxRemembered) this.remembered.shift();
    this.remembered.push({ seq: this.next++, frame, time, key: `${broker} ${topic} ${payload.toString('hex')}` });
  }

  forwarded(broker: string, topic: string, payload: Buffer, retain: boolean, stream: number,
    subscribedAt: number | undefined, time: number): ForwardMatch | undefined {
    const key = `${broker} ${topic} ${payload.toString('hex')}`;
    const same = this.remembered.filter((r) => r.key === key);
    if (same.length === 0) return undefined;
    let streamCursors = this.cursors.get(stream);
    const cursor = streamCursors?.get(key) ?? -1;
    let chosen: (typeof same)[number] | undefined;
    if (retain) {
      for (const r of same) {
        if (r.time > time) break;
        if (r.seq > cursor) chosen = r;
      }
    }
    if (chosen === undefined) {
      for (const r of same) {
        if (r.seq <= cursor) continue;
        if (r.time > time) break;
        if (subscribedAt !== undefined && r.time < subscribedAt) continue;
        chosen = r;
        break;
      }
    }
    if (chosen === undefined) return undefined;
    if (streamCursors === undefined) {
      if (this.cursors.size >= MAX_STREAMS) this.cursors.clear();
      streamCursors = new Map();
      this.cursors.set(stream, streamCursors);
    }
    if (streamCursors.size >= MAX_CURSORS_PER_STREAM && !streamCursors.has(key)) streamCursors.clear();
    streamCursors.set(key, chosen.seq);
    return { sourceFrame: chosen.frame, forwardDelayMs: (time - chosen.time) * 1000, sourceTime: chosen.time, willOf: undefined };
  }
}

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function compare(options: FanoutOptions, steps: number, seed: number, shape: { contents: number; streams: number; jump: number }): number {
  const next = random(seed);
  const tracer = new FanoutTracer(options);
  const plain = new PlainFanout(options);
  // Contents of every length around the hash's 4-byte words and its 2 KiB head and tail, at every alignment.
  const arena = Buffer.alloc(6000 + shape.contents * 8);
  for (let i = 0; i < arena.length; i++) arena[i] = Math.floor(next() * 4);
  const contents = Array.from({ length: shape.contents }, (_, i) => {
    const length = [0, 1, 3, 4, 5, 7, 64, 2047, 2048, 2049, 4100, 5000][i % 12]! + (i % 3);
    return arena.subarray(i * 7 % 997, i * 7 % 997 + length);
  });
  let time = 0;
  let matched = 0;
  for (let step = 0; step < steps; step++) {
    time += next() < 0.01 ? shape.jump : next() * 0.05;
    const c = Math.floor(next() * contents.length);
    const broker = c % 5 === 0 ? '10.0.0.3' : '10.0.0.2';
    const topic = `t/${c % 7}`;
    // A copy of the content, elsewhere in memory: the tracer must compare contents, not buffers.
    const payload = Buffer.concat([Buffer.alloc(step % 4), contents[c]!]).subarray(step % 4);
    if (next() < 0.45) {
      tracer.published(broker, topic, payload, step, time);
      plain.published(broker, topic, payload, step, time);
    } else {
      const stream = Math.floor(next() * shape.streams);
      const retain = next() < 0.1;
      const subscribedAt = next() < 0.2 ? undefined : time - next() * 3;
      const copyTime = time - next() * 0.5;
      const got = tracer.forwarded(broker, topic, payload, retain, stream, subscribedAt, copyTime);
      const want = plain.forwarded(broker, topic, payload, retain, stream, subscribedAt, copyTime);
      assert.deepEqual(got, want, `step ${step}`);
      if (want !== undefined) matched++;
    }
  }
  return matched;
}

test('the fan-out tracer links what the plain rules link, on random sequences', () => {
  for (let seed = 1; seed <= 4; seed++) {
    const matched = compare({ maxRemembered: 60, windowSeconds: 2 }, 20_000, seed, { contents: 40, streams: 6, jump: 3 });
    assert.ok(matched > 1000, `seed ${seed}: ${matched} links (the sequence must exercise the links)`);
  }
});

test('the fan-out tracer forgets cursors past its bounds as the plain rules do (per stream, and streams)', () => {
  // Many contents to one stream: past 4096 cursors the stream's are forgotten.
  assert.ok(compare({ maxRemembered: 20_000, windowSeconds: 1e9 }, 30_000, 7, { contents: 6000, streams: 1, jump: 0 }) > 1000);
  // Many streams: past 10 000 streams every cursor is forgotten.
  assert.ok(compare({ maxRemembered: 20_000, windowSeconds: 1e9 }, 60_000, 8, { contents: 30, streams: 30_000, jump: 0 }) > 1000);
});

test('a further copy for an overlapping subscription is linked to the publish already matched, up to one per filter', () => {
  const tracer = new FanoutTracer({ maxRemembered: 100, windowSeconds: 30 });
  const broker = '10.0.0.2';
  const payload = Buffer.from('t qos 2');
  const copy = (time: number, filters: number): number | undefined => {
    const first = tracer.forwarded(broker, 'ov/room/temp', payload, false, 1, 0, time)?.sourceFrame;
    return first ?? tracer.forwardedAgain(broker, 'ov/room/temp', payload, 1, filters, time)?.sourceFrame;
  };
  tracer.published(broker, 'ov/room/temp', payload, 10, 1.0);
  // Two filters match: the first copy and one more are #10's, a third is nobody's.
  assert.equal(copy(1.001, 2), 10);
  assert.equal(copy(1.002, 2), 10);
  assert.equal(copy(1.003, 2), undefined);
  // The same content published again: its first copy goes to the new publish, not to #10 once more.
  tracer.published(broker, 'ov/room/temp', payload, 20, 2.0);
  assert.equal(copy(2.001, 2), 20);
  assert.equal(copy(2.002, 2), 20);
  // One filter: no further copy; a stream with no cursor for the content: nothing.
  tracer.published(broker, 'ov/room/temp', payload, 30, 3.0);
  assert.equal(copy(3.001, 1), 30);
  assert.equal(copy(3.002, 1), undefined);
  assert.equal(tracer.forwardedAgain(broker, 'ov/room/temp', payload, 2, 2, 3.003), undefined);
});
