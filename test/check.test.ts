/**
 * `mqtt-pcap check` rules: every mistake the issue lists is refused with its place and a "did you mean" (exit 2), and
 * each rule kind passes on a real capture that meets it and fails, with the right evidence, on one that does not:
 * the lab fixtures, the lab's fault captures (fixtures/faults) and the public corpus.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { CheckEvaluator, type RuleResult } from '../src/check/evaluate.js';
import { parseRules } from '../src/check/load.js';
import { parseOneLineRules } from '../src/check/one-line.js';
import { formatProblem } from '../src/check/rules.js';
import { analyzeCapture } from '../src/pipeline/analyze.js';
import { corpusDir, corpusMissing, fixturesDir, repoRoot } from './helpers/corpus.js';

const cli = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');
const fixture = (name: string): string => path.join(fixturesDir, name);
const lab = fixture('reqresp.pcap');
const fault = (name: string): string => path.join(fixturesDir, 'faults', `fault-${name}.pcap`);

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'check', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function rulesFile(text: string, name = 'rules.yaml'): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'mqtt-pcap-check-')), name);
  writeFileSync(file, text);
  return file;
}

/** Judges a capture against YAML rules through the library, as the CLI does. */
async function judge(capture: string, yaml: string): Promise<RuleResult[]> {
  const { rules, problems } = parseRules(yaml, 'rules.yaml');
  assert.deepEqual(problems.map(formatProblem), []);
  const evaluator = new CheckEvaluator(rules);
  const { summary } = await analyzeCapture(capture, { onEvent: (e) => evaluator.event(e) });
  return evaluator.results(summary);
}

async function one(capture: string, yaml: string): Promise<RuleResult> {
  const results = await judge(capture, yaml);
  assert.equal(results.length, 1);
  return results[0]!;
}

const frames = (r: RuleResult): number[] => r.evidence.map((e) => e.frame);

// --- mistakes in rules: exit 2, each with its place and what was meant -----------------------------------------

test('each mistake of the issue is refused with its line, column and a "did you mean" (exit 2)', () => {
  const file = rulesFile([
    'expect:',
    '  - match: { type: PUBLISH, topik: sister/temp }',
    '  - match: { type: publish }',
    'forbid:',
    '  - tpye: PUBLISH',
    'latency:',
    '  CONNECT-CONNACK: { maxMs: 100 }',
    '',
  ].join('\n'));
  const r = run([lab, '--rules', file]);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines[0], 'mqtt-pcap: invalid rules:');
  assert.deepEqual(lines.slice(1).map((l) => l.trim().replace(`${file}:`, 'F:')), [
    'F:2:29: unknown event field "topik" in a pattern; did you mean "topic"?',
    'F:3:20: type "publish" is in the wrong case; did you mean "PUBLISH"?',
    'F:5:5: unknown key "tpye" in forbid[0] (allowed: name, match, min, max); did you mean "type" under "match:"?',
    'F:7:3: unknown key "CONNECT-CONNACK" in latency; did you mean "CONNECT->CONNACK"?',
  ]);
});

test('the same mistakes in a JSON rules file (through --spec, the old name) are placed by line and column too', () => {
  const file = rulesFile('{\n  "forbid": [{ "tpye": "PUBLISH" }],\n  "expect": [{ "match": { "type": "Connack" } }]\n}\n', 'spec.json');
  const r = run([lab, '--spec', file]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /spec\.json:2:16: unknown key "tpye" in forbid\[0\]/);
  assert.match(r.stderr, /spec\.json:3:35: type "Connack" is in the wrong case; did you mean "CONNACK"\?/);
});

