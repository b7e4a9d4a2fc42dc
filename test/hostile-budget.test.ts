/**
 * Hostile input, round two (issue #15 items 2 and 5, and the memory budget): the MQTT framer's carry costs a few
 * bytes per segment, not a Buffer per segment; it is charged to the memory budget, and past the budget the packet
 * keeps its head (one budget.exceeded finding), as do new connections; repeated findings of one code on one
 * connection are three findings and one folded count (the summary counts all). Captures from
 * test/fuzz/hostile-captures.ts, run through the real pipeline and CLI.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MqttFramer, type FramedPacket } from '../src/mqtt/framing.js';
import { MemoryBudget } from '../src/model/budget.js';
import { analyzeCapture } from '../src/pipeline/analyze.js';
import type { FindingEvent, TimelineEvent } from '../src/model/events.js';
import { mqttPublishHead, pcapStream } from './fuzz/build.js';
import { carryFlood, manyConnections, pendingFlood, zeroBomb } from './fuzz/hostile-captures.js';
import { repoRoot } from './helpers/corpus.js';

const CLI = path.join(repoRoot, 'dist/src/cli/main.js');
const dir = mkdtempSync(path.join(tmpdir(), 'mqtt-pcap-hostile-budget-'));
after(() => rmSync(dir, { recursive: true, force: true }));

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function write(name: string, data: Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, data);
  return file;
}

function ndjson(args: string[]): { lines: FindingEvent[]; status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args, '--format', 'ndjson'], { encoding: 'utf8', maxBuffer: 1 << 28, input: '' });
  const lines = r.stdout.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as TimelineEvent)
    .filter((e): e is FindingEvent => e.kind === 'finding');
  return { lines, status: r.status, stderr: r.stderr };
}

async function analyze(input: Iterable<Buffer> | Buffer, options: Parameters<typeof analyzeCapture>[1] = {}) {
  const findings: FindingEvent[] = [];
  const source = Buffer.isBuffer(input) ? Readable.from([input]) : Readable.from(input, { objectMode: false });
  const analysis = await analyzeCapture(source, { ...options, onEvent: (e) => { if (e.kind === 'finding') findings.push(e); } });
  return { findings, summary: analysis.summary };
}

describe('the MQTT framer\'s carry', () => {
  test('a 1 MB PUBLISH in 200 000 one-byte segments costs a few bytes per segment, not a Buffer each', () => {
    const packets: FramedPacket[] = [];
    const budget = new MemoryBudget();
    const framer = new MqttFramer({ packet: (p) => packets.push({ ...p }), garbage: () => {}, oversize: () => {} },
      { maxPacketBytes: 1024 * 1024, budget });
    const head = mqttPublishHead('carry', 1_000_000);
    framer.push(head, 1, 0);
    const one = Buffer.from([0x61]);
    gc();
    const before = process.memoryUsage();
    const segments = 200_000;
    for (let i = 0; i < segments; i++) framer.push(one, i + 2, 0);
    gc();
    const after = process.memoryUsage();
    const grown = after.heapUsed - before.heapUsed + after.arrayBuffers - before.arrayBuffers;
    // Was ~175 bytes per segment (Buffer.from per piece); now the bytes themselves, doubling slack and a frame number.
    assert.ok(grown / segments < 40, `${(grown / segments).toFixed(1)} bytes per segment`);
    assert.equal(framer.buffered, head.length + segments);
    assert.ok(budget.usedBy('framer-carry') >= framer.buffered, 'the carry is charged to the budget');
    assert.ok(budget.usedBy('framer-carry') <= 2 * framer.buffered + 8 * (segments + 1) + 1024);
    assert.equal(packets.length, 0);
    framer.end(segments + 2, 0);
    assert.equal(budget.usedBy('framer-carry'), 0, 'all given back at the end of the stream');
  });

  test('the packet completes whole across one-byte segments, and what follows it in the last segment is framed', () => {
    const packets: FramedPacket[] = [];
    const framer = new MqttFramer({ packet: (p) => packets.push({ ...p }), garbage: () => {}, oversize: () => {} }, { maxPacketBytes: 1 << 20 });
    const whole = Buffer.concat([mqttPublishHead('t', 3000), Buffer.alloc(3000, 0x62)]);
    for (let i = 0; i < whole.length - 1; i++) framer.push(whole.subarray(i, i + 1), i + 1, 0);
    framer.push(Buffer.concat([whole.subarray(whole.length - 1), Buffer.from([0xc0, 0])]), whole.length, 0);
    assert.equal(packets.length, 2);
    assert.ok(packets[0]!.bytes.equals(whole));
    assert.equal(packets[0]!.frames.length, whole.length);
    assert.deepEqual([packets[1]!.firstByte, packets[1]!.frames], [0xc0, [whole.length]]);
  });

  test('past the memory budget the packet keeps its head, the rest is skipped in step, one budget.exceeded', async () => {
    // 20 connections each announcing 1 MB, 400 000 one-byte segments in all (20 000 each): ~400 KB of carry.
    const { findings, summary } = await analyze(pcapStream(carryFlood(20, 400_000)), { memoryBudget: 1024 * 1024 });
    const budget = findings.filter((f) => f.code === 'budget.exceeded');
    assert.ok(budget.length >= 1 && budget.length <= 2, JSON.stringify(budget.map((f) => f.summary)));
    assert.equal(budget[0]!.detail?.['state'], 'framer-carry');
    assert.match(budget[0]!.summary, /memory budget of 1 MiB reached by framer-carry/);
    assert.equal(summary.frames.read, 20 * 5 + 400_000);
  });
});

describe('the memory budget', () => {
  test('connections past the budget are tracked by TCP but not dissected: one budget.exceeded naming them', async () => {
    // 1 MiB / 8 KiB per connection: about 128 dissected; the CONNECTs of the rest are not read.
    const file = write('many.pcap', manyConnections(300));
    const r = ndjson(['analyze', file, '--memory-budget', '1M']);
    assert.equal(r.status, 0, r.stderr);
    const budget = r.lines.filter((f) => f.code === 'budget.exceeded');
    assert.equal(budget[0]!.detail?.['state'], 'connections');
    assert.match(budget[0]!.summary, /new TCP connections are counted but their payload is not dissected/);
    const summary = spawnSync(process.execPath, [CLI, 'analyze', file, '--memory-budget', '1M', '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const doc = JSON.parse(summary.stdout) as { summary: { tcp: { connections: number }; mqtt: { byType: Record<string, number> } } };
    assert.equal(doc.summary.tcp.connections, 300);
    // 8 KiB per connection and 128 bytes per CONNECT awaiting its CONNACK.
    const connects = doc.summary.mqtt.byType['CONNECT'] ?? 0;
    assert.ok(connects >= 120 && connects <= 128, String(connects));
    const all = ndjson(['analyze', file]);
    assert.equal(all.lines.filter((f) => f.code === 'budget.exceeded').length, 0, 'the default budget holds them');
  });

  test('--memory-budget takes sizes (512M, 2G, 1.5G) and refuses what is not one, before reading', () => {
    for (const bad of ['1x', '0', '100K', '5Q', '']) {
      const r = spawnSync(process.execPath, [CLI, 'analyze', 'no-such.pcap', '--memory-budget', bad], { encoding: 'utf8' });
      assert.equal(r.status, 1, `${bad}: ${r.stderr}`);
      assert.match(r.stderr, /--memory-budget/);
    }
    const file = write('pending-small.pcap', pendingFlood(10));
    for (const good of ['512M', '2G', '1.5G', '1048576', '64MiB']) {
      assert.equal(spawnSync(process.execPath, [CLI, 'analyze', file, '--memory-budget', good, '--format', 'summary']).status, 0, good);
    }
  });
});

describe('repeated findings are folded', () => {
  test('10 000 unanswered PINGREQs: three mqtt.pending-cap and one with the count, likewise mqtt.unanswered; the summary counts all', async () => {
    const { findings, summary } = await analyze(pendingFlood(10_000));
    for (const [code, total] of [['mqtt.pending-cap', 10_000 - 4096], ['mqtt.unanswered', 4096]] as const) {
      const of = findings.filter((f) => f.code === code);
      assert.equal(of.length, 4, code);
      assert.deepEqual(of.slice(0, 3).map((f) => f.evidence), [undefined, undefined, undefined]);
      const folded = of[3]!;
      assert.equal(folded.evidence?.count, total - 3, code);
      assert.equal(folded.evidence?.firstFrame, folded.frame);
      assert.ok(folded.evidence!.lastFrame >= folded.frame);
      assert.equal(folded.evidence?.frames?.length, 20);
      assert.equal(folded.stream, 0);
      assert.match(folded.summary, new RegExp(`^${total - 3} more ${code.replace('.', '\\.')} findings on this connection`));
      assert.equal(summary.findings.byCode[code], total, code);
    }
  });

  test('the folded finding comes before its connection\'s end; with foldFindings false every one is delivered', async () => {
    const events: TimelineEvent[] = [];
    await analyzeCapture(Readable.from([pendingFlood(5000)]), { onEvent: (e) => events.push(e) });
    const folded = events.findIndex((e) => e.kind === 'finding' && e.code === 'mqtt.unanswered' && e.evidence !== undefined);
    const ended = events.findIndex((e) => e.kind === 'lifecycle' && e.type === 'connection-ended');
    assert.ok(folded >= 0 && folded < ended, `${folded} < ${ended}`);
    const { findings } = await analyze(pendingFlood(5000), { foldFindings: false });
    assert.equal(findings.filter((f) => f.code === 'mqtt.pending-cap').length, 5000 - 4096);
  });

  test('a gzip of zeros: three decode.truncated and one count, not a million lines (CLI, NDJSON)', () => {
    const file = write('zeros.pcap.gz', zeroBomb(4 * 1024 * 1024));
    const r = ndjson(['analyze', file]);
    assert.equal(r.status, 0, r.stderr);
    const truncated = r.lines.filter((f) => f.code === 'decode.truncated');
    assert.equal(truncated.length, 4);
    assert.ok(truncated[3]!.evidence!.count > 200_000, String(truncated[3]!.evidence?.count));
    assert.ok(r.lines.length < 20, `${r.lines.length} findings`);
  });
});
