/**
 * The diagnosis on real captures: each fault capture made by the lab script (fixtures/faults/, real programs) gets
 * exactly its diagnoses, with the frames that prove them (cross-checked with tshark where tshark can say which frames
 * they are); the healthy lab captures get none but the notes that explain them; both languages word every diagnosis.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { analyzeCapture } from '../src/index.js';
import { DiagnosisStage } from '../src/diagnosis/stage.js';
import { ConnectionBook } from '../src/diagnosis/book.js';
import { ReachabilityDetector } from '../src/diagnosis/reachability.js';
import { DIAGNOSIS_CODES, type Diagnosis } from '../src/diagnosis/types.js';
import { diagnose } from './helpers/diagnose.js';
import { describeDiagnosis, sentence } from '../src/diagnosis/words.js';
import { fixturesDir } from './helpers/corpus.js';
import { tsharkFields, tsharkMissing } from './helpers/tshark.js';

const fault = (name: string): string => path.join(fixturesDir, 'faults', `${name}.pcap`);

function only(list: Diagnosis[], code: string): Diagnosis {
  const matching = list.filter((d) => d.code === code);
  assert.equal(matching.length, 1, `expected one ${code}, got ${list.map((d) => d.code).join(', ')}`);
  return matching[0]!;
}

function codes(list: Diagnosis[]): string[] {
  return list.map((d) => d.code).sort();
}

/** Frames tshark selects with a display filter. */
function tsharkFrames(file: string, filter: string, extra: string[] = []): number[] {
  return tsharkFields(file, ['frame.number'], [...extra, '-Y', filter]).map((r) => Number(r[0]));
}

test('fault-topic-typo: the mistyped subscription, the messages it missed, the harmless FIN', async () => {
  const file = fault('fault-topic-typo');
  const list = await diagnose(file);
  assert.deepEqual(codes(list), ['diag.harmless-teardown-retransmission', 'diag.published-to-nobody', 'diag.topic-mismatch']);
  const mismatch = only(list, 'diag.topic-mismatch');
  assert.equal(mismatch.detail.facts['filter'], 'sister/tmp');
  assert.equal(mismatch.detail.facts['topic'], 'sister/temp');
  assert.equal(mismatch.detail.facts['difference'], 'typo');
  assert.equal(mismatch.detail.facts['op'], 'missing');
  assert.equal(mismatch.detail.facts['meant'], 'e');
  assert.equal(mismatch.evidence.firstFrame, 10); // the SUBSCRIBE
  const nobody = only(list, 'diag.published-to-nobody');
  assert.equal(nobody.detail.facts['count'], 3);
  assert.equal(nobody.detail.confidence, 'high');
  if (tsharkMissing === undefined) {
    assert.deepEqual(nobody.evidence.frames, tsharkFrames(file, 'mqtt.msgtype == 3'));
    assert.deepEqual(mismatch.evidence.frames!.slice(0, 1), tsharkFrames(file, 'mqtt.msgtype == 8'));
    assert.deepEqual(only(list, 'diag.harmless-teardown-retransmission').evidence.frames, tsharkFrames(file, 'tcp.analysis.retransmission && tcp.flags.fin == 1'));
  }
});

test('fault-publisher-typo: two subscribers agree on sister/temp, the publisher wrote sister/tmep: one statement names the publisher\'s topic and both subscribers', async () => {
  const file = fault('fault-publisher-typo');
  const list = await diagnose(file);
  assert.deepEqual(codes(list), ['diag.published-to-nobody', 'diag.topic-mismatch']);
  const d = only(list, 'diag.topic-mismatch');
  assert.deepEqual(d.detail.facts['subscribers'], ['lab-sub (172.18.0.3)', 'lab-sub5 (172.18.0.3)']);
  assert.deepEqual(d.detail.facts['publishers'], ['lab-pub (172.18.0.4)']);
  assert.equal(d.detail.facts['filter'], 'sister/temp');
  assert.equal(d.detail.facts['topic'], 'sister/tmep');
  assert.equal(d.detail.facts['sameFilter'], 2);
  assert.equal(d.detail.facts['typoIn'], 'topic');
  assert.equal(d.detail.facts['op'], 'swapped');
  // The topic has 'me' where the subscribers' filter has 'em'.
  assert.equal(d.detail.facts['typed'], 'me');
  assert.equal(d.detail.facts['meant'], 'em');
  assert.equal(describeDiagnosis(d, 'en')!.sentence, "lab-pub (172.18.0.4) published 3 messages to 'sister/tmep', a topic none of the 2 subscribers to 'sister/temp' (lab-sub (172.18.0.3) and lab-sub5 (172.18.0.3)) receives: a typing mistake in the topic, 'em' is swapped as 'me'; as the subscribers all agree on their filter, the publisher's topic is more likely the one mistyped.");
  assert.match(describeDiagnosis(d, 'id')!.sentence, /^lab-pub \(172\.18\.0\.4\) mem-publish 3 pesan ke 'sister\/tmep', padahal 2 subscriber \(lab-sub \(172\.18\.0\.3\) dan lab-sub5 \(172\.18\.0\.3\)\) subscribe ke 'sister\/temp'.*salah ketik pada topik, 'em' tertukar menjadi 'me'; karena semua subscriber memakai filter yang sama, lebih mungkin topik publisher-lah yang salah ketik\.$/);
  // Its evidence: both SUBSCRIBEs and the publishes; timed at the first of them.
  if (tsharkMissing === undefined) {
    assert.deepEqual(d.evidence.frames, tsharkFrames(file, 'mqtt.msgtype == 8 || (mqtt.msgtype == 3 && mqtt.topic == "sister/tmep")'));
  }
  assert.deepEqual(only(list, 'diag.published-to-nobody').detail.facts['topics'], ['sister/tmep']);
  if (tsharkMissing === undefined) {
    assert.deepEqual(only(list, 'diag.published-to-nobody').evidence.frames, tsharkFrames(file, 'mqtt.msgtype == 3'));
  }
  // One subscriber alone is no majority: fault-topic-typo still says the filter is missing the 'e'.
  const single = only(await diagnose(fault('fault-topic-typo')), 'diag.topic-mismatch');
  assert.equal(single.detail.facts['sameFilter'], undefined);
  assert.match(describeDiagnosis(single, 'en')!.sentence, /the filter is missing 'e'\.$/);
});

test('fault-topic-typo-many: 30 missed messages, more than the frames evidence lists: its count and last frame are of all of them', async () => {
  const file = fault('fault-topic-typo-many');
  const list = await diagnose(file);
  const mismatch = only(list, 'diag.topic-mismatch');
  const nobody = only(list, 'diag.published-to-nobody');
  assert.equal(nobody.detail.facts['count'], 30);
  if (tsharkMissing === undefined) {
    const publishes = tsharkFrames(file, 'mqtt.msgtype == 3');
    const subscribe = tsharkFrames(file, 'mqtt.msgtype == 8');
    assert.equal(publishes.length, 30);
    // The SUBSCRIBE and every PUBLISH of the topic it missed: 31 frames, the last PUBLISH last; 20 of them listed.
    assert.deepEqual(mismatch.evidence, { firstFrame: subscribe[0], lastFrame: publishes[29], count: 31, frames: [...subscribe, ...publishes.slice(0, 19)] });
    assert.deepEqual(nobody.evidence, { firstFrame: publishes[0], lastFrame: publishes[29], count: 30, frames: publishes.slice(0, 20) });
  }
});

test('fault-late-subscriber: the subscription came after the three messages', async () => {
  const list = await diagnose(fault('fault-late-subscriber'));
  assert.deepEqual(codes(list), ['diag.published-to-nobody', 'diag.subscribed-too-late']);
  const late = only(list, 'diag.subscribed-too-late');
  assert.equal(late.detail.facts['filter'], 'sister/temp');
  assert.equal(late.detail.facts['missed'], 3);
  assert.ok(Number(late.detail.facts['lastPublishedAt']) < Number(late.detail.facts['subscribedAt']));
  assert.equal(late.evidence.count, 4); // 3 PUBLISH + the SUBSCRIBE
});

test('fault-broker-stopped: both sessions dropped at once, then every reconnect refused', async () => {
  const file = fault('fault-broker-stopped');
  const list = await diagnose(file);
  assert.deepEqual(codes(list), ['diag.broker-stopped']);
  const d = only(list, 'diag.broker-stopped');
  assert.equal(d.detail.facts['dropped'], 2);
  assert.equal(d.detail.facts['refusedAfter'], 5);
  assert.ok(Number(d.detail.facts['windowSeconds']) < 0.1);
  if (tsharkMissing === undefined) {
    const brokerFins = tsharkFrames(file, 'tcp.flags.fin == 1 && tcp.srcport == 1883 && frame.time_relative > 1.5');
    const syns = tsharkFrames(file, 'tcp.flags.syn == 1 && tcp.flags.ack == 0 && frame.time_relative > 1.5');
    const rsts = tsharkFrames(file, 'tcp.flags.reset == 1');
    assert.equal(d.evidence.firstFrame, brokerFins[0]);
    assert.deepEqual(d.evidence.frames, [...brokerFins, ...syns, ...rsts].sort((a, b) => a - b));
  }
});

test('fault-broker-restart: one subscriber, the broker restarted under it, its reconnect accepted: restarted, not stopped', async () => {
  const file = fault('fault-broker-restart');
  const list = await diagnose(file);
  assert.deepEqual(codes(list), ['diag.broker-restarted']);
  const d = only(list, 'diag.broker-restarted');
  assert.equal(d.severity, 'warning');
  assert.equal(d.detail.facts['dropped'], 1);
  assert.equal(d.detail.facts['refusedAfter'], 0);
  assert.deepEqual(d.detail.facts['clients'], ['lab-sub (172.18.0.3)']);
  assert.deepEqual(d.detail.facts['reconnected'], ['lab-sub (172.18.0.3)', 'lab-pub (172.18.0.4)']);
  assert.equal(d.detail.facts['notResubscribed'], undefined, 'mosquitto_sub subscribes again on every connect');
  assert.ok(Number(d.detail.facts['backAt']) > Number(d.detail.facts['stoppedAt']));
  if (tsharkMissing === undefined) {
    // The broker's FIN to the subscriber, the first SYN after it, and the two CONNACKs after it.
    const brokerFin = tsharkFrames(file, 'tcp.flags.fin == 1 && tcp.srcport == 1883 && ip.dst == 172.18.0.3')[0]!;
    const stop = Number(tsharkFields(file, ['frame.time_relative'], ['-Y', `frame.number == ${brokerFin}`])[0]![0]);
    const synAfter = tsharkFrames(file, `tcp.flags.syn == 1 && tcp.flags.ack == 0 && frame.number > ${brokerFin}`)[0]!;
    const connacks = tsharkFrames(file, `mqtt.msgtype == 2 && frame.number > ${brokerFin}`);
    assert.equal(Number(d.detail.facts['stoppedAt']).toFixed(3), stop.toFixed(3));
    assert.deepEqual(d.evidence.frames, [brokerFin, synAfter, ...connacks]);
    // Every message reached the subscriber: two before the restart, two after.
    assert.equal(tsharkFrames(file, 'mqtt.msgtype == 3 && tcp.srcport == 1883').length, 4);
  }
  assert.match(describeDiagnosis(d, 'en')!.sentence, /^The broker at 172\.18\.0\.2:1883 restarted: at t=[\d.]+ s it closed the open connection of lab-sub \(172\.18\.0\.3\), and was accepting connections again by t=/);
  assert.match(describeDiagnosis(d, 'id')!.sentence, /^Broker di 172\.18\.0\.2:1883 di-restart: /);
  assert.deepEqual(codes(await diagnose(file, { summaryOnly: true })), ['diag.broker-restarted']);
});

