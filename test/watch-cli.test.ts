/**
 * `mqtt-pcap watch` without a terminal: `--format lines` and `--format ndjson` on the lab captures and on every
 * capture of the public corpus (intervals contiguous, their counts adding up to the analysis' own summary, long idle
 * gaps collapsed), standard input, the screen renderer's colours, and the one-line errors with their exit codes (no
 * such interface, no permission to capture, no capture tool, bad usage).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import path from 'node:path';
import { corpusCaptures, corpusMissing, fixturesDir, repoRoot, type CaptureCase } from './helpers/corpus.js';
import { runWatch } from '../src/watch/session.js';
import type { IntervalRow } from '../src/watch/snapshot.js';
import { WatchAggregator } from '../src/watch/aggregate.js';
import { renderScreen } from '../src/watch/render-screen.js';
import { analyzeCapture } from '../src/pipeline/analyze.js';

const cliMain = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');

function cli(args: string[], options: { input?: Buffer; env?: NodeJS.ProcessEnv } = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliMain, ...args], {
    encoding: 'utf8', timeout: 60_000, ...(options.input !== undefined ? { input: options.input } : {}), env: options.env ?? process.env,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

type Row = IntervalRow & { type: 'interval' };
interface SummaryLine { type: 'summary'; diagnoses?: unknown[]; summary: { mqtt: { byType: Record<string, number>; latency: Record<string, { count: number }> } } }

function parse(stdout: string): { rows: Row[]; summary: SummaryLine['summary'] } {
  const objects = stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Row | SummaryLine);
  const last = objects.pop();
  assert.equal(last?.type, 'summary', 'the last object is the summary');
  assert.ok(objects.every((o) => o.type === 'interval'));
  return { rows: objects as Row[], summary: (last as SummaryLine).summary };
}

/** The intervals follow each other and their counts add up to the summary's. */
function assertAddsUp(rows: Row[], summary: SummaryLine['summary'], label: string, gapsAllowed = false): void {
  for (let i = 1; i < rows.length; i++) {
    if (!gapsAllowed) assert.equal(rows[i]!.start, rows[i - 1]!.end, `${label}: interval ${i} does not follow the previous one`);
    else assert.ok(rows[i]!.start >= rows[i - 1]!.end, `${label}: interval ${i} goes back in time`);
  }
  const publishes = rows.reduce((n, r) => n + r.published + r.delivered, 0);
  assert.equal(publishes, summary.mqtt.byType['PUBLISH'] ?? 0, `${label}: PUBLISH packets over the intervals`);
  const messages = rows.reduce((n, r) => n + r.mqttMessages, 0);
  assert.equal(messages, Object.values(summary.mqtt.byType).reduce((a, b) => a + b, 0), `${label}: MQTT messages over the intervals`);
  for (const [kind, stats] of Object.entries(summary.mqtt.latency)) {
    const counted = rows.reduce((n, r) => n + (r.latency.find((l) => l.kind === kind)?.count ?? 0), 0);
    assert.equal(counted, stats.count, `${label}: ${kind} latencies over the intervals`);
  }
}

test('watch --format ndjson on the lab capture: intervals add up to the summary, topics and clients named', () => {
  const r = cli(['watch', path.join(fixturesDir, 'qos-mqtt5.pcap'), '--format', 'ndjson']);
  assert.equal(r.status, 0, r.stderr);
  const { rows, summary } = parse(r.stdout);
  assert.equal(rows.length, 7, 'a 6.7 s capture in 1 s intervals');
  assert.equal(rows[0]!.start, 0);
  assert.ok(Math.abs(rows.at(-1)!.end - 6.700169) < 1e-6, `the last interval ends with the capture: ${rows.at(-1)!.end}`);
  assertAddsUp(rows, summary, 'qos-mqtt5');
  assert.ok(rows.some((x) => x.topics.some((t) => t.topic === 'sister/status')));
  assert.ok(rows.some((x) => x.clients.some((c) => c.clientId === 'lab-pub5-q1' && c.sent > 0)));
  assert.ok(rows.some((x) => x.clients.some((c) => c.clientId === 'lab-bad5' && c.state === 'refused')), 'a refused CONNECT');
  assert.ok(rows.some((x) => x.findings > 0), 'the refused connections are findings');
  assert.ok(rows.every((x) => x.at === undefined), 'a file read as fast as possible has no wall-clock times');
});

