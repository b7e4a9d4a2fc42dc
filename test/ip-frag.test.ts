/**
 * IP defragmentation (src/defrag), as tshark does by default (ip.defragment, ipv6.defragment). On the lab's real
 * fragmented capture (fixtures/edge/ip-frag.pcap: a router fragments the publisher's packets to MTU 576, made by
 * fixtures/lab/capture.sh --only ip-frag) every reassembled datagram, TCP segment and MQTT message is at tshark's frame.
 * Captures derived from it and from fixtures/ipv6.pcap (fragments reordered, duplicated, lost, overlapping with other
 * bytes, past 65 535 bytes, too late; an IPv6 segment split with a Fragment header) are compared with tshark where
 * tshark's behaviour is the reference, and checked for their findings; a fuzz-like run of random fragments keeps the
 * memory it holds bounded and never throws.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { analyzeCapture } from '../src/index.js';
import type { FindingEvent, MqttEvent, TcpEvent, TimelineEvent } from '../src/index.js';
import { CaptureParser } from '../src/capture/index.js';
import { decodeFrame } from '../src/decode/frame.js';
import { IpDefragmenter, MAX_PENDING_DATAGRAMS } from '../src/defrag/defragment.js';
import { MemoryBudget } from '../src/model/budget.js';
import { fixturesDir } from './helpers/corpus.js';
import { tsharkFields, tsharkMissing, tsharkMqtt } from './helpers/tshark.js';

const FRAG = path.join(fixturesDir, 'edge', 'ip-frag.pcap');
const tmp = mkdtempSync(path.join(tmpdir(), 'mqtt-pcap-frag-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const skip = tsharkMissing ?? false;

const mqttEvents = (events: TimelineEvent[]): MqttEvent[] => events.filter((e): e is MqttEvent => e.kind === 'packet' && e.layer === 'mqtt');
const tcpEvents = (events: TimelineEvent[]): TcpEvent[] => events.filter((e): e is TcpEvent => e.kind === 'packet' && e.layer === 'tcp');
const findings = (events: TimelineEvent[], code: string): FindingEvent[] =>
  events.filter((e): e is FindingEvent => e.kind === 'finding' && e.code === code);
const ours = (events: TimelineEvent[]): string[] => mqttEvents(events).map((e) =>
  `${e.frame} ${e.msgtype} ${e.packetId ?? ''} ${e.topic ?? (e.subscriptions?.map((x) => x.topic) ?? e.unsubscriptions)?.join(',') ?? ''}`);
const theirs = (file: string): string[] => tsharkMqtt(file).map((m) => `${m.frame} ${m.msgtype} ${m.msgid ?? ''} ${m.topic ?? ''}`);

interface Rec { sec: number; usec: number; data: Buffer }

/** The records of a classic µs pcap (Ethernet). */
function records(file: string): Rec[] {
  const out: Rec[] = [];
  const parser = new CaptureParser({
    frame: (f) => { out.push({ sec: f.tsSec, usec: Math.floor(f.tsNsec / 1000), data: Buffer.from(f.data) }); },
    notice: () => undefined,
  });
  parser.push(readFileSync(file));
  parser.end();
  return out;
}

function writePcap(name: string, recs: Rec[]): string {
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(262144, 16);
  head.writeUInt32LE(1, 20);
  const parts: Buffer[] = [head];
  for (const r of recs) {
    const h = Buffer.alloc(16);
    h.writeUInt32LE(r.sec, 0);
    h.writeUInt32LE(r.usec, 4);
    h.writeUInt32LE(r.data.length, 8);
    h.writeUInt32LE(r.data.length, 12);
    parts.push(h, r.data);
  }
  const file = path.join(tmp, name);
  writeFileSync(file, Buffer.concat(parts));
  return file;
}