test('fault-invalid-filter: sister/#/temp refused by the broker closing the connection (no SUBACK), twice; the messages reach no one', async () => {
  const file = fault('fault-invalid-filter');
  const list = await diagnose(file);
  // No diag.topic-mismatch: the subscription never existed, the broker refused it.
  assert.deepEqual(codes(list), ['diag.published-to-nobody', 'diag.subscription-refused']);
  const d = only(list, 'diag.subscription-refused');
  assert.equal(d.severity, 'error');
  assert.deepEqual(d.detail.facts, { subscriber: 'lab-sub (172.18.0.3)', filters: ['sister/#/temp'], closed: true, count: 2, invalid: 'hash-not-last' });
  assert.deepEqual(d.detail.causes, ['invalid-filter']);
  if (tsharkMissing === undefined) {
    // Each SUBSCRIBE and the broker's FIN right after it; no SUBACK at all.
    assert.deepEqual(tsharkFrames(file, 'mqtt.msgtype == 9'), []);
    const subscribes = tsharkFrames(file, 'mqtt.msgtype == 8');
    const fins = tsharkFrames(file, 'tcp.flags.fin == 1 && tcp.srcport == 1883 && ip.dst == 172.18.0.3');
    assert.deepEqual(d.evidence.frames, [...subscribes, ...fins].sort((a, b) => a - b));
    assert.deepEqual(only(list, 'diag.published-to-nobody').evidence.frames, tsharkFrames(file, 'mqtt.msgtype == 3'));
  }
  assert.match(describeDiagnosis(d, 'en')!.sentence, /by closing the connection right after the SUBSCRIBE, without a SUBACK \(2 times, on each reconnect\): the filter is invalid, '#' may only be the last level\.$/);
  assert.match(describeDiagnosis(d, 'id')!.sentence, /dengan menutup koneksi tepat setelah SUBSCRIBE, tanpa SUBACK \(2 kali, pada setiap reconnect\): filter tidak valid/);
});

test('fault-acl-denied: the ACL drops MQTT 3.1.1 publishes silently (a subscriber was waiting) and refuses MQTT 5 ones with 0x87', async () => {
  const file = fault('fault-acl-denied');
  const list = await diagnose(file);
  assert.deepEqual(codes(list).filter((c) => c !== 'diag.harmless-teardown-retransmission'), ['diag.publish-refused', 'diag.published-to-nobody']);
  const refused = only(list, 'diag.publish-refused');
  assert.equal(refused.severity, 'error');
  assert.deepEqual(refused.detail.facts, { publisher: 'lab-pub5 (172.18.0.4)', topics: ['sister/temp'], count: 2, ack: 'PUBACK', code: '0x87', codeName: 'not authorized' });
  assert.deepEqual(refused.detail.causes, ['acl-denies-publish']);
  const nobody = only(list, 'diag.published-to-nobody');
  // Only the MQTT 3.1.1 messages: the refused MQTT 5 ones are said by diag.publish-refused.
  assert.equal(nobody.detail.facts['count'], 2);
  assert.deepEqual(nobody.detail.facts['publishers'], ['lab-pub (172.18.0.4)']);
  assert.deepEqual(nobody.detail.facts['subscribers'], ['lab-sub (172.18.0.3)']);
  assert.equal(nobody.detail.causes[0], 'acl-denies-publish');
  if (tsharkMissing === undefined) {
    const denied = tsharkFrames(file, 'mqtt.puback.reason_code == 0x87');
    const stream = tsharkFields(file, ['tcp.stream'], ['-Y', 'mqtt.puback.reason_code == 0x87'])[0]![0];
    const v5 = tsharkFrames(file, `mqtt.msgtype == 3 && tcp.stream == ${stream}`);
    assert.equal(denied.length, 2);
    assert.deepEqual(refused.evidence.frames, [...v5, ...denied].sort((a, b) => a - b));
    assert.deepEqual(nobody.evidence.frames, tsharkFrames(file, `mqtt.msgtype == 3 && tcp.stream != ${stream}`));
  }
  assert.match(describeDiagnosis(nobody, 'en')!.sentence, /although lab-sub \(172\.18\.0\.3\) had subscribed to a matching filter\.$/);
  assert.equal(describeDiagnosis(refused, 'id')!.sentence, "Broker menolak 2 pesan yang di-publish lab-pub5 (172.18.0.4) ke 'sister/temp': PUBACK reason code 0x87 (not authorized).");
});

test('fault-max-connections: a third client turned away by the broker\'s connection limit (accepted, closed at once, its CONNECT reset), not a stopped broker nor a refused CONNECT', async () => {
  const file = fault('fault-max-connections');
  const list = await diagnose(file);
  assert.deepEqual(codes(list), ['diag.connection-limit']);
  const d = only(list, 'diag.connection-limit');
  assert.equal(d.detail.facts['server'], '10.72.0.2:1883');
  assert.equal(d.detail.facts['count'], 2);
  assert.deepEqual(d.detail.facts['clients'], ['lab-pub (10.72.0.4)']);
  assert.equal(d.detail.facts['openSessions'], 2);
  assert.equal(d.detail.facts['connectsCut'], 2);
  assert.equal(d.detail.facts['closedWith'], 'close');
  assert.deepEqual(d.detail.causes, ['connection-limit', 'connection-leak']);
  if (tsharkMissing === undefined) {
    // The refused attempts' SYNs, the broker's FIN before any CONNECT, and its RST to the CONNECT (the first of each).
    const syns = tsharkFrames(file, 'tcp.flags.syn == 1 && tcp.flags.ack == 0 && tcp.stream >= 2');
    const fins = tsharkFrames(file, 'tcp.srcport == 1883 && tcp.flags.fin == 1 && tcp.stream >= 2');
    const rsts = tsharkFields(file, ['frame.number', 'tcp.stream'], ['-Y', 'tcp.srcport == 1883 && tcp.flags.reset == 1'])
      .filter((r, i, all) => all.findIndex((x) => x[1] === r[1]) === i).map((r) => Number(r[0]));
    assert.deepEqual(d.evidence.frames, [...syns, ...fins, ...rsts].sort((a, b) => a - b));
  }
  assert.equal(describeDiagnosis(d, 'en')!.sentence, 'The broker at 10.72.0.2:1883 turned away 2 connections of lab-pub (10.72.0.4): it accepted each one and closed it at once, before any CONNECT (the CONNECT that followed got no CONNACK), while 2 other connections were open: it takes no more connections (its connection limit).');
  assert.match(describeDiagnosis(d, 'id')!.sentence, /^Broker di 10\.72\.0\.2:1883 menolak 2 koneksi dari lab-pub \(10\.72\.0\.4\): setiap koneksi diterima lalu langsung ditutup sebelum ada CONNECT .*\(batas jumlah koneksinya\)\.$/);
});

test('fault-tls-plain-port: TLS clients on the plain port 1883 are said to speak TLS (a ClientHello), not a CONNECT left unanswered', async () => {
  const file = fault('fault-tls-plain-port');
  const list = await diagnose(file);
  // Not diag.connect-unanswered (the ClientHello is no CONNECT), not diag.broker-stopped (the broker answered a protocol error).
  assert.deepEqual(codes(list), ['diag.no-connect']);
  const d = only(list, 'diag.no-connect');
  assert.deepEqual(d.detail.facts['tls'], [1, 1]);
  assert.deepEqual(d.detail.facts['malformed'], [1, 1]);
  assert.equal(d.detail.facts['closedWith'], 'reset');
  assert.deepEqual(d.detail.causes, ['tls-client']);
  assert.deepEqual(d.detail.checks, ['tls-port', 'which-program']);
  if (tsharkMissing === undefined) {
    // tshark told that 1883 is TLS finds the two ClientHellos; the broker's RSTs end the connections.
    const hellos = tsharkFrames(file, 'tls.handshake.type == 1', ['-d', 'tcp.port==1883,tls']);
    assert.equal(hellos.length, 2);
    assert.deepEqual(d.evidence.frames, [...hellos, ...tsharkFrames(file, 'tcp.flags.reset == 1')].sort((a, b) => a - b));
  }
  assert.match(describeDiagnosis(d, 'en')!.sentence, /^2 clients spoke TLS to the plain MQTT port 10\.71\.0\.2:1883: each sent a TLS ClientHello, not a CONNECT .* use the TLS port \(8883\) or turn TLS off in the client\.$/);
  assert.match(describeDiagnosis(d, 'id')!.sentence, /^2 client berbicara TLS ke port MQTT biasa 10\.71\.0\.2:1883: .* pakai port TLS \(8883\) atau matikan TLS di client\.$/);
  assert.match(describeDiagnosis(d, 'en')!.causes[0]!, /configured for TLS/);
});

test('fault-message-too-large: message_size_limit refuses the MQTT 5 message with PUBACK 0x95 and drops the MQTT 3.1.1 ones silently', async () => {
  const file = fault('fault-message-too-large');
  const list = await diagnose(file);
  assert.deepEqual(codes(list), ['diag.publish-refused', 'diag.published-to-nobody']);
  const refused = only(list, 'diag.publish-refused');
  assert.deepEqual(refused.detail.facts, { publisher: 'lab-pub5 (10.71.0.4)', topics: ['sister/big'], count: 1, ack: 'PUBACK', code: '0x95', codeName: 'packet too large' });
  assert.deepEqual(refused.detail.causes, ['packet-too-large']);
  assert.deepEqual(refused.detail.checks, ['broker-limits', 'broker-log']);
  // MQTT 3.1.1 cannot say so: the QoS 0 message is dropped, the QoS 1 one acknowledged (PUBACK) and dropped; the
  // subscriber to sister/# that got neither is named.
  const nobody = only(list, 'diag.published-to-nobody');
  assert.deepEqual(nobody.detail.facts['publishers'], ['lab-pub (10.71.0.4)', 'lab-pub1 (10.71.0.4)']);
  assert.deepEqual(nobody.detail.facts['subscribers'], ['lab-sub (10.71.0.3)']);
  // The broker said 0x95 of the MQTT 5 one: the size limit is the first cause, the ACL the second.
  assert.deepEqual(nobody.detail.causes, ['size-limit-dropped', 'acl-denies-publish']);
  assert.deepEqual(nobody.detail.checks, ['broker-limits', 'acl-file', 'broker-log']);
  assert.match(describeDiagnosis(nobody, 'en')!.causes[0]!, /mosquitto drops such a message silently at QoS 0, and acknowledges it \(PUBACK\) and drops it at QoS 1$/);
  if (tsharkMissing === undefined) {
    // tshark words the PUBACK's 0x95 "Unknown (149)" (MQTT 5 allows it in DISCONNECT only); the field is there.
    const puback = tsharkFrames(file, 'mqtt.puback.reason_code == 0x95');
    assert.equal(puback.length, 1);
    const stream = tsharkFields(file, ['tcp.stream'], ['-Y', 'mqtt.puback.reason_code == 0x95'])[0]![0];
    assert.deepEqual(refused.evidence.frames, [...tsharkFrames(file, `mqtt.msgtype == 3 && tcp.stream == ${stream}`), ...puback]);
    assert.deepEqual(nobody.evidence.frames, tsharkFrames(file, `mqtt.msgtype == 3 && tcp.stream != ${stream}`));
  }
  assert.equal(describeDiagnosis(refused, 'en')!.sentence, "The broker refused 1 message lab-pub5 (10.71.0.4) published to 'sister/big': PUBACK reason code 0x95 (packet too large).");
  assert.match(describeDiagnosis(refused, 'id')!.causes[0]!, /lebih besar daripada yang diizinkan broker/);
});