test('one-line rules go through the same checks', () => {
  const { problems } = parseOneLineRules({ expect: ['publish topic=sister/temp'], forbid: ['tcp.retransmision'], latency: ['CONNECT-CONNACK<100ms', 'CONNECT->CONNACK soon'] });
  assert.deepEqual(problems.map(formatProblem), [
    "--expect 'publish topic=sister/temp': type \"publish\" is in the wrong case; did you mean \"PUBLISH\"?",
    "--forbid 'tcp.retransmision': unknown event field \"retransmision\" in a pattern; did you mean \"retransmission\"?",
    "--latency 'CONNECT-CONNACK<100ms': unknown key \"CONNECT-CONNACK\" in latency; did you mean \"CONNECT->CONNACK\"?",
    "--latency 'CONNECT->CONNACK soon': expected KIND<BOUND, e.g. CONNECT->CONNACK<100ms or \"PUBLISH->PUBACK p95<20ms\" or forwarding<50ms",
  ]);
  const ok = parseOneLineRules({ expect: ['PUBLISH topic=sister/temp count>=3', 'payload~"^Suhu" count=5 direction=client'], forbid: ['tcp.retransmission'], latency: ['CONNECT->CONNACK<100ms', 'forwarding p95<0.5s'] });
  assert.deepEqual(ok.problems, []);
  assert.deepEqual(ok.rules.map((r) => r.kind === 'expect' || r.kind === 'forbid' ? [r.kind, r.match, r.kind === 'expect' ? r.min : r.max] : r), [
    ['expect', { type: 'PUBLISH', topic: 'sister/temp' }, 3],
    ['expect', { payload: { regex: '^Suhu' }, direction: 'client' }, 5],
    ['forbid', { layer: 'tcp', retransmission: true }, 0],
    { kind: 'latency', name: 'latency CONNECT->CONNACK<100ms', of: 'CONNECT→CONNACK', maxMs: 100, min: 1, place: undefined },
    { kind: 'latency', name: 'latency forwarding p95<0.5s', of: 'forwarding', p95Ms: 500, min: 1, place: undefined },
  ]);
});

test('schema mistakes: wrong types, negative counts, unknown codes, bad regular expressions, YAML syntax, nothing to check', () => {
  const problems = (yaml: string): string[] => parseRules(yaml, 'r.yaml').problems.map(formatProblem);
  assert.deepEqual(problems('expect:\n  - match: { qos: [1] }\n    min: -1\n'), [
    'r.yaml:2:19: expect[0].match.qos must be string or number or boolean or object',
    'r.yaml:3:10: expect[0].min must be >= 0',
  ]);
  assert.deepEqual(problems('diagnosis:\n  forbid: [tcp.gapp]\n'), ['r.yaml:2:12: unknown finding code "tcp.gapp"; did you mean "tcp.gap"?']);
  assert.deepEqual(problems('expect:\n  - match: { payload: { regex: "(" } }\n'), ['r.yaml:2:32: invalid regular expression: Invalid regular expression: /(/u: Unterminated group']);
  assert.deepEqual(problems('rate:\n  - match: { type: PUBLISH }\n'), ['r.yaml:2:5: rate[0] needs one of: maxPerSecond, minPerSecond']);
  assert.deepEqual(problems('expect: [\n'), ['r.yaml:2:1: Flow sequence in block collection must be sufficiently indented and end with a ]']);
  assert.deepEqual(problems('health:\n  gaps: true\nhealth:\n  resets: true\n'), ['r.yaml:3:1: Map keys must be unique']);
  assert.deepEqual(problems('description: nothing\n'), ['r.yaml: the rules check nothing: give expect, forbid, order, delivery, latency, rate, health or diagnosis']);
});

// --- each rule kind, passing and failing on real captures --------------------------------------------------------

test('presence: expect with counts, wildcards and payload matches; forbid with evidence', async () => {
  const [published, wildcard, regex, tooMany] = await judge(lab, [
    'expect:',
    '  - match: { type: PUBLISH, direction: client, topic: sister/temp, payload: "Suhu: 28°C" }',
    '    min: 5',
    '  - match: { type: PUBLISH, topic: "sister/+", forwarded: true }',
    '    min: 5',
    '  - match: { type: PUBLISH, payload: { regex: "^Suhu: \\\\d+°C$", contains: "28" } }',
    '    min: 10',
    '  - match: { type: CONNACK, accepted: true }',
    '    max: 1',
  ].join('\n'));
  assert.equal(published!.ok, true);
  assert.deepEqual(frames(published!), [22, 26, 30, 34, 38]);
  assert.equal(wildcard!.ok, true);
  assert.equal(regex!.ok, true);
  assert.equal(tooMany!.ok, false);
  assert.equal(tooMany!.found, '2 matching events');
  const cut = await one(fixture('reqresp-cut.pcap'), 'expect:\n  - match: { type: PUBLISH, direction: client }\n    min: 5\n');
  assert.equal(cut.ok, false);
  assert.deepEqual(frames(cut), [22]);
});

