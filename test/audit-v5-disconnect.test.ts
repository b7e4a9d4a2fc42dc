/**
 * MQTT 5 endings by the broker and Will semantics, on fresh lab captures (fixtures/mqtt/v5-*.pcap, made by
 * `fixtures/lab/capture.sh --only mqtt-v5-shutdown,mqtt-v5-keepalive,mqtt-v5-takeover,mqtt-v5-violation-will,mqtt-v5-sys`
 * with Mosquitto 2.0.11, mosquitto_pub/sub -V 5, paho (v5client.py) and rawclient.py --mqtt5). What happened is what
 * mosquitto's log (log_type all) said, quoted in each test; the frames are tshark's.
 *
 * Mosquitto 2.0.11 sends no DISCONNECT 0x8B when stopped, no 0x8D on a keep-alive timeout and no 0x8E on a takeover:
 * it only closes (FIN); those captures check that the endings are still told right for MQTT 5 clients.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { analyzeCapture } from '../src/index.js';
import type { MqttEvent, TimelineEvent } from '../src/index.js';
import type { MqttSessionEndedEvent } from '../src/model/events.js';
import { describeDiagnosis } from '../src/diagnosis/words.js';
import { spawnSync } from 'node:child_process';
import { WatchAggregator } from '../src/watch/aggregate.js';
import { fixturesDir, repoRoot } from './helpers/corpus.js';
import { reportOf } from './helpers/report.js';
import { diagnose } from './helpers/diagnose.js';
import { tsharkFields, tsharkMissing } from './helpers/tshark.js';

const capture = (name: string): string => path.join(fixturesDir, 'mqtt', `${name}.pcap`);

function ends(events: TimelineEvent[]): string[] {
  return events.filter((e): e is MqttSessionEndedEvent => e.kind === 'lifecycle' && e.type === 'session-ended')
    .map((e) => `${e.frame} ${e.clientId ?? '?'} ${e.reason} ${e.closedBy ?? '-'}${e.reasonCode !== undefined ? ` 0x${e.reasonCode.toString(16)}` : ''}`);
}

/** The broker's PUBLISHes on sister/status/...: "frame topic willOf sourceFrame". */
function wills(events: TimelineEvent[]): string[] {
  return events.filter((e): e is MqttEvent => e.kind === 'packet' && e.layer === 'mqtt' && e.type === 'PUBLISH' && e.direction === 'server'
    && (e.topic ?? '').startsWith('sister/status/'))
    .map((e) => `${e.frame} ${e.topic} ${e.willOf ?? '-'} ${e.sourceFrame ?? '-'}`);
}

const report = reportOf;