test('fault-protocol-violation: each client the broker closed right after a packet that breaks the protocol is said with its rule', async () => {
  const file = fault('fault-protocol-violation');
  const list = await diagnose(file);
  // The refused messages reached no one, and that is no diag.published-to-nobody; identifier 0 is no QoS trouble.
  assert.deepEqual(codes(list), Array(5).fill('diag.protocol-violation'));
  const byRule = new Map(list.map((d) => [String(d.detail.facts['rule']), d]));
  const wildcard = byRule.get('wildcard-topic')!;
  assert.deepEqual(wildcard.detail.facts, { client: 'lab-device (172.18.0.4)', rule: 'wildcard-topic', packet: 'Publish Message [sister/+]', how: 'closed', count: 2, topic: 'sister/+' });
  assert.deepEqual(wildcard.detail.causes, ['publish-to-filter', 'unchecked-client']);
  assert.deepEqual(wildcard.detail.checks, ['publish-topic', 'broker-log']);
  assert.deepEqual(byRule.get('zero-packet-id')!.detail.facts, { client: 'lab-id0 (172.18.0.4)', rule: 'zero-packet-id', packet: 'Publish Message (id=0) [sister/temp]', how: 'closed', count: 1, topic: 'sister/temp' });
  assert.deepEqual(byRule.get('empty-topic')!.detail.facts, { client: 'lab-empty (172.18.0.4)', rule: 'empty-topic', packet: 'Publish Message []', how: 'closed', count: 1, topic: '' });
  assert.deepEqual(byRule.get('second-connect')!.detail.facts, { client: 'lab-twice (172.18.0.4)', rule: 'second-connect', packet: 'Connect Command', how: 'closed', count: 1 });
  assert.deepEqual(byRule.get('second-connect')!.detail.causes, ['connect-twice']);
  assert.deepEqual(byRule.get('malformed')!.detail.facts, { client: 'lab-qos3 (172.18.0.4)', rule: 'malformed', packet: 'Publish Message (id=1) [sister/temp]', how: 'closed', count: 1, topic: 'sister/temp', malformed: 'mqtt.invalid-qos' });
  assert.equal(describeDiagnosis(wildcard, 'en')!.sentence, `The broker closed the connection of lab-device (172.18.0.4) right after it sent "Publish Message [sister/+]" (2 times, on each reconnect): the topic name 'sister/+' holds a wildcard ('+' or '#'), which only a subscription may use; a message is published to one exact topic.`);
  assert.match(describeDiagnosis(byRule.get('malformed')!, 'id')!.sentence, /^Broker menutup koneksi lab-qos3 \(172\.18\.0\.4\) tepat setelah .*: paketnya malformed: QoS 3 tidak ada\.$/);
  if (tsharkMissing === undefined) {
    // Evidence: the offending packets as tshark finds them, and the broker's FIN that ended each of their connections.
    const streamsOf = (filter: string): string[] => tsharkFields(file, ['tcp.stream'], ['-Y', filter]).map((r) => r[0]!);
    const withFins = (packets: number[], streams: string[]): number[] =>
      [...packets, ...tsharkFrames(file, `tcp.flags.fin == 1 && tcp.srcport == 1883 && tcp.stream in {${streams.join(',')}}`)].sort((a, b) => a - b);
    assert.deepEqual(wildcard.evidence.frames, withFins(tsharkFrames(file, 'mqtt.topic == "sister/+"'), streamsOf('mqtt.topic == "sister/+"')));
    assert.deepEqual(byRule.get('zero-packet-id')!.evidence.frames, withFins(tsharkFrames(file, 'mqtt.msgid == 0'), streamsOf('mqtt.msgid == 0')));
    assert.deepEqual(byRule.get('malformed')!.evidence.frames, withFins(tsharkFrames(file, 'mqtt.qos == 3'), streamsOf('mqtt.qos == 3')));
    const empty = streamsOf('mqtt.clientid == "lab-empty"');
    assert.deepEqual(byRule.get('empty-topic')!.evidence.frames, withFins(tsharkFrames(file, `mqtt.msgtype == 3 && mqtt.topic_len == 0 && tcp.stream == ${empty[0]}`), empty.slice(0, 1)));
    const twice = streamsOf('mqtt.clientid == "lab-twice"');
    const connects = tsharkFrames(file, `mqtt.msgtype == 1 && tcp.stream == ${twice[0]}`);
    assert.equal(connects.length, 2);
    assert.deepEqual(byRule.get('second-connect')!.evidence.frames, withFins([connects[1]!], twice.slice(0, 1)));
  }
});

test('fault-plain-tls-port: a plain client on the TLS port 8883 is said to send its CONNECT in clear to a TLS port, not a stopped broker', async () => {
  const file = fault('fault-plain-tls-port');
  const list = await diagnose(file);
  assert.deepEqual(codes(list), ['diag.connect-unanswered']);
  const d = only(list, 'diag.connect-unanswered');
  assert.deepEqual(d.detail.facts, { client: 'lab-pub-plain (10.71.0.3)', server: '10.71.0.2:8883', closedBy: 'server', count: 3, tlsPort: true });
  assert.deepEqual(d.detail.causes, ['plain-client-on-tls-port']);
  assert.deepEqual(d.detail.checks, ['tls-on', 'broker-log']);
  if (tsharkMissing === undefined) {
    // tshark takes 8883 for TLS; told it is MQTT, it finds the three CONNECTs in clear, each ended by the broker's RST.
    const connects = tsharkFrames(file, 'mqtt.msgtype == 1', ['-d', 'tcp.port==8883,mqtt']);
    assert.equal(connects.length, 3);
    assert.deepEqual(d.evidence.frames, [...connects, ...tsharkFrames(file, 'tcp.flags.reset == 1 && tcp.srcport == 8883')].sort((a, b) => a - b));
  }
  assert.match(describeDiagnosis(d, 'en')!.sentence, /^lab-pub-plain \(10\.71\.0\.3\) sent its CONNECT in clear \(plain MQTT\) to the TLS port 10\.71\.0\.2:8883 \(3 times\): .*Turn TLS on in the client/);
  assert.match(describeDiagnosis(d, 'id')!.sentence, /mengirim CONNECT tanpa enkripsi \(MQTT biasa\) ke port TLS 10\.71\.0\.2:8883 \(3 kali\)/);
});

test('fault-no-broker: the SYN answered by RST', async () => {
  const file = fault('fault-no-broker');
  const list = await diagnose(file);
  assert.deepEqual(codes(list), ['diag.broker-unreachable']);
  const d = only(list, 'diag.broker-unreachable');
  assert.equal(d.detail.facts['server'], '172.18.0.2:1883');
  assert.equal(d.detail.facts['outcome'], 'refused');
  assert.deepEqual(d.detail.causes.slice(0, 1), ['broker-not-running']);
  if (tsharkMissing === undefined) assert.deepEqual(d.evidence.frames, tsharkFrames(file, 'tcp.flags.syn == 1 || tcp.flags.reset == 1'));
});

test('fault-unreachable: four unanswered SYNs over three seconds', async () => {
  const file = fault('fault-unreachable');
  const list = await diagnose(file);
  assert.deepEqual(codes(list), ['diag.broker-unreachable']);
  const d = only(list, 'diag.broker-unreachable');
  assert.equal(d.detail.facts['outcome'], 'unanswered');
  assert.equal(d.detail.facts['server'], '10.18.0.2:1883');
  assert.equal(d.detail.facts['synAttempts'], 4);
  assert.ok(Number(d.detail.facts['durationSeconds']) > 2.5);
  if (tsharkMissing === undefined) assert.deepEqual(d.evidence.frames, tsharkFrames(file, 'tcp.flags.syn == 1'));
});

test('fault-wrong-port-1884: 1883 refused while the broker answers on 1884, which Wireshark needs Decode As for', async () => {
  const list = await diagnose(fault('fault-wrong-port-1884'));
  assert.deepEqual(codes(list), ['diag.broker-unreachable', 'diag.nonstandard-port']);
  const d = only(list, 'diag.broker-unreachable');
  assert.deepEqual(d.detail.facts['otherPorts'], [1884]);
  assert.equal(d.detail.causes[0], 'wrong-port');
  assert.equal(only(list, 'diag.nonstandard-port').detail.facts['port'], 1884);
  assert.match(describeDiagnosis(only(list, 'diag.nonstandard-port'), 'en')!.checks[0]!, /tcp\.port==1884,mqtt/);
});

test('fault-bad-password: CONNACK refusals in words, MQTT 3.1.1 and 5', async () => {
  const file = fault('fault-bad-password');
  const list = await diagnose(file);
  assert.deepEqual(codes(list), ['diag.connack-refused', 'diag.connack-refused']);
  const v3 = list.find((d) => d.detail.facts['code'] === '5')!;
  const v5 = list.find((d) => d.detail.facts['code'] === '0x87')!;
  assert.equal(v3.detail.facts['count'], 2);
  assert.equal(v3.detail.facts['codeName'], 'not authorized');
  assert.equal(v5.detail.facts['count'], 1);
  assert.ok(v3.detail.causes.includes('bad-credentials') && v3.detail.causes.includes('anonymous-not-allowed'));
  if (tsharkMissing === undefined) {
    const connacks = tsharkFrames(file, 'mqtt.msgtype == 2');
    const connects = tsharkFrames(file, 'mqtt.msgtype == 1');
    assert.deepEqual([...v3.evidence.frames!, ...v5.evidence.frames!].sort((a, b) => a - b), [...connects, ...connacks].sort((a, b) => a - b));
  }
});

test('fault-client-id-takeover: two subscribers taking lab-sub from each other, one diagnosis with its rounds', async () => {
  const file = fault('fault-client-id-takeover');
  const list = await diagnose(file);
  assert.deepEqual(codes(list), ['diag.client-id-takeover']);
  const d = only(list, 'diag.client-id-takeover');
  assert.equal(d.detail.facts['clientId'], 'lab-sub');
  assert.deepEqual([...(d.detail.facts['clients'] as string[])].sort(), ['172.18.0.3', '172.18.0.4']);
  if (tsharkMissing === undefined) {
    // Every CONNECT after the first takes the id over, and each is followed by the broker's FIN on the other connection.
    const connects = tsharkFrames(file, 'mqtt.msgtype == 1');
    assert.equal(d.detail.facts['rounds'], connects.length - 1);
    const fins = tsharkFrames(file, 'tcp.flags.fin == 1 && tcp.srcport == 1883');
    for (const f of connects.slice(1)) assert.ok(d.evidence.frames!.includes(f), `CONNECT ${f} in the evidence`);
    assert.ok(d.evidence.frames!.filter((f) => fins.includes(f)).length >= Number(d.detail.facts['rounds']));
  }
});

