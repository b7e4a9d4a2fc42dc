/**
 * What keeps the live view's memory flat for hours (bench/watch-memory.ts measures the process; these check the
 * mechanisms): nothing keeps a read chunk alive after its packets are decoded, the fan-out tracer forgets the cursors
 * of quiet subscribers once the publishes they point to are forgotten, and a connection silent past the live view's
 * idle limit is ended.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import path from 'node:path';
import { fixturesDir } from './helpers/corpus.js';
import { analyzeCapture } from '../src/pipeline/analyze.js';
import { MqttPacketDecoder } from '../src/mqtt/decode.js';
import { FanoutTracer } from '../src/mqtt/fanout.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A PUBLISH (QoS 0) of `payload` to `topic`, as it arrives on the wire. */
function publishBytes(topic: string, payload: string): Buffer {
  const t = Buffer.from(topic);
  const p = Buffer.from(payload);
  const body = Buffer.concat([Buffer.from([t.length >> 8, t.length & 0xff]), t, p]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

test('the MQTT decoder does not keep the last packet (whose payload is a view into a 256 KiB read chunk)', async () => {
  const decoder = new MqttPacketDecoder();
  let chunkRef: WeakRef<ArrayBuffer> | undefined;
  (() => {
    const chunk = Buffer.alloc(256 * 1024);
    const packet = publishBytes('bench/watch1/temp', '21.5');
    packet.copy(chunk, 1000);
    const result = decoder.decode(chunk.subarray(1000, 1000 + packet.length), 4);
    assert.ok('packet' in result && result.packet.cmd === 'publish');
    chunkRef = new WeakRef(chunk.buffer as ArrayBuffer);
  })();
  // WeakRefs hold their target until the current job ends.
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  assert.equal(chunkRef.deref(), undefined, 'the read chunk is still reachable from the decoder');
  // The decoder still works after handing its packet over.
  const next = decoder.decode(publishBytes('a', 'b'), 4);
  assert.ok('packet' in next && next.packet.cmd === 'publish');
});

test('the fan-out tracer forgets the cursors of subscribers once the publishes they matched are forgotten', () => {
  const tracer = new FanoutTracer({ maxRemembered: 20_000, windowSeconds: 30 });
  const broker = '10.0.0.2';
  let frame = 0;
  // 200 subscribers (streams 1..200), each delivered a copy of every one of 50 distinct messages in the first minute.
  for (let i = 0; i < 50; i++) {
    const payload = Buffer.from(`reading ${i}`);
    tracer.published(broker, 'sensors/temp', payload, ++frame, i);
    for (let s = 1; s <= 200; s++) {
      assert.ok(tracer.forwarded(broker, 'sensors/temp', payload, false, s, 0, i + 0.001) !== undefined);
    }
  }
  // The 30 s window remembers the publishes of t = 19..49: their 31 × 200 cursors are live, older ones already swept.
  assert.equal(tracer.cursorEntries, 31 * 200);
  // The subscribers go quiet; an hour of other publishes goes by (a publish a second, none forwarded to them).
  for (let t = 60; t < 3600 + 60; t++) tracer.published(broker, 'other/topic', Buffer.from(`x${t}`), ++frame, t);
  assert.equal(tracer.cursorEntries, 0, 'cursors pointing at forgotten publishes are kept');
  // A cursor still in the window is kept, and matching goes on as before.
  const payload = Buffer.from('late');
  tracer.published(broker, 'sensors/temp', payload, ++frame, 3700);
  tracer.published(broker, 'sensors/temp', payload, ++frame, 3700.5);
  assert.equal(tracer.forwarded(broker, 'sensors/temp', payload, false, 7, 0, 3701)?.sourceFrame, frame - 1);
  assert.equal(tracer.forwarded(broker, 'sensors/temp', payload, false, 7, 0, 3701)?.sourceFrame, frame);
  assert.equal(tracer.forwarded(broker, 'sensors/temp', payload, false, 7, 0, 3701), undefined);
});

test('with idleConnectionSeconds, a silent connection is ended (tcp.connection-evicted) and nothing else changes', async () => {
  // The keep-alive fault: a client goes silent for longer than its keep-alive before the broker drops it.
  const file = path.join(fixturesDir, 'faults', 'fault-keepalive.pcap');
  const plain = await analyzeCapture(file, { collect: true });
  const idle = await analyzeCapture(file, { collect: true, idleConnectionSeconds: 2 });
  const evictions = (a: typeof plain): number => a.events.filter((e) => e.kind === 'finding' && e.code === 'tcp.connection-evicted').length;
  assert.equal(evictions(plain), 0);
  assert.ok(evictions(idle) > 0, 'no silent connection ended');
  const ended = idle.events.filter((e) => e.kind === 'lifecycle' && e.type === 'connection-ended' && e.reason === 'evicted');
  assert.equal(ended.length, evictions(idle));
  // Every frame is still read and every MQTT packet decoded.
  assert.equal(idle.summary.frames.read, plain.summary.frames.read);
  assert.equal(idle.summary.mqtt.messages, plain.summary.mqtt.messages);
});