test('watch ends with the diagnoses of what it saw (fault capture: a client id taken over)', () => {
  const r = cli(['watch', path.join(fixturesDir, 'faults', 'fault-client-id-takeover.pcap'), '--format', 'ndjson']);
  assert.equal(r.status, 0, r.stderr);
  const last = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { type: string; diagnoses: Array<{ code: string }> };
  assert.equal(last.type, 'summary');
  assert.ok(last.diagnoses.some((d) => d.code === 'diag.client-id-takeover'), JSON.stringify(last.diagnoses.map((d) => d.code)));
  const text = cli(['watch', path.join(fixturesDir, 'faults', 'fault-client-id-takeover.pcap'), '--format', 'lines']);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /diag\.client-id-takeover|taken over|takeover/i, 'the text summary words the diagnosis');
});

test('watch --format lines: a heading, then one line per interval (like vmstat)', () => {
  const r = cli(['watch', path.join(fixturesDir, 'reqresp.pcap'), '--format', 'lines', '--interval', '500ms']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.match(lines[0]!, /^time\s+msg\/s\s+pub\/s\s+dlv\/s\s+KB\/s\s+conns\s+clients\s+connack ms/);
  const rows = lines.slice(1, lines.indexOf(''));
  assert.equal(rows.length, 8, `a 3.6 s capture in 0.5 s intervals:\n${r.stdout}`);
  assert.match(rows[0]!, /^0\.5\s/);
  assert.ok(rows.some((l) => / sister\/temp$/.test(l)), 'the busiest topic at the end of the line');
  assert.match(r.stdout, /\nMQTT\n/, 'then the summary');
});

test('watch - reads a capture on standard input; live rows carry wall-clock times', () => {
  const r = cli(['watch', '-', '--format', 'ndjson'], { input: readFileSync(path.join(fixturesDir, 'reqresp.pcapng')) });
  assert.equal(r.status, 0, r.stderr);
  const { rows, summary } = parse(r.stdout);
  assert.ok(rows.length >= 1);
  assert.ok(rows.every((x) => typeof x.at === 'string' && !Number.isNaN(Date.parse(x.at))));
  // Live input is counted as it arrives: all of it lands in the interval in progress.
  assert.equal(rows.reduce((n, x) => n + x.published + x.delivered, 0), summary.mqtt.byType['PUBLISH']);
});

test('watch --replay reads a file at the pace of its timestamps (--speed times faster), with the same intervals', () => {
  const capture = path.join(fixturesDir, 'reqresp.pcap');
  const fast = parse(cli(['watch', capture, '--format', 'ndjson']).stdout);
  const started = Date.now();
  const r = cli(['watch', capture, '--format', 'ndjson', '--replay', '--speed', '3']);
  const seconds = (Date.now() - started) / 1000;
  assert.equal(r.status, 0, r.stderr);
  const replayed = parse(r.stdout);
  // 3.64 s of capture at 3x: at least 1.2 s (node's start-up comes on top).
  assert.ok(seconds >= 1.2, `replayed in ${seconds} s`);
  assert.deepEqual(replayed.rows.map((x) => [x.start, x.published, x.delivered, x.mqttMessages]), fast.rows.map((x) => [x.start, x.published, x.delivered, x.mqttMessages]));
  assert.ok(replayed.rows.every((x) => typeof x.at === 'string'), 'a replay stamps its rows with the wall clock');
});

test('watch on every corpus capture: no failure, intervals add up, idle years collapsed', { skip: corpusMissing ?? false, timeout: 300_000 }, async (t) => {
  for (const c of corpusCaptures()) {
    await t.test(c.name, async () => {
      const { rows, summary } = await watchInProcess(c);
      assertAddsUp(rows, summary, c.name, true);
      // coap_mqtt.pcap spans 2012..2016: idle intervals are reported 60 at a time, not for four years.
      assert.ok(rows.length < 5000, `${rows.length} rows`);
    });
  }
});

async function watchInProcess(c: CaptureCase): Promise<{ rows: Row[]; summary: SummaryLine['summary'] }> {
  let text = '';
  const output = new Writable({ write(chunk, _enc, done) { text += String(chunk); done(); } });
  const result = await runWatch({ input: { kind: 'file', path: c.file }, format: 'ndjson', analysis: { ports: c.ports }, output });
  return { rows: text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Row), summary: result.summary };
}

