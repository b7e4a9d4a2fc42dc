/**
 * The MQTT reader (src/mqtt/reader): the one verdict on validity, with stable finding codes, and the fields both paths
 * read; and the mqtt-packet adapter (public API only): no state carried from a failed packet into the next. Bytes from
 * corpus captures, and every MQTT packet of every corpus capture and fixture: mqtt-packet decodes each packet the
 * reader accepts, to the same topic, packet id and payload.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MqttPacketDecoder } from '../src/mqtt/decode.js';
import { readPacket } from '../src/mqtt/reader/packet.js';
import { readRemainingLength } from '../src/mqtt/reader/variable-integer.js';
import { analyzeCapture } from '../src/index.js';
import type { TimelineEvent } from '../src/model/events.js';
import { corpusCaptures, corpusMissing, fixtureCaptures } from './helpers/corpus.js';

// corpus suricata-verify/mqtt5-excessiveproplen frame 4 (CONNECT, property length 0xff overruns) and frame 8 (PUBLISH).
const BAD_CONNECT = Buffer.from('102f00044d51545405c2003cff21001400136d79766f69636569736d7970617373706f7274000475736572000470617373', 'hex');
const PUBLISH_V5 = Buffer.from('30190006746f7069635800626161626161626c61636b7368656570', 'hex');

// corpus suricata-verify/mqtt5-pub-mosquittoprops frame 8: a QoS 1 PUBLISH whose Payload Format Indicator (0x01) is 0x58.
const PUBLISH_PFI_88 = Buffer.from('325e0006746f706963580001430300066d79747970650900053132333435020000004d015808000f726573706f6e73655f746f706963312300052600097573657270726f703300087573657276616c33626161626161626c61636b7368656570', 'hex');

test('a one-byte property other than 0 or 1 keeps its number (mqtt-packet would give true), as Wireshark shows it', async (t) => {
  const reading = readPacket(PUBLISH_PFI_88, 2, 5, true);
  assert.equal(reading.error, undefined);
  assert.deepEqual(reading.byteValues, [0x01, 88]);
  const capture = corpusCaptures().find((c) => c.name.includes('mqtt5-pub-mosquittoprops'));
  if (capture === undefined) {
    t.diagnostic(`the full event is checked on the corpus capture: ${corpusMissing ?? 'mqtt5-pub-mosquittoprops not found'}`);
    return;
  }
  const { events } = await analyzeCapture(capture.file);
  const publish = events.find((e) => e.kind === 'packet' && e.layer === 'mqtt' && e.type === 'PUBLISH' && e.frame === 8);
  assert.ok(publish !== undefined && publish.kind === 'packet' && publish.layer === 'mqtt');
  assert.equal(publish.properties?.['payloadFormatIndicator'], 88);
});

test('a packet mqtt-packet fails on leaves no state behind: the next packet decodes', () => {
  const decoder = new MqttPacketDecoder();
  assert.ok('error' in decoder.decode(BAD_CONNECT, 5));
  const next = decoder.decode(PUBLISH_V5, 5);
  assert.ok('packet' in next && next.packet.cmd === 'publish' && next.packet.topic === 'topicX');
});

test('the reader gives stable codes', () => {
  const code = (hex: string, version = 4): string | undefined => {
    const bytes = Buffer.from(hex, 'hex');
    return readPacket(bytes, 1 + readRemainingLength(bytes, 1)[1], version).error?.code;
  };
  assert.equal(code(BAD_CONNECT.toString('hex'), 5), 'mqtt.bad-property');
  assert.equal(code('3600'), 'mqtt.invalid-qos');
  assert.equal(code('6002000a'), 'mqtt.reserved-flags');
  assert.equal(code('0000'), 'mqtt.unknown-type');
  assert.equal(code('f000'), 'mqtt.unknown-type', 'AUTH before MQTT 5');
  assert.equal(code('30070003ff6162780a'), 'mqtt.bad-utf8');
  assert.equal(code('30070003610062780a'), 'mqtt.bad-utf8', 'U+0000 in a topic');
  assert.equal(code('30020005'), 'mqtt.malformed', 'topic overruns the packet');
  assert.equal(code('100f00044d5154540902003c0003616263'), 'mqtt.bad-protocol', 'level 9');
  assert.equal(code(PUBLISH_V5.toString('hex'), 5), undefined);
  assert.equal(code('4002000a'), undefined);
});

test('a CONNECT with a level the reader does not know: refused with the level, and what can be read is read', () => {
  const bytes = Buffer.from('100f00044d5154540902003c0003616263', 'hex');
  const reading = readPacket(bytes, 2, 4);
  assert.deepEqual(reading.error, { code: 'mqtt.bad-protocol', message: 'Invalid protocol version 9' });
  assert.deepEqual(reading.fields.connect, { protocolName: 'MQTT', level: 9, keepAlive: 60, cleanSession: true, clientId: 'abc' });
});

test('an MQTT 5 property a PUBLISH may not carry is listed, and a broken property section is refused', () => {
  // PUBLISH "a" with Session Expiry Interval (0x11, CONNECT/CONNACK/DISCONNECT only), then a payload.
  const notAllowed = readPacket(Buffer.from('300b0001610511000000017879', 'hex'), 2, 5);
  assert.equal(notAllowed.error, undefined);
  assert.deepEqual(notAllowed.notAllowed, [0x11]);
  assert.equal(notAllowed.fields.payload?.toString(), 'xy');
  assert.equal(readPacket(Buffer.from('30060001610177', 'hex'), 2, 5).error?.code, 'mqtt.bad-property', 'unknown id 0x77');
});

test('the reader alone (summary-only path) reads the fields mqtt-packet reads (full path), packet by packet', async (t) => {
  if (corpusMissing !== undefined) t.diagnostic(`corpus skipped: ${corpusMissing}`);
  const project = (e: TimelineEvent): string | undefined => e.kind !== 'packet' || e.layer !== 'mqtt' ? undefined
    : JSON.stringify([e.frame, e.type, e.topic, e.packetId, e.qos, e.dup, e.retain, e.payload?.length, e.reasonCode, e.topicAlias, e.malformed]);
  let compared = 0;
  for (const c of [...corpusCaptures(), ...fixtureCaptures()]) {
    const full: string[] = [];
    const lean: string[] = [];
    const keep = (list: string[]) => (e: TimelineEvent): void => { const p = project(e); if (p !== undefined) list.push(p); };
    await analyzeCapture(c.file, { ports: c.ports, onEvent: keep(full) });
    await analyzeCapture(c.file, { ports: c.ports, summaryOnly: true, onEvent: keep(lean) });
    assert.deepEqual(lean, full, `${c.name}: fields differ`);
    compared += full.length;
  }
  assert.ok(compared > 100, `${compared} packets compared`);
});