test('client-id takeover causes: two clients fighting over an id only when it went back and forth; one takeover is one duplicate id', async () => {
  // fault-client-id-takeover: 4 rounds between two hosts (automatic reconnects); v5-takeover: the paho subscriber
  // tk-dup (no reconnect) taken over once by a mosquitto_pub -V 5 given the same id (fixtures/lab/capture_mqtt.sh).
  const fight = only(await diagnose(fault('fault-client-id-takeover')), 'diag.client-id-takeover');
  assert.deepEqual(fight.detail.causes, ['duplicate-client-id', 'auto-reconnect-fight']);
  const once = only(await diagnose(path.join(fixturesDir, 'mqtt', 'v5-takeover.pcap')), 'diag.client-id-takeover');
  assert.equal(once.detail.facts['rounds'], 1);
  assert.deepEqual(once.detail.causes, ['duplicate-client-id']);
  assert.doesNotMatch(describeDiagnosis(once, 'en')!.sentence, /back and forth/);
});

test('fault-pub-crash: a publisher that dies between its CONNACK and publish() (FIN, nothing sent but CONNECT): diag.client-sent-nothing, both paths', async () => {
  // student.py pub-crash, twice: paho reads the CONNACK on its loop_start() thread, then the script dies of a TypeError
  // building its payload; mosquitto logs "Client lab-pub closed its connection." and no PUBLISH.
  const file = fault('fault-pub-crash');
  for (const summaryOnly of [false, true]) {
    const list = await diagnose(file, { summaryOnly });
    assert.deepEqual(codes(list), ['diag.client-sent-nothing'], `summaryOnly ${summaryOnly}`);
    const d = only(list, 'diag.client-sent-nothing');
    assert.equal(d.detail.facts['client'], 'lab-pub (172.18.0.4)');
    assert.equal(d.detail.facts['count'], 2);
    assert.ok(Number(d.detail.facts['afterConnackSeconds']) > 0 && Number(d.detail.facts['afterConnackSeconds']) < 1);
    assert.deepEqual(d.detail.causes, ['program-stopped-after-connect', 'connect-check']);
    assert.match(describeDiagnosis(d, 'en')!.sentence, /^lab-pub \(172\.18\.0\.4\) closed 2 connections \(FIN, no DISCONNECT\) .* nothing but its CONNECT/);
    assert.match(describeDiagnosis(d, 'id')!.sentence, /^lab-pub \(172\.18\.0\.4\) menutup 2 koneksi \(FIN, tanpa DISCONNECT\)/);
    if (tsharkMissing === undefined) {
      // Each CONNECT of lab-pub, its CONNACK and its FIN are the evidence; tshark sees no PUBLISH at all.
      const connects = tsharkFrames(file, 'mqtt.msgtype == 1 && ip.src == 172.18.0.4');
      const fins = tsharkFrames(file, 'tcp.flags.fin == 1 && ip.src == 172.18.0.4');
      assert.equal(connects.length, 2);
      for (const f of [...connects, ...fins]) assert.ok(d.evidence.frames!.includes(f), `frame ${f} in the evidence`);
      assert.deepEqual(tsharkFrames(file, 'mqtt.msgtype == 3'), []);
    }
  }
  // A client that sent DISCONNECT, or was sent messages it never acknowledged, is no such client.
  assert.ok(!codes(await diagnose(fault('fault-qos-unacked'))).includes('diag.client-sent-nothing'));
  assert.ok(!codes(await diagnose(path.join(fixturesDir, 'reqresp.pcap'))).includes('diag.client-sent-nothing'));
});

test('fault-keepalive-will: the silent client dropped by the broker, and its Will the broker then delivered, named (both paths)', async () => {
  const file = fault('fault-keepalive-will');
  for (const summaryOnly of [false, true]) {
    const list = await diagnose(file, { summaryOnly });
    assert.deepEqual(codes(list), ['diag.keepalive-dropped']);
    const d = only(list, 'diag.keepalive-dropped');
    assert.equal(d.detail.facts['client'], 'lab-silent (10.72.0.4)');
    assert.equal(d.detail.facts['brokerClosed'], true);
    assert.equal(d.detail.facts['willTopic'], 'sister/status');
    assert.equal(d.detail.facts['willCopies'], 1);
    if (tsharkMissing === undefined) {
      // The silent client's CONNECT (the last it sent), the broker's FIN, and the Will's PUBLISH to the subscriber.
      const connect = tsharkFrames(file, 'mqtt.msgtype == 1 && mqtt.clientid == "lab-silent"');
      const brokerFin = tsharkFrames(file, 'tcp.flags.fin == 1 && tcp.srcport == 1883');
      const will = tsharkFrames(file, 'mqtt.msgtype == 3 && mqtt.msg == "lab-silent offline"', ['-d', 'tcp.port==1883,mqtt']);
      assert.equal(will.length, 1);
      assert.deepEqual(d.evidence.frames, [connect[0]!, brokerFin[0]!, will[0]!]);
    }
    assert.match(describeDiagnosis(d, 'en')!.sentence, /and the broker closed the connection; the broker then sent its Will on 'sister\/status' to 1 subscriber\.$/);
    assert.match(describeDiagnosis(d, 'id')!.sentence, /lalu broker menutup koneksinya; sesudahnya broker mengirim Will-nya di 'sister\/status' ke 1 subscriber\.$/);
  }
});

test('fault-subscriber-packet-size: the 300-byte messages mosquitto dropped for an MQTT 5 subscriber with Maximum Packet Size 200, none "to nobody" (both paths)', async () => {
  const file = fault('fault-subscriber-packet-size');
  for (const summaryOnly of [false, true]) {
    const list = await diagnose(file, { summaryOnly });
    assert.deepEqual(codes(list), ['diag.too-large-for-subscriber']);
    const d = only(list, 'diag.too-large-for-subscriber');
    assert.equal(d.detail.facts['subscriber'], 'lab-small (10.72.0.3)');
    assert.equal(d.detail.facts['maximumPacketSize'], 200);
    assert.equal(d.detail.facts['count'], 2);
    assert.deepEqual(d.detail.facts['topics'], ['sister/temp', 'sister/image']);
    assert.deepEqual(d.detail.facts['filters'], ['sister/#']);
    // 'sister/temp' with 300 bytes: 1 + 2 (remaining length 314) + 2 + 11 + 1 (no property) + 300.
    assert.equal(d.detail.facts['smallestSize'], 317);
    assert.equal(d.detail.facts['deliveredToOthers'], 1);
    if (tsharkMissing === undefined) {
      // lab-small's CONNECT and the two big PUBLISHes of the publisher; the broker sent lab-small no PUBLISH over 200 bytes.
      const connect = tsharkFrames(file, 'mqtt.msgtype == 1 && mqtt.clientid == "lab-small"');
      const big = tsharkFrames(file, 'mqtt.msgtype == 3 && ip.src == 10.72.0.4 && mqtt.len > 300');
      assert.equal(big.length, 2);
      assert.deepEqual(d.evidence.frames, [connect[0]!, ...big]);
      const smallPort = tsharkFields(file, ['tcp.srcport'], ['-Y', 'mqtt.msgtype == 1 && mqtt.clientid == "lab-small"'])[0]![0]!;
      assert.deepEqual(tsharkFrames(file, `mqtt.msgtype == 3 && tcp.dstport == ${smallPort} && frame.len > 200`), []);
      assert.equal(tsharkFrames(file, `mqtt.msgtype == 3 && tcp.dstport == ${smallPort}`).length, 1);
    }
    assert.match(describeDiagnosis(d, 'en')!.sentence, /more than the Maximum Packet Size of 200 bytes this subscriber set in its CONNECT, so the broker dropped them for it without a word \(1 of them reached other subscribers\)\.$/);
    assert.match(describeDiagnosis(d, 'id')!.sentence, /melebihi Maximum Packet Size 200 byte yang ditetapkan subscriber ini di CONNECT-nya/);
  }
});