test('the screen has colours only when asked (NO_COLOR, not a terminal)', async () => {
  const aggregator = new WatchAggregator();
  await analyzeCapture(path.join(fixturesDir, 'qos-mqtt5.pcap'), { onEvent: (e) => aggregator.add(e) });
  const snapshot = aggregator.snapshot();
  const state = { panel: 'topics', topicSort: 'messages', clientSort: 'messages', paused: false, source: 'x', width: 100, height: 30 } as const;
  const plain = renderScreen(snapshot, { ...state, color: false }).join('\n');
  const coloured = renderScreen(snapshot, { ...state, color: true }).join('\n');
  assert.doesNotMatch(plain, /\u001b/);
  assert.match(coloured, /\u001b\[32m/, 'the sparkline in green');
  assert.match(coloured, /\u001b\[33m#\d+/, 'warnings in yellow');
  assert.equal(plain.split('\n').length, 30);
  assert.ok(plain.split('\n').every((l) => [...l].length <= 100));
});

test('watch errors: one line on stderr and the exit code', () => {
  const noDevice = cli(['watch', '-i', 'mqttpcap-none0', '--format', 'lines']);
  assert.equal(noDevice.status, 2);
  assert.equal(noDevice.stdout, '');
  assert.match(noDevice.stderr, /^mqtt-pcap: cannot capture on mqttpcap-none0 with (tcpdump|dumpcap) .*ip link.*\n$/);

  const noTool = cli(['watch', '-i', 'lo', '--format', 'lines'], { env: { ...process.env, PATH: '/nonexistent' } });
  assert.equal(noTool.status, 2);
  assert.match(noTool.stderr, /^mqtt-pcap: neither tcpdump nor dumpcap is installed: apt-get install tcpdump.*\n$/);

  const missing = cli(['watch', 'no-such-capture.pcap', '--format', 'lines']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /no such file/);

  for (const args of [['watch'], ['watch', 'x.pcap', '-i', 'lo'], ['watch', 'x.pcap', '--interval', 'soon'], ['watch', '-', '--replay'], ['watch', 'x.pcap', '--format', 'screen']]) {
    const r = cli(args);
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
  }
});

test('watch -i without permission to capture says how to fix it', { skip: process.getuid?.() !== 0 || spawnSync('setpriv', ['--version']).status !== 0 ? 'needs root and setpriv to drop the capture capabilities' : false }, () => {
  // Root without CAP_NET_RAW and CAP_NET_ADMIN (dropped from the bounding set, so tcpdump lacks them too): capturing is
  // not permitted, while the checkout stays readable wherever it is.
  const r = spawnSync('setpriv', ['--bounding-set', '-net_raw,-net_admin', process.execPath, cliMain, 'watch', '-i', 'lo', '--format', 'lines'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^mqtt-pcap: cannot capture on lo with tcpdump .*permission.*setcap cap_net_raw,cap_net_admin=eip.*\n$/);
});
