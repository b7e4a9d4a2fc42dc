/**
 * MQTT 5 request/response (fixtures/edge/request-response.pcap, made by capture_edge.sh's edge-request-response with
 * mosquitto_rr and v5client.py --respond): each answer the responder's log says it sent is linked to its request at
 * tshark's frames, two requests on one Response Topic by their Correlation Data, the request nobody served is left
 * unanswered, and the summary gives the request → response latency, on the full and the lean (summary) path.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CheckEvaluator } from '../src/check/evaluate.js';
import { parseRules } from '../src/check/load.js';
import { analyzeCapture } from '../src/index.js';
import { fixturesDir, repoRoot } from './helpers/corpus.js';
import { diagnose } from './helpers/diagnose.js';
import { mqttOf } from './helpers/events.js';
import { tsharkMissing, tsharkMqtt } from './helpers/tshark.js';

const capture = path.join(fixturesDir, 'edge', 'request-response.pcap');
const missing = existsSync(capture) ? undefined : 'fixtures/edge/request-response.pcap not present (fixtures/lab/capture.sh --only edge-request-response)';
const PUBLISH = 3;

test('request-response.pcap: each answer linked to its request at tshark\'s frames, by Response Topic and Correlation Data',
  { skip: missing ?? tsharkMissing }, async () => {
    const a = await analyzeCapture(capture);
    const mqtt = mqttOf(a);
    const answers = mqtt.filter((e) => e.respondsTo !== undefined);
    const tshark = tsharkMqtt(capture).filter((m) => m.msgtype === PUBLISH);
    const topicAt = (frame: number): string | undefined => tshark.find((m) => m.frame === frame)?.topic;
    // rr-svc answered "ping a" (c1), "ping b" (no Correlation Data), "one" (x1) and "two" (x2), in that order.
    assert.deepEqual(answers.map((e) => `${topicAt(e.frame)} <- ${topicAt(e.respondsTo!)}`),
      ['rr/resp/a <- rr/req', 'rr/resp/b <- rr/req', 'rr/resp/c <- rr/req', 'rr/resp/c <- rr/req']);
    const request = (e: (typeof answers)[number]): (typeof mqtt)[number] => mqtt.find((r) => r.frame === e.respondsTo && r.type === 'PUBLISH' && r.direction === 'client')!;
    const payloads = answers.map((e) => `${request(e).payload?.text} -> ${e.payload?.text}`);
    assert.deepEqual(payloads, ['ping a -> re: ping a', 'ping b -> re: ping b', 'one -> re: one', 'two -> re: two']);
    for (const e of answers) {
      const r = request(e);
      assert.equal(r.properties?.responseTopic, e.topic);
      assert.equal(e.properties?.correlationData, r.properties?.correlationData);
      assert.ok(e.frame > r.frame && Math.abs(e.responseMs! - (e.time - r.time) * 1000) < 1e-6);
    }
    // rr-d's request on rr/none: nobody answered it.
    const lost = mqtt.find((e) => e.topic === 'rr/none' && e.type === 'PUBLISH');
    assert.ok(lost !== undefined && lost.properties?.responseTopic === 'rr/resp/d');
    assert.equal(mqtt.filter((e) => e.topic === 'rr/resp/d' && e.type === 'PUBLISH').length, 0);
    assert.equal(a.summary.mqtt.requestResponse?.count, 4);
    assert.equal(a.summary.mqtt.requestResponse?.maxMs, Math.max(...answers.map((e) => e.responseMs!)));
  });

test('request-response.pcap: the summary path (no full events) pairs the same requests', { skip: missing }, async () => {
  const full = await analyzeCapture(capture);
  const lean = await analyzeCapture(capture, { summaryOnly: true });
  assert.deepEqual(lean.summary.mqtt.requestResponse, full.summary.mqtt.requestResponse);
  assert.equal(lean.summary.mqtt.requestResponse?.count, 4);
});

test('request-response.pcap: the subscription to an unanswered request\'s Response Topic is no typo of another', { skip: missing }, async () => {
  const diagnoses = await diagnose(capture);
  // rr-d waited on rr/resp/d for an answer nobody sent (rr/none has no responder): it used to be "a typing mistake,
  // 'd' instead of 'c'" of the answers on rr/resp/c. What went wrong is the request nobody received.
  assert.deepEqual(diagnoses.map((d) => d.code), ['diag.published-to-nobody']);
  assert.equal(diagnoses[0]!.frame, 114, 'rr-d\'s request PUBLISH');
  assert.deepEqual(diagnoses[0]!.detail.facts['topics'], ['rr/none']);
});

test('request-response.pcap: a check rule bounds the MQTT 5 request → response time, the slow answer as evidence', { skip: missing }, async () => {
  const judge = async (yaml: string) => {
    const { rules, problems } = parseRules(yaml, 'rules.yaml');
    assert.deepEqual(problems, []);
    const evaluator = new CheckEvaluator(rules);
    const { summary } = await analyzeCapture(capture, { onEvent: (e) => evaluator.event(e) });
    return evaluator.results(summary)[0]!;
  };
  const loose = await judge('latency:\n  request-response: { maxMs: 1000, min: 4 }\n');
  assert.equal(loose.ok, true, loose.found);
  // "two" was answered 48.5 ms after its request (frame 77): rr-svc's callback ran after "one"'s PUBACK round.
  const tight = await judge('latency:\n  request-response: { maxMs: 10 }\n');
  assert.equal(tight.ok, false);
  assert.deepEqual(tight.evidence.map((e) => e.frame), [89]);
  assert.match(tight.evidence[0]!.what, /after its request in frame 77/);
});

test('request-response.pcap: the report\'s latency table has the request → response row in both languages', { skip: missing }, () => {
  const cli = path.join(repoRoot, 'dist', 'src', 'mqtt-pcap', 'mqtt-pcap.cjs');
  const report = (lang: string): string => spawnSync(process.execPath, [cli, 'report', capture, '--lang', lang], { encoding: 'utf8' }).stdout;
  assert.match(report('en'), /\| MQTT 5 request → response \(PUBLISH → PUBLISH\) \| 4 \| 0\.830 \|/);
  assert.match(report('id'), /\| request → response MQTT 5 \(PUBLISH → PUBLISH\) \| 4 \| 0,830 \|/);
});
