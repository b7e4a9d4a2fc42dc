/**
 * The edge-case captures (fixtures/edge/, made with real programs by fixtures/lab/capture_edge.sh): each against
 * tshark where tshark can say, and against what really happened in it (the lab made it happen). mqtt-vs-tshark and
 * tcp-vs-tshark compare every fixture, these included; this file covers what they cannot: tshark's out-of-order
 * reassembly on the lossy wire, a snaplen capture checked against its full twin, and the facts of each scenario.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { analyzeCapture } from '../src/index.js';
import type { Analysis, ArpEvent, FindingEvent, LifecycleEvent, MqttEvent, TcpEvent } from '../src/index.js';
import { fixturesDir } from './helpers/corpus.js';
import { diagnose } from './helpers/diagnose.js';
import { describeDiagnosis } from '../src/diagnosis/words.js';
import { messageKeys as keys, mqttOf, ourMessageKeys as ours, sessionsEnded } from './helpers/events.js';
import { tsharkFields, tsharkMissing, tsharkMqtt } from './helpers/tshark.js';
import { readCapture } from '../src/capture/reader.js';
import { decodeFrame } from '../src/decode/frame.js';
import type { DecodedFrame } from '../src/decode/types.js';

const edge = (name: string): string => path.join(fixturesDir, 'edge', name);
const missing = (name: string): string | undefined =>
  existsSync(edge(name)) ? undefined : `fixtures/edge/${name} not present (fixtures/lab/capture.sh --only edge-...)`;

/** The diagnoses, less the harmless teardown FIN retransmission the kernel makes in some runs and not others. */
async function diagnosesOf(file: string): Promise<string[]> {
  return (await diagnose(file)).map((d) => d.code).filter((c) => c !== 'diag.harmless-teardown-retransmission');
}

test('lossy wire (drops, duplicates, reordering): MQTT equals tshark with out-of-order reassembly, and nothing is lost',
  { skip: tsharkMissing ?? missing('lossy.pcap') }, async () => {
    const file = edge('lossy.pcap');
    const a = await analyzeCapture(file);
    // Bytes held out of order are delivered at the frame that fills the hole before them, as tshark does with
    // tcp.reassemble_out_of_order (its default, off, skips the retransmitted filler and so misses its messages).
    const theirs = keys(tsharkMqtt(file, [], ['-o', 'tcp.reassemble_out_of_order:TRUE']));
    assert.deepEqual(ours(a), theirs);
    const tcp = a.events.filter((e): e is TcpEvent => e.kind === 'packet' && e.layer === 'tcp');
    assert.ok(tcp.filter((e) => e.retransmission === true).length >= 10, 'retransmissions');
    assert.ok(tcp.some((e) => e.outOfOrder === true), 'out-of-order segments');
    // What happened: 10 QoS 2 and 10 QoS 1 messages, all forwarded to the subscriber and acknowledged on both legs.
    const mqtt = mqttOf(a);
    const forwarded = mqtt.filter((e) => e.msgtype === 3 && e.direction === 'server');
    assert.equal(forwarded.length, 20);
    for (const [type, count] of [[4, 20], [5, 20], [6, 20], [7, 20]] as const) {
      assert.equal(mqtt.filter((e) => e.msgtype === type).length, count, `msgtype ${type}`);
    }
    // Every client sent DISCONNECT, two of them lost once and retransmitted after the FIN that follows them.
    const ends = sessionsEnded(a);
    assert.deepEqual(ends.map((e) => `${e.clientId} ${e.reason}`).sort(),
      ['edge-lossy-q1 disconnect', 'edge-lossy-q2 disconnect', 'edge-lossy-sub disconnect']);
    const codes = (await diagnose(file)).map((d) => d.code);
    assert.ok(codes.includes('diag.tcp-retransmitted-data'));
    assert.ok(!codes.includes('diag.qos-unacknowledged') && !codes.includes('diag.qos-redelivered'), codes.join(','));
  });

test('70000-byte PUBLISH, several packets per segment, packets split across segments', { skip: missing('big.pcap') }, async () => {
  const a = await analyzeCapture(edge('big.pcap'));
  const mqtt = mqttOf(a);
  const big = mqtt.filter((e) => e.topic === 'edge/big');
  assert.equal(big.length, 2, 'published, and forwarded to the subscriber');
  for (const e of big) {
    assert.equal(e.length, 70012, 'remaining length past 64 KiB (3 bytes)');
    assert.equal(e.payload?.length, 70000);
    assert.equal(e.malformed, undefined);
    assert.ok(e.frames.length > 40, `${e.frames.length} segments`);
    assert.equal(e.frame, e.frames[e.frames.length - 1]);
  }
  // edgeclient.py burst: PUBLISH QoS 0, 1, 2 and PINGREQ in one send(), so in one segment.
  const burst = mqtt.filter((e) => e.direction === 'client' && (e.topic === 'edge/burst' || e.msgtype === 12));
  assert.deepEqual(burst.map((e) => e.msgtype), [3, 3, 3, 12]);
  assert.equal(new Set(burst.map((e) => e.frame)).size, 1, 'one frame');
  // edgeclient.py split: the CONNECT sent one byte per segment, a PUBLISH split after its third byte.
  const connect = mqtt.find((e) => e.msgtype === 1 && e.clientId === 'edge-split');
  assert.ok(connect);
  assert.equal(connect.frames.length, connect.length + 2, 'one frame per byte');
  const split = mqtt.find((e) => e.topic === 'edge/split' && e.direction === 'client');
  assert.equal(split?.frames.length, 2);
  assert.equal(split?.payload?.text, 'split across two segments');
  assert.deepEqual(await diagnosesOf(edge('big.pcap')), []);
});

test('snaplen 200: the same messages as the full capture of the same run, cut payloads said so',
  { skip: tsharkMissing ?? missing('big-snaplen.pcap') }, async () => {
    const full = await analyzeCapture(edge('big.pcap'));
    const cut = await analyzeCapture(edge('big-snaplen.pcap'));
    // Both tcpdumps ran on the same bridge at once: same frames. tshark cannot reassemble the cut segments (it reads
    // the captured head of each as new MQTT packets), so the reference is tshark on the full capture.
    assert.deepEqual(ours(cut), keys(tsharkMqtt(edge('big.pcap'))));
    assert.deepEqual(ours(cut), ours(full));
    const big = mqttOf(cut).filter((e) => e.topic === 'edge/big');
    assert.ok(big.length === 2 && big.every((e) => e.malformed === 'mqtt.incomplete' && e.payload?.length === 70000));
    assert.ok((await diagnose(edge('big-snaplen.pcap'))).some((d) => d.code === 'diag.snaplen-cut'));
  });