test('v5-violation-will: a SUBSCRIBE to a/#/b and a DISCONNECT in one write: the broker\'s DISCONNECT 0x81 after it ended the session, and its Will went out', async () => {
  // mosquitto: "Received SUBSCRIBE from vw-filter", "Invalid subscription string from 172.18.0.4, disconnecting.",
  // "Client vw-filter disconnected due to malformed packet.", "Sending PUBLISH to vw-watch (... 'sister/status/vw-filter'
  // ...)" (never "Received DISCONNECT from vw-filter"); "Bad client vw-twice sending multiple CONNECT messages.",
  // "Client vw-twice disconnected due to protocol error." and no PUBLISH of its Will (mosquitto clears the Will of a
  // connection whose CONNECT handling fails); vw-wait as vw-filter; "Client vw-star disconnected due to protocol error.",
  // its Will published (its PUBLISH to sister/+ and DISCONNECT in one write, the broker's DISCONNECT 0x82 after them).
  const file = capture('v5-violation-will');
  const { events } = await analyzeCapture(file);
  assert.deepEqual(ends(events), [
    '24 vw-filter broker-disconnect server 0x81',
    '36 vw-twice disconnect client',
    '49 vw-wait broker-disconnect server 0x81',
    '60 vw-star broker-disconnect server 0x82',
    '65 vw-watch disconnect client 0x4',
  ]);
  assert.deepEqual(wills(events), ['25 sister/status/vw-filter vw-filter 18', '47 sister/status/vw-wait vw-wait 40', '61 sister/status/vw-star vw-star 54']);
  if (tsharkMissing === undefined) {
    // tshark: vw-filter's SUBSCRIBE and DISCONNECT in frame 22, the broker's DISCONNECT 0x81 in frame 23, its RST in 24;
    // the broker published the Wills of vw-filter and vw-wait, not vw-twice's.
    const rows = tsharkFields(file, ['frame.number', 'tcp.srcport', 'mqtt.msgtype', 'mqtt.disconnect.reason_code'], ['-Y', 'tcp.stream == 1 && mqtt']);
    assert.deepEqual(rows.map((r) => r.join(' ').trim()), ['18 57002 1', '20 1883 2', '22 57002 8,14', '23 1883 14 129']);
    const published = tsharkFields(file, ['frame.number', 'mqtt.topic'], ['-Y', 'mqtt.msgtype == 3 && tcp.srcport == 1883']);
    assert.deepEqual(published.map(([frame, topic]) => `${frame} ${topic}`), wills(events).map((w) => w.split(' ').slice(0, 2).join(' ')));
  }
  // Both refusals of a/#/b are diagnosed, on both paths; vw-filter's was not (the session seemed to end by its DISCONNECT).
  for (const summaryOnly of [false, true]) {
    const refused = (await diagnose(file, { summaryOnly })).filter((d) => d.code === 'diag.subscription-refused');
    assert.deepEqual(refused.map((d) => d.detail.facts['subscriber']), ['vw-filter (172.18.0.4)', 'vw-wait (172.18.0.4)'], `summaryOnly ${summaryOnly}`);
    assert.match(describeDiagnosis(refused[0]!, 'en')!.sentence, /^The broker refused the subscription of vw-filter \(172\.18\.0\.4\) to 'a\/#\/b'/);
    assert.match(describeDiagnosis(refused[0]!, 'id')!.sentence, /vw-filter \(172\.18\.0\.4\)/);
    // vw-star's PUBLISH to sister/+ is a protocol violation the broker disconnected it on, though its DISCONNECT followed;
    // vw-twice's second CONNECT one the broker reset the connection on, the DISCONNECT of the same write unread.
    const violations = (await diagnose(file, { summaryOnly })).filter((d) => d.code === 'diag.protocol-violation');
    assert.deepEqual(violations.map((d) => [d.detail.facts['client'], d.detail.facts['rule'], d.detail.facts['how'], d.detail.facts['code']]),
      [['vw-twice (172.18.0.4)', 'second-connect', 'reset', undefined], ['vw-star (172.18.0.4)', 'wildcard-topic', 'disconnect', '0x82']]);
    assert.match(describeDiagnosis(violations[1]!, 'en')!.sentence, /^The broker disconnected vw-star \(172\.18\.0\.4\) with DISCONNECT reason code 0x82 \(protocol error\) right after it sent "Publish Message \[sister\/\+\]"/);
    assert.match(describeDiagnosis(violations[1]!, 'id')!.sentence, /^Broker memutus vw-star \(172\.18\.0\.4\) dengan DISCONNECT reason code 0x82/);
  }
});