test('a JSON payload field is matched by its (dotted) path, with comparisons', { skip: corpusMissing ?? false }, async () => {
  const capture = path.join(corpusDir, 'ndpi', 'mqtt.pcap');
  const [version, nested, status, wrong] = await judge(capture, [
    'expect:',
    '  - match: { type: PUBLISH, payload: { json: { v: "5.2.4" } } }',
    '  - match: { type: PUBLISH, payload: { json: { dt.ast: 1, dt.azan: { ">=": 2 } } } }',
    '  - match: { type: PUBLISH, topic: "astr/+/02D5050223D3/#", payload: { json: { s: 204, success_msg: "*" } } }',
    '  - match: { type: PUBLISH, payload: { json: { s: { "<": 200 } } } }',
  ].join('\n'));
  assert.deepEqual(frames(version!), [6]);
  assert.deepEqual(frames(nested!), [6]);
  assert.deepEqual(frames(status!), [7]);
  assert.equal(wrong!.ok, false);
});

test('health: a FIN retransmitted at teardown fails a raw retransmission forbid but is not retransmitted MQTT data', async () => {
  const capture = fault('topic-typo');
  const [raw, health] = await judge(capture, 'forbid:\n  - match: { layer: tcp, retransmission: true }\nhealth:\n  retransmissions: true\n');
  assert.equal(raw!.ok, false);
  assert.deepEqual(raw!.evidence.map((e) => `frame ${e.frame}: ${e.what}`), ['frame 35: [TCP Retransmission] FIN 48888 → 1883 (tcp.stream 0)']);
  assert.equal(health!.ok, true);
  assert.equal(health!.found, '0 retransmitted MQTT data segments');
  // The lab's own rules pass on that capture's health too; they fail it for the readings that never reach the subscriber.
  const r = run([capture, '--rules', path.join(fixturesDir, 'checks', 'lab.json'), '--format', 'json']);
  const report = JSON.parse(r.stdout) as { captures: Array<{ results: RuleResult[] }> };
  const failed = report.captures[0]!.results.filter((x) => !x.ok).map((x) => x.name);
  assert.deepEqual(failed, ['readings published', 'readings forwarded', 'subscriber subscribed before the first reading', 'forwarding delay p95 < 1000 ms']);
});

test('order: SUBSCRIBE before the first PUBLISH holds on the lab, fails on the late subscriber with both frames', async () => {
  const yaml = 'order:\n  - first: { type: SUBSCRIBE, topic: sister/temp }\n    then: { type: PUBLISH, topic: sister/temp }\n';
  const ok = await one(lab, yaml);
  assert.equal(ok.ok, true);
  assert.equal(ok.found, 'first SUBSCRIBE topic=sister/temp in frame 10, first PUBLISH topic=sister/temp in frame 22');
  const late = await one(fault('late-subscriber'), yaml);
  assert.equal(late.ok, false);
  assert.deepEqual(frames(late), [10, 30]);
  assert.match(late.evidence[1]!.what, /^first: SUBSCRIBE .*Subscribe Request/);
});

test('delivery: every QoS ≥ 1 PUBLISH acknowledged (qos-mqtt5 passes; the unacked fault fails)', async () => {
  const ok = await one(fixture('qos-mqtt5.pcap'), 'delivery:\n  acknowledged: true\n');
  assert.equal(ok.ok, true);
  assert.equal(ok.found, '10 of 10 QoS ≥ 1 PUBLISH packets acknowledged');
  const unacked = await one(fault('qos-unacked'), 'delivery:\n  acknowledged: true\n');
  assert.equal(unacked.ok, false);
  assert.match(unacked.evidence[0]!.what, /^PUBLISH sister\/temp QoS 1 id=1 .* never got its PUBACK$/);
  const allowed = await one(fault('qos-unacked'), 'delivery:\n  acknowledged: { allow: 6 }\n');
  assert.equal(allowed.ok, true);
});

test('delivery: a shared subscription group is owed one copy of each message, not one per member', async () => {
  // fixtures/edge/shared-sub.pcap: sh-all on sh/temp and three members of $share/grp/sh/temp (Mosquitto gives each
  // message to one of them in turn), 8 messages: 16 copies owed and sent (the typo group $share/wrk/sh/tmep matches none).
  const r = await one(path.join(fixturesDir, 'edge', 'shared-sub.pcap'), 'delivery:\n  forwarded: true\n');
  assert.equal(r.found, '16 of 16 copies forwarded');
  assert.equal(r.ok, true, r.evidence.map((e) => e.what).join('; '));
});