test('a PUBLISH without CONNECT and HTTP on 1883 are closed by a broker that keeps running', { skip: missing('not-mqtt.pcap') }, async () => {
  const a = await analyzeCapture(edge('not-mqtt.pcap'));
  const starts = a.events.filter((e): e is LifecycleEvent => e.kind === 'lifecycle' && e.type === 'session-started');
  assert.equal(starts.length, 3);
  assert.equal(mqttOf(a).filter((e) => e.msgtype === 2).length, 1, 'the publisher after them is accepted');
  // The broker closed two connections that never sent CONNECT, then accepted a new one: it did not stop, and the
  // resets are no killed program either: diag.no-connect says what each client sent first, in Wireshark's words.
  const list = await diagnose(edge('not-mqtt.pcap'));
  assert.deepEqual(list.map((d) => d.code), ['diag.no-connect']);
  const d = list[0]!;
  if (tsharkMissing === undefined) {
    const info = tsharkFields(edge('not-mqtt.pcap'), ['_ws.col.Info'], ['-Y', 'frame.number == 6 || frame.number == 12']).map((r) => r[0]!.trim());
    assert.deepEqual(d.detail.facts['firstPackets'], info);
  }
  assert.deepEqual(d.detail.facts['http'], ['', 'GET']);
  assert.equal(d.detail.facts['closedWith'], 'reset');
  assert.deepEqual(d.detail.causes, ['http-client', 'skipped-connect']);
});

test('broker restarted under two subscribers: diagnosed as restarted, both reconnect', { skip: missing('broker-restart.pcap') }, async () => {
  const list = await diagnose(edge('broker-restart.pcap'));
  const restarted = list.find((d) => d.code === 'diag.broker-restarted');
  assert.ok(restarted, list.map((d) => d.code).join(','));
  assert.ok(!list.some((d) => d.code === 'diag.broker-stopped'));
  assert.equal(restarted.detail.facts['dropped'], 2);
  assert.equal(restarted.detail.facts['refusedAfter'], 2);
  assert.deepEqual(restarted.detail.facts['reconnected'], ['edge-sub2 (172.18.0.4)', 'edge-sub (172.18.0.3)', 'edge-pub2 (172.18.0.4)']);
  assert.ok(Number(restarted.detail.facts['backAt']) > Number(restarted.detail.facts['stoppedAt']));
  const a = await analyzeCapture(edge('broker-restart.pcap'));
  const connects = mqttOf(a).filter((e) => e.msgtype === 1).map((e) => e.clientId).sort();
  assert.deepEqual(connects, ['edge-pub1', 'edge-pub2', 'edge-sub', 'edge-sub', 'edge-sub2', 'edge-sub2']);
  assert.equal(mqttOf(a).filter((e) => e.msgtype === 3 && e.direction === 'server').length, 8, '2 + 2 messages to each');
});

test('MQTT 5 properties, a cleared retained message and a will published on an abrupt close', { skip: missing('mqtt5-props.pcap') }, async () => {
  const a = await analyzeCapture(edge('mqtt5-props.pcap'));
  const mqtt = mqttOf(a);
  const connect = mqtt.find((e) => e.msgtype === 1 && e.clientId === 'edge-sub5');
  assert.equal(connect?.properties?.sessionExpiryInterval, 300);
  assert.deepEqual(connect?.userProperties, [['role', 'subscriber']]);
  const subscribe = mqtt.find((e) => e.msgtype === 8);
  assert.equal(subscribe?.properties?.subscriptionIdentifier, 7);
  assert.deepEqual(subscribe?.userProperties, [['filter', 'edge']]);
  const published = mqtt.find((e) => e.msgtype === 3 && e.topic === 'edge/data' && e.direction === 'client');
  assert.deepEqual(published?.properties, {
    contentType: 'application/json', responseTopic: 'edge/reply', correlationData: Buffer.from('req-1').toString('hex'),
    messageExpiryInterval: 60, payloadFormatIndicator: true,
  });
  assert.deepEqual(published?.userProperties, [['sensor', 'dht22']]);
  const delivered = mqtt.find((e) => e.msgtype === 3 && e.topic === 'edge/data' && e.direction === 'server');
  assert.equal(delivered?.properties?.subscriptionIdentifier, 7);
  assert.equal(delivered?.sourceFrame, published?.frame);
  // Retained "online", then cleared by an empty retained PUBLISH (delivered live, so with RETAIN 0).
  const status = mqtt.filter((e) => e.topic === 'edge/status');
  assert.deepEqual(status.map((e) => `${e.direction} ${e.retain} ${e.payload?.length}`),
    ['client true 6', 'server false 6', 'client true 0', 'server false 0']);
  // The will: announced in CONNECT, published by the broker after its client closed without DISCONNECT.
  const willConnect = mqtt.find((e) => e.msgtype === 1 && e.clientId === 'edge-will');
  assert.deepEqual(willConnect?.will && { topic: willConnect.will.topic, qos: willConnect.will.qos, text: willConnect.will.payload.text },
    { topic: 'edge/will', qos: 1, text: 'gone' });
  const willEnd = sessionsEnded(a).find((e) => e.clientId === 'edge-will');
  assert.equal(willEnd?.reason, 'client-closed');
  const willPublish = mqtt.find((e) => e.msgtype === 3 && e.topic === 'edge/will');
  assert.ok(willPublish !== undefined && willEnd !== undefined && willPublish.frame > willEnd.frame);
  assert.equal(willPublish.payload?.text, 'gone');
  assert.deepEqual(await diagnosesOf(edge('mqtt5-props.pcap')), []);
});

test('pcapng with two interfaces and a VLAN-tagged mirror port: every frame decoded, nothing a duplicate', async (t) => {
  for (const [name, messages] of [['multi-if.pcapng', 18], ['vlan.pcap', 14]] as const) {
    if (missing(name) !== undefined) {
      t.diagnostic(missing(name)!);
      continue;
    }
    const a = await analyzeCapture(edge(name));
    assert.equal(a.summary.frames.undecodable, 0, name);
    assert.equal(a.summary.frames.read, a.summary.frames.decoded, name);
    assert.equal(mqttOf(a).length, messages, name);
    const tcp = a.events.filter((e): e is TcpEvent => e.kind === 'packet' && e.layer === 'tcp');
    assert.ok(tcp.every((e) => e.duplicateOf === undefined && e.retransmission !== true), name);
  }
});

test('20000-byte PUBLISHes over the lossy wire: holes, duplicates and reordering inside MQTT packets',
  { skip: tsharkMissing ?? missing('lossy-big.pcap') }, async () => {
    const file = edge('lossy-big.pcap');
    const a = await analyzeCapture(file);
    assert.deepEqual(ours(a), keys(tsharkMqtt(file, [], ['-o', 'tcp.reassemble_out_of_order:TRUE'])));
    const big = mqttOf(a).filter((e) => e.topic === 'edge/big');
    assert.deepEqual(big.map((e) => `${e.direction} ${e.payload?.length} ${e.malformed ?? ''}`),
      ['client 20000 ', 'server 20000 ', 'client 20000 ', 'server 20000 ', 'client 20000 ', 'server 20000 ']);
    assert.equal(mqttOf(a).filter((e) => e.msgtype === 4).length, 6, 'every PUBLISH acknowledged on both legs');
    assert.ok(a.events.some((e) => e.kind === 'packet' && e.layer === 'tcp' && (e as TcpEvent).outOfOrder === true));
  });

