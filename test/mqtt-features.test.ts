/**
 * The MQTT feature captures (fixtures/mqtt/, made with real programs by fixtures/lab/capture_mqtt.sh) against what
 * really happened in them: the lab's scripts made it happen (mqttclient.py, rawclient.py q2-cut, mosquitto_pub/sub
 * against a Mosquitto 2.0.11 configured for each scenario). mqtt-vs-tshark.test.ts compares their every MQTT field
 * with tshark's; this file checks what tshark cannot say: sessions, fan-out, pairing and the diagnoses.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { analyzeCapture } from '../src/index.js';
import type { Analysis, MqttEvent } from '../src/index.js';
import { fixturesDir } from './helpers/corpus.js';
import { diagnose } from './helpers/diagnose.js';

const capture = (name: string): string => path.join(fixturesDir, 'mqtt', name);
const missing = (name: string): string | undefined =>
  existsSync(capture(name)) ? undefined : `fixtures/mqtt/${name} not present (fixtures/lab/capture.sh --only mqtt-...)`;

function mqttOf(a: Analysis): MqttEvent[] {
  return a.events.filter((e): e is MqttEvent => e.kind === 'packet' && e.layer === 'mqtt');
}

test('shared subscription: each message goes to one member of the group, traced to its own PUBLISH',
  { skip: missing('mqtt5-broker.pcap') }, async () => {
    const a = await analyzeCapture(capture('mqtt5-broker.pcap'));
    const mqtt = mqttOf(a);
    const published = mqtt.filter((e) => e.topic === 'm5/shared' && e.direction === 'client');
    const delivered = mqtt.filter((e) => e.topic === 'm5/shared' && e.direction === 'server');
    assert.equal(published.length, 4, 'mosquitto_pub --repeat 4');
    assert.equal(delivered.length, 4, 'one copy per message, to one of the two members');
    // The payloads are equal, so only the order tells them apart: the broker hands them out in turn, each within a
    // few milliseconds of its PUBLISH (they were published 100 ms apart).
    assert.deepEqual(delivered.map((e) => e.sourceFrame), published.map((e) => e.frame));
    assert.ok(delivered.every((e) => e.forwardDelayMs !== undefined && e.forwardDelayMs < 50));
    assert.equal(new Set(delivered.map((e) => e.stream)).size, 2, 'both members got messages');
    const nobody = (await diagnose(capture('mqtt5-broker.pcap'))).find((d) => d.code === 'diag.published-to-nobody');
    assert.ok(nobody === undefined || !String(nobody.detail.facts['topics'] ?? '').includes('m5/shared'),
      'no shared message is said to reach nobody');
  });

test('messages the broker refused (ACL 0x87, packet too large 0x95) are not "published to nobody" nor unacknowledged',
  { skip: missing('mqtt5-broker.pcap') }, async () => {
    const a = await analyzeCapture(capture('mqtt5-broker.pcap'));
    const mqtt = mqttOf(a);
    // What the broker answered (Mosquitto 2.0.11, acl_file allowing m5/# only, max_packet_size 2000).
    const answer = (topic: string): string | undefined => {
      const p = mqtt.find((e) => e.topic === topic && e.direction === 'client');
      const r = mqtt.find((e) => e.stream === p?.stream && e.direction === 'server' && e.packetId === p?.packetId
        && (e.type === 'PUBACK' || e.type === 'PUBREC'));
      return r === undefined ? undefined : `${r.type} ${r.reasonCode ?? 0}`;
    };
    assert.equal(answer('secret/x'), 'PUBACK 135');
    assert.equal(answer('secret/y'), 'PUBREC 135');
    assert.equal(answer('m5/big'), undefined);
    const big = mqtt.find((e) => e.topic === 'm5/big')!;
    assert.equal(big.payload?.length, 3000);
    const disconnect = mqtt.find((e) => e.type === 'DISCONNECT' && e.direction === 'server');
    assert.equal(disconnect?.reasonCode, 0x95, 'Packet too large');
    assert.equal(disconnect?.stream, big.stream);
    const list = await diagnose(capture('mqtt5-broker.pcap'));
    const codes = list.map((d) => d.code).sort();
    // m5/data is the only message no one received: its publisher subscribed m5/# with No Local.
    assert.deepEqual(codes, ['diag.connack-refused', 'diag.published-to-nobody']);
    const nobody = list.find((d) => d.code === 'diag.published-to-nobody')!;
    assert.deepEqual(nobody.detail.facts['topics'], ['m5/data']);
    assert.equal(list.find((d) => d.code === 'diag.connack-refused')!.detail.facts['code'], '0x8c');
  });

test('MQTT 5 empty client id: the session is known by the id the broker assigned; Server Keep Alive replaces the asked one',
  { skip: missing('mqtt5-broker.pcap') }, async () => {
    const a = await analyzeCapture(capture('mqtt5-broker.pcap'));
    const mqtt = mqttOf(a);
    const connect = mqtt.find((e) => e.type === 'CONNECT' && e.clientId === '');
    assert.ok(connect, 'mqttclient.py v5 connects with an empty client id');
    assert.equal(connect.keepAlive, 60);
    const connack = mqtt.find((e) => e.type === 'CONNACK' && e.stream === connect.stream)!;
    const assigned = connack.properties?.['assignedClientIdentifier'];
    assert.ok(typeof assigned === 'string' && /^auto-[0-9A-F-]{36}$/.test(assigned), String(assigned));
    // Mosquitto's max_keepalive 10 and max_packet_size 2000, told to every MQTT 5 client in its CONNACK.
    assert.equal(connack.properties?.['serverKeepAlive'], 10);
    assert.equal(connack.properties?.['maximumPacketSize'], 2000);
    const session = a.summary.mqtt.sessions.find((s) => s.stream === connect.stream);
    assert.equal(session?.clientId, assigned);
    assert.equal(session?.keepAlive, 10);
    const ended = a.events.find((e) => e.kind === 'lifecycle' && e.type === 'session-ended' && e.stream === connect.stream);
    assert.ok(ended?.summary.includes(assigned), ended?.summary);
  });