test('delivery: every PUBLISH forwarded to each matching subscriber', async () => {
  const ok = await one(lab, 'delivery:\n  forwarded: true\n');
  assert.equal(ok.ok, true);
  assert.equal(ok.found, '5 of 5 copies forwarded');
});

test('delivery: a broker that never forwards fails with the publish and the subscriber owed it', { skip: corpusMissing ?? false }, async () => {
  const r = await one(path.join(corpusDir, 'arkime', 'mqtt_big.pcap'), 'delivery:\n  forwarded: true\n');
  assert.equal(r.ok, false);
  assert.match(r.found, /^0 of \d+ copies forwarded$/);
  assert.match(r.evidence[0]!.what, /^PUBLISH .* not forwarded to .* \(subscribed to .* in frame \d+\)$/);
});

test('timing: latency bounds with the slow frames as evidence; forwarding delay; message rate', async () => {
  const [fast, slow, forwarding, rate, tooFast] = await judge(lab, [
    'latency:',
    '  CONNECT->CONNACK: { maxMs: 100, min: 2 }',
    '  SUBSCRIBE->SUBACK: { maxMs: 0.001 }',
    '  forwarding: { maxMs: 50, p95Ms: 50, min: 5 }',
    'rate:',
    '  - match: { type: PUBLISH, direction: client }',
    '    maxPerSecond: 5',
    '    minPerSecond: 0.5',
    '  - match: { type: PUBLISH, direction: client }',
    '    maxPerSecond: 0.5',
    '    windowSeconds: 2',
  ].join('\n'));
  assert.equal(fast!.ok, true);
  assert.equal(slow!.ok, false);
  assert.deepEqual(slow!.evidence.map((e) => `frame ${e.frame}: ${e.what}`), ['frame 11: SUBACK 0.039 ms after its request in frame 10']);
  assert.equal(forwarding!.ok, true);
  assert.equal(rate!.ok, true);
  assert.equal(tooFast!.ok, false);
  assert.match(tooFast!.found, /peak 3 in any 2 s/);
  const none = await one(fault('no-broker'), 'latency:\n  CONNECT->CONNACK: { maxMs: 100 }\n');
  assert.equal(none.ok, false);
  assert.equal(none.found, '0 samples, max -');
});

test('health: gaps, malformed packets and unanswered requests, each with an allowance', { skip: corpusMissing ?? false }, async () => {
  const gap = await one(path.join(corpusDir, 'suricata-verify', 'mqtt-events-missing-connect', 'input.pcap'), 'health:\n  gaps: true\n');
  assert.equal(gap.ok, false);
  assert.match(gap.evidence[0]!.what, /^tcp\.gap: /);
  const malformed = await one(path.join(corpusDir, 'suricata-verify', 'mqtt-events-invalid-qos', 'input.pcap'), 'health:\n  malformed: true\n');
  assert.equal(malformed.ok, false);
  assert.deepEqual(frames(malformed), [8]);
  assert.match(malformed.evidence[0]!.what, /^mqtt\.invalid-qos: PUBLISH/);
  const unanswered = await one(fault('qos-unacked'), 'health:\n  unanswered: true\n');
  assert.equal(unanswered.ok, false);
  assert.equal(unanswered.found, '6 unanswered requests');
  assert.equal((await one(fault('qos-unacked'), 'health:\n  unanswered: 6\n')).ok, true);
  const healthy = await judge(lab, 'health: { retransmissions: true, gaps: true, malformed: true, resets: true, unanswered: true }\n');
  assert.deepEqual(healthy.map((r) => r.ok), [true, true, true, true, true]);
});

test('health: resets of a connection whose session was open (a refused reconnect is not one)', async () => {
  const broker = await judge(fault('broker-stopped'), 'forbid:\n  - match: { layer: tcp, type: RST }\nhealth:\n  resets: true\n');
  assert.equal(broker[0]!.ok, false, 'the capture has resets');
  assert.equal(broker[1]!.ok, true, 'but only of connections refused after the broker stopped');
});

test('diagnosis and finding codes: forbid and require', async () => {
  const [refused, anyAuth, required] = await judge(fault('bad-password'), 'diagnosis:\n  forbid: [mqtt.connect-refused, "mqtt.*"]\n  require: [mqtt.connect-refused]\n');
  assert.equal(refused!.ok, false);
  assert.equal(refused!.evidence[0]!.frame, 8);
  assert.equal(anyAuth!.ok, false);
  assert.equal(required!.ok, true);
  const lab0 = await one(lab, 'diagnosis:\n  forbid: [mqtt.connect-refused]\n');
  assert.equal(lab0.ok, true);
});