test('a subscriber that stops reading: zero window, every message delivered', { skip: tsharkMissing ?? missing('stalled-reader.pcap') }, async () => {
  const file = edge('stalled-reader.pcap');
  const zero = tsharkFields(file, ['frame.number'], ['-Y', 'tcp.analysis.zero_window']);
  assert.ok(zero.length > 0, 'tshark sees zero windows');
  const list = await diagnose(file);
  const d = list.find((x) => x.code === 'diag.tcp-zero-window');
  assert.ok(d, list.map((x) => x.code).join(','));
  // The frames that advertised it are tshark's tcp.analysis.zero_window frames.
  assert.deepEqual(d.evidence.frames, zero.map(([frame]) => Number(frame)));
  const a = await analyzeCapture(file);
  assert.equal(mqttOf(a).filter((e) => e.msgtype === 3 && e.direction === 'server').length, 40);
});

test('pcapng of three bridge ports (each packet twice): second copies are duplicates, not retransmissions',
  { skip: tsharkMissing ?? missing('multi-if-dup.pcapng') }, async () => {
    const file = edge('multi-if-dup.pcapng');
    // Independently of our detector: a later TCP frame with every header field equal (IP id and TSval too) to an
    // earlier one on another interface is the same packet seen again.
    const fields = ['frame.number', 'frame.interface_id', 'ip.src', 'ip.dst', 'ip.id', 'tcp.srcport', 'tcp.dstport',
      'tcp.seq_raw', 'tcp.ack_raw', 'tcp.flags', 'tcp.len', 'tcp.window_size_value', 'tcp.options.timestamp.tsval'];
    const first = new Map<string, { frame: number; iface: string }>();
    const expected: Array<[number, number]> = [];
    for (const [frame, iface, ...rest] of tsharkFields(file, fields, ['-Y', 'tcp'])) {
      const key = rest.join('|');
      const seen = first.get(key);
      if (seen === undefined) first.set(key, { frame: Number(frame), iface: iface! });
      else if (seen.iface !== iface) expected.push([Number(frame), seen.frame]);
    }
    assert.ok(expected.length > 20, `${expected.length} second copies`);
    const a = await analyzeCapture(file);
    const tcp = a.events.filter((e): e is TcpEvent => e.kind === 'packet' && e.layer === 'tcp');
    assert.deepEqual(tcp.filter((e) => e.duplicateOf !== undefined).map((e) => [e.frame, e.duplicateOf]), expected);
    // What tshark flags apart from the second copies is real (the kernel retransmitting a FIN at teardown), and ours.
    const copies = new Set(expected.map(([frame]) => frame));
    const real = tsharkFields(file, ['frame.number'], ['-Y', 'tcp.analysis.retransmission or tcp.analysis.out_of_order'])
      .map(([frame]) => Number(frame)).filter((frame) => !copies.has(frame));
    assert.deepEqual(tcp.filter((e) => e.retransmission === true || e.outOfOrder === true).map((e) => e.frame), real);
    const codes = (await diagnose(file)).map((d) => d.code);
    assert.ok(codes.includes('diag.duplicate-frames') && !codes.includes('diag.tcp-retransmitted-data'), codes.join(','));
    assert.equal(mqttOf(a).length, 18);
  });

test('-i any with the bridge device promiscuous (each packet three times): said as captured three times, not twice',
  { skip: tsharkMissing ?? missing('any-promisc.pcap') }, async () => {
    const file = edge('any-promisc.pcap');
    // Independently of our detector: TCP frames with every header field equal (IP id and TSval too) are one packet;
    // tshark shows each on three interfaces (sll.ifindex: the two veth ports it crossed and br0).
    const fields = ['sll.ifindex', 'ip.src', 'ip.dst', 'ip.id', 'tcp.srcport', 'tcp.dstport', 'tcp.seq_raw', 'tcp.ack_raw', 'tcp.flags',
      'tcp.len', 'tcp.window_size_value', 'tcp.options.timestamp.tsval'];
    const interfaces = new Map<string, Set<string>>();
    let frames = 0;
    for (const [ifindex, ...rest] of tsharkFields(file, fields, ['-Y', 'tcp'])) {
      frames++;
      const key = rest.join('|');
      interfaces.set(key, (interfaces.get(key) ?? new Set()).add(ifindex!));
    }
    assert.ok(interfaces.size > 20, `${interfaces.size} packets`);
    for (const seen of interfaces.values()) assert.equal(seen.size, 3);
    const d = (await diagnose(file)).find((x) => x.code === 'diag.duplicate-frames')!;
    assert.equal(d.detail.facts['packets'], interfaces.size);
    assert.equal(d.detail.facts['times'], 3);
    assert.equal(d.detail.facts['maxTimes'], undefined);
    assert.equal(d.detail.facts['count'], frames - interfaces.size);
    assert.deepEqual(d.detail.causes, ['capture-any', 'bridge-promiscuous']);
    assert.match(describeDiagnosis(d, 'en')!.sentence, new RegExp(`^${interfaces.size} packets were captured three times, once on each interface they crossed \\(tcpdump -i any\\): the ${frames - interfaces.size} copies are not retransmissions\\.$`));
    assert.match(describeDiagnosis(d, 'id')!.sentence, new RegExp(`^${interfaces.size} paket terekam tiga kali, `));
    // reqresp-any: the same lab without the promiscuous bridge, each packet twice.
    const twice = (await diagnose(path.join(fixturesDir, 'reqresp-any.pcap'))).find((x) => x.code === 'diag.duplicate-frames')!;
    assert.equal(twice.detail.facts['times'], 2);
    assert.match(describeDiagnosis(twice, 'en')!.sentence, /^46 packets were captured twice, /);
  });

test('overlapping subscriptions: every copy traced to its publish, one per matching filter for MQTT 5, and the message sent after they left reached nobody',
  { skip: missing('overlap.pcap') }, async () => {
    const a = await analyzeCapture(edge('overlap.pcap'));
    const mqtt = mqttOf(a);
    const clientOf = new Map(mqtt.filter((e) => e.msgtype === 1).map((e) => [e.stream, e.clientId]));
    const published = mqtt.filter((e) => e.msgtype === 3 && e.direction === 'client');
    const copies = mqtt.filter((e) => e.msgtype === 3 && e.direction === 'server');
    // Mosquitto sends the MQTT 3.1.1 subscriber one copy, the MQTT 5 one a copy per matching subscription.
    const want: Record<string, string[]> = { 't qos 2': ['ov-sub311', 'ov-sub5', 'ov-sub5'], 't qos 1': ['ov-sub311', 'ov-sub5', 'ov-sub5'],
      'h qos 1': ['ov-sub311', 'ov-sub5'], 'nobody left': [] };
    for (const p of published) {
      const linked = copies.filter((c) => c.sourceFrame === p.frame).map((c) => clientOf.get(c.stream) ?? '?');
      assert.deepEqual(linked, want[p.payload?.text ?? ''], `copies of #${p.frame} (${p.payload?.text})`);
    }
    assert.equal(copies.filter((c) => c.sourceFrame === undefined).length, 0);
    const last = published.find((p) => p.payload?.text === 'nobody left');
    const diagnoses = await diagnose(edge('overlap.pcap'));
    assert.deepEqual(diagnoses.map((d) => d.code), ['diag.published-to-nobody']);
    assert.deepEqual(diagnoses[0]?.evidence.frames, [last?.frame]);
  });

