/**
 * Helper `wire`'s protocol fixes (session 16), each on a capture made by real programs in the namespace lab:
 * publish acknowledgements' latency split by who answers (the broker, a subscriber, a publisher) in the summary, the
 * report and check's rules; a second CONNECT and a DISCONNECT in one write, the broker's RST after them
 * (fixtures/faults/fault-connect-twice.pcap, `capture.sh --only fault-connect-twice`).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { CheckEvaluator } from '../src/check/evaluate.js';
import { parseRules } from '../src/check/load.js';
import { parseOneLineRules } from '../src/check/one-line.js';
import { formatProblem } from '../src/check/rules.js';
import { analyzeCapture } from '../src/pipeline/analyze.js';
import { fixturesDir, repoRoot } from './helpers/corpus.js';
import { diagnose } from './helpers/diagnose.js';
import { messageKeys, ourMessageKeys, sessionsEnded } from './helpers/events.js';
import { tsharkFields, tsharkMissing, tsharkMqtt } from './helpers/tshark.js';
import { describeDiagnosis } from '../src/diagnosis/words.js';

const cli = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');
const edge = (name: string): string => path.join(fixturesDir, 'edge', name);

test('latency: the broker\'s PUBACKs and the subscribers\' are two rows (long-rtt: 1.2 s against 0.3 ms)', async () => {
  const { summary } = await analyzeCapture(edge('long-rtt.pcap'));
  const lat = summary.mqtt.latency;
  assert.equal(lat['PUBLISH→PUBACK'], undefined, 'the two sides are not pooled');
  const broker = lat['PUBLISH→PUBACK (broker)'];
  const subscriber = lat['PUBLISH→PUBACK (subscriber)'];
  assert.ok(broker !== undefined && subscriber !== undefined, JSON.stringify(Object.keys(lat)));
  assert.equal(broker.count, 4);
  assert.equal(subscriber.count, 4);
  assert.ok(broker.minMs > 1000, `the broker's answers hold the 1.2 s round trip: ${broker.minMs}`);
  assert.ok(subscriber.maxMs < 5, `the subscriber (at the capture point) answers at once: ${subscriber.maxMs}`);
});

test('latency: QoS 2 steps named by who answers, the publisher\'s PUBREL apart from the broker\'s', async () => {
  const { summary } = await analyzeCapture(path.join(fixturesDir, 'qos-mqtt5.pcap'));
  assert.deepEqual(Object.keys(summary.mqtt.latency).filter((k) => /PUBREC|PUBREL|PUBCOMP/.test(k)).sort(), [
    'PUBLISH→PUBREC (broker)', 'PUBLISH→PUBREC (subscriber)', 'PUBREC→PUBREL (broker)', 'PUBREC→PUBREL (publisher)',
    'PUBREL→PUBCOMP (broker)', 'PUBREL→PUBCOMP (subscriber)',
  ]);
});

async function judge(capture: string, yaml: string): Promise<Array<{ ok: boolean; found: string }>> {
  const { rules, problems } = parseRules(yaml, 'rules.yaml');
  assert.deepEqual(problems.map(formatProblem), []);
  const evaluator = new CheckEvaluator(rules);
  const { summary } = await analyzeCapture(capture, { onEvent: (e) => evaluator.event(e) });
  return evaluator.results(summary).map((r) => ({ ok: r.ok, found: r.found }));
}

test('check: latency rules by who answers, and the old names meaning both sides', async () => {
  const results = await judge(edge('long-rtt.pcap'), [
    'latency:',
    '  PUBLISH->PUBACK (subscriber): { p95Ms: 5, maxMs: 5, min: 4 }',
    '  PUBLISH→PUBACK (broker): { medianMs: 100 }',
    '  PUBLISH->PUBACK: { p95Ms: 5 }',
    '  PUBLISH->PUBACK (broker) : { min: 4 }',
  ].join('\n'));
  assert.equal(results.length, 4);
  assert.equal(results[0]!.ok, true, results[0]!.found);
  assert.match(results[0]!.found, /^4 samples/);
  assert.equal(results[1]!.ok, false, results[1]!.found);
  assert.match(results[1]!.found, /^4 samples, median 1205\./);
  assert.equal(results[2]!.ok, false, 'the old name: the bound must hold on both sides');
  assert.match(results[2]!.found, /^8 samples, p95 1207\./);
  assert.equal(results[3]!.ok, true, results[3]!.found);
  const { rules, problems } = parseOneLineRules({ latency: ['PUBLISH->PUBACK (broker) p95<20ms', 'PUBLISH→PUBREC(subscriber)<1s'] });
  assert.deepEqual(problems, []);
  assert.deepEqual(rules.map((r) => (r.kind === 'latency' ? r.of : r.kind)), ['PUBLISH→PUBACK (broker)', 'PUBLISH→PUBREC (subscriber)']);
});

test('report: who answered, in English and Indonesian', () => {
  for (const [lang, broker, subscriber] of [['en', 'answered by the broker', 'answered by subscribers'], ['id', 'dijawab broker', 'dijawab subscriber']] as const) {
    const r = spawnSync(process.execPath, [cli, 'report', edge('long-rtt.pcap'), '--lang', lang], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const text = r.stdout;
    assert.ok(text.includes(`| PUBLISH→PUBACK (${broker}) | 4 |`), `${lang}: broker row`);
    assert.ok(text.includes(`| PUBLISH→PUBACK (${subscriber}) | 4 |`), `${lang}: subscriber row`);
  }
});

test('fault-connect-twice: a second CONNECT and a DISCONNECT in one write, named once as a protocol violation the broker reset the connection on', { skip: tsharkMissing }, async () => {
  // mosquitto (log_type all), twice: "Sending CONNACK to lab-twice (0, 0)", "Bad client lab-twice sending multiple
  // CONNECT messages.", "Client lab-twice disconnected due to protocol error." (never "Received DISCONNECT").
  const file = path.join(fixturesDir, 'faults', 'fault-connect-twice.pcap');
  const a = await analyzeCapture(file);
  // Every MQTT message at tshark's frame: the second CONNECT and the DISCONNECT both in one segment, twice.
  assert.deepEqual(ourMessageKeys(a), messageKeys(tsharkMqtt(file)));
  const writes = tsharkFields(file, ['frame.number', 'tcp.srcport'], ['-Y', 'mqtt.msgtype == 14 && mqtt.msgtype == 1']);
  assert.equal(writes.length, 2);
  // The broker's RST on each of those connections.
  const resets = writes.map((w) => Number(tsharkFields(file, ['frame.number'], ['-Y', `tcp.flags.reset == 1 && tcp.srcport == 1883 && tcp.dstport == ${w[1]}`])[0]![0]));
  for (const summaryOnly of [false, true]) {
    const list = await diagnose(file, { summaryOnly });
    assert.deepEqual(list.map((d) => d.code), ['diag.protocol-violation'], `summaryOnly ${summaryOnly}`);
    const d = list[0]!;
    assert.deepEqual([d.detail.facts['client'], d.detail.facts['rule'], d.detail.facts['how'], d.detail.facts['count']],
      ['lab-twice (172.18.0.4)', 'second-connect', 'reset', 2]);
    assert.deepEqual(d.evidence.frames, [Number(writes[0]![0]), resets[0], Number(writes[1]![0]), resets[1]]);
    assert.match(describeDiagnosis(d, 'en')!.sentence, /^The broker reset the connection of lab-twice \(172\.18\.0\.4\) right after it sent "Connect Command" \(2 times, on each reconnect\): a client may send CONNECT only once on a connection/);
    assert.match(describeDiagnosis(d, 'id')!.sentence, /^Broker me-reset koneksi lab-twice \(172\.18\.0\.4\) tepat setelah client itu mengirim "Connect Command" \(2 kali/);
  }
  // The DISCONNECT is read at its frame, the second CONNECT's.
  const disconnects = a.events.filter((e) => e.kind === 'packet' && e.layer === 'mqtt' && e.type === 'DISCONNECT' && e.src.startsWith('172.18.0.4:') && e.frame === Number(writes[0]![0]));
  assert.equal(disconnects.length, 1);
  assert.ok(sessionsEnded(a).length >= 3);
});

test('fault-tls-alert: a TLS handshake ended by a fatal alert, named without the key log: who sent it and what it means, in both languages', { skip: tsharkMissing }, async () => {
  // mosquitto (require_certificate true): "OpenSSL Error[0]: error:0A0000C7:SSL routines::peer did not return a
  // certificate" (s_client -tls1_2 without a certificate), "... tlsv1 alert unknown ca" (s_client trusting another CA).
  const file = path.join(fixturesDir, 'faults', 'fault-tls-alert.pcap');
  // tshark's plaintext alerts: frame, sender port, description.
  const alerts = tsharkFields(file, ['frame.number', 'tcp.srcport', 'tls.alert_message.desc'], ['-Y', 'tls.alert_message']);
  assert.deepEqual(alerts.map((a) => [a[1], a[2]]), [['8883', '40'], [alerts[1]![1]!, '48']]);
  assert.notEqual(alerts[1]![1], '8883');
  for (const summaryOnly of [false, true]) {
    const list = (await diagnose(file, { summaryOnly })).filter((d) => d.code === 'diag.tls-handshake-failed');
    assert.deepEqual(list.map((d) => [d.detail.facts['sender'], d.detail.facts['alert'], d.detail.facts['count'], d.evidence.firstFrame]),
      [['broker', 'handshake_failure', 1, Number(alerts[0]![0])], ['client', 'unknown_ca', 1, Number(alerts[1]![0])]]);
    const [broker, client] = [list[0]!, list[1]!];
    assert.deepEqual(broker.detail.causes, ['tls-no-client-cert', 'tls-no-common-cipher']);
    assert.match(describeDiagnosis(broker, 'en')!.sentence, /^The TLS handshake of 172\.18\.0\.4 with the broker at 172\.18\.0\.2:8883 failed: the broker sent the fatal alert `handshake_failure` \(.*requires a client certificate/);
    assert.match(describeDiagnosis(broker, 'en')!.causes[0]!, /require_certificate true/);
    assert.match(describeDiagnosis(client, 'en')!.sentence, /the client sent the fatal alert `unknown_ca`: it does not trust the CA that signed the broker's certificate/);
    assert.match(describeDiagnosis(client, 'id')!.sentence, /client mengirim alert fatal `unknown_ca`: ia tidak memercayai CA/);
    assert.match(describeDiagnosis(broker, 'id')!.sentence, /broker mengirim alert fatal `handshake_failure`/);
  }
});

test('edge/expiry-receive-maximum: MQTT 5 messages that expired in the broker\'s queue behind a Receive Maximum 1 subscriber are named so, not lost (both paths)', { skip: tsharkMissing }, async () => {
  // rx-sub: Receive Maximum 1, each PUBACK 1.5 s late; rx-pub: 5 QoS 1 messages with Message Expiry Interval 1 s at once.
  // mosquitto -v: "Sending PUBLISH to rx-sub (... m1 ...)", after rx-sub's PUBACK "Sending PUBLISH to rx-sub (... m2 ...)",
  // then nothing more to rx-sub (messages 3 to 5 expired in its queue); rx-sub: "2 of 5 messages within 8.0 s".
  const file = path.join(fixturesDir, 'edge', 'expiry-receive-maximum.pcap');
  // tshark: the publisher's five PUBLISHes, the broker's two copies to the subscriber.
  const published = tsharkFields(file, ['frame.number', 'tcp.srcport', 'mqtt.msgid'], ['-Y', 'mqtt.msgtype == 3']);
  const fromBroker = published.filter((p) => p[1] === '1883');
  const fromPublisher = published.filter((p) => p[1] !== '1883');
  assert.equal(fromPublisher.length, 5);
  assert.equal(fromBroker.length, 2);
  for (const summaryOnly of [false, true]) {
    const list = (await diagnose(file, { summaryOnly })).filter((d) => d.code === 'diag.published-to-nobody');
    assert.equal(list.length, 1, `summaryOnly ${summaryOnly}`);
    const d = list[0]!;
    assert.deepEqual([d.detail.facts['count'], d.detail.facts['queueExpiredMessages'], d.detail.facts['queueExpiredFor'], d.detail.facts['receiveMaximum'], d.detail.facts['messageExpiry']],
      [3, 3, ['rx-sub (172.18.0.3)'], [1], [1]]);
    assert.deepEqual(d.detail.causes, ['expired-behind-receive-maximum']);
    assert.deepEqual(d.detail.checks, ['receive-maximum-acks']);
    // The evidence: the three publishes never sent on (the last three of the publisher's).
    assert.deepEqual(d.evidence.frames, fromPublisher.slice(2).map((p) => Number(p[0])));
    assert.match(describeDiagnosis(d, 'en')!.sentence, /expired in the broker's queue for rx-sub \(172\.18\.0\.3\), still connected, which takes at most 1 unacknowledged QoS 1\/2 message at a time \(Receive Maximum\)/);
    assert.match(describeDiagnosis(d, 'id')!.sentence, /kedaluwarsa di antrean broker untuk rx-sub \(172\.18\.0\.3\)/);
  }
});