test('a pattern without kind matches packets: {layer: mqtt} counts MQTT packets, not MQTT findings', async () => {
  const [packets, findings] = await judge(fault('qos-unacked'), 'expect:\n  - match: { layer: mqtt, type: PUBLISH, direction: client }\n  - match: { layer: mqtt, code: mqtt.unanswered }\n');
  assert.ok(packets!.evidence.every((e) => e.what.startsWith('PUBLISH')));
  assert.equal(findings!.found, '6 matching events');
});

// --- the lab's rules on the lab's fault captures ------------------------------------------------------------------

test('each fault capture of the lab script fails docs/examples/lab-rules.yaml, on the rules that name its fault', () => {
  const faults = ['bad-password', 'broker-stopped', 'keepalive', 'late-subscriber', 'no-broker', 'qos-unacked', 'topic-typo', 'unreachable'];
  const r = run([...faults.map(fault), '--rules', path.join(repoRoot, 'docs', 'examples', 'lab-rules.yaml'), '--format', 'json']);
  assert.equal(r.status, 1);
  const report = JSON.parse(r.stdout) as { captures: Array<{ file: string; results: RuleResult[] }> };
  const failed = (name: string): Map<string, RuleResult> => new Map(report.captures.find((c) => c.file === fault(name))!.results.filter((x) => !x.ok).map((x) => [x.name, x]));
  for (const name of faults) assert.ok(failed(name).size > 0, `${name} passes the lab rules`);
  const refused = failed('bad-password').get('no refused connection')!;
  assert.match(refused.evidence[0]!.what, /^CONNACK .*Connection Refused: not authorized/);
  assert.ok(failed('late-subscriber').has('SUBSCRIBE to sister/temp before the first PUBLISH on it'));
  assert.ok(failed('topic-typo').has('SUBSCRIBE to sister/temp before the first PUBLISH on it'));
  assert.equal(failed('topic-typo').has('no retransmitted MQTT data'), false, 'its teardown FIN retransmission is not MQTT data');
  assert.match(failed('qos-unacked').get('every QoS ≥ 1 PUBLISH acknowledged')!.evidence[0]!.what, /never got its PUBACK$/);
  for (const name of ['no-broker', 'unreachable', 'keepalive']) {
    assert.match(failed(name).get('three-way handshakes completed')!.found, /^[01] matching events?$/, name);
  }
  assert.equal(failed('no-broker').get('CONNECT→CONNACK max < 100 ms')!.found, '0 samples, max -');
  assert.ok(failed('broker-stopped').has('readings published to sister/temp'));
});

test('the schema knows every field of the event contract (src/model/events.ts) a pattern can compare', () => {
  const schema = JSON.parse(readFileSync(path.join(repoRoot, 'docs', 'check-rules.schema.json'), 'utf8')) as { $defs: { pattern: { properties: Record<string, unknown> } } };
  const source = readFileSync(path.join(repoRoot, 'src', 'model', 'events.ts'), 'utf8');
  const fields = new Set([...source.matchAll(/^ {2}([a-zA-Z]+)\??: /gm)].map((m) => m[1]!));
  // Structured fields are matched through their own keys (payload) or not at all.
  const structured = new Set(['frames', 'handshakeFrames', 'synResentEarly', 'subscriptions', 'will', 'properties', 'userProperties', 'password', 'detail', 'evidence',
    /* FindingEvidence: */ 'count', 'takenOverBy',
    /* MqttPayload, matched by payload: */ 'format', 'text', 'hex', 'incomplete', /* MqttSubscription: */ 'noLocal', 'retainAsPublished', 'retainHandling',
    /* a DNS frame's DnsFields, not matched (a failed lookup is judged by diag.name-not-resolved): */ 'dns', 'id', 'response', 'opcode', 'rcode',
    'rcodeName', 'questions', 'answers', 'name', 'qtype', 'qtypeName', 'addresses',
    /* a tunnelled frame's EventTunnel list, not matched (patterns compare the inner endpoints, src and dst): */ 'tunnels', 'vni', 'key', 'session', 'callId', 'labels']);
  const missing = [...fields].filter((f) => !structured.has(f) && !(f in schema.$defs.pattern.properties));
  assert.deepEqual(missing, []);
});