test('two brokers bridged: the bridge\'s CONNECT level as tshark reads it (0x84), each message traced publisher → broker A → bridge → broker B → subscriber',
  { skip: missing('bridge.pcap') }, async () => {
    const a = await analyzeCapture(edge('bridge.pcap'));
    const mqtt = mqttOf(a);
    const bridge = mqtt.find((e) => e.msgtype === 1 && e.src.startsWith('172.18.0.3:'));
    assert.equal(bridge?.protocolVersion, 4);
    assert.equal(bridge?.bridge, true);
    assert.match(bridge?.summary ?? '', /MQTT 3\.1\.1 bridge /);
    if (tsharkMissing === undefined) {
      const ver = tsharkFields(edge('bridge.pcap'), ['frame.number', 'mqtt.ver'], ['-Y', 'mqtt.msgtype == 1']);
      assert.deepEqual(ver.find((row) => row[0] === String(bridge?.frame))?.[1], '132');
    }
    const byFrame = new Map(mqtt.map((e) => [e.frame, e]));
    const published = mqtt.filter((e) => e.msgtype === 3 && e.direction === 'client' && e.topic === 'br/temp');
    assert.equal(published.length, 3);
    for (const p of published) {
      const toBridge = mqtt.filter((e) => e.msgtype === 3 && e.sourceFrame === p.frame);
      assert.deepEqual(toBridge.map((e) => e.dst), [bridge?.src], `#${p.frame} forwarded to the bridge`);
      const toSubscriber = mqtt.filter((e) => e.msgtype === 3 && e.sourceFrame === toBridge[0]!.frame);
      assert.deepEqual(toSubscriber.map((e) => `${e.src} ${e.payload?.text}`), [`172.18.0.3:1883 ${p.payload?.text}`],
        `#${p.frame}'s bridged copy #${toBridge[0]!.frame} forwarded by broker B`);
      assert.equal(byFrame.get(toSubscriber[0]!.sourceFrame!)?.direction, 'server');
    }
    assert.deepEqual(await diagnosesOf(edge('bridge.pcap')), []);
  });

test('a persistent QoS 2 subscriber stopped, killed and restarted: the delivery it left is redelivered with DUP and acknowledged, so not "never acknowledged"',
  { skip: missing('hung-subscriber.pcap') }, async () => {
    const a = await analyzeCapture(edge('hung-subscriber.pcap'));
    const mqtt = mqttOf(a);
    const copies = mqtt.filter((e) => e.msgtype === 3 && e.direction === 'server');
    const [first, ...again] = copies;
    assert.equal(first?.dup, false);
    // The same message (packet id, source) again with DUP on the next connection, answered there by PUBREC.
    const redelivered = again.find((e) => e.dup === true);
    assert.ok(first !== undefined && redelivered !== undefined && redelivered.stream !== first.stream);
    assert.equal(redelivered.packetId, first.packetId);
    assert.equal(redelivered.sourceFrame, first.sourceFrame);
    assert.ok(mqtt.some((e) => e.msgtype === 5 && e.stream === redelivered.stream && e.requestFrame === redelivered.frame));
    const connack = mqtt.find((e) => e.msgtype === 2 && e.stream === redelivered.stream);
    assert.equal(connack?.sessionPresent, true);
    assert.deepEqual((await diagnosesOf(edge('hung-subscriber.pcap'))).sort(), ['diag.qos-redelivered', 'diag.tcp-reset']);
  });

test('an MQTT 5 session that expired with a message queued: published to nobody, and the expired session named as the cause',
  { skip: missing('session-expired.pcap') }, async () => {
    const a = await analyzeCapture(edge('session-expired.pcap'));
    const mqtt = mqttOf(a);
    const connects = mqtt.filter((e) => e.msgtype === 1 && e.clientId === 'exp-sub');
    assert.deepEqual(connects.map((e) => [e.cleanSession, e.properties?.sessionExpiryInterval]), [[false, 1], [false, 1]]);
    const back = mqtt.find((e) => e.msgtype === 2 && e.stream === connects[1]!.stream);
    assert.equal(back?.sessionPresent, false);
    const queued = mqtt.find((e) => e.msgtype === 3 && e.direction === 'client' && e.payload?.text === 'queued, then expired');
    const list = await diagnose(edge('session-expired.pcap'));
    assert.deepEqual(list.map((d) => d.code), ['diag.published-to-nobody']);
    const d = list[0]!;
    assert.deepEqual(d.evidence.frames, [queued?.frame]);
    assert.deepEqual(d.detail.facts['expiredSessions'], ['exp-sub (172.18.0.3)']);
    assert.equal(d.detail.facts['connackFrame'], back?.frame);
    assert.equal(d.detail.facts['sessionExpiry'], 1);
    assert.equal(d.detail.causes[0], 'session-expired');
  });

test('two unrelated brokers, same topic names: copies traced within their broker, a subscriber of the other broker named as the cause',
  { skip: missing('two-brokers.pcap') }, async () => {
    const file = edge('two-brokers.pcap');
    const a = await analyzeCapture(file);
    const mqtt = mqttOf(a);
    const frameOf = (payload: string, direction: 'client' | 'server'): MqttEvent[] =>
      mqtt.filter((e) => e.msgtype === 3 && e.payload?.text === payload && e.direction === direction);
    // "from A" went publisher → A (172.18.0.2) → two-subA only; "from B" publisher (172.18.0.2 as a client) → B → two-subB only.
    for (const [payload, broker] of [['from A', '172.18.0.2:1883'], ['from B', '172.18.0.3:1883']] as const) {
      const [published] = frameOf(payload, 'client');
      const copies = frameOf(payload, 'server');
      assert.equal(published?.dst, broker);
      assert.deepEqual(copies.map((c) => [c.src, c.sourceFrame]), [[broker, published.frame]], payload);
    }
    assert.deepEqual(frameOf('only b?', 'server'), [], 'broker A had no subscriber to two/only-b');
    const list = await diagnose(file);
    assert.deepEqual(list.map((d) => d.code), ['diag.published-to-nobody']);
    const d = list[0]!;
    assert.equal(d.detail.facts['broker'], '172.18.0.2:1883');
    assert.deepEqual(d.detail.facts['topics'], ['two/only-b']);
    // two-subB, subscribed to two/only-b on broker B all along, is no subscriber of A that A dropped the message for.
    assert.equal(d.detail.facts['subscribers'], undefined);
    assert.deepEqual(d.detail.facts['otherSubscribers'], ['two-subB (172.18.0.4)']);
    assert.deepEqual(d.detail.facts['otherBrokers'], ['172.18.0.3:1883']);
    assert.deepEqual(d.detail.causes, ['other-broker']);
    assert.deepEqual(d.detail.checks, ['same-broker']);
    if (tsharkMissing === undefined) {
      assert.deepEqual(d.evidence.frames, tsharkFields(file, ['frame.number'], ['-Y', 'mqtt.topic == "two/only-b" && ip.dst == 172.18.0.2']).map((r) => Number(r[0])));
    }
  });

