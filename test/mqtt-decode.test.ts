/**
 * The mqtt-packet adapter: one packet at a time, failures classified into stable codes, and no state carried from a
 * failed packet into the next (mqtt-packet keeps its read position after an error). Bytes from corpus captures.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MqttPacketDecoder } from '../src/mqtt/decode.js';
import { fastDecode } from '../src/mqtt/fast-decode.js';

// corpus suricata-verify/mqtt5-excessiveproplen frame 4 (CONNECT, property length 0xff overruns) and frame 8 (PUBLISH).
const BAD_CONNECT = Buffer.from('102f00044d51545405c2003cff21001400136d79766f69636569736d7970617373706f7274000475736572000470617373', 'hex');
const PUBLISH_V5 = Buffer.from('30190006746f7069635800626161626161626c61636b7368656570', 'hex');

test('a failed packet leaves no state behind: the next packet decodes', () => {
  const decoder = new MqttPacketDecoder();
  assert.equal(decoder.decode(BAD_CONNECT, 5, 2).error?.code, 'mqtt.bad-property');
  const next = decoder.decode(PUBLISH_V5, 5, 2);
  assert.equal(next.error, undefined);
  assert.equal(next.packet?.cmd, 'publish');
  assert.equal((next.packet as { topic?: string }).topic, 'topicX');
});

test('failures have stable codes', () => {
  const decoder = new MqttPacketDecoder();
  assert.equal(decoder.decode(Buffer.from('3600', 'hex'), 4, 2).error?.code, 'mqtt.invalid-qos');
  assert.equal(decoder.decode(Buffer.from('6002000a', 'hex'), 4, 2).error?.code, 'mqtt.reserved-flags');
  assert.equal(decoder.decode(Buffer.from('0000', 'hex'), 4, 2).error?.code, 'mqtt.unknown-type');
  assert.equal(decoder.decode(Buffer.from('30070003ff6162780a', 'hex').subarray(0, 9), 4, 2).error?.code, 'mqtt.bad-utf8');
});

test('the fast decoder reads what mqtt-packet reads, and declines what it would reject', () => {
  const decoder = new MqttPacketDecoder();
  const fast = fastDecode(PUBLISH_V5, 2, 5);
  const slow = decoder.decode(PUBLISH_V5, 5, 2).packet as { topic: string; payload: Buffer };
  assert.equal(fast?.topic, slow.topic);
  assert.ok(fast?.payload?.equals(slow.payload));
  const qos1 = Buffer.from('320a0003612f62000768656c6c6f', 'hex').subarray(0, 12);
  assert.deepEqual({ ...fastDecode(qos1, 2, 4), payload: undefined }, { topic: 'a/b', qos: 1, dup: false, retain: false, packetId: 7, payload: undefined });
  assert.equal(fastDecode(Buffer.from('3600', 'hex'), 2, 4), undefined, 'QoS 3 goes to mqtt-packet');
  assert.equal(fastDecode(Buffer.from('6002000a', 'hex'), 2, 4), undefined, 'PUBREL with reserved flags goes to mqtt-packet');
  assert.deepEqual(fastDecode(Buffer.from('4002000a', 'hex'), 2, 4), { packetId: 10 });
});
