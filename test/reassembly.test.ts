/**
 * TCP reassembly on real captures made hostile, against tshark and against a memory bound:
 * - out of order (issue #15 item 8): records of corpus captures are reordered (the packet data of two records swapped,
 *   their time slots kept), and the frame of every MQTT message must be tshark's with
 *   `tcp.reassemble_out_of_order:TRUE`: a message held behind a hole is reported at the frame that filled the hole.
 * - a SYN flood (issue #15 item 9) at the default `--max-connections` (100 000): 200 000 SYNs in a child process
 *   evict 100 000 connections (one `tcp.connection-evicted` each) with a peak RSS far below what the table used to
 *   cost (about 5 KB a connection, over 600 MB for this flood). The bound is generous so it does not flake; timings
 *   are in bench/ and docs/fuzzing.md, not here.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { analyzeCapture } from '../src/index.js';
import type { MqttEvent } from '../src/index.js';
import { corpusDir, corpusMissing } from './helpers/corpus.js';
import { tsharkMissing, tsharkMqtt } from './helpers/tshark.js';

/**
 * A copy of the classic pcap `file` where, for each pair [a, b] (1-based frame numbers), the packet data of records a
 * and b are swapped; every record keeps its timestamp slot, so time still runs forward.
 */
function swapRecords(file: string, pairs: Array<[number, number]>): Buffer {
  const b = readFileSync(file);
  assert.equal(b.readUInt32LE(0), 0xa1b2c3d4, `${file}: a little-endian microsecond pcap`);
  const records: Array<{ header: Buffer; data: Buffer }> = [];
  for (let off = 24; off + 16 <= b.length;) {
    const captured = b.readUInt32LE(off + 8);
    records.push({ header: b.subarray(off, off + 16), data: b.subarray(off + 16, off + 16 + captured) });
    off += 16 + captured;
  }
  const order = records.map((_, i) => i);
  for (const [x, y] of pairs) [order[x - 1], order[y - 1]] = [order[y - 1]!, order[x - 1]!];
  const out: Buffer[] = [b.subarray(0, 24)];
  order.forEach((from, i) => {
    const header = Buffer.from(records[i]!.header);
    const source = records[from]!;
    header.writeUInt32LE(source.data.length, 8);
    header.writeUInt32LE(source.header.readUInt32LE(12), 12);
    out.push(header, source.data);
  });
  return Buffer.concat(out);
}

function topicOf(e: MqttEvent): string {
  if (e.topic !== undefined) return e.topic;
  if (e.subscriptions !== undefined) return e.subscriptions.map((s) => s.topic).join(',');
  if (e.unsubscriptions !== undefined) return e.unsubscriptions.join(',');
  return '';
}

/** Reorderings of corpus captures, each with a message whose last bytes come before the frame that completes it. */
/** `moved`: [frame that held a message's bytes, frame that completed it]. */
const REORDERED: Array<{ capture: string; swaps: Array<[number, number]>; why: string; moved: Array<[number, number]> }> = [
  {
    capture: 'arkime/mqtt_big.pcap', swaps: [[8, 9]],
    why: 'PUBLISH id=2 (frame 9) arrives before the PUBLISH ahead of it: both complete at frame 9',
    moved: [[8, 9]],
  },
  {
    capture: 'arkime/mqtt_big.pcap', swaps: [[22, 23]],
    why: 'the last piece of an 11 KB PUBLISH arrives before the piece ahead of it: complete at frame 23',
    moved: [[22, 23]],
  },
  {
    capture: 'arkime/mqtt_big.pcap', swaps: [[16, 20], [46, 47]],
    why: 'pieces 3..6 of the big PUBLISH wait for piece 2 (frame 20); an UNSUBSCRIBE waits for the PUBLISH before it',
    moved: [[46, 47]],
  },
  {
    // Frames 33 (PUBLISH public/news) and 35 (public/weather) of stream 3 arrive the other way round, before the ACKs.
    capture: 'arkime/mqtt_synthetic.pcap', swaps: [[33, 35], [34, 35]],
    why: 'the second PUBLISH arrives first (frame 33) and waits for the first (frame 34): both complete at frame 34',
    moved: [[33, 34]],
  },
];