test('QoS 2 publish interrupted after PUBREC, PUBREL sent again on the next connection: traced and complete',
  { skip: missing('qos2-resume.pcap') }, async () => {
    const file = edge('qos2-resume.pcap');
    const a = await analyzeCapture(file);
    const mqtt = mqttOf(a);
    const publish = mqtt.find((e) => e.msgtype === 3 && e.direction === 'client');
    const copy = mqtt.find((e) => e.msgtype === 3 && e.direction === 'server');
    assert.ok(publish !== undefined && copy !== undefined);
    assert.equal(copy.sourceFrame, publish.frame, 'the copy Mosquitto released at the PUBREL of the second connection');
    const pubrel = mqtt.find((e) => e.msgtype === 6 && e.direction === 'client');
    const pubcomp = mqtt.find((e) => e.msgtype === 7 && e.direction === 'server');
    assert.ok(pubrel !== undefined && pubcomp !== undefined);
    assert.notEqual(pubrel.stream, publish.stream, 'the PUBREL came on the new connection');
    assert.equal(pubcomp.stream, pubrel.stream);
    const ends = sessionsEnded(a);
    assert.deepEqual(ends.map((e) => `${e.clientId} ${e.reason}`),
      ['q2r-pub client-closed', 'q2r-sub disconnect', 'q2r-pub disconnect']);
    assert.deepEqual(await diagnosesOf(file), []);
  });

test('capture started mid-stream: version inferred, copies traced without SUBSCRIBE, only capture-started-late',
  { skip: missing('midstream.pcap') }, async () => {
    const file = edge('midstream.pcap');
    const a = await analyzeCapture(file);
    const mqtt = mqttOf(a);
    assert.equal(mqtt.filter((e) => e.msgtype === 1).length, 0, 'no CONNECT');
    const copies = mqtt.filter((e) => e.msgtype === 3 && e.direction === 'server');
    assert.equal(copies.length, 8);
    assert.ok(copies.every((c) => c.sourceFrame !== undefined), 'every copy traced');
    assert.deepEqual(await diagnosesOf(file), ['diag.capture-started-late']);
  });

test('reconnect storm of one client id, and retained/QoS-downgrade traffic: only the bare closes after CONNECT diagnosed',
  { skip: missing('storm.pcap') ?? missing('retained-qos.pcap') }, async () => {
    const storm = await analyzeCapture(edge('storm.pcap'));
    assert.equal(mqttOf(storm).filter((e) => e.msgtype === 1 && e.clientId === 'storm-1').length, 12);
    // edgeclient.py storm ends every other connection with DISCONNECT and the others with a bare close right after the
    // CONNACK: those six (and only those) are a client that sent nothing but its CONNECT.
    assert.deepEqual(await diagnosesOf(edge('storm.pcap')), ['diag.client-sent-nothing']);
    const idle = (await diagnose(edge('storm.pcap'))).find((d) => d.code === 'diag.client-sent-nothing')!;
    assert.equal(idle.detail.facts['count'], 6);
    const a = await analyzeCapture(edge('retained-qos.pcap'));
    const copies = mqttOf(a).filter((e) => e.msgtype === 3 && e.direction === 'server');
    // The retained copy (retain 1) for ret-late1, the clearing (empty, retain 0), then ret/q at QoS 0, 2, 0, 0.
    assert.deepEqual(copies.map((c) => `${c.topic} ${c.qos} ${c.retain === true ? 'r' : '-'} ${c.payload?.length ?? 0}`),
      ['ret/state 1 r 2', 'ret/state 1 - 0', 'ret/q 0 - 13', 'ret/q 2 - 13', 'ret/q 0 - 13', 'ret/q 0 - 13']);
    assert.ok(copies.every((c) => c.sourceFrame !== undefined), 'every copy traced');
    assert.deepEqual(await diagnosesOf(edge('retained-qos.pcap')), []);
  });

test('MQTT 5 Topic Alias remapped, then used on a new connection: topics follow the remapping; the stale alias is a protocol violation',
  { skip: missing('alias-remap.pcap') }, async () => {
    const file = edge('alias-remap.pcap');
    const a = await analyzeCapture(file);
    const mqtt = mqttOf(a);
    const published = mqtt.filter((e) => e.msgtype === 3 && e.direction === 'client');
    assert.deepEqual(published.map((e) => `${e.topic}|${e.topicAlias}|${e.payload?.text}`),
      ['alias/one|1|first', 'alias/one|1|second', 'alias/two|1|third', 'alias/two|1|fourth', '|1|stale']);
    const copies = mqtt.filter((e) => e.msgtype === 3 && e.direction === 'server');
    assert.deepEqual(copies.map((e) => `${e.topic}|${e.payload?.text}|${e.sourceFrame}`),
      published.slice(0, 4).map((e) => `${e.topic}|${e.payload?.text}|${e.frame}`));
    const list = await diagnose(file);
    assert.deepEqual(list.map((d) => d.code), ['diag.protocol-violation']);
    const d = list[0]!;
    assert.equal(d.detail.facts['rule'], 'unknown-topic-alias');
    assert.equal(d.detail.facts['alias'], 1);
    assert.equal(d.detail.facts['how'], 'disconnect');
    assert.equal(d.detail.facts['code'], '0x82');
    assert.deepEqual(d.detail.causes, ['alias-not-mapped', 'unchecked-client']);
    assert.equal(d.evidence.firstFrame, published[4]!.frame);
  });

test('persistent QoS 2 subscriber stopped and restarted, captured from after its SUBSCRIBE: not "subscribed too late", not "never acknowledged"',
  { skip: missing('midstream-persistent.pcap') }, async () => {
    const file = edge('midstream-persistent.pcap');
    const a = await analyzeCapture(file);
    const mqtt = mqttOf(a);
    const first = mqtt.find((e) => e.msgtype === 3 && e.direction === 'client' && e.payload?.text === 'message 1');
    assert.ok(first !== undefined);
    // The stopped subscriber's connection shows only a PINGREQ before the copy: MQTT 3.1.1 inferred, as tshark reads it,
    // so the copy's payload holds the MQTT 5 property length (00); it is traced to the publish all the same.
    const copies = mqtt.filter((e) => e.msgtype === 3 && e.direction === 'server' && e.sourceFrame === first.frame);
    assert.deepEqual(copies.map((c) => c.dup === true), [false, true], 'the first delivery and its DUP redelivery');
    assert.equal(copies[0]!.payload?.length, 10);
    if (tsharkMissing === undefined) {
      const [row] = tsharkFields(file, ['mqtt.msg'], ['-Y', `frame.number == ${copies[0]!.frame}`]);
      assert.equal(row?.[0], '006d6573736167652031');
    }
    // The restarted subscriber got the queued messages right after CONNACK session present 1, before it subscribed
    // again; the unacknowledged first delivery was redelivered with DUP and acknowledged.
    const codes = (await diagnosesOf(file)).sort();
    assert.deepEqual(codes, ['diag.capture-started-late', 'diag.qos-redelivered', 'diag.tcp-reset']);
  });

