/**
 * Hostile traffic against a broker, as attack captures (MQTT-IoT-IDS2020, MQTTset) show it, recorded by real programs
 * in the namespace lab (fixtures/lab/capture_edge.sh: edge-brute-force, edge-port-scan, edge-garbage,
 * edge-conn-flood, edge-recon): each capture's diagnosis against tshark and against what the programs' logs said
 * happened, folded into one item per attacker (never one line per attempt), on both analysis paths and in both
 * languages.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { analyzeCapture } from '../src/index.js';
import type { FindingEvent } from '../src/index.js';
import { describeDiagnosis } from '../src/diagnosis/words.js';
import { asDiagnosis, type Diagnosis } from '../src/diagnosis/types.js';
import { DiagnosisStage } from '../src/diagnosis/stage.js';
import { fixturesDir } from './helpers/corpus.js';
import { diagnose } from './helpers/diagnose.js';
import { mqttOf } from './helpers/events.js';
import { reportOf } from './helpers/report.js';
import { tsharkFields, tsharkMissing, tsharkMqtt } from './helpers/tshark.js';

const edge = (name: string): string => path.join(fixturesDir, 'edge', name);
const missing = (name: string): string | undefined =>
  existsSync(edge(name)) ? undefined : `fixtures/edge/${name} not present (fixtures/lab/capture.sh --only edge-...)`;

/** The diagnoses on both paths (full and summary-only), which must agree; less the teardown FIN retransmission some runs show. */
async function bothPaths(file: string): Promise<Diagnosis[]> {
  const full = (await diagnose(file)).filter((d) => d.code !== 'diag.harmless-teardown-retransmission');
  const quick = (await diagnose(file, { summaryOnly: true })).filter((d) => d.code !== 'diag.harmless-teardown-retransmission');
  assert.deepEqual(quick.map((d) => [d.code, d.summary]), full.map((d) => [d.code, d.summary]), 'summary-only path');
  return full;
}

function only(list: Diagnosis[], code: string): Diagnosis {
  const found = list.filter((d) => d.code === code);
  assert.equal(found.length, 1, `one ${code} in ${list.map((d) => d.code).join(', ')}`);
  return found[0]!;
}

function words(d: FindingEvent): { en: string; id: string } {
  return { en: describeDiagnosis(d, 'en')!.sentence, id: describeDiagnosis(d, 'id')!.sentence };
}

test('a password brute force (200 wrong passwords, then the right one) is one diag.password-guessing, not 200 refusals',
  { skip: tsharkMissing ?? missing('brute-force.pcap') }, async () => {
    const file = edge('brute-force.pcap');
    // tshark: the refused CONNACKs (return code 5) and the accepted ones, per client.
    const connacks = tsharkFields(file, ['frame.number', 'ip.dst', 'mqtt.conack.val'], ['-Y', 'mqtt.msgtype == 2']);
    const refused = connacks.filter((r) => r[2] === '5');
    assert.equal(refused.length, 200, 'mosquitto logged 200 "not authorised"');
    assert.ok(refused.every((r) => r[1] === '172.18.0.4'));
    const acceptedAfter = connacks.find((r) => r[1] === '172.18.0.4' && r[2] === '0' && Number(r[0]) > Number(refused.at(-1)![0]));
    assert.ok(acceptedAfter !== undefined, 'the right password was accepted last');

    const list = await bothPaths(file);
    assert.deepEqual(list.map((d) => d.code), ['diag.password-guessing'], 'no diag.connack-refused beside it');
    const d = only(list, 'diag.password-guessing');
    const f = d.detail.facts;
    assert.equal(f['client'], '172.18.0.4');
    assert.equal(f['server'], '172.18.0.2:1883');
    assert.equal(f['attempts'], 200);
    assert.deepEqual(f['usernames'], ['lab']);
    assert.equal(f['acceptedFrame'], Number(acceptedAfter[0]));
    assert.ok(Number(f['durationSeconds']) > 1 && Number(f['durationSeconds']) < 60);
    assert.equal(d.evidence.count, 401, 'each refused CONNECT and CONNACK, and the accepted CONNACK');
    assert.equal(d.frame, Number(tsharkFields(file, ['frame.number'], ['-Y', 'mqtt.msgtype == 1 && ip.src == 172.18.0.4'])[0]![0]));
    const w = words(d);
    assert.match(w.en, /^172\.18\.0\.4 tried to log in to the broker at 172\.18\.0\.2:1883 200 times in [\d.]+ s .* as user lab, each refused with CONNACK return code 5 \(not authorized\), then brute \(172\.18\.0\.4\) was accepted at frame \d+ .*brute force/);
    assert.match(w.id, /mencoba login ke broker di 172\.18\.0\.2:1883 sebanyak 200 kali .* diterima di frame \d+ .*brute force/);
    // The table stays per packet: every refusal is its own CONNACK event.
    const a = await analyzeCapture(file);
    assert.equal(mqttOf(a).filter((e) => e.type === 'CONNACK' && e.returnCode === 5).length, 200);
    // The report tells it once too, not one "The broker refused brute" line per connection it lists.
    const report = await reportOf(file);
    assert.equal((report.en.match(/: CONNACK in frame \d+ says/g) ?? []).length, 0);
    assert.equal((report.id.match(/: CONNACK pada frame \d+ menyatakan/g) ?? []).length, 0);
    assert.match(report.en, /`diag\.password-guessing`/);
  });

