/**
 * End-to-end lab test: rebuilds the MQTT lab in network namespaces (fixtures/lab/capture.sh: Mosquitto broker at
 * 172.18.0.2:1883, mosquitto_sub subscriber, paho publisher sending "Suhu: 28°C" to sister/temp), captures it fresh
 * with tcpdump, checks the capture with tshark, then checks what our CLI makes of it against tshark.
 *
 * Needs root, `ip netns` and the lab's tools (CI has them); skips with one line naming what is missing otherwise
 * (test/helpers/tools.ts), and fails in CI. The CLI part skips until
 * dist/src/cli/main.js is built.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAB_TOOLS, requireTools } from './helpers/tools.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const captureScript = path.join(repoRoot, 'fixtures', 'lab', 'capture.sh');
const cliMain = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');

const PAYLOAD = 'Suhu: 28°C';
const TOPIC = 'sister/temp';
const BROKER = '172.18.0.2:1883';

/** Wireshark's mqtt.msgtype numbers. */
const MSGTYPE: Record<string, number> = {
  CONNECT: 1, CONNACK: 2, PUBLISH: 3, PUBACK: 4, PUBREC: 5, PUBREL: 6, PUBCOMP: 7, SUBSCRIBE: 8, SUBACK: 9,
  UNSUBSCRIBE: 10, UNSUBACK: 11, PINGREQ: 12, PINGRESP: 13, DISCONNECT: 14, AUTH: 15,
};