test('MQTT inside VXLAN (ports 4789 and 8472) captured on the underlay: every message at tshark\'s frame, the overlay\'s hosts and connections, the tunnels kept, all is well',
  { skip: tsharkMissing ?? missing('vxlan.pcap') }, async () => {
    const file = edge('vxlan.pcap');
    const a = await analyzeCapture(file);
    // tshark 4.0 decodes VXLAN on 4789 only; told 8472 is VXLAN too (as we decode it), it finds the same messages.
    const theirs = keys(tsharkMqtt(file, [], ['-d', 'udp.port==8472,vxlan']));
    assert.deepEqual(ours(a), theirs);
    assert.equal(theirs.length, 64);
    // The sessions are the overlay's clients (inner addresses), and the one ordinary connection over the underlay.
    const sessions = a.summary.mqtt.sessions.map((s) => `${s.clientId} ${s.client.replace(/:\d+$/, '')}`).sort();
    assert.deepEqual(sessions, ['underlay-pub 192.168.50.2', 'underlay-sub 192.168.50.2', 'vx-pub 10.0.42.3', 'vx-sub 10.0.42.3',
      'vx43-pub 10.0.43.3', 'vx43-sub 10.0.43.3', 'vx6-pub [fd42::3]', 'vx6-sub [fd42::3]']);
    const servers = new Set(a.summary.tcp.listed.map((c) => c.server));
    assert.deepEqual([...servers].sort(), ['10.0.42.2:1883', '10.0.43.2:1883', '192.168.50.1:1883', '[fd42::2]:1883']);
    // Hosts: the inner hosts with the overlay's MACs (02:42:0a:00:...), the underlay's with theirs.
    const hosts = new Map(a.summary.hosts.map((h) => [h.ip, h.mac]));
    for (const [ip, mac] of [['10.0.42.3', '02:42:0a:00:2a:03'], ['10.0.42.2', '02:42:0a:00:2a:02'], ['fd42::3', '02:42:0a:00:2a:03'],
      ['10.0.43.2', '02:42:0a:00:2b:02'], ['192.168.50.2', '02:42:c0:a8:32:02']]) assert.equal(hosts.get(ip!), mac, ip);
    // The tunnels, with the frames tshark dissects as VXLAN in each VNI (the truncated header has no VNI).
    const vni = (n: string): number => tsharkFields(file, ['vxlan.vni'], ['-d', 'udp.port==8472,vxlan', '-Y', `vxlan.vni == ${n}`]).length;
    assert.deepEqual(a.summary.tunnels, [
      { kind: 'vxlan', vni: 42, endpoints: ['192.168.50.1', '192.168.50.2'], frames: vni('42'), malformed: 1 },
      { kind: 'vxlan', vni: 43, endpoints: ['192.168.50.1', '192.168.50.2'], frames: vni('43') },
    ]);
    // Every packet event of a tunnelled connection carries its tunnel (outer addresses, VNI); the plain one none.
    const tcp = a.events.filter((e): e is TcpEvent => e.kind === 'packet' && e.layer === 'tcp');
    for (const e of tcp) {
      const t = e.tunnels;
      if (e.src.startsWith('192.168.50.')) assert.equal(t, undefined, `frame ${e.frame}`);
      else {
        assert.equal(t?.length, 1, `frame ${e.frame}`);
        assert.equal(t![0]!.kind === 'vxlan' ? t![0]!.vni : undefined, e.src.startsWith('10.0.43.') || e.dst.startsWith('10.0.43.') ? 43 : 42, `frame ${e.frame}`);
        assert.match(t![0]!.dst, e.src.startsWith('10.0.43.') || e.dst.startsWith('10.0.43.') ? /^192\.168\.50\.[12]:8472$/ : /^192\.168\.50\.[12]:4789$/);
      }
    }
    // ARP inside the tunnel (the overlay's hosts) and on the underlay.
    const arp = a.events.filter((e): e is ArpEvent => e.kind === 'packet' && e.layer === 'arp');
    assert.ok(arp.some((e) => e.senderIp === '10.0.42.3' && e.tunnels?.[0]?.kind === 'vxlan' && e.tunnels[0].vni === 42));
    assert.ok(arp.some((e) => e.senderIp === '192.168.50.2' && e.tunnels === undefined));
    // The outer datagrams the node fragmented (VNI 43's MTU 1500) are reassembled, as tshark does: the 4000-byte
    // message, published and delivered whole.
    const fragments = tsharkFields(file, ['frame.number'], ['-Y', 'ip.flags.mf == 1 || ip.frag_offset > 0']).length;
    assert.equal(fragments, 8);
    const reassembled = a.events.filter((e): e is FindingEvent => e.kind === 'finding' && e.code === 'ip.fragment');
    assert.equal(reassembled.length, fragments / 2);
    const big = mqttOf(a).filter((e) => e.topic === 'sister/big');
    assert.deepEqual(big.map((e) => `${e.direction} ${e.payload?.length} ${e.malformed ?? ''}`), ['client 4000 ', 'server 4000 ']);
    // The two datagrams no VTEP sends: a header without the I flag (its inner UDP still decoded, as tshark does: a
    // finding), and a header cut short (tshark: Malformed Packet; ours: decode.truncated at the VXLAN layer).
    const noI = tsharkFields(file, ['frame.number'], ['-Y', 'vxlan.flag_i == 0']).map((r) => Number(r[0]));
    const malformed = tsharkFields(file, ['frame.number'], ['-Y', '_ws.malformed && vxlan']).map((r) => Number(r[0]));
    const findings = a.events.filter((e): e is FindingEvent => e.kind === 'finding');
    assert.deepEqual(findings.filter((f) => f.code === 'decode.bad-tunnel-header').map((f) => f.frame), noI);
    assert.deepEqual(findings.filter((f) => f.code === 'decode.truncated').map((f) => `${f.frame} ${f.summary.split(':')[0]}`),
      malformed.map((n) => `${n} vxlan`));
    assert.equal(a.summary.frames.byProtocol['vxlan (malformed)'], 1);
    assert.equal(a.summary.frames.byProtocol['udp'], 1, 'the inner UDP datagram behind the header without I');
    assert.deepEqual(await diagnosesOf(file), []);
  });

test('MQTT inside VXLAN with snaplen 146: the same messages as the full capture of the same run, cut ones said so',
  { skip: tsharkMissing ?? missing('vxlan-snaplen.pcap') ?? missing('vxlan.pcap') }, async () => {
    const cut = await analyzeCapture(edge('vxlan-snaplen.pcap'));
    const full = await analyzeCapture(edge('vxlan.pcap'));
    // Both tcpdumps ran at once on the same interface, the snaplen one started a moment later and stopped earlier (and
    // each stamps its packets itself): the same messages in the same order, the first of the full capture's (those
    // cut before their packet id or topic by the snaplen have none).
    const seq = (a: Analysis): string[] => mqttOf(a).map((e) => `${e.src} ${e.msgtype}`);
    const cutKeys = seq(cut);
    assert.deepEqual(cutKeys, seq(full).slice(0, cutKeys.length));
    assert.ok(cutKeys.length >= 30, `${cutKeys.length} messages`);
    assert.deepEqual(ours(cut), keys(tsharkMqtt(edge('vxlan-snaplen.pcap'))));
    const incomplete = mqttOf(cut).filter((e) => e.malformed === 'mqtt.incomplete');
    // 146 bytes leave 10 bytes of MQTT behind inner IPv6 (all its messages but DISCONNECT cut) and 30 behind IPv4.
    assert.ok(incomplete.length >= 4 && incomplete.every((e) => e.src.startsWith('[fd42::') || e.dst.startsWith('[fd42::')), 'inner IPv6 messages cut');
    assert.deepEqual(cut.events.filter((e) => e.kind === 'finding' && e.code.startsWith('decode.')), [], 'every inner header captured whole');
    assert.ok((await diagnose(edge('vxlan-snaplen.pcap'))).some((d) => d.code === 'diag.snaplen-cut'));
  });