/** Indexes (0-based) of the IPv4 fragments of ip-frag.pcap, grouped by datagram (IP id), in capture order. */
function datagrams(recs: Rec[]): number[][] {
  const byId = new Map<number, number[]>();
  recs.forEach((r, i) => {
    const d = decodeFrame({ frame: i + 1, tsSec: r.sec, tsNsec: r.usec * 1000, linkType: 1, data: r.data, originalLength: r.data.length, interfaceId: 0 });
    if (d.ip?.fragment === true && d.ip.id !== undefined) byId.set(d.ip.id, [...(byId.get(d.ip.id) ?? []), i]);
  });
  return [...byId.values()];
}

test('ip-frag.pcap (a router fragmenting to MTU 576): datagrams, TCP and MQTT at tshark\'s frames', { skip }, async () => {
  const analysis = await analyzeCapture(FRAG);
  // The lab really fragmented: datagrams of several fragments, each carrying a 1448-byte TCP segment.
  const reassembled = tsharkFields(FRAG, ['frame.number', 'ip.fragment', 'tcp.len'], ['-Y', 'ip.fragments']);
  assert.ok(reassembled.length >= 6, `tshark reassembled ${reassembled.length} datagrams`);
  const notes = findings(analysis.events, 'ip.fragment');
  assert.deepEqual(notes.map((f) => [f.frame, (f.evidence?.frames ?? []).join(',')]),
    reassembled.map(([frame, frames]) => [Number(frame), frames]));
  // Each reassembled segment is one TCP event at the completing frame, with tshark's length.
  const tcp = new Map(tcpEvents(analysis.events).map((e) => [e.frame, e]));
  for (const [frame, , len] of reassembled) assert.equal(tcp.get(Number(frame))?.len, Number(len), `frame ${frame}`);
  // Fragments that do not complete a datagram are IP rows with tshark's words, not TCP.
  const rows = analysis.events.filter((e) => e.kind === 'packet' && e.type === 'ipv4-fragment');
  const info = new Map(tsharkFields(FRAG, ['frame.number', '_ws.col.Info'], ['-Y', 'ip.flags.mf == 1 && !tcp']).map(([f, i]) => [Number(f), i]));
  assert.ok(rows.length > 0);
  assert.deepEqual(rows.map((e) => [e.frame, e.summary]), [...info.entries()]);
  assert.deepEqual(ours(analysis.events), theirs(FRAG));
  // What the lab did: 3 PUBLISHes of 3000 bytes at QoS 1 from the far side, each forwarded to the subscriber.
  const big = mqttEvents(analysis.events).filter((e) => e.topic === 'frag/big');
  assert.equal(big.filter((e) => e.direction === 'client').length, 3);
  assert.ok(big.every((e) => e.payload?.length === 3000));
  assert.equal(big.filter((e) => e.direction === 'server' && e.sourceFrame !== undefined).length, 3);
  for (const code of ['ip.fragment-overlap', 'ip.fragment-bad', 'ip.fragment-incomplete', 'tcp.gap']) assert.deepEqual(findings(analysis.events, code), [], code);
  assert.ok((analysis.summary.frames.byProtocol['ipv4-fragment'] ?? 0) >= 12);
});

test('fragments out of order and duplicated: reassembled at the frame that completes the datagram, as tshark', { skip }, async () => {
  const recs = records(FRAG);
  const groups = datagrams(recs).filter((g) => g.length >= 3);
  // The first datagram's fragments in reverse order; the second's first fragment sent twice.
  const [a, b] = [groups[0]!, groups[1]!];
  const order = recs.map((_, i) => i);
  const reversed = [...a].reverse();
  a.forEach((index, k) => { order[index] = reversed[k]!; });
  const out = order.map((i) => recs[i]!);
  out.splice(b.at(-1)!, 0, { ...recs[b[0]!]!, data: Buffer.from(recs[b[0]!]!.data) });
  const file = writePcap('reordered.pcap', out);
  const analysis = await analyzeCapture(file);
  assert.deepEqual(ours(analysis.events), theirs(file));
  const reassembled = tsharkFields(file, ['frame.number'], ['-Y', 'ip.fragments']).map(([f]) => Number(f));
  assert.deepEqual(findings(analysis.events, 'ip.fragment').map((f) => f.frame), reassembled);
  assert.deepEqual(findings(analysis.events, 'ip.fragment-overlap'), []);
  assert.equal(mqttEvents(analysis.events).filter((e) => e.topic === 'frag/big' && e.direction === 'client').length, 3);
});