test('a client retrying a wrong password now and then is still diag.connack-refused (fault-bad-password)', async () => {
  const list = await diagnose(path.join(fixturesDir, 'faults', 'fault-bad-password.pcap'));
  assert.deepEqual(list.map((d) => d.code), ['diag.connack-refused', 'diag.connack-refused']);
});

test('a port scan of the broker host is one diag.port-scan, not a refused broker port per port',
  { skip: tsharkMissing ?? missing('port-scan.pcap') }, async () => {
    const file = edge('port-scan.pcap');
    const syns = tsharkFields(file, ['frame.number', 'tcp.dstport'], ['-Y', 'ip.src == 172.18.0.4 && tcp.flags.syn == 1 && tcp.flags.ack == 0 && tcp.dstport != 1883']);
    const rsts = tsharkFields(file, ['frame.number'], ['-Y', 'ip.src == 172.18.0.2 && tcp.flags.reset == 1']);
    const list = await bothPaths(file);
    // nmap's SYNs to 1884, 8883 and 9001 were each "diag.broker-unreachable: a client uses the wrong port".
    assert.deepEqual(list.map((d) => d.code), ['diag.port-scan']);
    const d = only(list, 'diag.port-scan');
    const f = d.detail.facts;
    assert.equal(f['prober'], '172.18.0.4');
    assert.deepEqual(f['targets'], ['172.18.0.2']);
    // nmap: "Not shown: 1027 closed tcp ports (reset)", "1883/tcp open mqtt".
    assert.equal(f['ports'], new Set(syns.map((r) => r[1])).size + 1);
    assert.equal(f['refused'], 1027);
    assert.equal(f['refused'], rsts.length);
    assert.deepEqual(f['open'], ['172.18.0.2:1883']);
    assert.equal(f['sourcePorts'], 1, 'nmap -sS sends from one source port');
    assert.equal(d.frame, Math.min(...syns.map((r) => Number(r[0]))));
    const w = words(d);
    assert.match(w.en, /^172\.18\.0\.4 scanned the TCP ports of 172\.18\.0\.2: SYNs to 1028 ports in .*1027 answered RST \(closed\), 1 answered SYN-ACK \(open\): 1883 \(MQTT\)\. A port scan/);
    assert.match(w.id, /memindai port TCP 172\.18\.0\.2: SYN ke 1028 port/);
    // The lab's own traffic during the scan is still traced whole: 5 messages published and delivered.
    const a = await analyzeCapture(file);
    assert.equal(mqttOf(a).filter((e) => e.type === 'PUBLISH').length, 10);
  });

test('garbage on 1883 (random bytes, HTTP, a TLS ClientHello): MQTT at tshark\'s frames, one diag.no-connect naming each',
  { skip: tsharkMissing ?? missing('garbage.pcap') }, async () => {
    const file = edge('garbage.pcap');
    const a = await analyzeCapture(file);
    // A packet of the reserved type 0 is a finding (mqtt.unknown-type), not a packet event; tshark lists it as "Reserved".
    const reserved = a.events.filter((e) => e.kind === 'finding' && e.code === 'mqtt.unknown-type').map((e) => `${e.frame} 0`);
    const ours = [...mqttOf(a).map((e) => `${e.frame} ${e.msgtype}`), ...reserved].sort();
    assert.deepEqual(ours, tsharkMqtt(file).map((m) => `${m.frame} ${m.msgtype}`).sort());
    // Where tshark says Malformed, a malformed finding at that frame.
    const malformedFrames = tsharkFields(file, ['frame.number'], ['-Y', '_ws.malformed']).map((r) => Number(r[0]));
    assert.ok(malformedFrames.length > 0);
    for (const frame of malformedFrames) {
      assert.ok(a.events.some((e) => e.kind === 'finding' && e.frame === frame && e.severity === 'error' && e.code.startsWith('mqtt.')), `frame ${frame}`);
    }
    const list = await bothPaths(file);
    assert.deepEqual(list.map((d) => d.code), ['diag.no-connect']);
    const d = only(list, 'diag.no-connect');
    const f = d.detail.facts;
    // hostile.py garbage: 3 × 64 random bytes, reset by the broker; curl's GET; openssl s_client's ClientHello.
    assert.equal(f['count'], 5);
    assert.deepEqual(f['noPacket'], [1, 1, 1, 0, 0]);
    assert.deepEqual(f['http'], ['', '', '', 'GET', '']);
    assert.deepEqual(f['tls'], [0, 0, 0, 0, 1]);
    assert.equal(d.frame, Number(tsharkFields(file, ['frame.number'], ['-Y', 'tcp.len > 0'])[0]![0]), 'the first garbage segment');
    const w = words(d);
    assert.match(w.en, /172\.18\.0\.3:\d+, 172\.18\.0\.3:\d+ and 172\.18\.0\.3:\d+ each sent 64 bytes that never made a whole MQTT packet .* sent an HTTP GET request .* sent a TLS ClientHello/);
    assert.match(w.id, /masing-masing mengirim 64 byte yang tidak pernah membentuk paket MQTT utuh/);
  });