function spawn(cmd: string, args: string[], timeoutMs: number): { stdout: string; pid: number } {
  const r = spawnSync(cmd, args, { cwd: repoRoot, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  if (r.error !== undefined) throw r.error;
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} exited with ${r.status}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return { stdout: r.stdout, pid: r.pid };
}

function run(cmd: string, args: string[], timeoutMs: number): string {
  return spawn(cmd, args, timeoutMs).stdout;
}

interface TsharkRow { frame: number; msgtypes: number[]; topics: string[]; msgs: string[] }

function tsharkMqtt(file: string): TsharkRow[] {
  const out = run('tshark', ['-r', file, '-Y', 'mqtt', '-T', 'fields',
    '-e', 'frame.number', '-e', 'mqtt.msgtype', '-e', 'mqtt.topic', '-e', 'mqtt.msg'], 60_000);
  return out.split('\n').filter((l) => l.trim() !== '').map((line) => {
    const [frame = '', types = '', topics = '', msgs = ''] = line.split('\t');
    const list = (s: string): string[] => (s === '' ? [] : s.split(','));
    return { frame: Number(frame), msgtypes: list(types).map(Number), topics: list(topics), msgs: list(msgs) };
  });
}

interface Event {
  frame: number; time: number; layer: string; type: string; src: string; dst: string; summary: string;
  topic?: string; payload?: { text?: string }; requestFrame?: number; latencyMs?: number;
  sourceFrame?: number; forwardDelayMs?: number;
}

test('lab e2e: fresh namespace capture, tshark, CLI', { timeout: 300_000 }, async (t) => {
  // Every lab tool, root and `ip netns`: skipped with one line naming what is missing (a failure in CI), before any
  // step is registered, so no later step fails for the same reason.
  if (!requireTools(t, LAB_TOOLS)) return;
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-pcap-lab-e2e-'));
  t.after(() => rmSync(outDir, { recursive: true, force: true }));
  const file = path.join(outDir, 'reqresp.pcap');

  await t.test('capture.sh --only reqresp makes a capture', () => {
    const { pid } = spawn('bash', [captureScript, '--only', 'reqresp', outDir], 180_000);
    assert.ok(existsSync(file), `${file} was not written`);
    // The run leaves none of its namespaces (named mp-<role>-<its PID>) behind.
    const own = new RegExp(`^mp-[a-z]+-${pid}(\\s|$)`);
    const left = run('ip', ['netns', 'list'], 10_000).split('\n').filter((l) => own.test(l));
    assert.deepEqual(left, [], 'namespaces left behind by capture.sh');
  });

  let rows: TsharkRow[] = [];
  await t.test('tshark sees the lab traffic', () => {
    const protos = run('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.number', '-e', 'frame.protocols'], 60_000)
      .split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
    const firstArp = protos.find(([, p]) => p?.split(':').includes('arp'));
    const firstTcp = protos.find(([, p]) => p?.split(':').includes('tcp'));
    assert.ok(firstArp !== undefined, 'no ARP frame in the capture');
    assert.ok(firstTcp !== undefined, 'no TCP frame in the capture');
    assert.ok(Number(firstArp[0]) < Number(firstTcp[0]), 'ARP should resolve the broker before the first TCP segment');

    rows = tsharkMqtt(file);
    const types = rows.flatMap((r) => r.msgtypes);
    for (const name of ['CONNECT', 'CONNACK', 'SUBSCRIBE', 'SUBACK', 'PUBLISH', 'DISCONNECT'] as const) {
      assert.ok(types.includes(MSGTYPE[name]!), `tshark found no ${name}`);
    }
    const publishes = rows.filter((r) => r.msgtypes.includes(MSGTYPE.PUBLISH!));
    assert.ok(publishes.length >= 10, `expected 5 PUBLISHes in and 5 forwarded, tshark found ${publishes.length}`);
    const hex = Buffer.from(PAYLOAD, 'utf8').toString('hex');
    for (const r of publishes) {
      assert.ok(r.topics.includes(TOPIC), `frame ${r.frame}: PUBLISH topic ${r.topics.join(',')}`);
      assert.ok(r.msgs.includes(hex), `frame ${r.frame}: PUBLISH payload ${r.msgs.join(',')} is not ${PAYLOAD}`);
    }
  });

  await t.test('CLI analyze --format ndjson agrees with tshark', (tt) => {
    if (!existsSync(cliMain)) {
      tt.skip('CLI not built yet');
      return;
    }
    const out = run(process.execPath, [cliMain, 'analyze', file, '--format', 'ndjson'], 60_000);
    const lines = out.split('\n').filter((l) => l.trim() !== '');
    assert.ok(lines.length > 0, 'no NDJSON output');
    const events: Event[] = lines.map((line, i) => {
      try {
        return JSON.parse(line) as Event;
      } catch (error) {
        assert.fail(`line ${i + 1} is not JSON: ${line} (${String(error)})`);
      }
    });
    for (const e of events) {
      assert.equal(typeof e.frame, 'number', `frame: ${JSON.stringify(e)}`);
      assert.equal(typeof e.time, 'number', `time: ${JSON.stringify(e)}`);
      for (const key of ['layer', 'type', 'src', 'dst', 'summary'] as const) {
        assert.equal(typeof e[key], 'string', `${key}: ${JSON.stringify(e)}`);
      }
    }

    const firstArp = events.findIndex((e) => e.layer === 'arp');
    const firstTcp = events.findIndex((e) => e.layer === 'tcp');
    assert.ok(firstArp >= 0, 'no ARP event');
    assert.ok(firstTcp >= 0, 'no TCP event');
    assert.ok(firstArp < firstTcp, 'the ARP event should come before the first TCP event');

    const mqtt = events.filter((e) => e.layer === 'mqtt' && e.type in MSGTYPE);
    assert.ok(mqtt.some((e) => e.type === 'CONNECT'), 'no CONNECT event');
    const connack = mqtt.find((e) => e.type === 'CONNACK');
    assert.ok(connack !== undefined, 'no CONNACK event');
    assert.equal(typeof connack.requestFrame, 'number', `CONNACK without requestFrame: ${JSON.stringify(connack)}`);
    assert.equal(typeof connack.latencyMs, 'number', `CONNACK without latencyMs: ${JSON.stringify(connack)}`);

    const publishes = mqtt.filter((e) => e.type === 'PUBLISH' && e.topic === TOPIC);
    assert.ok(publishes.length > 0, `no PUBLISH to ${TOPIC}`);
    for (const p of publishes) assert.equal(p.payload?.text, PAYLOAD, `payload of frame ${p.frame}`);
    const forwarded = publishes.filter((e) => e.src.startsWith(BROKER));
    assert.ok(forwarded.length > 0, `no PUBLISH forwarded by the broker (${BROKER})`);
    for (const f of forwarded) {
      assert.equal(typeof f.sourceFrame, 'number', `forwarded PUBLISH without sourceFrame: ${JSON.stringify(f)}`);
      assert.equal(typeof f.forwardDelayMs, 'number', `forwarded PUBLISH without forwardDelayMs: ${JSON.stringify(f)}`);
    }

    // Same MQTT messages, in the same frames, as tshark.
    const ours = mqtt.map((e) => [e.frame, MSGTYPE[e.type]!] as const)
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([f, m]) => `${f}:${m}`);
    const theirs = rows.flatMap((r) => r.msgtypes.map((m) => [r.frame, m] as const))
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([f, m]) => `${f}:${m}`);
    assert.deepEqual(ours, theirs);
  });

  await t.test('CLI check passes the lab rules docs/examples/lab-rules.yaml on the fresh capture', (tt) => {
    if (!existsSync(cliMain)) { tt.skip('CLI not built yet'); return; }
    const r = spawnSync(process.execPath, [cliMain, 'check', file, '--rules', path.join(repoRoot, 'docs', 'examples', 'lab-rules.yaml'), '--format', 'json'],
      { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    const report = JSON.parse(r.stdout) as { passed: boolean; captures: Array<{ results: Array<{ name: string; ok: boolean; found: string }> }> };
    const results = report.captures[0]!.results;
    assert.ok(results.length >= 15, 'every rule of the lab is judged');
    const failed = results.filter((x) => !x.ok).map((x) => `${x.name}: ${x.found}`);
    assert.deepEqual(failed, []);
    assert.equal(r.status, 0);
  });
});