test('v5-violation-will, report: the broker\'s DISCONNECT told as the broker\'s, the Wills as Wills, in both languages', async () => {
  const { en, id } = await report(capture('v5-violation-will'));
  assert.match(en, /`vw-filter` \(172\.18\.0\.4\) sends DISCONNECT \(frame 22\), but the broker sends its own DISCONNECT \(frame 23, reason 0x81 Malformed Packet\) after it: it did not take the client's as its goodbye/);
  assert.match(id, /`vw-filter` \(172\.18\.0\.4\) mengirim DISCONNECT \(frame 22\), tetapi broker mengirim DISCONNECT-nya sendiri \(frame 23, reason 0x81 Malformed Packet\)/);
  // Was: "`vw-wait` (172.18.0.4) sends DISCONNECT (frame 45) (sent by the broker)".
  assert.match(en, /The broker sends DISCONNECT to `vw-wait` \(172\.18\.0\.4\) \(frame 45, reason 0x81 Malformed Packet\); the broker closes first with FIN \(frame 46\)/);
  assert.match(id, /Broker mengirim DISCONNECT kepada `vw-wait` \(172\.18\.0\.4\) \(frame 45, reason 0x81 Malformed Packet\)/);
  assert.doesNotMatch(en, /sent by the broker/);
  // Was: "... in frame 25, 0.065 ms after the publisher's message" and "forwarded from frame 18".
  assert.match(en, /on `sister\/status\/vw-filter` to `vw-watch` \(172\.18\.0\.3\), in frame 25: the Will of `vw-filter` \(set in its CONNECT, frame 18\)/);
  assert.match(id, /pada frame 25: Will milik `vw-filter` \(diatur di CONNECT-nya, frame 18\)/);
  assert.match(en, /\| 25 \|[^\n]*the Will of client vw-filter \(CONNECT, frame 18\)/);
});

test('v5-takeover: the Will of the taken-over MQTT 5 session, published before the broker closes it, is traced to its CONNECT', async () => {
  // mosquitto: "Client tk-dup already connected, closing old connection.", "Sending PUBLISH to tk-watch (...
  // 'sister/status/tk-dup' ...)": the Will goes out on the new CONNECT (frame 28), before the old connection's FIN.
  const file = capture('v5-takeover');
  const { events } = await analyzeCapture(file);
  assert.deepEqual(wills(events), ['30 sister/status/tk-dup tk-dup 16']);
  const will = events.find((e): e is MqttEvent => e.kind === 'packet' && e.layer === 'mqtt' && e.frame === 30)!;
  // Counted from the CONNECT that took the session over (frame 28), which the broker published it on.
  assert.equal(will.willTakeoverFrame, 28);
  assert.equal(will.forwardDelayMs!.toFixed(3), ((will.time - events.find((e) => e.frame === 28)!.time) * 1000).toFixed(3));
  assert.deepEqual(ends(events).slice(0, 2), ['38 tk-dup disconnect client', '40 tk-dup taken-over server']);
  if (tsharkMissing === undefined) {
    // tshark: the new CONNECT (28), the Will (30), then the broker's FIN to the old connection (32); no DISCONNECT 0x8E.
    const rows = tsharkFields(file, ['frame.number', 'tcp.srcport', 'tcp.flags.fin', 'mqtt.msgtype'], ['-Y', '(mqtt.msgtype == 1 || mqtt.msgtype == 3 || tcp.flags.fin == 1) && frame.number >= 28 && frame.number <= 32']);
    assert.deepEqual(rows.map((r) => `${r[0]} ${r[1]} ${r[2] === '1' || r[2] === 'True' ? 'FIN' : ''}${r[3] ?? ''}`), ['28 48442 1', '30 1883 3', '32 1883 FIN']);
    assert.deepEqual(tsharkFields(file, ['frame.number'], ['-Y', 'mqtt.msgtype == 14 && tcp.srcport == 1883']), []);
  }
  const { en, id } = await report(file);
  assert.match(en, /in frame 30: the Will of `tk-dup` \(set in its CONNECT, frame 16\), which the broker publishes because another connection took that client id over \(CONNECT, frame 28\)/);
  assert.match(id, /pada frame 30: Will milik `tk-dup` \(diatur di CONNECT-nya, frame 16\), yang di-publish broker karena koneksi lain mengambil alih client id itu \(CONNECT, frame 28\)/);
});

test('v5-sys: messages to $SYS/... are explained as the broker\'s own tree, not an ACL or a missing subscriber', async () => {
  // mosquitto: "Denied PUBLISH from sys-pub (d0, q0, r0, m0, '$SYS/lab/temp', ...)" and "Denied PUBLISH from sys-pub
  // (d0, q1, ...)", "Sending PUBACK to sys-pub (m1, rc135)"; sys-watch, subscribed to $SYS/lab/#, got nothing.
  const file = capture('v5-sys');
  if (tsharkMissing === undefined) {
    assert.deepEqual(tsharkFields(file, ['frame.number'], ['-Y', 'mqtt.msgtype == 3 && tcp.srcport == 1883 && mqtt.topic contains "SYS"']), []);
    assert.deepEqual(tsharkFields(file, ['frame.number', 'mqtt.puback.reason_code'], ['-Y', 'mqtt.msgtype == 4']), [['45', '135']]);
  }
  const diagnoses = await diagnose(file);
  const nobody = diagnoses.find((d) => d.code === 'diag.published-to-nobody')!;
  assert.deepEqual(nobody.detail.facts['sysTopics'], ['$SYS/lab/temp']);
  assert.deepEqual(nobody.detail.causes, ['sys-topic']);
  assert.match(describeDiagnosis(nobody, 'en')!.sentence, /; '\$SYS\/lab\/temp' is in the broker's own \$SYS tree, where it takes no client's message\.$/);
  assert.match(describeDiagnosis(nobody, 'id')!.sentence, /; '\$SYS\/lab\/temp' berada di pohon \$SYS milik broker sendiri/);
  const refused = diagnoses.find((d) => d.code === 'diag.publish-refused')!;
  assert.deepEqual([refused.detail.facts['code'], refused.detail.causes, refused.detail.checks], ['0x87', ['sys-topic'], ['sys-topic', 'broker-log']]);
  assert.match(describeDiagnosis(refused, 'en')!.causes.join(' '), /Denied PUBLISH/);
});

test('v5-shutdown and v5-keepalive: Mosquitto 2.0.11 sends MQTT 5 clients no DISCONNECT 0x8B or 0x8D, and the endings stay the broker\'s', async () => {
  const shutdown = capture('v5-shutdown');
  const keepalive = capture('v5-keepalive');
  if (tsharkMissing === undefined) {
    for (const file of [shutdown, keepalive]) assert.deepEqual(tsharkFields(file, ['frame.number'], ['-Y', 'mqtt.msgtype == 14 && tcp.srcport == 1883']), [], file);
  }
  // SIGTERM: "mosquitto version 2.0.11 terminating"; sd-paho's on_disconnect got rc 7 (connection lost).
  const s = await analyzeCapture(shutdown);
  assert.deepEqual(ends(s.events), ['69 sd-pub disconnect client', '73 sd-sub311 broker-closed server', '75 sd-sub broker-closed server', '78 sd-paho broker-closed server']);
  const stopped = (await diagnose(shutdown)).map((d) => d.code);
  assert.deepEqual(stopped, ['diag.broker-stopped']);
  // "Client ka-silent5 has exceeded timeout, disconnecting.", then its Will; the same for ka-paused (SIGSTOP).
  const k = await analyzeCapture(keepalive);
  assert.deepEqual(wills(k.events), ['35 sister/status/ka-silent5 ka-silent5 28', '40 sister/status/ka-paused ka-paused 18']);
  const dropped = (await diagnose(keepalive)).filter((d) => d.code === 'diag.keepalive-dropped');
  assert.deepEqual(dropped.map((d) => [d.detail.facts['willTopic'], d.detail.facts['willCopies']]), [['sister/status/ka-paused', 1], ['sister/status/ka-silent5', 1]]);
});

test('the broker\'s forwarding delay is the summary\'s in check and watch too: no retained copy sent on subscription, no Will', async () => {
  // edge/retained-qos.pcap: frame 28 is the retained message of frame 10 sent to a new subscriber 112 ms later (how old
  // it was); the summary's broker forwarding has 5 samples, max 3.078 ms. check --latency forwarding<50ms failed on it.
  const file = path.join(fixturesDir, 'edge', 'retained-qos.pcap');
  const { events, summary } = await analyzeCapture(file);
  assert.ok(events.some((e) => e.kind === 'packet' && e.layer === 'mqtt' && e.frame === 28 && e.retain === true && (e.forwardDelayMs ?? 0) > 100));
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'src', 'cli', 'main.js'), 'check', file, '--latency', 'forwarding<50ms'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /5 samples, max 3\.078 ms/);
  // watch: the forwarding window holds the summary's samples; v5-keepalive's Will copies are none.
  for (const [name, samples] of [[file, 5], [capture('v5-keepalive'), 0]] as const) {
    const watch = new WatchAggregator({ windowIntervals: 1000 });
    const { events: all } = name === file ? { events } : await analyzeCapture(name);
    for (const e of all) watch.add(e);
    assert.equal(watch.snapshot().forwarding?.count ?? 0, samples, name);
  }
  assert.equal(summary.mqtt.forwarding?.count, 5);
});
