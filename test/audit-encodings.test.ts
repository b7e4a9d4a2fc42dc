/**
 * MQTT traffic shapes made by real programs that the other fixtures lack (fixtures/lab/capture_edge.sh: oddclient.py on a
 * raw socket, mosquitto_pub/sub, paho): Remaining Lengths and an MQTT 5 Property Length in longer forms than needed,
 * packets before the CONNACK and empty client ids, topics with spaces and look-alike Unicode characters, the
 * mosquitto_pub/sub options people use, and a subscriber that unsubscribes mid-run. Each against tshark (every MQTT
 * message at its frame, same type, packet id and topic) and against what the programs' logs say happened.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { analyzeCapture } from '../src/index.js';
import type { Analysis, FindingEvent, LifecycleEvent, MqttEvent } from '../src/index.js';
import { DiagnosisStage } from '../src/diagnosis/stage.js';
import { ReportSink, renderReport } from '../src/report/index.js';
import { describeDiagnosis } from '../src/diagnosis/words.js';
import type { Diagnosis } from '../src/diagnosis/types.js';
import { fixturesDir } from './helpers/corpus.js';
import { diagnose } from './helpers/diagnose.js';
import { mqttOf } from './helpers/events.js';
import { tsharkMissing, tsharkMqtt } from './helpers/tshark.js';

const edge = (name: string): string => path.join(fixturesDir, 'edge', name);
const CAPTURES = ['long-length.pcap', 'early.pcap', 'utf8-topics.pcap', 'cli-options.pcap', 'unsub-midrun.pcap', 'unsub-v5.pcap'];
const missing = (name: string): string | undefined =>
  existsSync(edge(name)) ? undefined : `fixtures/edge/${name} not present (fixtures/lab/capture.sh --only edge-...)`;

function topicOf(e: MqttEvent): string {
  return e.topic ?? e.subscriptions?.map((s) => s.topic).join(',') ?? e.unsubscriptions?.join(',') ?? '';
}
function ours(a: Analysis): string[] {
  return mqttOf(a).map((e) => `${e.frame} ${e.msgtype} ${e.packetId ?? ''} ${topicOf(e)}`).sort();
}
function one(list: Diagnosis[], code: string): Diagnosis {
  const found = list.filter((d) => d.code === code);
  assert.equal(found.length, 1, `${code} once in ${list.map((d) => d.code).join(',')}`);
  return found[0]!;
}

for (const name of CAPTURES) {
  test(`${name}: every MQTT message at tshark's frame, with its type, packet id and topic`, { skip: tsharkMissing ?? missing(name) }, async () => {
    const file = edge(name);
    const theirs = tsharkMqtt(file).map((m) => `${m.frame} ${m.msgtype} ${m.msgid ?? ''} ${m.topic ?? ''}`).sort();
    assert.deepEqual(ours(await analyzeCapture(file)), theirs);
  });
}

test('long-length: overlong Remaining Lengths are read (Mosquitto takes them); an overlong MQTT 5 Property Length is malformed and named',
  { skip: missing('long-length.pcap') }, async () => {
    const file = edge('long-length.pcap');
    const a = await analyzeCapture(file);
    const mqtt = mqttOf(a);
    // Every overlong Remaining Length (3.1.1 and MQTT 5) is a packet read whole: the broker answered each.
    const malformed = mqtt.filter((e) => e.malformed !== undefined);
    assert.equal(malformed.length, 1, malformed.map((e) => `${e.frame} ${e.type}`).join(','));
    const bad = malformed[0]!;
    assert.equal(bad.type, 'CONNECT');
    assert.equal(bad.malformed, 'mqtt.malformed');
    // What could be read is shown: the client id after the Property Length.
    assert.equal(bad.clientId, 'll-v5');
    assert.equal(bad.protocolVersion, 5);
    const finding = a.events.find((e) => e.kind === 'finding' && e.code === 'mqtt.malformed' && e.frame === bad.frame);
    assert.ok(finding !== undefined && finding.kind === 'finding' && /Property Length encoded in 2 bytes/.test(finding.summary), 'the finding says what is wrong');
    // The broker closed on it without a CONNACK: no session started, and its end says whose CONNECT it was.
    assert.ok(!a.events.some((e) => e.kind === 'lifecycle' && e.type === 'session-started' && e.stream === bad.stream));
    const ended = a.events.find((e): e is LifecycleEvent => e.kind === 'lifecycle' && e.type === 'session-ended' && e.stream === bad.stream);
    assert.match(ended?.summary ?? '', /client "ll-v5" never started \(its CONNECT got no CONNACK\)/, 'not "picked up without its CONNECT"');
    // MQTT 5 wants the shortest Remaining Length (MQTT-1.5.5-1): ll-v5ok's three packets are told; MQTT 3.1.1's are legal.
    const overlong = a.events.filter((e) => e.kind === 'finding' && e.code === 'mqtt.overlong-length');
    const v5ok = mqtt.filter((e) => e.direction === 'client' && e.stream === mqtt.find((x) => x.clientId === 'll-v5ok')?.stream);
    assert.deepEqual(overlong.map((e) => e.frame), v5ok.filter((e) => e.type !== 'DISCONNECT').map((e) => e.frame));
    assert.match(overlong[0]?.summary ?? '', /^CONNECT's Remaining Length 20 is written in 4 bytes where 1 suffices/);
    const pub = mqtt.filter((e) => e.topic === 'odd/len');
    assert.deepEqual(pub.map((e) => `${e.direction} ${e.payload?.text ?? ''}`), ['client long remaining length', 'server long remaining length']);
    assert.equal(mqtt.filter((e) => e.type === 'PINGRESP').length, 2);
    // ll-v5's CONNECT got no CONNACK, and the diagnosis says that CONNECT is malformed.
    const d = one(await diagnose(file), 'diag.connect-unanswered');
    assert.equal(d.detail.facts['malformedFrame'], bad.frame);
    assert.deepEqual(d.detail.causes, ['malformed-connect']);
    assert.match(describeDiagnosis(d, 'en')!.sentence, /^ll-v5 \(172\.18\.0\.4\) sent CONNECT .*; that CONNECT is malformed \(mqtt\.malformed at frame \d+/);
    assert.match(describeDiagnosis(d, 'id')!.sentence, /CONNECT itu rusak/);
  });

test('early: PINGREQ and PUBLISH before the CONNACK are paired; refused empty client ids are named, and are no broker stop',
  { skip: missing('early.pcap') }, async () => {
    const file = edge('early.pcap');
    const a = await analyzeCapture(file);
    const mqtt = mqttOf(a);
    const pingreq = mqtt.find((e) => e.type === 'PINGREQ');
    const connect = mqtt.find((e) => e.type === 'CONNECT' && e.clientId === 'early-ping');
    assert.equal(pingreq?.frame, connect?.frame, 'CONNECT and PINGREQ in one segment');
    // The programs' logs: both early PUBLISHes reached lab-sub.
    assert.deepEqual(mqtt.filter((e) => e.type === 'PUBLISH' && e.direction === 'server').map((e) => e.topic).sort(), ['odd/anon', 'odd/early']);
    const list = await diagnose(file);
    // Two CONNECTs refused (CONNACK 2) and closed by a running broker: was diag.broker-stopped.
    assert.deepEqual(list.map((d) => d.code), ['diag.connack-refused']);
    const d = list[0]!;
    assert.equal(d.detail.facts['emptyIdPersistent'], 1);
    assert.equal(d.detail.facts['emptyIdV31'], 1);
    assert.match(describeDiagnosis(d, 'en')!.sentence, /empty client id and clean session 0: .*\(MQTT-3\.1\.3-8\).*MQTT 3\.1 needs 1 to 23 characters/);
    assert.match(describeDiagnosis(d, 'id')!.sentence, /client id kosong dan clean session 0/);
    // The report's story: an empty client id is the broker's to assign only when it accepts the client.
    const sink = new ReportSink('early.pcap');
    const stage = new DiagnosisStage();
    const emit = (finding: FindingEvent): void => sink.event(finding);
    const { summary } = await analyzeCapture(file, { onEvent: (e) => { sink.event(e); stage.event(e, emit); } });
    stage.finish(emit, summary);
    const facts = sink.facts(summary);
    const en = renderReport(facts, { lang: 'en', format: 'md' }).text;
    const id = renderReport(facts, { lang: 'id', format: 'md' }).text;
    // In the story (numbered lines; the timeline rows say what the protocol allows, test/polish-topics.test.ts).
    const story = (text: string): string => text.split('\n').filter((l) => /^\d+\. /.test(l)).join('\n');
    assert.equal((story(en).match(/client id empty \(the broker assigns one\)/g) ?? []).length, 1, 'only the accepted one');
    assert.equal((story(en).match(/client id empty, MQTT 3\.1/g) ?? []).length, 2, 'the two refused ones');
    assert.equal((story(id).match(/client id kosong \(broker yang menentukan\)/g) ?? []).length, 1);
  });

test('utf8-topics: topics with spaces and look-alike characters published to no one are named against the filter subscribed',
  { skip: missing('utf8-topics.pcap') }, async () => {
    const file = edge('utf8-topics.pcap');
    const a = await analyzeCapture(file);
    // The subscriber's log: the three well-typed topics arrived, multi-byte UTF-8 and spaces included.
    assert.deepEqual(mqttOf(a).filter((e) => e.type === 'PUBLISH' && e.direction === 'server').map((e) => e.topic),
      ['rumah/ruang tamu/suhu', 'kota/Jakarta Selatan/°C', 'sensor/🌡/nilai']);
    const list = await diagnose(file);
    const d = one(list, 'diag.published-to-nobody');
    const facts = d.detail.facts;
    assert.deepEqual(facts['nearTopics'], ['rumah/ruang tamu /suhu', 'kota/Bandung/℃', 'rumah/ruang  tamu/suhu']);
    assert.deepEqual(facts['nearKinds'], ['typo', 'unicode', 'typo']);
    assert.equal(d.detail.causes[0], 'topic-typo');
    const en = describeDiagnosis(d, 'en')!.sentence;
    assert.match(en, /'kota\/Bandung\/℃' is not 'kota\/\+\/°C', which utf-sub \(172\.18\.0\.3\) subscribed to: they look the same but are different characters: the topic has '℃' \(U\+2103\) where the filter has '°C' \(U\+00B0 U\+0043\)/);
    assert.match(en, /'rumah\/ruang tamu \/suhu' is not 'rumah\/ruang tamu\/suhu', which utf-sub \(172\.18\.0\.3\) subscribed to: a typing mistake, the topic has an extra ' ' \(a space\)/);
    assert.match(describeDiagnosis(d, 'id')!.sentence, /keduanya tampak sama tetapi karakternya berbeda: topik memakai '℃' \(U\+2103\)/);
  });

test('cli-options: -l lines with a user property, a killed client\'s Will, -r -n: all delivered, all well',
  { skip: missing('cli-options.pcap') }, async () => {
    const file = edge('cli-options.pcap');
    const a = await analyzeCapture(file);
    const mqtt = mqttOf(a);
    const lines = mqtt.filter((e) => e.type === 'PUBLISH' && e.direction === 'client' && e.topic === 'cli/lines');
    assert.deepEqual(lines.map((e) => e.payload?.text), ['satu', 'dua', 'tiga']);
    for (const e of lines) assert.deepEqual(e.userProperties, [['sensor', 'dht22']]);
    // The subscriber's log: 3 lines, the retained status and its clearing (an empty message), the Will.
    const got = mqtt.filter((e) => e.type === 'PUBLISH' && e.direction === 'server').map((e) => `${e.topic} ${e.payload?.length ?? 0}`);
    assert.deepEqual(got, ['cli/lines 4', 'cli/lines 3', 'cli/lines 4', 'cli/status 6', 'cli/status 0', 'cli/will 14']);
    assert.deepEqual(await diagnose(file), []);
  });

test('unsub-midrun: messages published after the only subscriber UNSUBSCRIBEd are said so (was: the broker dropped them, an ACL first)',
  { skip: missing('unsub-midrun.pcap') }, async () => {
    const file = edge('unsub-midrun.pcap');
    const a = await analyzeCapture(file);
    const unsubscribe = mqttOf(a).find((e) => e.type === 'UNSUBSCRIBE');
    assert.ok(unsubscribe !== undefined);
    const d = one(await diagnose(file), 'diag.published-to-nobody');
    const facts = d.detail.facts;
    assert.equal(facts['count'], 3);
    assert.equal(facts['unsubscribedMessages'], 3);
    assert.deepEqual(facts['unsubscribeFrames'], [unsubscribe.frame]);
    assert.equal(facts['subscribers'], undefined, 'no subscriber waited for them');
    assert.deepEqual(d.detail.causes, ['subscriber-unsubscribed']);
    assert.match(describeDiagnosis(d, 'en')!.sentence, /they were published after unsub-sub \(172\.18\.0\.3\) had unsubscribed \(UNSUBSCRIBE, frame \d+/);
    assert.match(describeDiagnosis(d, 'id')!.sentence, /di-publish setelah unsub-sub \(172\.18\.0\.3\) melakukan unsubscribe/);
  });

test('unsub-v5: unsubscribing one of two overlapping filters loses nothing; after the second, the messages are the UNSUBSCRIBEs\' (MQTT 5, PUBACK 0x10)',
  { skip: missing('unsub-v5.pcap') }, async () => {
    const file = edge('unsub-v5.pcap');
    const a = await analyzeCapture(file);
    const mqtt = mqttOf(a);
    const unsubscribes = mqtt.filter((e) => e.type === 'UNSUBSCRIBE').map((e) => e.frame);
    assert.equal(unsubscribes.length, 2);
    // The broker's word: "No matching subscribers" (0x10) for every message after the second UNSUBACK, and only those.
    const publishes = mqtt.filter((e) => e.type === 'PUBLISH' && e.direction === 'client');
    const lost = publishes.filter((e) => e.frame > unsubscribes[1]!);
    assert.equal(mqtt.filter((e) => e.type === 'PUBACK' && e.reasonCode === 0x10).length, lost.length);
    const d = one(await diagnose(file), 'diag.published-to-nobody');
    assert.equal(d.detail.facts['count'], lost.length);
    assert.deepEqual(d.evidence.frames, lost.map((e) => e.frame));
    assert.equal(d.detail.facts['unsubscribedMessages'], lost.length);
    assert.deepEqual(d.detail.facts['unsubscribeFrames'], unsubscribes);
    assert.deepEqual(d.detail.causes, ['subscriber-unsubscribed']);
  });