test('a lost fragment: its datagram never completes, TCP sees a hole, as tshark', { skip }, async () => {
  const recs = records(FRAG);
  const [first] = datagrams(recs);
  const lost = first![1]!;
  const file = writePcap('lost.pcap', recs.filter((_, i) => i !== lost));
  const analysis = await analyzeCapture(file);
  const incomplete = findings(analysis.events, 'ip.fragment-incomplete');
  assert.equal(incomplete.length, 1);
  // Frame numbers after the lost one move down by one.
  assert.deepEqual(incomplete[0]!.evidence?.frames, [first![0]! + 1, first![2]!]);
  // The segment inside is missing for tshark too: the same TCP frames; the MQTT before the hole is the same (after it
  // tshark reads the PUBLISH's payload bytes as packets, we resynchronise: tcp.gap).
  assert.deepEqual(tcpEvents(analysis.events).map((e) => e.frame), tsharkFields(file, ['frame.number'], ['-Y', 'tcp']).map(([f]) => Number(f)));
  const before = (rows: string[]): string[] => rows.filter((r) => Number(r.split(' ')[0]) <= first![0]!);
  assert.deepEqual(before(ours(analysis.events)), before(theirs(file)));
  assert.equal(findings(analysis.events, 'tcp.gap').length, 1);
});

test('overlapping fragments with other bytes, past 65 535 bytes, timed out: findings, the first bytes kept', async () => {
  const recs = records(FRAG);
  // Datagrams 0, 2 and 4 start the three big PUBLISHes (ids 1, 2, 3).
  const [first, , second, , third] = datagrams(recs);
  const out = recs.map((r) => ({ ...r, data: Buffer.from(r.data) }));
  // An overlapping copy of the first datagram's middle fragment with different bytes, before its last fragment.
  const copy = { ...out[first![1]!]!, data: Buffer.from(out[first![1]!]!.data) };
  copy.data.fill(0x41, 14 + 20 + 100, 14 + 20 + 200);
  out.splice(first![2]!, 0, copy);
  // The third datagram's last fragment moved to offset 65 528: past the largest datagram.
  const shift = second![2]! + 1;
  const bad = out[shift]!;
  bad.data.writeUInt16BE(65528 >> 3, 14 + 6);
  // The fifth datagram's last fragment 31 s later (after everything else): its datagram timed out before.
  const late = out.splice(third![2]! + 1, 1)[0]!;
  out.push({ ...late, sec: late.sec + 31 });
  const analysis = await analyzeCapture(writePcap('hostile.pcap', out));
  const overlap = findings(analysis.events, 'ip.fragment-overlap');
  assert.equal(overlap.length, 1);
  // The first bytes were kept: the PUBLISH is read whole, its payload 'f's only.
  const publish = mqttEvents(analysis.events).find((e) => e.topic === 'frag/big' && e.packetId === 1 && e.direction === 'client');
  assert.ok(publish?.payload?.text?.split('').every((c) => c === 'f'));
  assert.equal(findings(analysis.events, 'ip.fragment-bad').length, 1);
  assert.match(findings(analysis.events, 'ip.fragment-bad')[0]!.summary, /past the largest datagram/);
  const incomplete = findings(analysis.events, 'ip.fragment-incomplete').map((f) => f.summary);
  assert.ok(incomplete.some((s) => /within 30 s/.test(s)), incomplete.join('\n'));
  assert.ok(incomplete.length >= 2);
});

