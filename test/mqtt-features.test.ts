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
import { describeDiagnosis } from '../src/diagnosis/words.js';
import { analyzeCapture } from '../src/index.js';
import { fixturesDir } from './helpers/corpus.js';
import { diagnose } from './helpers/diagnose.js';
import { mqttOf, sessionsEnded } from './helpers/events.js';

const capture = (name: string): string => path.join(fixturesDir, 'mqtt', name);
const missing = (name: string): string | undefined =>
  existsSync(capture(name)) ? undefined : `fixtures/mqtt/${name} not present (fixtures/lab/capture.sh --only mqtt-...)`;

/** The diagnoses, less the teardown retransmissions (a FIN, or the last DISCONNECT+FIN) some runs of the kernel make. */
async function diagnosesOf(file: string): Promise<string[]> {
  return (await diagnose(file)).map((d) => d.code)
    .filter((c) => c !== 'diag.tcp-retransmitted-data' && c !== 'diag.harmless-teardown-retransmission').sort();
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
    // Subscription identifier 5 and No Local on m5/#; the UNSUBSCRIBE of m5/# and a filter never subscribed.
    const subscribe = mqtt.find((e) => e.type === 'SUBSCRIBE' && e.stream === big.stream)!;
    assert.equal(subscribe.properties?.['subscriptionIdentifier'], 5);
    assert.deepEqual(subscribe.subscriptions?.map((x) => `${x.topic} ${x.qos} ${x.noLocal}`), ['m5/# 1 true', 'secret/# 1 false']);
    assert.deepEqual(mqtt.find((e) => e.type === 'UNSUBACK')?.reasonCodes, [0x00, 0x11]);
    assert.equal(mqtt.filter((e) => e.topic === 'm5/data').length, 1, 'No Local: not sent back to its publisher');
    const list = await diagnose(capture('mqtt5-broker.pcap'));
    // m5/data is the only message no one received: its publisher subscribed m5/# with No Local. The two messages the
    // ACL refused are diag.publish-refused, with their topics; so is m5/big, refused by the DISCONNECT 0x95 after it.
    assert.deepEqual(await diagnosesOf(capture('mqtt5-broker.pcap')), ['diag.connack-refused', 'diag.publish-refused', 'diag.publish-refused', 'diag.published-to-nobody', 'diag.unsubscribe-unmatched']);
    // m5-auth's CONNECT asked for an enhanced authentication method mosquitto does not offer (CONNACK 0x8C): that
    // method, not a user name or password, is the first cause and check.
    const badAuth = list.find((d) => d.code === 'diag.connack-refused')!;
    assert.equal(badAuth.detail.facts['code'], '0x8c');
    assert.deepEqual([badAuth.detail.causes[0], badAuth.detail.checks[0]], ['auth-method', 'auth-method']);
    assert.ok(!badAuth.detail.causes.includes('bad-credentials'));
    // never/subscribed (UNSUBACK 0x11) resembles no subscription of the client: harmless, no subscription stays.
    const unmatched = list.find((d) => d.code === 'diag.unsubscribe-unmatched')!;
    assert.deepEqual(unmatched.detail.facts['filters'], ['never/subscribed']);
    assert.equal(unmatched.detail.facts['stillSubscribed'], undefined);
    assert.deepEqual(unmatched.detail.causes, ['unsubscribe-not-subscribed']);
    const refused = list.find((d) => d.code === 'diag.publish-refused' && d.detail.facts['ack'] !== 'DISCONNECT')!;
    const tooLarge = list.find((d) => d.code === 'diag.publish-refused' && d.detail.facts['ack'] === 'DISCONNECT')!;
    assert.deepEqual(tooLarge.detail.facts, { publisher: refused.detail.facts['publisher'], topics: ['m5/big'], count: 1, ack: 'DISCONNECT', code: '0x95', codeName: 'packet too large' });
    assert.deepEqual(tooLarge.detail.causes, ['packet-too-large']);
    assert.deepEqual(tooLarge.evidence.frames, [big.frame, disconnect!.frame]);
    assert.match(describeDiagnosis(tooLarge, 'en')!.sentence, /published to 'm5\/big' by disconnecting the client right after it: DISCONNECT reason code 0x95 \(packet too large\)\.$/);
    assert.match(describeDiagnosis(tooLarge, 'id')!.sentence, /dengan memutus client tepat sesudahnya: DISCONNECT reason code 0x95 \(packet too large\)\.$/);
    assert.deepEqual(refused.detail.facts['topics'], ['secret/x', 'secret/y']);
    assert.equal(refused.detail.facts['ack'], 'PUBACK/PUBREC', 'secret/x (QoS 1) got PUBACK 0x87, secret/y (QoS 2) PUBREC 0x87');
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

test('MQTT 3.1 (MQIsdp): credentials, Will, two-filter SUBSCRIBE and UNSUBSCRIBE, QoS 0/1/2, retained and cleared, pings',
  { skip: missing('mqtt31.pcap') }, async () => {
    const a = await analyzeCapture(capture('mqtt31.pcap'));
    const mqtt = mqttOf(a);
    const connects = mqtt.filter((e) => e.type === 'CONNECT');
    assert.deepEqual(connects.map((e) => e.clientId), ['m31-sub', 'm31-will', 'm31-pub', 'm31-last']);
    assert.ok(connects.every((e) => e.protocolName === 'MQIsdp' && e.protocolVersion === 3));
    // MQTT 3.1 has no session present flag; every CONNACK accepted (return code 0).
    assert.ok(mqtt.filter((e) => e.type === 'CONNACK').every((e) => e.sessionPresent === undefined && e.returnCode === 0));
    const pub = connects.find((e) => e.clientId === 'm31-pub')!;
    assert.deepEqual([pub.username, pub.password, pub.keepAlive, pub.cleanSession], ['m31user', '***', 30, true]);
    assert.deepEqual(pub.will && [pub.will.topic, pub.will.qos, pub.will.retain, pub.will.payload.text], ['m31/will', 1, false, 'm31-pub gone']);
    const subscribe = mqtt.find((e) => e.type === 'SUBSCRIBE' && e.stream === pub.stream)!;
    assert.deepEqual(subscribe.subscriptions, [{ topic: 'm31/echo', qos: 1 }, { topic: 'm31/other', qos: 2 }]);
    assert.deepEqual(mqtt.find((e) => e.type === 'SUBACK' && e.stream === pub.stream)?.grantedQos, [1, 2]);
    const unsubscribe = mqtt.find((e) => e.type === 'UNSUBSCRIBE')!;
    assert.deepEqual(unsubscribe.unsubscriptions, ['m31/echo', 'm31/other']);
    assert.equal(mqtt.find((e) => e.type === 'UNSUBACK')?.requestFrame, unsubscribe.frame);
    // Each message of m31-pub forwarded to m31-sub (m31/echo to itself too, as it had subscribed to it).
    const sent = mqtt.filter((e) => e.type === 'PUBLISH' && e.stream === pub.stream && e.direction === 'client');
    assert.deepEqual(sent.map((e) => `${e.topic} ${e.qos} ${e.retain} ${e.payload?.length}`),
      ['m31/data 0 false 5', 'm31/data 1 false 5', 'm31/data 2 false 5', 'm31/status 1 true 6', 'm31/echo 1 false 4', 'm31/status 1 true 0']);
    for (const p of sent) {
      const copies = mqtt.filter((e) => e.type === 'PUBLISH' && e.direction === 'server' && e.sourceFrame === p.frame);
      assert.equal(copies.length, p.topic === 'm31/echo' ? 2 : 1, `copies of frame ${p.frame}`);
      assert.ok(copies.every((c) => c.retain === false && c.qos === p.qos), 'live deliveries, at the publisher\'s QoS');
    }
    // m31-will was killed: no DISCONNECT, and the broker published its retained QoS 2 Will to m31-sub after that.
    const willEnd = sessionsEnded(a).find((e) => e.clientId === 'm31-will')!;
    assert.equal(willEnd.reason, 'client-closed');
    const will = mqtt.find((e) => e.topic === 'm31/will')!;
    assert.ok(will.frame > willEnd.frame && will.qos === 2 && will.payload?.text === 'gone' && will.direction === 'server');
    assert.deepEqual(mqtt.filter((e) => e.stream === will.stream && e.packetId === will.packetId && e.frame > will.frame).map((e) => e.type),
      ['PUBREC', 'PUBREL', 'PUBCOMP']);
    // No client published it: it is traced to m31-will's CONNECT (its Will) and named so, in the timeline and the
    // summary's topics (on both paths); m31-pub, which also had a Will, sent DISCONNECT: its Will was not sent.
    const willConnect = connects.find((e) => e.clientId === 'm31-will')!;
    assert.equal(will.sourceFrame, willConnect.frame);
    assert.equal(will.willOf, 'm31-will');
    assert.ok(will.forwardDelayMs! >= 0 && will.forwardDelayMs! < 1000);
    assert.match(will.summary, new RegExp(`— Will of client "m31-will" \\(CONNECT #${willConnect.frame}\\), sent [0-9.]+ ms after its connection ended$`));
    assert.equal(mqtt.filter((e) => e.willOf !== undefined).length, 1);
    const lean = await analyzeCapture(capture('mqtt31.pcap'), { summaryOnly: true });
    for (const summary of [a.summary, lean.summary]) {
      const topic = summary.mqtt.topics.find((t) => t.topic === 'm31/will')!;
      assert.deepEqual([topic.published, topic.delivered, topic.publishers, topic.wills], [0, 1, [], ['m31-will']]);
      assert.ok(summary.mqtt.topics.filter((t) => t.topic !== 'm31/will').every((t) => t.wills === undefined));
    }
    // m31-sub's keep-alive of 5 s: a PINGREQ about 5 s after its last packet, answered.
    const ping = mqtt.find((e) => e.type === 'PINGREQ')!;
    assert.equal(mqtt.find((e) => e.type === 'PINGRESP')?.requestFrame, ping.frame);
    assert.deepEqual(sessionsEnded(a).map((e) => `${e.clientId} ${e.reason}`).sort(),
      ['m31-last disconnect', 'm31-pub disconnect', 'm31-sub disconnect', 'm31-will client-closed']);
    assert.deepEqual(await diagnosesOf(capture('mqtt31.pcap')), []);
  });

test('persistent sessions: queued QoS 1/2 delivered on reconnect with session present, QoS 0 not queued, a QoS 2 flow resumed',
  { skip: missing('session.pcap') }, async () => {
    const a = await analyzeCapture(capture('session.pcap'));
    const mqtt = mqttOf(a);
    for (const [id, version] of [['sess-311', 4], ['sess-5', 5]] as const) {
      const connects = mqtt.filter((e) => e.type === 'CONNECT' && e.clientId === id);
      assert.equal(connects.length, 2, id);
      assert.ok(connects.every((e) => e.cleanSession === false && e.protocolVersion === version), id);
      if (version === 5) assert.ok(connects.every((e) => e.properties?.['sessionExpiryInterval'] === 300));
      const present = connects.map((c) => mqtt.find((e) => e.type === 'CONNACK' && e.stream === c.stream)?.sessionPresent);
      assert.deepEqual(present, [false, true], `${id}: session present on its return`);
      // The broker sends the queued messages right after CONNACK, before the SUBSCRIBE mosquitto_sub repeats.
      const back = connects[1]!;
      const queued = mqtt.filter((e) => e.type === 'PUBLISH' && e.stream === back.stream);
      assert.deepEqual(queued.map((e) => `${e.qos} ${e.payload?.text}`), ['1 queued qos 1', '2 queued qos 2']);
      const subscribeAgain = mqtt.find((e) => e.type === 'SUBSCRIBE' && e.stream === back.stream)!;
      assert.ok(queued.every((e) => e.frame < subscribeAgain.frame));
      // Traced to the PUBLISHes made while the subscriber was away (more than a second before).
      for (const q of queued) {
        const source = mqtt.find((e) => e.frame === q.sourceFrame && e.type === 'PUBLISH');
        assert.ok(source !== undefined && source.direction === 'client' && source.time < back.time, `${id} ${q.frame}`);
        assert.ok(q.forwardDelayMs! > 1000);
      }
    }
    // QoS 0 messages are not queued for an absent subscriber (Mosquitto's queue_qos0_messages false).
    assert.equal(mqtt.filter((e) => e.payload?.text === 'not queued').length, 2);
    assert.ok(mqtt.filter((e) => e.payload?.text === 'not queued').every((e) => e.direction === 'client'));
    const nobody = (await diagnose(capture('session.pcap'))).find((d) => d.code === 'diag.published-to-nobody')!;
    assert.equal(nobody.detail.facts['count'], 2);
    assert.deepEqual(nobody.detail.facts['publishers'], ['sess-pub (172.18.0.4)']);
    // rawclient.py q2-cut: PUBREC, the broker's PUBREL, closed without PUBCOMP; back with session present, the
    // broker sends the PUBREL again (same id), answered by PUBCOMP.
    const q2 = mqtt.filter((e) => e.type === 'CONNECT' && e.clientId === 'sess-q2');
    assert.equal(q2.length, 2);
    const first = mqtt.filter((e) => e.stream === q2[0]!.stream && e.packetId !== undefined && e.type !== 'SUBSCRIBE' && e.type !== 'SUBACK');
    assert.deepEqual(first.map((e) => `${e.direction} ${e.type}`), ['server PUBLISH', 'client PUBREC', 'server PUBREL']);
    const second = mqtt.filter((e) => e.stream === q2[1]!.stream);
    assert.deepEqual(second.map((e) => `${e.direction} ${e.type}`),
      ['client CONNECT', 'server CONNACK', 'server PUBREL', 'client PUBCOMP', 'client DISCONNECT']);
    assert.equal(second[1]!.sessionPresent, true);
    assert.equal(second[2]!.packetId, first[2]!.packetId);
    assert.equal(second[3]!.requestFrame, second[2]!.frame);
    // The first connection's PUBREL is answered by that PUBCOMP on the client's next connection of the same session:
    // answered, not lost (no mqtt.unanswered), on both paths.
    assert.deepEqual(a.events.filter((e) => e.kind === 'finding' && e.code === 'mqtt.unanswered'), []);
    const lean = await analyzeCapture(capture('session.pcap'), { summaryOnly: true });
    assert.equal(lean.summary.findings.byCode['mqtt.unanswered'], undefined);
    assert.deepEqual(await diagnosesOf(capture('session.pcap')), ['diag.published-to-nobody']);
  });

test('persistent sessions: requests still unanswered on the next connection of the same session stay mqtt.unanswered',
  { skip: existsSync(path.join(fixturesDir, 'faults', 'fault-qos-unacked.pcap')) ? false : 'no fault-qos-unacked.pcap' }, async () => {
    // rawclient.py noack-sub (clean session 0) never sends PUBACK: the broker's 3 QoS 1 messages, and their DUP
    // redeliveries on the reconnect, are all unanswered: 6, at their own frames, on both paths.
    const file = path.join(fixturesDir, 'faults', 'fault-qos-unacked.pcap');
    const a = await analyzeCapture(file);
    const lost = a.events.filter((e) => e.kind === 'finding' && e.code === 'mqtt.unanswered');
    const publishes = mqttOf(a).filter((e) => e.type === 'PUBLISH' && e.direction === 'server' && e.qos === 1);
    assert.deepEqual(lost.map((e) => e.frame).sort((x, y) => x - y), publishes.map((e) => e.frame));
    assert.equal(lost.length, 6);
    assert.equal((await analyzeCapture(file, { summaryOnly: true })).summary.findings.byCode['mqtt.unanswered'], 6);
  });