test('the lab mirrored inside VXLAN with VLAN 7 tags (a remote mirror session): MQTT at tshark\'s frames, the lab\'s hosts, nothing diagnosed',
  { skip: tsharkMissing ?? missing('vxlan-mirror.pcap') }, async () => {
    const file = edge('vxlan-mirror.pcap');
    const a = await analyzeCapture(file);
    assert.deepEqual(ours(a), keys(tsharkMqtt(file)));
    assert.equal(mqttOf(a).length, 14);
    // Every lab frame is inside the tunnel with a VLAN 7 tag (tshark's vlan.id), the outer frame untagged; only the
    // collector's own ARP is outside.
    const tagged = tsharkFields(file, ['frame.number'], ['-Y', 'vxlan.vni == 100 && vlan.id == 7']).map((r) => Number(r[0]));
    const decoded: DecodedFrame[] = [];
    await readCapture(file, { frame: (f) => { decoded.push(decodeFrame(f)); }, notice: () => {} });
    const inTunnel = decoded.filter((d) => d.tunnels.length > 0);
    assert.deepEqual(inTunnel.map((d) => d.frame), tagged);
    for (const d of inTunnel) {
      assert.deepEqual([d.link?.vlans, d.tunnels[0]!.link?.vlans], [[7], []], `frame ${d.frame}`);
      assert.equal(d.link?.etherType === 0x0800 || d.link?.etherType === 0x0806, true, `frame ${d.frame}: IPv4 or ARP after the tag`);
    }
    assert.equal(tagged.length, decoded.length - 2);
    assert.deepEqual(a.summary.tunnels, [{ kind: 'vxlan', vni: 100, endpoints: ['192.168.60.1', '192.168.60.2'], frames: tagged.length }]);
    assert.deepEqual(a.summary.hosts.map((h) => `${h.ip} ${h.mac ?? ''}`).sort(),
      ['172.18.0.2 02:42:ac:12:00:02', '172.18.0.3 02:42:ac:12:00:03', '192.168.60.1 02:42:c0:a8:3c:01', '192.168.60.2 02:42:c0:a8:3c:02']);
    assert.deepEqual(a.summary.tcp.listed.map((c) => c.server), ['172.18.0.2:1883', '172.18.0.2:1883']);
    assert.deepEqual(await diagnosesOf(file), []);
  });

/** The MQTT messages of `file` at tshark's frames (when tshark is there), and the analysis. */
async function sameAsTshark(file: string): Promise<Analysis> {
  const a = await analyzeCapture(file);
  if (tsharkMissing === undefined) assert.deepEqual(ours(a), keys(tsharkMqtt(file)));
  return a;
}

/** Client id of each stream (its CONNECT). */
function clientIds(a: Analysis): Map<number, string> {
  return new Map(mqttOf(a).filter((e) => e.msgtype === 1).map((e) => [e.stream, e.clientId ?? '?']));
}