test('IPv6: a TCP segment split by a Fragment header is read at the frame that completes it, as tshark', { skip }, async () => {
  const recs = records(path.join(fixturesDir, 'ipv6.pcap'));
  // Every IPv6 TCP segment with at least 32 bytes of payload becomes two fragments (the first 16 + 8·k bytes, the rest).
  const out: Rec[] = [];
  let id = 0x1883;
  let split = 0;
  for (const r of recs) {
    const d = r.data;
    if (d.readUInt16BE(12) !== 0x86dd || d[14 + 6] !== 6 || d.length - 54 < 32 + 20) { out.push(r); continue; }
    const body = d.subarray(54);
    const cut = 24;
    const frag = (offset: number, part: Buffer, more: boolean): Buffer => {
      const ip = Buffer.from(d.subarray(14, 54));
      ip[6] = 44;
      ip.writeUInt16BE(8 + part.length, 4);
      const fh = Buffer.alloc(8);
      fh[0] = 6;
      fh.writeUInt16BE(offset | (more ? 1 : 0), 2);
      fh.writeUInt32BE(id, 4);
      return Buffer.concat([d.subarray(0, 14), ip, fh, part]);
    };
    out.push({ ...r, data: frag(0, body.subarray(0, cut), true) }, { ...r, usec: r.usec, data: frag(cut, body.subarray(cut), false) });
    id++;
    split++;
  }
  assert.ok(split >= 5);
  const file = writePcap('ipv6-frag.pcap', out);
  const analysis = await analyzeCapture(file);
  const expected = theirs(file);
  assert.ok(expected.length >= 10);
  assert.deepEqual(ours(analysis.events), expected);
  assert.equal(findings(analysis.events, 'ip.fragment').length, split);
  assert.ok(analysis.events.some((e) => e.kind === 'packet' && e.type === 'ipv6-fragment' && /^IPv6 fragment \(off=0 more=y ident=0x/.test(e.summary)));
});

test('random fragments (fuzz-like): never a throw, at most 1 024 datagrams held, memory returned at the end', () => {
  let seed = 1883;
  const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) >>> 0; return seed % n; };
  const budget = new MemoryBudget(4 * 1024 * 1024);
  const found: Record<string, number> = {};
  const defrag = new IpDefragmenter({ budget, finding: (f) => { found[f.code] = (found[f.code] ?? 0) + 1; } });
  let peak = 0;
  for (let i = 0; i < 30_000; i++) {
    const length = rnd(4) === 0 ? rnd(3000) : 8 * (1 + rnd(200));
    const frame = Buffer.alloc(14 + 20 + length, rnd(256));
    frame.writeUInt16BE(0x0800, 12);
    frame[14] = 0x45;
    frame.writeUInt16BE(Math.min(65535, 20 + length), 14 + 2);
    frame.writeUInt16BE(rnd(2000), 14 + 4);
    const offset = rnd(3) === 0 ? rnd(8192) : rnd(16);
    frame.writeUInt16BE((rnd(5) === 0 ? 0 : 0x2000) | offset, 14 + 6);
    frame[14 + 9] = rnd(8) === 0 ? 17 : 6;
    frame.writeUInt32BE(0x0a000000 | rnd(4), 14 + 12);
    frame.writeUInt32BE(0x0a000100, 14 + 16);
    const decoded = decodeFrame({ frame: i + 1, tsSec: 0, tsNsec: 0, linkType: 1, data: frame, originalLength: frame.length, interfaceId: 0 });
    if (decoded.ip?.fragmentPayload === undefined) continue;
    defrag.add(decoded, i / 100);
    peak = Math.max(peak, defrag.waiting);
    assert.ok(budget.used <= budget.limit);
  }
  assert.ok(peak <= MAX_PENDING_DATAGRAMS);
  defrag.finish();
  assert.equal(defrag.waiting, 0);
  assert.equal(budget.usedBy('ip-fragments'), 0);
  assert.ok((found['ip.fragment-incomplete'] ?? 0) > 0 && (found['ip.fragment-bad'] ?? 0) > 0 && (found['ip.fragment-overlap'] ?? 0) > 0, JSON.stringify(found));
});