test('a message held behind a hole is reported at the frame that filled it, as tshark reassembling out of order', { skip: tsharkMissing ?? corpusMissing }, async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'reassembly-'));
  try {
    for (const [n, c] of REORDERED.entries()) {
      const source = path.join(corpusDir, c.capture);
      const swaps = c.swaps;
      const file = path.join(dir, `reordered-${n}.pcap`);
      writeFileSync(file, swapRecords(source, swaps));
      const theirs = tsharkMqtt(file, [], ['-o', 'tcp.reassemble_out_of_order:TRUE'])
        .map((m) => `${m.frame} ${m.msgtype} ${m.msgid ?? ''} ${m.topic ?? ''}`);
      const analysis = await analyzeCapture(file);
      const mqtt = analysis.events.filter((e): e is MqttEvent => e.kind === 'packet' && e.layer === 'mqtt');
      const ours = mqtt.map((e) => `${e.frame} ${e.msgtype} ${e.packetId ?? ''} ${topicOf(e)}`);
      assert.deepEqual(ours, theirs, `${c.capture} swapped ${JSON.stringify(swaps)}: ${c.why}`);
      // Nothing is reported at the frame that held the bytes; the held message has the completing frame's time.
      for (const [held, completing] of c.moved) {
        const atCompleting = mqtt.filter((e) => e.frame === completing);
        assert.ok(atCompleting.length >= 1, `the held message completes at frame ${completing}`);
        assert.ok(!mqtt.some((e) => e.frame === held), `no message at frame ${held}, which only held bytes`);
        for (const e of atCompleting) {
          assert.equal(e.frames[e.frames.length - 1], completing);
          assert.equal(e.time, atCompleting[0]!.time);
        }
      }
      t.diagnostic(`${c.capture} swapped ${JSON.stringify(swaps)}: ${ours.length} messages at tshark's frames`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const here = path.dirname(fileURLToPath(import.meta.url));

test('a flood of 200 000 SYNs at the default connection cap: 100 000 evictions, memory bounded', () => {
  // A child, so that its peak RSS is the flood's alone.
  const script = `
    const { analyzeCapture } = await import(${JSON.stringify(path.join(here, '../src/index.js'))});
    const { synFloodChunks } = await import(${JSON.stringify(path.join(here, 'helpers/syn-flood.js'))});
    let opened = 0, ended = 0, evicted = 0;
    const a = await analyzeCapture(synFloodChunks(200000), { summaryOnly: true, onEvent: (e) => {
      if (e.kind === 'lifecycle' && e.type === 'connection-opened') opened++;
      if (e.kind === 'lifecycle' && e.type === 'connection-ended') { ended++; if (e.reason === 'evicted') evicted++; }
    } });
    process.stdout.write(JSON.stringify({ opened, ended, evicted, findings: a.summary.findings.byCode,
      connections: a.summary.tcp.connections, maxRssKb: process.resourceUsage().maxRSS }));
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', maxBuffer: 1 << 20 });
  assert.equal(child.status, 0, child.stderr);
  const r = JSON.parse(child.stdout) as { opened: number; ended: number; evicted: number; findings: Record<string, number>; connections: number; maxRssKb: number };
  assert.equal(r.opened, 200_000);
  assert.equal(r.ended, 200_000);
  assert.equal(r.evicted, 100_000, 'connections past the default cap of 100 000 are evicted');
  assert.equal(r.findings['tcp.connection-evicted'], 100_000);
  assert.equal(r.connections, 200_000);
  // ~0.9 KB of heap per connection now (about 5 KB before: 100 000 of them took over 600 MB of RSS).
  assert.ok(r.maxRssKb < 400 * 1024, `peak RSS ${(r.maxRssKb / 1024).toFixed(0)} MB for 100 000 live connections`);
});