test('MQTT 5 shared subscriptions: each message to sh-all and to one member of the group; a typo in another group\'s filter is found, and the messages counted once',
  { skip: missing('shared-sub.pcap') }, async () => {
    const file = edge('shared-sub.pcap');
    const a = await sameAsTshark(file);
    const mqtt = mqttOf(a);
    const who = clientIds(a);
    const published = mqtt.filter((e) => e.msgtype === 3 && e.direction === 'client');
    const copies = mqtt.filter((e) => e.msgtype === 3 && e.direction === 'server');
    assert.equal(published.length, 8);
    assert.ok(copies.every((c) => c.sourceFrame !== undefined), 'every copy traced');
    // Mosquitto took the members in turn (sh-c left after reading 6).
    const members = published.map((p) => copies.filter((c) => c.sourceFrame === p.frame).map((c) => who.get(c.stream)).sort().join(' '));
    assert.deepEqual(members, ['sh-a sh-all', 'sh-all sh-b', 'sh-all sh-c', 'sh-a sh-all', 'sh-all sh-b', 'sh-all sh-c', 'sh-a sh-all', 'sh-all sh-b']);
    // The group wrk subscribed to sh/tmep: said so, naming its members as one group (they agree on the filter by
    // design: no "the publisher's topic is likelier the typo"), with the 8 messages published (not the 16 copies).
    const list = await diagnose(file);
    assert.deepEqual(list.map((d) => d.code), ['diag.topic-mismatch']);
    const f = list[0]!.detail.facts;
    assert.equal(f['filter'], '$share/wrk/sh/tmep');
    assert.equal(f['topic'], 'sh/temp');
    assert.equal(f['published'], 8);
    assert.deepEqual(f['groupMembers'], ['sh-t1 (172.18.0.4)', 'sh-t2 (172.18.0.4)']);
    assert.equal(f['typoIn'], undefined);
    assert.equal(f['op'], 'swapped');
    assert.match(describeDiagnosis(list[0]!, 'en')!.sentence, /shared subscription; its group's members: sh-t1 \(172\.18\.0\.4\) and sh-t2/);
  });

test('MQTT 5 No Local: the publisher\'s own messages not sent back to it, nothing missed; a message whose only subscriber is its No Local publisher said so',
  { skip: missing('no-local.pcap') }, async () => {
    const file = edge('no-local.pcap');
    const a = await sameAsTshark(file);
    const mqtt = mqttOf(a);
    const who = clientIds(a);
    const published = mqtt.filter((e) => e.msgtype === 3 && e.direction === 'client');
    const copies = mqtt.filter((e) => e.msgtype === 3 && e.direction === 'server');
    const linked = published.map((p) => `${p.payload?.text}: ${copies.filter((c) => c.sourceFrame === p.frame).map((c) => who.get(c.stream)).sort().join(' ')}`);
    assert.deepEqual(linked, ['self 1: nl-peer', 'self 2: nl-peer', 'only me: ', 'from other: nl-peer nl-self']);
    const only = published.find((p) => p.payload?.text === 'only me');
    for (const summaryOnly of [false, true]) {
      const list = await diagnose(file, { summaryOnly });
      assert.deepEqual(list.map((d) => d.code), ['diag.published-to-nobody']);
      const d = list[0]!;
      assert.deepEqual(d.evidence.frames, [only?.frame]);
      assert.deepEqual(d.detail.causes, ['no-local-own-messages']);
      assert.deepEqual(d.detail.checks, ['no-local-option']);
      assert.deepEqual(d.detail.facts['noLocalSubscribers'], ['nl-self (172.18.0.3)']);
      assert.equal(d.detail.facts['topic'], 'nl/solo');
    }
  });

test('MQTT 5 Retain As Published, Retain Handling 0/1/2, subscription identifiers: retained and live copies traced, nothing diagnosed',
  { skip: missing('retain-options.pcap') }, async () => {
    const file = edge('retain-options.pcap');
    const a = await sameAsTshark(file);
    const mqtt = mqttOf(a);
    const who = clientIds(a);
    const subscribes = mqtt.filter((e) => e.msgtype === 8);
    assert.deepEqual(subscribes.map((e) => `${who.get(e.stream)} rh=${e.subscriptions?.[0]?.retainHandling} rap=${e.subscriptions?.[0]?.retainAsPublished} id=${e.properties?.subscriptionIdentifier}`),
      ['ro-rh0 rh=0 rap=false id=10', 'ro-rh1 rh=1 rap=false id=11', 'ro-rh1 rh=1 rap=false id=11', 'ro-rh2 rh=2 rap=false id=12', 'ro-rap rh=0 rap=true id=13']);
    const published = new Map(mqtt.filter((e) => e.msgtype === 3 && e.direction === 'client').map((e) => [e.frame, e.payload?.text]));
    const copies = mqtt.filter((e) => e.msgtype === 3 && e.direction === 'server');
    // The retained "on" to rh0, rh1 (first SUBSCRIBE only) and rap, never to rh2; the live retained "off" keeps its
    // retain flag only for Retain As Published; each copy carries its subscription's identifier.
    assert.deepEqual(copies.map((c) => `${who.get(c.stream)} ${published.get(c.sourceFrame ?? -1)} ${c.retain === true ? 'r' : '-'} ${c.properties?.subscriptionIdentifier}`), [
      'ro-rh0 on r 10', 'ro-rh1 on r 11', 'ro-rap on r 13',
      'ro-rh0 off - 10', 'ro-rh1 off - 11', 'ro-rh2 off - 12', 'ro-rap off r 13',
      'ro-rh1 blip - 11', 'ro-rh2 blip - 12', 'ro-rap blip - 13', 'ro-rh0 blip - 10',
    ]);
    assert.deepEqual(await diagnosesOf(file), []);
  });

test('MQTT 5 Message Expiry: a message that expired queued for an away persistent subscriber is said to have expired, not a typo or no subscriber',
  { skip: missing('message-expiry.pcap') }, async () => {
    const file = edge('message-expiry.pcap');
    const a = await sameAsTshark(file);
    const mqtt = mqttOf(a);
    const published = mqtt.filter((e) => e.msgtype === 3 && e.direction === 'client');
    assert.deepEqual(published.map((p) => `${p.payload?.text} ${p.properties?.messageExpiryInterval}`), ['expires 1', 'kept undefined', 'expiry 60 60']);
    const back = mqtt.filter((e) => e.msgtype === 2)[2]!;
    assert.equal(back.sessionPresent, true);
    // The two others were delivered on its return, the second with its interval lowered by the time it waited.
    const copies = mqtt.filter((e) => e.msgtype === 3 && e.direction === 'server');
    assert.deepEqual(copies.map((c) => [c.sourceFrame, c.properties?.messageExpiryInterval]), [[published[1]!.frame, undefined], [published[2]!.frame, 57]]);
    // The same on the summary-only path (it reads a PUBLISH's properties with its own reader).
    for (const summaryOnly of [false, true]) {
      const list = await diagnose(file, { summaryOnly });
      assert.deepEqual(list.map((d) => d.code), ['diag.published-to-nobody'], `summaryOnly ${summaryOnly}`);
      const d = list[0]!;
      assert.deepEqual(d.evidence.frames, [published[0]!.frame]);
      assert.deepEqual(d.detail.causes, ['message-expired']);
      assert.deepEqual(d.detail.checks, ['message-expiry']);
      assert.deepEqual(d.detail.facts['expiredFor'], ['mx-sub (172.18.0.3)']);
      assert.deepEqual(d.detail.facts['messageExpiry'], [1]);
      assert.equal(d.detail.facts['backFrame'], back.frame);
      assert.match(describeDiagnosis(d, 'id')!.sentence, /kedaluwarsa selagi mengantre untuk mx-sub/);
    }
  });

test('$SYS topics: the broker\'s statistics reach the $SYS subscriber untraced (no publisher), none reach the # subscriber, nothing diagnosed',
  { skip: missing('sys.pcap') }, async () => {
    const file = edge('sys.pcap');
    const a = await sameAsTshark(file);
    const mqtt = mqttOf(a);
    const who = clientIds(a);
    const copies = mqtt.filter((e) => e.msgtype === 3 && e.direction === 'server');
    const sys = copies.filter((c) => c.topic?.startsWith('$SYS/') === true);
    assert.ok(sys.length >= 7, `${sys.length} $SYS copies`);
    assert.ok(sys.every((c) => who.get(c.stream) === 'sys-sub' && c.sourceFrame === undefined));
    const all = copies.filter((c) => who.get(c.stream) === 'all-sub');
    assert.deepEqual(all.map((c) => `${c.topic} ${c.sourceFrame !== undefined}`), ['sys/one true', 'sys/two true']);
    assert.deepEqual(await diagnosesOf(file), []);
    assert.equal(a.summary.findings.total, 0);
  });

test('MQTT 5 Receive Maximum 1 with slow PUBACKs: the broker holds deliveries back one at a time; all traced in order, nothing diagnosed',
  { skip: missing('receive-maximum.pcap') }, async () => {
    const file = edge('receive-maximum.pcap');
    const a = await sameAsTshark(file);
    const mqtt = mqttOf(a);
    const published = mqtt.filter((e) => e.msgtype === 3 && e.direction === 'client');
    const copies = mqtt.filter((e) => e.msgtype === 3 && e.direction === 'server');
    assert.deepEqual(copies.map((c) => c.sourceFrame), published.map((p) => p.frame));
    // Each copy after the first goes out right after the subscriber's PUBACK of the one before (~0.4 s later).
    const acks = mqtt.filter((e) => e.msgtype === 4 && e.direction === 'client');
    for (let i = 1; i < copies.length; i++) {
      assert.ok(copies[i]!.frame > acks[i - 1]!.frame, `copy ${i + 1} after PUBACK ${i}`);
      assert.ok(copies[i]!.forwardDelayMs! > copies[i - 1]!.forwardDelayMs! + 300, `copy ${i + 1} held back`);
    }
    assert.deepEqual(await diagnosesOf(file), []);
  });

test('an MQTT 5 session with clean start 1 and Session Expiry 1 s expired with a message queued: the expired session named as the cause',
  { skip: missing('session-expired-v5.pcap') }, async () => {
    const file = edge('session-expired-v5.pcap');
    const a = await sameAsTshark(file);
    const mqtt = mqttOf(a);
    const connects = mqtt.filter((e) => e.msgtype === 1 && e.clientId === 'se5-sub');
    // paho's MQTT 5 default: clean start 1 on the first connection; the Session Expiry Interval keeps the session.
    assert.deepEqual(connects.map((e) => [e.cleanSession, e.properties?.sessionExpiryInterval]), [[true, 1], [false, 1]]);
    const back = mqtt.find((e) => e.msgtype === 2 && e.stream === connects[1]!.stream);
    assert.equal(back?.sessionPresent, false);
    const queued = mqtt.find((e) => e.msgtype === 3 && e.direction === 'client' && e.payload?.text === 'queued, then gone');
    for (const summaryOnly of [false, true]) {
      const list = await diagnose(file, { summaryOnly });
      assert.deepEqual(list.map((d) => d.code), ['diag.published-to-nobody']);
      const d = list[0]!;
      assert.deepEqual(d.evidence.frames, [queued?.frame]);
      assert.deepEqual(d.detail.facts['expiredSessions'], ['se5-sub (172.18.0.3)']);
      assert.equal(d.detail.facts['connackFrame'], back?.frame);
      assert.equal(d.detail.facts['sessionExpiry'], 1);
      assert.deepEqual(d.detail.causes, ['session-expired', 'no-subscriber']);
    }
  });