test('a connection flood (40 silent TCP connections, 40 idle sessions) is folded into two diagnoses, within a small memory budget',
  { skip: missing('conn-flood.pcap') }, async () => {
    const file = edge('conn-flood.pcap');
    const list = await bothPaths(file);
    assert.deepEqual(list.map((d) => d.code).sort(), ['diag.client-sent-nothing', 'diag.silent-connection']);
    // hostile.py flood-hold: flood-1 ... flood-40 connect, hold 3 s, close without DISCONNECT (mosquitto: "Client flood-N closed its connection").
    const idle = only(list, 'diag.client-sent-nothing');
    assert.equal(idle.detail.facts['count'], 40);
    assert.equal(idle.detail.facts['distinctClients'], 40);
    assert.equal(idle.detail.facts['client'], '172.18.0.3');
    assert.deepEqual(idle.detail.causes.slice(0, 1), ['connection-flood']);
    assert.match(words(idle).en, /^40 clients of 172\.18\.0\.3 \(flood-1, flood-2, flood-3, flood-4, flood-5 and 35 more\) connected to 172\.18\.0\.2:1883 once each/);
    // hostile.py flood-idle: 40 connections that never send a byte; mosquitto: "Client <unknown> has exceeded timeout, disconnecting." ×40.
    const silent = only(list, 'diag.silent-connection');
    assert.equal(silent.detail.facts['count'], 40);
    assert.ok(Number(silent.detail.facts['minWaitSeconds']) > 60, 'closed by the broker\'s timeout, not at once');
    assert.match(words(silent).en, /^172\.18\.0\.3 opened 40 connections to 172\.18\.0\.2:1883 within .* sent nothing at all on them, no CONNECT, until the broker closed them [\d.]+ s later .*connection flood/);
    assert.match(words(silent).id, /membuka 40 koneksi ke 172\.18\.0\.2:1883/);
    // The smallest memory budget the CLI takes: the same diagnoses, nothing dropped at this size.
    const small = await analyzeCapture(file, { memoryBudget: 1024 * 1024 });
    assert.equal(small.summary.mqtt.byType['CONNECT'], 42);
    assert.ok(!small.events.some((e) => e.kind === 'finding' && e.code === 'budget.exceeded'));
    // A connection table too small for the flood (--max-connections 20): sessions the analysis evicted are not
    // "CONNECT unanswered, closed by the server" (39 such errors before): the broker answered and closed nothing.
    const stage = new DiagnosisStage();
    const found: Diagnosis[] = [];
    let evictions = 0;
    await analyzeCapture(file, { maxConnections: 20, stages: [stage], onEvent: (e) => {
      if (e.kind === 'finding' && e.code === 'tcp.connection-evicted') evictions++;
      if (e.kind === 'finding' && e.code.startsWith('diag.')) found.push(asDiagnosis(e)!);
    } });
    assert.ok(evictions > 0);
    assert.deepEqual(found.filter((d) => d.code === 'diag.connect-unanswered'), []);
  });

test('a client subscribing to # and $SYS/# is said as nothing alarming', { skip: missing('recon.pcap') }, async () => {
  const file = edge('recon.pcap');
  assert.deepEqual((await bothPaths(file)).map((d) => d.code), []);
  const a = await analyzeCapture(file);
  const sys = a.summary.mqtt.topics.filter((t) => t.topic.startsWith('$SYS/'));
  assert.ok(sys.length >= 20 && sys.every((t) => t.published === 0 && t.delivered > 0), 'the broker\'s own $SYS messages, delivered to recon');
  assert.equal(a.summary.mqtt.topics.find((t) => t.topic === 'sister/temp')?.delivered, 3);
});