test('fault-publish-not-allowed: MQTT 5 DISCONNECT 0x94, 0x9A, 0x9B explained by what the CONNACK allowed (Topic Alias Maximum, Retain Available, Maximum QoS), both paths', async () => {
  const file = fault('fault-publish-not-allowed');
  for (const summaryOnly of [false, true]) {
    const list = await diagnose(file, { summaryOnly });
    assert.deepEqual(codes(list), ['diag.publish-refused', 'diag.publish-refused', 'diag.publish-refused']);
    const byCode = new Map(list.map((d) => [d.detail.facts['code'], d]));
    const alias = byCode.get('0x94')!;
    assert.equal(alias.detail.facts['publisher'], 'm5-alias (10.72.0.4)');
    assert.equal(alias.detail.facts['topicAlias'], 50);
    assert.equal(alias.detail.facts['topicAliasMaximum'], 10);
    assert.deepEqual(alias.detail.causes, ['topic-alias-over-maximum']);
    assert.match(describeDiagnosis(alias, 'en')!.causes[0]!, /^the client used Topic Alias 50, but the broker's CONNACK allowed aliases up to 10 only/);
    assert.match(describeDiagnosis(alias, 'id')!.causes[0]!, /^client memakai Topic Alias 50, padahal CONNACK broker hanya mengizinkan alias sampai 10/);
    const retain = byCode.get('0x9a')!;
    assert.equal(retain.detail.facts['publisher'], 'm5-retain (10.72.0.4)');
    assert.equal(retain.detail.facts['retainAvailable'], false);
    assert.deepEqual(retain.detail.causes, ['retain-not-available']);
    const qos = byCode.get('0x9b')!;
    assert.equal(qos.detail.facts['publisher'], 'm5-qos2 (10.72.0.4)');
    assert.equal(qos.detail.facts['qos'], 2);
    assert.equal(qos.detail.facts['maximumQos'], 1);
    assert.deepEqual(qos.detail.causes, ['qos-over-maximum']);
    for (const d of list) assert.ok(d.detail.checks.includes('connack-allowed'));
    if (tsharkMissing === undefined) {
      // Each refusal's frames: the client's PUBLISH and the broker's DISCONNECT with that reason code.
      for (const [code, d] of [[148, alias], [154, retain], [155, qos]] as const) {
        const disconnect = tsharkFrames(file, `mqtt.msgtype == 14 && mqtt.disconnect.reason_code == ${code}`);
        assert.equal(disconnect.length, 1);
        assert.deepEqual(d.evidence.frames, [disconnect[0]! - 1, disconnect[0]!]);
        assert.deepEqual(tsharkFrames(file, `frame.number == ${disconnect[0]! - 1} && mqtt.msgtype == 3`), [disconnect[0]! - 1]);
      }
      // What the broker's CONNACK said (tshark: Maximum QoS 1 in each of the three CONNACKs).
      assert.equal(tsharkFrames(file, 'mqtt.msgtype == 2 && mqtt.property.max_qos == 1').length, 3);
    }
  }
});

test('fault-unsubscribe-unmatched: UNSUBACK 0x11 for sister/Temp, the subscription to sister/temp stays and keeps delivering (both paths)', async () => {
  const file = fault('fault-unsubscribe-unmatched');
  for (const summaryOnly of [false, true]) {
    const list = await diagnose(file, { summaryOnly });
    assert.deepEqual(codes(list), ['diag.unsubscribe-unmatched']);
    const d = only(list, 'diag.unsubscribe-unmatched');
    assert.equal(d.detail.facts['client'], 'm5-sub (10.72.0.3)');
    assert.deepEqual(d.detail.facts['filters'], ['sister/Temp']);
    assert.deepEqual(d.detail.facts['stillSubscribed'], ['sister/temp']);
    assert.equal(d.detail.facts['received'], 2);
    assert.deepEqual(d.detail.causes, ['unsubscribe-filter-differs']);
    if (tsharkMissing === undefined) {
      // The UNSUBSCRIBE, its UNSUBACK 0x11, and the 2 messages the broker still delivered to m5-sub afterwards.
      const unsubscribe = tsharkFrames(file, 'mqtt.msgtype == 10');
      const unsuback = tsharkFrames(file, 'mqtt.msgtype == 11 && mqtt.unsuback.reason_code == 0x11');
      const port = tsharkFields(file, ['tcp.srcport'], ['-Y', 'mqtt.msgtype == 10'])[0]![0]!;
      const delivered = tsharkFrames(file, `mqtt.msgtype == 3 && tcp.dstport == ${port}`);
      assert.equal(delivered.length, 2);
      assert.deepEqual(d.evidence.frames, [unsubscribe[0]!, unsuback[0]!, ...delivered]);
    }
    assert.match(describeDiagnosis(d, 'en')!.sentence, /^m5-sub \(10\.72\.0\.3\) unsubscribed from 'sister\/Temp' but had no subscription with that exact filter: .*; its subscription to 'sister\/temp' stays, and the broker delivered 2 more messages on it afterwards\.$/);
    assert.match(describeDiagnosis(d, 'id')!.sentence, /subscription-nya ke 'sister\/temp' tetap berlaku, dan sesudahnya broker masih mengirim 2 pesan lagi/);
  }
});

test('fault-keepalive-mqtt5: an MQTT 5 client whose loop never ran, closed by the broker (FIN) and reset by the client only when it exited, is a keep-alive drop, no reset (both paths)', async () => {
  const file = fault('fault-keepalive-mqtt5');
  for (const summaryOnly of [false, true]) {
    const list = await diagnose(file, { summaryOnly });
    assert.deepEqual(codes(list), ['diag.keepalive-dropped']);
    const d = only(list, 'diag.keepalive-dropped');
    assert.equal(d.detail.facts['client'], 'm5-stuck (10.72.0.4)');
    assert.equal(d.detail.facts['keepAlive'], 2);
    assert.equal(d.detail.facts['brokerClosed'], true);
    assert.ok(Number(d.detail.facts['silentSeconds']) >= 3 && Number(d.detail.facts['silentSeconds']) < 6);
    if (tsharkMissing === undefined) {
      // The CONNECT (the client's only packet) and the broker's FIN, not the client's RST that came later.
      const connect = tsharkFrames(file, 'mqtt.msgtype == 1');
      const brokerFin = tsharkFrames(file, 'tcp.flags.fin == 1 && tcp.srcport == 1883');
      const rst = tsharkFrames(file, 'tcp.flags.reset == 1 && tcp.dstport == 1883');
      assert.equal(rst.length, 1);
      assert.ok(rst[0]! > brokerFin[0]!);
      assert.deepEqual(d.evidence.frames, [connect[0]!, brokerFin[0]!]);
    }
  }
});

test('fault-keepalive: silent past 1.5 × keep-alive, dropped by the broker (full path); still found on the summary path', async () => {
  const file = fault('fault-keepalive');
  const list = await diagnose(file);
  assert.deepEqual(codes(list), ['diag.keepalive-dropped']);
  const d = only(list, 'diag.keepalive-dropped');
  assert.equal(d.detail.facts['keepAlive'], 2);
  assert.equal(d.detail.facts['brokerClosed'], true);
  assert.ok(Number(d.detail.facts['silentSeconds']) >= 3);
  if (tsharkMissing === undefined) {
    const connect = tsharkFrames(file, 'mqtt.msgtype == 1');
    const brokerFin = tsharkFrames(file, 'tcp.flags.fin == 1 && tcp.srcport == 1883');
    assert.deepEqual(d.evidence.frames, [connect[0]!, brokerFin[0]!]);
  }
  const summaryPath = await diagnose(file, { summaryOnly: true });
  assert.deepEqual(codes(summaryPath), ['diag.keepalive-dropped']);
});

test('fault-keepalive-link-down: two clients whose host lost its link, dropped by the broker in one sweep, are keep-alive drops of clients that were gone, not a stopped broker, and their unanswered FINs are not harmless (both paths)', async () => {
  const file = fault('fault-keepalive-link-down');
  for (const summaryOnly of [false, true]) {
    const list = await diagnose(file, { summaryOnly });
    assert.deepEqual(codes(list), ['diag.keepalive-dropped', 'diag.keepalive-dropped']);
    const clients = list.map((d) => d.detail.facts['client']).sort();
    assert.deepEqual(clients, ['lab-humidity (172.18.0.4)', 'lab-temp (172.18.0.4)']);
    for (const d of list) {
      assert.equal(d.detail.facts['keepAlive'], 2);
      assert.equal(d.detail.facts['brokerClosed'], true);
      assert.equal(d.detail.facts['clientGone'], true);
      assert.equal(d.detail.causes[0], 'client-network-lost');
      assert.match(describeDiagnosis(d, 'en')!.sentence, /and the broker closed the connection, a close the client never answered \(not even with a TCP ACK\): its host or network was gone\.$/);
      assert.match(describeDiagnosis(d, 'id')!.sentence, /penutupan itu tidak pernah dijawab client \(bahkan tidak dengan TCP ACK\)/);
    }
    if (tsharkMissing === undefined) {
      // Each client's last PUBLISH and the broker's first FIN to it; its retransmitted FINs are never acknowledged.
      const brokerFins = tsharkFrames(file, 'tcp.flags.fin == 1 && tcp.srcport == 1883 && !tcp.analysis.retransmission');
      assert.equal(brokerFins.length, 2);
      assert.deepEqual(list.map((d) => d.evidence.lastFrame).sort((a, b) => a - b), brokerFins);
      assert.ok(tsharkFrames(file, 'tcp.analysis.retransmission && tcp.flags.fin == 1').length >= 2);
      assert.deepEqual(tsharkFrames(file, 'tcp.dstport == 1883 && frame.number > ' + brokerFins[0]), []);
    }
  }
});

test('fault-host-down: a client whose ARP for the broker address is never answered is told the address has no host, the broker that works named (both paths); only a subscriber\'s healthy session beside it', async () => {
  const file = fault('fault-host-down');
  for (const summaryOnly of [false, true]) {
    const list = await diagnose(file, { summaryOnly });
    assert.deepEqual(codes(list), ['diag.broker-unreachable']);
    const d = only(list, 'diag.broker-unreachable');
    assert.equal(d.detail.facts['outcome'], 'no-arp');
    assert.equal(d.detail.facts['server'], '172.18.0.9');
    assert.deepEqual(d.detail.facts['clients'], ['172.18.0.4']);
    assert.deepEqual(d.detail.facts['brokers'], ['172.18.0.2:1883']);
    assert.equal(d.detail.facts['arpRequests'], 3);
    assert.deepEqual(d.detail.causes, ['wrong-address', 'host-down']);
    if (tsharkMissing === undefined) {
      assert.deepEqual(d.evidence.frames, tsharkFrames(file, 'arp.opcode == 1 && arp.dst.proto_ipv4 == 172.18.0.9'));
      assert.deepEqual(tsharkFrames(file, 'arp.src.proto_ipv4 == 172.18.0.9 || ip.addr == 172.18.0.9'), []);
    }
    assert.match(describeDiagnosis(d, 'en')!.sentence, /^Nobody answered at 172\.18\.0\.9: 172\.18\.0\.4 asked for its hardware address 3 times over .* \(ARP "Who has 172\.18\.0\.9\?"\) and got no reply, .*; the MQTT broker in this capture is at 172\.18\.0\.2:1883\.$/);
    assert.match(describeDiagnosis(d, 'id')!.sentence, /^Tidak ada yang menjawab di 172\.18\.0\.9: 172\.18\.0\.4 menanyakan alamat hardware-nya 3 kali/);
  }
});

test('fault-host-down-ipv6: Neighbor Solicitations for the broker address never answered by an Advertisement are said as the ARP case is (both paths)', async () => {
  const file = fault('fault-host-down-ipv6');
  for (const summaryOnly of [false, true]) {
    const list = await diagnose(file, { summaryOnly });
    assert.deepEqual(codes(list), ['diag.broker-unreachable']);
    const d = only(list, 'diag.broker-unreachable');
    assert.equal(d.detail.facts['outcome'], 'no-arp');
    assert.equal(d.detail.facts['ndp'], true);
    assert.equal(d.detail.facts['server'], 'fd00:172:18::9');
    assert.deepEqual(d.detail.facts['clients'], ['fd00:172:18::4']);
    assert.deepEqual(d.detail.facts['brokers'], ['[fd00:172:18::2]:1883']);
    assert.equal(d.detail.facts['arpRequests'], 3);
    assert.deepEqual(d.detail.causes, ['wrong-address', 'host-down']);
    if (tsharkMissing === undefined) {
      // tshark: three Neighbor Solicitations for ::9, and nothing from it (no Advertisement, no packet).
      assert.deepEqual(d.evidence.frames, tsharkFrames(file, 'icmpv6.type == 135 && icmpv6.nd.ns.target_address == fd00:172:18::9'));
      assert.deepEqual(tsharkFrames(file, 'ipv6.src == fd00:172:18::9 || icmpv6.nd.na.target_address == fd00:172:18::9 || ipv6.dst == fd00:172:18::9'), []);
    }
    assert.match(describeDiagnosis(d, 'en')!.sentence, /^Nobody answered at fd00:172:18::9: fd00:172:18::4 asked for its hardware address 3 times over .* \(IPv6 Neighbor Solicitation for fd00:172:18::9\) and got no Neighbor Advertisement, .*; the MQTT broker in this capture is at \[fd00:172:18::2\]:1883\.$/);
    assert.match(describeDiagnosis(d, 'id')!.sentence, /^Tidak ada yang menjawab di fd00:172:18::9: fd00:172:18::4 menanyakan alamat hardware-nya 3 kali .* \(IPv6 Neighbor Solicitation untuk fd00:172:18::9\) dan tidak mendapat Neighbor Advertisement, /);
  }
  // The lab's IPv6 capture: its Solicitations were all answered; nothing is said.
  assert.deepEqual(codes(await diagnose(path.join(fixturesDir, 'ipv6.pcap'))), []);
});

test('fault-firewall-drop: SYNs unanswered while the same broker answers another host are this client\'s packets dropped, not a wrong address or a host down (both paths)', async () => {
  const file = fault('fault-firewall-drop');
  for (const summaryOnly of [false, true]) {
    const list = await diagnose(file, { summaryOnly });
    assert.deepEqual(codes(list), ['diag.broker-unreachable']);
    const d = only(list, 'diag.broker-unreachable');
    assert.equal(d.detail.facts['outcome'], 'unanswered');
    assert.equal(d.detail.facts['server'], '172.18.0.2:1883');
    assert.deepEqual(d.detail.facts['clients'], ['172.18.0.4']);
    assert.deepEqual(d.detail.facts['answeredOthers'], ['172.18.0.3']);
    assert.deepEqual(d.detail.causes, ['firewall-drops-client']);
    if (tsharkMissing === undefined) {
      assert.deepEqual(d.evidence.frames, tsharkFrames(file, 'tcp.flags.syn == 1 && ip.src == 172.18.0.4'));
    }
    assert.match(describeDiagnosis(d, 'en')!.sentence, /^Nobody answered 172\.18\.0\.4 at 172\.18\.0\.2:1883: 4 SYNs in 1 connection attempt over .* got no reply, while the broker was answering 172\.18\.0\.3 at that time or later: .*drops this client's packets\.$/);
    assert.match(describeDiagnosis(d, 'id')!.sentence, /padahal broker menjawab 172\.18\.0\.3 pada saat itu atau sesudahnya/);
  }
});

test('fault-firewall-drop cut after the subscriber\'s SUBACK (its connection mid-stream): the broker heard on it after the unanswered SYN is still up', { skip: spawnSync('editcap', ['-h']).status === 0 ? false : 'editcap not installed' }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mqtt-pcap-fw-'));
  try {
    const cut = path.join(dir, 'cut.pcap');
    // Frames 1-12: ARP, the subscriber's handshake, CONNECT/CONNACK and SUBSCRIBE/SUBACK, left out.
    assert.equal(spawnSync('editcap', [fault('fault-firewall-drop'), cut, '1-12']).status, 0);
    const d = only(await diagnose(cut), 'diag.broker-unreachable');
    assert.deepEqual(d.detail.facts['answeredOthers'], ['172.18.0.3']);
    assert.deepEqual(d.detail.causes, ['firewall-drops-client']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fault-broker-vanished: a broker host gone mid-session is a broker that stopped answering (not a wrong address), its unacknowledged PINGREQ data never delivered, and the subscriber that kept pinging no silent client (both paths)', async () => {
  const file = fault('fault-broker-vanished');
  for (const summaryOnly of [false, true]) {
    const list = await diagnose(file, { summaryOnly });
    assert.deepEqual(codes(list), ['diag.broker-unreachable', 'diag.tcp-retransmitted-data']);
    const d = only(list, 'diag.broker-unreachable');
    assert.equal(d.detail.facts['outcome'], 'unanswered');
    assert.deepEqual(d.detail.facts['answeredBefore'], ['172.18.0.3', '172.18.0.4']);
    assert.deepEqual(d.detail.causes, ['peer-gone']);
    const r = only(list, 'diag.tcp-retransmitted-data');
    assert.equal(r.detail.facts['neverAcknowledged'], true);
    assert.equal(r.detail.facts['silentPeer'], '172.18.0.2:1883');
    assert.deepEqual(r.detail.causes, ['peer-gone', 'packet-loss']);
    if (tsharkMissing === undefined) {
      const brokerLast = tsharkFrames(file, 'ip.src == 172.18.0.2').pop()!;
      assert.ok(Number(d.detail.facts['lastHeardAt']) > 0);
      assert.deepEqual(d.evidence.frames, tsharkFrames(file, `tcp.flags.syn == 1 && tcp.flags.ack == 0 && frame.number > ${brokerLast}`));
      assert.deepEqual(r.evidence.frames, tsharkFrames(file, 'tcp.analysis.retransmission && tcp.len > 0'));
    }
    assert.match(describeDiagnosis(d, 'en')!.sentence, /^The broker at 172\.18\.0\.2:1883 stopped answering: it had answered 172\.18\.0\.3 and 172\.18\.0\.4 earlier in the capture \(last heard at t=.*\), then \d+ SYNs in 1 connection attempt over .* got no reply: not a wrong address, the broker or its host went away\.$/);
    assert.match(describeDiagnosis(d, 'id')!.sentence, /^Broker di 172\.18\.0\.2:1883 berhenti menjawab/);
    assert.match(describeDiagnosis(r, 'en')!.sentence, /and it was never acknowledged: nothing came back from 172\.18\.0\.2:1883 after t=.*, to the end of the capture, so the data was not delivered\.$/);
    assert.match(describeDiagnosis(r, 'id')!.sentence, /tidak pernah diakui \(ACK\)/);
  }
});

test('a broker that stopped under a single session is said so, not as "all 1 open connections" (en and id)', () => {
  const facts = { server: '172.18.0.2:1883', stoppedAt: 0.77, windowSeconds: 0, dropped: 1, clients: ['lab-sub (172.18.0.3)'], refusedAfter: 1 };
  assert.equal(sentence('diag.broker-stopped', facts, 'en'),
    'The broker at 172.18.0.2:1883 stopped at t=0.77 s: it closed the open connection of lab-sub (172.18.0.3) and refused 1 new connection afterwards.');
  assert.equal(sentence('diag.broker-stopped', facts, 'id'),
    'Broker di 172.18.0.2:1883 berhenti pada t=0,77 s: koneksi lab-sub (172.18.0.3) yang terbuka ditutup olehnya dan 1 koneksi baru ditolak sesudahnya.');
});

test('fault-broker-hung: a broker paused for 3 s answers a PUBACK and a CONNACK seconds late: a stalled broker, not "all is well" (both paths)', async () => {
  const file = fault('fault-broker-hung');
  for (const summaryOnly of [false, true]) {
    const list = await diagnose(file, { summaryOnly });
    assert.deepEqual(codes(list), ['diag.broker-slow']);
    const d = only(list, 'diag.broker-slow');
    assert.equal(d.detail.facts['server'], '172.18.0.2:1883');
    assert.equal(d.detail.facts['count'], 2);
    assert.equal(d.detail.facts['connections'], 2);
    assert.deepEqual(d.detail.facts['clients'], ['lab-pub (172.18.0.4)', 'lab-late (172.18.0.3)']);
    assert.deepEqual(d.detail.facts['answers'], ['PUBACK', 'CONNACK']);
    assert.ok(Number(d.detail.facts['maxWaitSeconds']) > 2 && Number(d.detail.facts['maxWaitSeconds']) < 3.5);
    assert.equal(d.detail.confidence, 'high');
    if (tsharkMissing === undefined) {
      // The late CONNACK and PUBACK, and the CONNECT and PUBLISH they answer.
      const connect = tsharkFrames(file, 'mqtt.msgtype == 1 && mqtt.clientid == "lab-late"');
      assert.ok(d.evidence.frames!.includes(connect[0]!));
      const connack = tsharkFrames(file, `mqtt.msgtype == 2 && tcp.dstport == ${tsharkFields(file, ['tcp.srcport'], ['-Y', 'mqtt.clientid == "lab-late"'])[0]![0]}`);
      assert.ok(d.evidence.frames!.includes(connack[0]!));
    }
    assert.match(describeDiagnosis(d, 'en')!.sentence, /^The broker at 172\.18\.0\.2:1883 answered 2 requests of lab-pub \(172\.18\.0\.4\) and lab-late \(172\.18\.0\.3\) more than a second late \(PUBACK and CONNACK; up to .* s\) between t=.* and t=.*, on 2 connections at once: a broker answers in milliseconds, so it stalled\.$/);
    assert.match(describeDiagnosis(d, 'id')!.sentence, /terlambat lebih dari satu detik \(PUBACK dan CONNACK; hingga .*di 2 koneksi sekaligus/);
  }
});

test('fault-malformed-packet: a QoS 3 PUBLISH with its DISCONNECT in one segment, the broker\'s RST after them (it closed with the DISCONNECT unread); one whose DISCONNECT crossed the broker\'s FIN: both diag.protocol-violation (both paths)', async () => {
  // mosquitto: "Client lab-leave disconnected due to malformed packet." (twice), "Client lab-cross disconnected due to
  // malformed packet.". Until session 16 lab-leave was diag.malformed-packet ("the capture does not show the broker
  // closing"), its RST not read as the broker's closing.
  const file = fault('fault-malformed-packet');
  for (const summaryOnly of [false, true]) {
    const list = await diagnose(file, { summaryOnly });
    assert.deepEqual(codes(list), ['diag.protocol-violation', 'diag.protocol-violation']);
    assert.deepEqual(list.map((v) => [v.detail.facts['client'], v.detail.facts['rule'], v.detail.facts['how'], v.detail.facts['count']]),
      [['lab-leave (172.18.0.4)', 'malformed', 'reset', 2], ['lab-cross (172.18.0.4)', 'malformed', 'closed', 1]]);
    const leave = list[0]!;
    const cross = list[1]!;
    if (tsharkMissing === undefined) {
      // tshark's frames of the QoS 3 PUBLISHes (its expert info: malformed), per client port; the broker's RST on
      // lab-leave's connections, its FIN on lab-cross's.
      const qos3 = tsharkFields(file, ['frame.number', 'tcp.srcport'], ['-Y', 'mqtt.msgtype == 3 && mqtt.qos == 3']);
      assert.equal(qos3.length, 3);
      const rst = qos3.slice(0, 2).map((r) => tsharkFrames(file, `tcp.flags.reset == 1 && tcp.srcport == 1883 && tcp.dstport == ${r[1]}`)[0]!);
      assert.deepEqual(leave.evidence.frames, [Number(qos3[0]![0]), rst[0]!, Number(qos3[1]![0]), rst[1]!]);
      const fin = tsharkFrames(file, `tcp.flags.fin == 1 && tcp.srcport == 1883 && tcp.dstport == ${qos3[2]![1]}`);
      assert.deepEqual(cross.evidence.frames, [Number(qos3[2]![0]), fin[0]!]);
      // The client's DISCONNECT came after the broker's FIN.
      const disconnect = tsharkFrames(file, `mqtt.msgtype == 14 && tcp.srcport == ${qos3[2]![1]}`);
      assert.ok(disconnect[0]! > fin[0]!);
    }
    assert.match(describeDiagnosis(leave, 'en')!.sentence, /^The broker reset the connection of lab-leave \(172\.18\.0\.4\) right after it sent "Publish Message \(id=1\) \[sister\/temp\]" \(2 times, on each reconnect\): the packet is malformed: QoS 3 does not exist/);
    assert.match(describeDiagnosis(leave, 'id')!.sentence, /^Broker me-reset koneksi lab-leave \(172\.18\.0\.4\)/);
  }
});

test('fault-qos-unacked: six QoS 1 deliveries never acknowledged, three of them DUP redeliveries', async () => {
  const file = fault('fault-qos-unacked');
  const list = await diagnose(file);
  assert.deepEqual(codes(list), ['diag.qos-redelivered', 'diag.qos-unacknowledged']);
  const unacked = only(list, 'diag.qos-unacknowledged');
  assert.equal(unacked.detail.facts['count'], 6);
  assert.equal(unacked.detail.facts['sender'], 'broker');
  assert.match(String(unacked.detail.facts['receiver']), /^lab-noack /);
  const dup = only(list, 'diag.qos-redelivered');
  assert.equal(dup.detail.facts['count'], 3);
  if (tsharkMissing === undefined) {
    assert.deepEqual(dup.evidence.frames, tsharkFrames(file, 'mqtt.msgtype == 3 && mqtt.dupflag == 1'));
    assert.deepEqual(unacked.evidence.frames, tsharkFrames(file, 'mqtt.msgtype == 3 && tcp.srcport == 1883'));
  }
});

test('fault-no-mqtt: says what the capture holds instead', async () => {
  const list = await diagnose(fault('fault-no-mqtt'));
  assert.deepEqual(codes(list), ['diag.no-mqtt']);
  const d = only(list, 'diag.no-mqtt');
  assert.deepEqual(d.detail.facts['protocols'], ['arp 2', 'udp 2', 'icmp 2']);
  assert.deepEqual(d.evidence, { firstFrame: 1, lastFrame: 6, count: 6, frames: [1, 2, 3, 4, 5, 6] });
  assert.equal(d.detail.checks[0], 'bridge-interface');
});

/** The healthy lab captures: no diagnosis, except notes that explain how the capture was made. */
const HEALTHY: Record<string, { file: string; ports?: number[]; expected: string[] }> = {
  reqresp: { file: 'reqresp.pcap', expected: [] },
  'reqresp-gz': { file: 'reqresp.pcap.gz', expected: [] },
  'reqresp-pcapng': { file: 'reqresp.pcapng', expected: [] },
  'reqresp-ns': { file: 'reqresp-ns.pcap', expected: [] },
  'reqresp-ns-pcapng': { file: 'reqresp-ns.pcapng', expected: [] },
  'reqresp-cut': { file: 'reqresp-cut.pcap', expected: [] },
  'reqresp-snaplen': { file: 'reqresp-snaplen.pcap', expected: ['diag.snaplen-cut'] },
  'reqresp-any': { file: 'reqresp-any.pcap', expected: ['diag.duplicate-frames'] },
  'reqresp-any-sll': { file: 'reqresp-any-sll.pcap', expected: ['diag.duplicate-frames'] },
  loopback: { file: 'loopback.pcap', expected: [] },
  // One broker on lo, its subscriber over ::1 and its publisher over 127.0.0.1: one machine, one broker.
  'loopback-dual': { file: 'loopback-dual.pcap', expected: [] },
  ipv6: { file: 'ipv6.pcap', expected: [] },
  'nonstandard-port': { file: 'nonstandard-port.pcap', ports: [1884], expected: ['diag.nonstandard-port'] },
  websocket: { file: 'websocket.pcap', expected: ['diag.mqtt-over-websocket'] },
  tls: { file: 'tls.pcap', expected: ['diag.mqtt-over-tls'] },
  // The MQTT 5 capture's step 6 is two deliberately wrong passwords: they are diagnosed, nothing else is.
  'qos-mqtt5': { file: 'qos-mqtt5.pcap', expected: ['diag.connack-refused', 'diag.connack-refused'] },
};

test('loopback-dual.pcap: the copies sent over ::1 are traced to the messages published over 127.0.0.1 (one machine)', async () => {
  const file = path.join(fixturesDir, 'loopback-dual.pcap');
  const { events } = await analyzeCapture(file);
  const publishes = events.filter((e) => e.kind === 'packet' && e.layer === 'mqtt' && e.type === 'PUBLISH');
  const sent = publishes.filter((e) => e.kind === 'packet' && e.layer === 'mqtt' && e.direction === 'client').map((e) => e.frame);
  const copies = publishes.filter((e) => e.kind === 'packet' && e.layer === 'mqtt' && e.direction === 'server');
  // tshark: the publisher's PUBLISH frames over IPv4, the broker's copies over IPv6.
  assert.deepEqual(sent, tsharkFrames(file, 'mqtt.msgtype == 3 && ip.src == 127.0.0.1'));
  assert.deepEqual(copies.map((e) => e.frame), tsharkFrames(file, 'mqtt.msgtype == 3 && ipv6.src == ::1 && tcp.srcport == 1883'));
  assert.equal(copies.length, 5);
  assert.deepEqual(copies.map((e) => e.kind === 'packet' && e.layer === 'mqtt' ? e.sourceFrame : undefined), sent);
});

for (const [name, h] of Object.entries(HEALTHY)) {
  test(`healthy lab capture ${name}: ${h.expected.length === 0 ? 'no diagnosis' : h.expected.join(', ')}`, async () => {
    const list = await diagnose(path.join(fixturesDir, h.file), h.ports !== undefined ? { ports: h.ports } : {});
    assert.deepEqual(codes(list), [...h.expected].sort());
    // What explains how a healthy capture was made is a note, never a warning or an error.
    for (const d of list) if (d.code !== 'diag.connack-refused') assert.equal(d.severity, 'note', `${name}: ${d.summary}`);
  });
}

test('qos-mqtt5: the refusals are the two wrong passwords of step 6, in words', async () => {
  const list = await diagnose(path.join(fixturesDir, 'qos-mqtt5.pcap'));
  const names = list.map((d) => (d.detail.facts['clients'] as string[]).join()).sort();
  assert.deepEqual(names, ['lab-bad311 (172.18.0.4)', 'lab-bad5 (172.18.0.4)']);
});

test('every diagnosis found is worded in English and Bahasa Indonesia, from its facts alone', async () => {
  const seen = new Set<string>();
  const files = ['fault-topic-typo', 'fault-late-subscriber', 'fault-broker-stopped', 'fault-broker-restart', 'fault-invalid-filter', 'fault-acl-denied', 'fault-no-broker', 'fault-unreachable',
    'fault-wrong-port-1884', 'fault-bad-password', 'fault-client-id-takeover', 'fault-keepalive', 'fault-qos-unacked', 'fault-no-mqtt', 'fault-max-connections', 'fault-keepalive-will',
    'fault-tls-plain-port', 'fault-message-too-large', 'fault-plain-tls-port', 'fault-protocol-violation', 'fault-keepalive-mqtt5', 'fault-subscriber-packet-size',
    'fault-publish-not-allowed', 'fault-unsubscribe-unmatched', 'fault-keepalive-link-down', 'fault-host-down', 'fault-host-down-ipv6', 'fault-firewall-drop', 'fault-broker-vanished', 'fault-publisher-typo', 'fault-broker-hung', 'fault-malformed-packet', 'fault-violation-will', 'fault-pub-crash'].map(fault);
  for (const file of [...files, ...['reqresp-snaplen.pcap', 'reqresp-any.pcap', 'websocket.pcap', 'tls.pcap', 'edge/not-mqtt.pcap'].map((f) => path.join(fixturesDir, f))]) {
    for (const d of await diagnose(file)) {
      seen.add(d.code);
      const en = describeDiagnosis(d, 'en')!;
      const id = describeDiagnosis(d, 'id')!;
      assert.equal(d.summary, en.sentence);
      for (const text of [en.sentence, id.sentence, ...en.causes, ...id.causes, ...en.checks, ...id.checks]) {
        assert.doesNotMatch(text, /undefined|NaN|\{\w+\}|\[object/, `${d.code}: ${text}`);
      }
      assert.notEqual(en.sentence, id.sentence);
      assert.ok(en.causes.length > 0 && en.checks.length > 0, d.code);
      assert.equal(en.causes.length, id.causes.length);
      assert.ok(d.evidence.count >= 1 && d.evidence.firstFrame >= 1 && d.evidence.lastFrame >= d.evidence.firstFrame);
    }
  }
  // The fault captures and lab captures exercise most codes; the rest are covered by the corpus (docs/diagnoses.md).
  assert.ok(seen.size >= 21, `only ${[...seen].join(', ')}`);
  for (const code of seen) assert.ok(DIAGNOSIS_CODES.includes(code as never));
});

test('MQTT over TLS without its key log: the MQTT inside cannot be read, and how to get a key log (paho, mosquitto), in both languages', async () => {
  const list = await diagnose(path.join(fixturesDir, 'tls-13.pcap'));
  const d = only(list, 'diag.mqtt-over-tls');
  assert.deepEqual(d.detail.checks, ['tls-keys', 'keylog-paho', 'keylog-mosquitto']);
  const en = describeDiagnosis(d, 'en')!;
  const id = describeDiagnosis(d, 'id')!;
  assert.match(en.sentence, /encrypted and cannot be read/);
  assert.match(en.checks.join('\n'), /SSLKEYLOGFILE[\s\S]*paho-mqtt[\s\S]*client\.tls_set_context\(ctx\)[\s\S]*mosquitto_pub\/mosquitto_sub/);
  assert.match(id.checks.join('\n'), /SSLKEYLOGFILE[\s\S]*paho-mqtt[\s\S]*client\.tls_set_context\(ctx\)[\s\S]*mosquitto_pub\/mosquitto_sub/);
  assert.match(id.sentence, /terenkripsi dan tidak bisa dibaca/);
});

test('MQTT over TLS with a key log that lacks its secrets (tls.no-secret): diag.tls-not-decrypted, not silence', async () => {
  // tls-13.pcap with the key log of the TLS 1.2 capture: a key log, but of another run.
  const list = await diagnose(path.join(fixturesDir, 'tls-13.pcap'), { keyLog: path.join(fixturesDir, 'tls-12.keys') });
  assert.deepEqual(codes(list), ['diag.tls-not-decrypted']);
  const d = only(list, 'diag.tls-not-decrypted');
  assert.equal(d.severity, 'warning');
  assert.deepEqual(d.detail.facts, { server: '172.18.0.2:8883', port: 8883, count: 1 });
  assert.deepEqual(d.detail.causes, ['keylog-other-run', 'keylog-not-written']);
  assert.equal(d.evidence.count, 1);
  const id = describeDiagnosis(d, 'id')!;
  assert.equal(id.sentence, 'Key log tidak memuat rahasia untuk 1 sesi TLS dengan 172.18.0.2:8883: MQTT di dalamnya tetap terenkripsi dan tidak bisa dibaca.');
  assert.match(describeDiagnosis(d, 'en')!.checks[0]!, /written by the client during this very capture/);
  // With its own key log the capture is read: no TLS diagnosis at all.
  const own = await diagnose(path.join(fixturesDir, 'tls-13.pcap'), { keyLog: path.join(fixturesDir, 'tls-13.keys') });
  assert.deepEqual(codes(own).filter((c) => c.includes('tls')), []);
});

test('big-snaplen: diag.snaplen-cut counts the frames cut (as tshark) and the MQTT packets they cut, both said', async () => {
  const file = path.join(fixturesDir, 'edge', 'big-snaplen.pcap');
  const d = only(await diagnose(file), 'diag.snaplen-cut');
  assert.equal(d.detail.facts['packets'], 2); // the 70000-byte PUBLISH and its forwarded copy
  assert.equal(d.detail.facts['count'], d.evidence.count);
  if (tsharkMissing === undefined) {
    const cut = tsharkFrames(file, 'frame.cap_len < frame.len');
    assert.equal(d.evidence.count, cut.length);
    assert.deepEqual(d.evidence.frames, cut.slice(0, 20));
  }
  assert.match(describeDiagnosis(d, 'en')!.sentence, /^98 frames were cut by the capture's snapshot length: 2 MQTT packets are incomplete/);
  assert.match(describeDiagnosis(d, 'id')!.sentence, /^98 frame terpotong oleh snapshot length capture: 2 paket MQTT tidak lengkap/);
  // One frame per cut packet: the two counts agree.
  const small = only(await diagnose(path.join(fixturesDir, 'reqresp-snaplen.pcap')), 'diag.snaplen-cut');
  assert.equal(small.detail.facts['count'], small.detail.facts['packets']);
});

test('fault-name-not-resolved: the publisher asked for mqtt-brokr, got "No such name" 4 times and never connected; the pair on mqtt-broker is fine', async () => {
  const file = fault('fault-name-not-resolved');
  const list = await diagnose(file);
  assert.deepEqual(codes(list), ['diag.name-not-resolved']);
  const d = only(list, 'diag.name-not-resolved');
  assert.equal(d.severity, 'error');
  assert.equal(d.detail.facts['host'], '10.73.0.4');
  assert.equal(d.detail.facts['server'], '10.73.0.2');
  assert.equal(d.detail.facts['name'], 'mqtt-brokr');
  assert.deepEqual(d.detail.facts['names'], ['mqtt-brokr']);
  assert.equal(d.detail.facts['meant'], 'mqtt-broker');
  assert.deepEqual(d.detail.facts['answers'], ['No such name']);
  assert.deepEqual(d.detail.facts['types'], ['A', 'AAAA']);
  assert.equal(d.detail.facts['queries'], 4);
  assert.equal(d.detail.facts['responses'], 4);
  assert.equal(d.detail.facts['unanswered'], 0);
  assert.equal(d.detail.confidence, 'high');
  assert.deepEqual(d.detail.causes, ['broker-name-typo', 'service-name-differs', 'default-bridge-no-dns']);
  if (tsharkMissing === undefined) {
    // The evidence: every DNS frame of the mistyped name, as tshark selects them.
    assert.deepEqual(d.evidence.frames, tsharkFrames(file, 'dns.qry.name == "mqtt-brokr"'));
    assert.deepEqual(tsharkFrames(file, 'dns.flags.rcode == 3'), tsharkFrames(file, 'dns.flags.response == 1 && dns.qry.name == "mqtt-brokr"'));
    assert.ok(tsharkFrames(file, 'mqtt.msgtype == 3').length >= 3, 'the pair on mqtt-broker exchanged messages');
  }
  assert.match(describeDiagnosis(d, 'id')!.sentence, /"No such name"/);
});

test('fault-name-not-resolved-alone: no MQTT at all, explained by the failed lookup, and no diag.no-mqtt sending the user to another interface', async () => {
  const file = fault('fault-name-not-resolved-alone');
  for (const summaryOnly of [false, true]) {
    const list = await diagnose(file, { summaryOnly });
    assert.deepEqual(codes(list), ['diag.name-not-resolved']);
    const d = only(list, 'diag.name-not-resolved');
    assert.equal(d.detail.facts['name'], 'mqtt-brokr');
    assert.equal(d.detail.facts['meant'], undefined);
    assert.equal(d.detail.facts['queries'], 4);
    assert.equal(d.evidence.count, 8);
    if (tsharkMissing === undefined) assert.deepEqual(d.evidence.frames, tsharkFrames(file, 'dns'));
  }
});

/**
 * Each diagnosis of `codes` found on `files` (fixtures) is timed at the first frame of its evidence: its frame is the
 * evidence's first, its time that frame's. Returns the codes met.
 */
async function checkFirstEvidenceTimes(files: string[], codes: string[]): Promise<Set<string>> {
  const checked = new Set<string>();
  for (const file of files.map((f) => path.join(fixturesDir, f))) {
    const frameTime = new Map<number, number>();
    const found: Diagnosis[] = [];
    await analyzeCapture(file, {
      stages: [new DiagnosisStage()],
      onEvent: (e) => {
        if (e.kind === 'packet' && !frameTime.has(e.frame)) frameTime.set(e.frame, e.time);
        if (e.kind === 'finding' && e.code.startsWith('diag.')) found.push(e as Diagnosis);
      },
    });
    for (const d of found) {
      if (!codes.includes(d.code)) continue;
      checked.add(d.code);
      assert.equal(d.frame, d.evidence.firstFrame);
      assert.equal(d.time, frameTime.get(d.frame), `${path.basename(file)} ${d.code}: time of frame ${d.frame}`);
    }
  }
  return checked;
}

test('a diagnosis is timed at the first frame of its evidence (retransmissions, zero windows, teardown FINs, messages to nobody)', async () => {
  const codes = ['diag.tcp-retransmitted-data', 'diag.tcp-zero-window', 'diag.harmless-teardown-retransmission', 'diag.published-to-nobody'];
  const checked = await checkFirstEvidenceTimes(['edge/lossy.pcap', 'edge/stalled-reader.pcap', 'faults/fault-topic-typo.pcap', 'mqtt/session.pcap', 'edge/overlap.pcap'], codes);
  assert.equal(checked.size, codes.length);
});

test('snaplen cuts, duplicate frames and refused CONNACKs are timed at the first frame of their evidence', async () => {
  const codes = ['diag.snaplen-cut', 'diag.duplicate-frames', 'diag.connack-refused'];
  const checked = await checkFirstEvidenceTimes(['edge/big-snaplen.pcap', 'reqresp-snaplen.pcap', 'reqresp-any.pcap', 'reqresp-any-sll.pcap',
    'edge/multi-if-dup.pcapng', 'faults/fault-bad-password.pcap', 'qos-mqtt5.pcap'], codes);
  assert.equal(checked.size, codes.length);
});

test('ports, WebSocket, unmatched unsubscribes, connection limits, late subscribers, size limits and slow brokers are timed at the first frame of their evidence', async () => {
  // Each was timed elsewhere before: the connection's first packet (the SYN) for the CONNECT on an unusual port or
  // over WebSocket; the UNSUBACK for the UNSUBSCRIBE; the broker's close for the turned-away connection's SYN; the
  // SUBSCRIBE for the first message published before it; the first message too large for the CONNECT that set the
  // limit; the slow answer's time less its wait (rounded off by a few 1e-16 s) for the request's own time.
  const codes = ['diag.nonstandard-port', 'diag.mqtt-over-websocket', 'diag.unsubscribe-unmatched', 'diag.connection-limit',
    'diag.subscribed-too-late', 'diag.too-large-for-subscriber', 'diag.broker-slow'];
  const checked = await checkFirstEvidenceTimes(['nonstandard-port.pcap', 'faults/fault-wrong-port-1884.pcap', 'websocket.pcap',
    'faults/fault-unsubscribe-unmatched.pcap', 'mqtt/mqtt5-broker.pcap', 'faults/fault-max-connections.pcap',
    'faults/fault-late-subscriber.pcap', 'faults/fault-subscriber-packet-size.pcap', 'faults/fault-broker-hung.pcap'], codes);
  assert.deepEqual([...checked].sort(), [...codes].sort());
});

test('fault-subscribe-denied: a SUBSCRIBE refused by the broker\'s ACL (SUBACK 0x87), a QoS 2 subscription granted QoS 1', async () => {
  const file = fault('fault-subscribe-denied');
  const list = await diagnose(file);
  assert.deepEqual(codes(list), ['diag.subscription-downgraded', 'diag.subscription-refused']);
  const refused = only(list, 'diag.subscription-refused');
  assert.deepEqual(refused.detail.facts, { subscriber: 'lab-secret (172.18.0.3)', filters: ['secret/#'], code: '0x87', codeName: 'not authorized' });
  const downgraded = only(list, 'diag.subscription-downgraded');
  assert.deepEqual(downgraded.detail.facts, { subscriber: 'lab-sub (172.18.0.3)', filter: 'sister/temp', asked: 2, granted: 1 });
  if (tsharkMissing !== undefined) return;
  // The SUBSCRIBE and its SUBACK, as tshark finds them (MQTT 5 reason code 0x87; MQTT 3.1.1 granted QoS 1).
  const subscribes = tsharkFrames(file, 'mqtt.msgtype == 8');
  assert.deepEqual(refused.evidence.frames, [subscribes[0], ...tsharkFrames(file, 'mqtt.suback.reason_code == 0x87')]);
  assert.deepEqual(downgraded.evidence.frames, [subscribes[1], ...tsharkFrames(file, 'mqtt.suback.qos == 1')]);
});

test('refused and downgraded subscriptions are timed at their SUBSCRIBE, the first frame of their evidence', async () => {
  // fault-subscribe-denied: SUBSCRIBE secret/# (frame 10) refused in SUBACK 0x87 (frame 11), SUBSCRIBE sister/temp at
  // QoS 2 (frame 23) granted QoS 1 (frame 24). They were timed at the SUBACK.
  const codes = ['diag.subscription-refused', 'diag.subscription-downgraded'];
  const checked = await checkFirstEvidenceTimes(['faults/fault-subscribe-denied.pcap'], codes);
  assert.deepEqual([...checked].sort(), [...codes].sort());
});

test('a single session dropped under a restart is judged silent by the one keep-alive rule (silentPastKeepAlive), the broker\'s Server Keep Alive first', async () => {
  // fault-broker-restart: lab-sub (172.18.0.3:54560, keep-alive 60 s) last sent at 0.0015 s, dropped at 1.172 s when
  // mosquitto restarted, reconnected at 2.176 s. Its record is given other keep-alives to reach the corner: a
  // client keep-alive under the silence's two thirds (the older rule of restartedUnder took the CONNECT's and called
  // the drop one for silence) with an MQTT 5 Server Keep Alive well above it, the one the broker enforces.
  const judge = async (keepAlives: { connect: number; session: number }): Promise<string[]> => {
    const book = new ConnectionBook();
    const detector = new ReachabilityDetector();
    const analysis = await analyzeCapture(path.join(fixturesDir, 'faults/fault-broker-restart.pcap'), {
      onEvent: (e) => {
        book.event(e);
        // It reads no MQTT packet (the book does) and no TCP packet: the other events only.
        if (!(e.kind === 'packet' && (e.layer === 'mqtt' || e.layer === 'tcp'))) detector.event(e);
      },
    });
    const r = [...book.all()].find((x) => x.client === '172.18.0.3:54560')!;
    assert.equal(r.connect?.keepAlive, 60);
    r.connect!.keepAlive = keepAlives.connect;
    r.session!.keepAlive = keepAlives.session;
    const found: string[] = [];
    detector.finish({
      book, summary: analysis.summary, captureEnd: analysis.summary.capture.durationSeconds, explained: new Set(), attempted: new Set(),
      tooLargeForSubscriber: new Set(), unresolvedHosts: new Set(),
    }, (f) => found.push(f.code));
    return found;
  };
  assert.deepEqual(await judge({ connect: 60, session: 60 }), ['diag.broker-restarted']);
  // Silent 1.17 s: past 1.5 × a 0.5 s client keep-alive, not past 1.5 × the 5 s the broker enforces: a restart.
  assert.deepEqual(await judge({ connect: 0.5, session: 5 }), ['diag.broker-restarted']);
  // Past 1.5 × what the broker enforces (0.5 s): dropped for silence, no restart (diag.keepalive-dropped's).
  assert.deepEqual(await judge({ connect: 5, session: 0.5 }), []);
  // Within the rule's 2 % margin (1.17 s ≥ 0.98 × 1.5 × 0.795 s): silent as everywhere else.
  assert.deepEqual(await judge({ connect: 0.795, session: 0.795 }), []);
});
