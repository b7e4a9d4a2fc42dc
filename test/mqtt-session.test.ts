/**
 * Session semantics on hand-built MQTT 5 byte streams (the wire format written out, as gopacket's tests do): topic
 * aliases resolved per direction, an unknown alias reported, requests paired with their responses and latency,
 * keep-alive silence and unanswered requests reported.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { analyzeCapture } from '../src/index.js';
import { fixturesDir } from './helpers/corpus.js';
import { newTestDissector } from './helpers/dissector.js';
import { requireTools } from './helpers/tools.js';
import { tsharkFields } from './helpers/tshark.js';

function session() {
  const { dissector, mqtt, findings } = newTestDissector(3);
  const { toServer, toClient } = dissector.handlers();
  let frame = 0;
  return {
    mqtt, findings, dissector,
    client: (hex: string, time: number) => toServer.data(Buffer.from(hex.replace(/\s/g, ''), 'hex'), ++frame, time),
    server: (hex: string, time: number) => toClient.data(Buffer.from(hex.replace(/\s/g, ''), 'hex'), ++frame, time),
  };
}

const utf8 = (s: string): string => Buffer.from(s).toString('hex');
const u16 = (n: number): string => n.toString(16).padStart(4, '0');
const str = (s: string): string => u16(Buffer.byteLength(s)) + utf8(s);
/** A whole packet: first byte, then the body with its Remaining Length (bodies < 128 bytes here). */
const packet = (first: number, body: string): string => first.toString(16).padStart(2, '0') + (body.length / 2).toString(16).padStart(2, '0') + body;

// MQTT 5 CONNECT, client id "c1", keep-alive 10 s, clean start, no properties.
const CONNECT = packet(0x10, `${str('MQTT')}05 02 ${u16(10)} 00 ${str('c1')}`.replace(/\s/g, ''));
const CONNACK = packet(0x20, '000000');
/** PUBLISH QoS 1 with a topic alias property (0x23). */
const publishWithAlias = (topic: string, alias: number, id: number, payload: string): string =>
  packet(0x32, `${str(topic)}${u16(id)}03 23${u16(alias)}${utf8(payload)}`.replace(/\s/g, ''));
const PUBACK = (id: number): string => packet(0x40, `${u16(id)}`);

test('topic aliases are resolved per direction; an alias never set is a finding', () => {
  const s = session();
  s.client(CONNECT, 0);
  s.server(CONNACK, 0.001);
  s.client(publishWithAlias('sister/temp', 1, 1, 'a'), 0.01);
  s.client(publishWithAlias('', 1, 2, 'b'), 0.02);
  // The broker's alias 1 is its own: never set in that direction.
  s.server(publishWithAlias('', 1, 7, 'c'), 0.03);
  const publishes = s.mqtt.filter((e) => e.type === 'PUBLISH');
  assert.deepEqual(publishes.map((e) => [e.direction, e.topic, e.topicAlias]), [
    ['client', 'sister/temp', 1], ['client', 'sister/temp', 1], ['server', '', 1],
  ]);
  assert.deepEqual(s.findings.filter((f) => f.code === 'mqtt.unknown-topic-alias').map((f) => f.frame), [5]);
});

test('responses name their request and latency; unanswered requests and keep-alive silence are findings', () => {
  const s = session();
  s.client(CONNECT, 0);
  s.server(CONNACK, 0.004);
  s.client(publishWithAlias('t', 1, 1, 'x'), 1);
  s.client(publishWithAlias('t', 1, 2, 'y'), 1.5);
  s.server(PUBACK(2), 1.502);
  s.client('c000', 40); // PINGREQ after 38.5 s of silence with keep-alive 10 s
  s.dissector.finish({ reason: 'capture-end', frame: 7, time: 41 });
  const connack = s.mqtt.find((e) => e.type === 'CONNACK')!;
  assert.equal(connack.requestFrame, 1);
  assert.ok(Math.abs(connack.latencyMs! - 4) < 1e-9);
  const puback = s.mqtt.find((e) => e.type === 'PUBACK')!;
  assert.equal(puback.requestFrame, 4);
  assert.ok(Math.abs(puback.latencyMs! - 2) < 1e-9);
  const unanswered = s.findings.filter((f) => f.code === 'mqtt.unanswered').map((f) => f.detail?.['request']).sort();
  assert.deepEqual(unanswered, ['PINGREQ', 'PUBLISH']);
  const silence = s.findings.find((f) => f.code === 'mqtt.keepalive-exceeded');
  assert.ok(silence !== undefined && silence.frame === 6);
});

test('a CONNECT with a protocol level we do not know: its client id, keep-alive and level are shown, the level refused', async (t) => {
  // fixtures/reqresp.pcap with the lab-pub CONNECT's level byte (frame 18) changed from 4 to 9.
  const connect = '00044d5154540402003c00076c61622d707562';
  const data = readFileSync(path.join(fixturesDir, 'reqresp.pcap'));
  const at = data.indexOf(Buffer.from(connect, 'hex'));
  assert.ok(at > 0);
  const patched = Buffer.from(data);
  patched[at + 6] = 9;
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'mqtt-pcap-')), 'level9.pcap');
  writeFileSync(file, patched);
  const { events, summary } = await analyzeCapture(file);
  const packet = events.find((e) => e.kind === 'packet' && e.layer === 'mqtt' && e.frame === 18);
  assert.ok(packet?.kind === 'packet' && packet.layer === 'mqtt');
  assert.deepEqual([packet.clientId, packet.protocolVersion, packet.keepAlive, packet.malformed], ['lab-pub', 9, 60, 'mqtt.bad-protocol']);
  const refused = events.find((e) => e.kind === 'finding' && e.code === 'mqtt.bad-protocol');
  assert.match(refused?.summary ?? '', /protocol version 9/);
  assert.equal(events.filter((e) => e.kind === 'finding' && e.code === 'mqtt.version-inferred').length, 0, 'the CONNECT was captured');
  const session = summary.mqtt.sessions.find((s) => s.clientId === 'lab-pub');
  assert.equal(session?.protocolVersion, 9);
  assert.equal(session?.versionInferred, undefined);
  if (!requireTools(t, ['tshark'])) return;
  // tshark reads the same client id, level and keep-alive from that CONNECT.
  const [row] = tsharkFields(file, ['mqtt.clientid', 'mqtt.ver', 'mqtt.kalive'], ['-Y', 'frame.number == 18']);
  assert.deepEqual(row, [packet.clientId, String(packet.protocolVersion), String(packet.keepAlive)]);
});
