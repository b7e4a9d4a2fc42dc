/**
 * One broker with two addresses, and two brokers behind one router (fixtures/edge/dual-stack.pcap and
 * routed-brokers.pcap, made by fixtures/lab/capture_edge.sh): a dual-stack host's IPv6 address is its IPv4 address's
 * machine when the link layer shows it (src/model/machine.ts), and only then. Also: the report and the check run the
 * diagnosis as a stage, so they see what no event carries (IPv6 neighbour messages, dual-stack links).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { analyzeCapture } from '../src/index.js';
import type { MqttEvent } from '../src/index.js';
import { fixturesDir, repoRoot } from './helpers/corpus.js';
import { diagnose } from './helpers/diagnose.js';
import { reportOf } from './helpers/report.js';
import { tsharkFields, tsharkMissing } from './helpers/tshark.js';

const run = promisify(execFile);
const BIN = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');
const fixture = (name: string): string => path.join(fixturesDir, name);
const missing = (name: string): string | undefined =>
  existsSync(fixture(name)) ? undefined : `fixtures/${name} not present (fixtures/lab/capture.sh --only edge-...)`;

async function mqttAtTsharkFrames(file: string): Promise<MqttEvent[]> {
  const a = await analyzeCapture(file);
  const mqtt = a.events.filter((e): e is MqttEvent => e.kind === 'packet' && e.layer === 'mqtt');
  if (tsharkMissing === undefined) {
    const theirs = tsharkFields(file, ['frame.number', 'mqtt.msgtype'], ['-Y', 'mqtt']).flatMap((r) => r[1]!.split(',').map((t) => `${r[0]} ${t}`));
    assert.deepEqual(mqtt.map((e) => `${e.frame} ${e.msgtype}`), theirs);
  }
  return mqtt;
}

test('a dual-stack broker (subscriber over IPv4, publisher over IPv6) is one broker: every message forwarded, nothing diagnosed', { skip: missing('edge/dual-stack.pcap') }, async () => {
  const file = fixture('edge/dual-stack.pcap');
  const mqtt = await mqttAtTsharkFrames(file);
  const { summary } = await analyzeCapture(file, { summaryOnly: true });
  const v6 = summary.hosts.find((h) => h.ip === 'fd00:172:18::2');
  assert.equal(v6?.sameMachineAs, '172.18.0.2');
  assert.equal(summary.hosts.find((h) => h.ip === '172.18.0.2')?.sameMachineAs, undefined, 'the IPv4 address is the machine');
  // Clients are dual-stack too but each used one address only: nothing to link.
  assert.deepEqual(summary.hosts.filter((h) => h.sameMachineAs !== undefined).map((h) => h.ip), ['fd00:172:18::2']);
  const copies = mqtt.filter((e) => e.type === 'PUBLISH' && e.direction === 'server');
  assert.equal(copies.length, 5);
  assert.ok(copies.every((e) => e.sourceFrame !== undefined), 'each broker copy is traced to the IPv6 publisher\'s message');
  assert.deepEqual((await diagnose(file)).map((d) => d.code), []);
  const { en, id } = await reportOf(file);
  assert.match(en, /fd00:172:18::2 is 172\.18\.0\.2's IPv6 address, one machine \(both send from MAC 02:42:ac:12:00:02\)/);
  assert.match(id, /fd00:172:18::2 adalah alamat IPv6 milik 172\.18\.0\.2/);
  assert.doesNotMatch(en, /different brokers|another broker/);
});

test('two brokers behind a router, one over IPv4 and one over IPv6, stay two: routed packets link nothing', { skip: missing('edge/routed-brokers.pcap') }, async () => {
  const file = fixture('edge/routed-brokers.pcap');
  await mqttAtTsharkFrames(file);
  const { summary } = await analyzeCapture(file, { summaryOnly: true });
  assert.deepEqual(summary.hosts.filter((h) => h.sameMachineAs !== undefined), []);
  const diagnoses = await diagnose(file);
  assert.deepEqual(diagnoses.map((d) => d.code), ['diag.published-to-nobody']);
  assert.match(diagnoses[0]!.summary, /on another broker, 10\.77\.0\.2:1883/);
});

test('the report and the check see the diagnoses that need messages no event carries (an IPv6 host that never answered)', { skip: missing('faults/fault-host-down-ipv6.pcap') }, async () => {
  const file = fixture('faults/fault-host-down-ipv6.pcap');
  assert.deepEqual((await diagnose(file)).map((d) => d.code), ['diag.broker-unreachable']);
  const { en } = await reportOf(file);
  assert.match(en, /`diag\.broker-unreachable` \(error/);
  assert.doesNotMatch(en, /The exchange is healthy/);
  const check = await run(process.execPath, [BIN, 'check', file, '--forbid', 'diag.broker-unreachable'], { cwd: repoRoot }).then(
    () => ({ code: 0 }), (error: { code?: number }) => ({ code: error.code ?? -1 }));
  assert.equal(check.code, 1, 'check --forbid fails on the diagnosis');
});
