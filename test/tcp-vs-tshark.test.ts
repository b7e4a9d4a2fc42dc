/**
 * TCP and ARP facts against tshark, frame by frame, on every corpus capture, every fixture and a hand-built capture
 * that exercises each TCP analysis flag: every ARP frame gives one ArpEvent with tshark's opcode and addresses; every
 * TCP frame gives exactly one TcpEvent with tshark's ports, raw seq/ack, flags, length, tcp.stream, analysis flags
 * (retransmission, out-of-order, duplicate ACK, previous segment lost, keep-alive) and initial RTT.
 * Differences we keep on purpose (docs/differences-from-tshark.md, "TCP and ARP") are RULES, each a reason and a
 * test of the frame's facts. On the corpus and the hand-built capture every difference is also listed in
 * FRAME_EXCEPTIONS (capture, frames, field, rule) and must be there; fixtures are re-recorded by the lab script, so
 * their frame numbers are not stable and the rules alone apply. Every use is reported as a test diagnostic, and a
 * listed frame that no longer differs fails the test.
 * Also: the lab capture's table order and handshake RTT, and `-i any` duplicates.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { analyzeCapture } from '../src/index.js';
import type { Analysis, ArpEvent, TcpEvent, TimelineEvent } from '../src/index.js';
import { corpusCaptures, corpusMissing, fixtureCaptures, fixturesDir, type CaptureCase } from './helpers/corpus.js';
import { tsharkMissing, tsharkRecords } from './helpers/tshark.js';

// ---------------------------------------------------------------------------------------------------------------
// What tshark says
// ---------------------------------------------------------------------------------------------------------------

const FIELDS = [
  'frame.number', 'frame.time_epoch', 'frame.protocols', 'frame.len', 'frame.cap_len',
  'arp.opcode', 'arp.src.hw_mac', 'arp.src.proto_ipv4', 'arp.dst.hw_mac', 'arp.dst.proto_ipv4',
  'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst', 'ip.id',
  'tcp.srcport', 'tcp.dstport', 'tcp.seq_raw', 'tcp.ack_raw', 'tcp.flags', 'tcp.len', 'tcp.window_size_value',
  'tcp.window_size', 'tcp.options.timestamp.tsval', 'tcp.stream',
  'tcp.analysis.retransmission', 'tcp.analysis.fast_retransmission', 'tcp.analysis.spurious_retransmission',
  'tcp.analysis.out_of_order', 'tcp.analysis.duplicate_ack', 'tcp.analysis.lost_segment', 'tcp.analysis.keep_alive',
  'tcp.analysis.initial_rtt',
] as const;
type Row = Record<(typeof FIELDS)[number], string>;

/**
 * tshark's defaults, IP defragmentation included: a fragmented segment is seen at the frame that completes its
 * datagram, by tshark and by us (src/defrag).
 */
const TSHARK_OPTIONS: string[] = [];

/**
 * Captures tshark reads with more options: VXLAN on Linux's old port 8472 (flannel's), which tshark 4.0 does not
 * decode by default and we do (docs/differences-from-tshark.md).
 */
const TSHARK_FILE_OPTIONS: Record<string, string[]> = {
  'vxlan.pcap': ['-d', 'udp.port==8472,vxlan'],
  'vxlan-snaplen.pcap': ['-d', 'udp.port==8472,vxlan'],
};

/**
 * tshark's rows, one per frame, each field's first occurrence; in a tunnelled frame (VXLAN, VXLAN-GPE, Geneve, GRE,
 * ERSPAN, IP in IP: an IP layer after another, not inside an ICMP error) the innermost layers', which are the ones we
 * report (the outer IP and UDP are the tunnel's): every occurrence is read, and the IP fields are the inner packet's
 * (IPv4: the last ip.* values; IPv6: ipv6.*, the outer ip.* dropped).
 */
function tshark(file: string): Row[] {
  const options = [...TSHARK_OPTIONS, ...(TSHARK_FILE_OPTIONS[path.basename(file)] ?? []), '-E', 'occurrence=a', '-E', 'aggregator=|'];
  return (tsharkRecords(file, FIELDS, options) as Row[]).map((r) => {
    const layers = r['frame.protocols'].split(':');
    const firstIp = layers.findIndex((l) => l === 'ip' || l === 'ipv6');
    const lastIp = Math.max(layers.lastIndexOf('ip'), layers.lastIndexOf('ipv6'));
    const tunnel = firstIp >= 0 && lastIp > firstIp && !layers.slice(0, lastIp).some((l) => l === 'icmp' || l === 'icmpv6') ? lastIp : -1;
    const out = { ...r };
    for (const f of FIELDS) {
      const values = r[f].split('|');
      out[f] = tunnel >= 0 && (f.startsWith('ip.') || f.startsWith('ipv6.')) ? values[values.length - 1]! : values[0]!;
    }
    if (tunnel >= 0 && layers[tunnel] === 'ipv6') {
      out['ip.src'] = '';
      out['ip.dst'] = '';
      out['ip.id'] = '';
    }
    return out;
  });
}

/**
 * tshark shows a TCP header for this frame that is the frame's own (not one quoted inside an ICMP error) and whole
 * enough to have its flags: one the snaplen cut after the ports (tshark shows them, then [Packet size limited during
 * capture]) is a decode.truncated finding of ours, no TCP segment.
 */
function isTcpFrame(r: Row): boolean {
  if (r['tcp.srcport'] === '' || r['tcp.flags'] === '') return false;
  const layers = r['frame.protocols'].split(':');
  const tcpAt = layers.indexOf('tcp');
  return !layers.slice(0, tcpAt).some((l) => l === 'icmp' || l === 'icmpv6');
}

const FLAG_BITS: Array<[number, string]> = [
  [0x02, 'SYN'], [0x01, 'FIN'], [0x04, 'RST'], [0x08, 'PSH'], [0x10, 'ACK'], [0x20, 'URG'], [0x40, 'ECE'], [0x80, 'CWR'],
];
function flagNames(bits: number): string {
  const names = FLAG_BITS.filter(([b]) => (bits & b) !== 0).map(([, n]) => n);
  if ((bits & 0xf00) !== 0) names.push(`reserved/AE 0x${(bits & 0xf00).toString(16)}`);
  return names.sort().join(',');
}

function label(ip: string, port: string): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** Per frame: whether the other side had sent data beyond this frame's ACK (RFC 5681's "outstanding data"). */
function outstandingData(rows: Row[]): Map<number, boolean> {
  const sentUpTo = new Map<string, number>();
  const out = new Map<number, boolean>();
  for (const r of rows) {
    if (!isTcpFrame(r)) continue;
    const src = label(r['ip.src'] || r['ipv6.src'], r['tcp.srcport']);
    const dst = label(r['ip.dst'] || r['ipv6.dst'], r['tcp.dstport']);
    const stream = r['tcp.stream'];
    const flags = parseInt(r['tcp.flags'], 16);
    const other = sentUpTo.get(`${stream}|${dst}`);
    out.set(Number(r['frame.number']), other !== undefined && seqDiff(other, Number(r['tcp.ack_raw'])) > 0);
    const end = (Number(r['tcp.seq_raw']) + Number(r['tcp.len']) + (flags & 0x02 ? 1 : 0) + (flags & 0x01 ? 1 : 0)) >>> 0;
    const key = `${stream}|${src}`;
    const before = sentUpTo.get(key);
    if (before === undefined || seqDiff(end, before) > 0) sentUpTo.set(key, end);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------------------------------

const TCP_FIELDS = [
  'src', 'dst', 'seq', 'ack', 'flags', 'len', 'window', 'stream',
  'retransmission', 'outOfOrder', 'duplicateAck', 'lostSegment', 'keepAlive', 'initialRtt',
] as const;
type TcpField = (typeof TCP_FIELDS)[number];

function oursTcp(e: TcpEvent): Record<TcpField, string> {
  return {
    src: e.src, dst: e.dst, seq: String(e.seq), ack: String(e.ack), flags: [...e.flags].sort().join(','), len: String(e.len),
    // The window as the timeline shows it ("Win="): tshark's calculated tcp.window_size.
    window: String(e.window), stream: String(e.stream),
    retransmission: String(e.retransmission === true),
    outOfOrder: String(e.outOfOrder === true),
    duplicateAck: String(e.duplicateAck === true),
    // The event has no field for these two; its summary carries Wireshark's words.
    lostSegment: String(e.summary.includes('[TCP Previous segment not captured]')),
    keepAlive: String(e.summary.includes('[TCP Keep-Alive]')),
    initialRtt: e.handshakeRttMs !== undefined ? String(e.handshakeRttMs) : '',
  };
}

function theirsTcp(r: Row, firstRtt: boolean): Record<TcpField, string> {
  const set = (f: keyof Row): string => String(r[f] !== '');
  return {
    src: label(r['ip.src'] || r['ipv6.src'], r['tcp.srcport']),
    dst: label(r['ip.dst'] || r['ipv6.dst'], r['tcp.dstport']),
    seq: r['tcp.seq_raw'], ack: r['tcp.ack_raw'], flags: flagNames(parseInt(r['tcp.flags'], 16)), len: r['tcp.len'],
    window: r['tcp.window_size'], stream: r['tcp.stream'],
    // tshark 4.0 also sets tcp.analysis.retransmission on fast and spurious retransmissions; either counts.
    retransmission: String(r['tcp.analysis.retransmission'] !== '' || r['tcp.analysis.fast_retransmission'] !== ''
      || r['tcp.analysis.spurious_retransmission'] !== ''),
    outOfOrder: set('tcp.analysis.out_of_order'),
    duplicateAck: set('tcp.analysis.duplicate_ack'),
    lostSegment: set('tcp.analysis.lost_segment'),
    keepAlive: set('tcp.analysis.keep_alive'),
    // tcp.analysis.initial_rtt is repeated on every later frame; the handshake completes where it first appears.
    initialRtt: firstRtt ? String(Number(r['tcp.analysis.initial_rtt']) * 1000) : '',
  };
}

function equalField(field: TcpField, ours: string, theirs: string): boolean {
  // RTTs in ms, equal to the microsecond (float noise aside).
  if (field === 'initialRtt' && ours !== '' && theirs !== '') return Math.abs(Number(ours) - Number(theirs)) < 0.0005;
  return ours === theirs;
}

interface FrameFacts {
  capture: string;
  frame: number;
  field: TcpField;
  ours: string;
  theirs: string;
  event: TcpEvent;
  row: Row;
  rows: Map<number, Row>;
  /** The other side had sent data beyond this frame's ACK. */
  outstanding: boolean;
  /** tshark saw a SYN-ACK in this frame's stream before it. */
  synAckBefore: boolean;
  /** Our handshake RTT of this frame's connection, if any. */
  ourRtt: number | undefined;
}

/** A class of frames where we differ from tshark on purpose. */
interface ExceptionRule {
  id: string;
  fields: TcpField[];
  reason: string;
  applies(f: FrameFacts): boolean;
}

/** Frames of a stable capture (corpus, hand-built) where we differ from tshark on purpose, for the rule's reason. */
interface FrameException {
  capture: string;
  frames: number[];
  field: TcpField;
  rule: string;
}

/** The same packet as an earlier frame (every header field tshark shows, IP id and TCP timestamp included). */
function samePacket(a: Row, b: Row): boolean {
  const keys: Array<keyof Row> = ['ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst', 'ip.id', 'tcp.srcport', 'tcp.dstport',
    'tcp.seq_raw', 'tcp.ack_raw', 'tcp.flags', 'tcp.len', 'tcp.window_size_value', 'tcp.options.timestamp.tsval'];
  return keys.every((k) => a[k] === b[k]);
}

const RULES: ExceptionRule[] = [
  {
    id: 'any-second-copy',
    fields: ['stream', 'window', 'retransmission', 'outOfOrder', 'duplicateAck', 'lostSegment', 'keepAlive'],
    reason: 'an `-i any` capture holds each packet once per interface it crossed: we mark the second copy '
      + '`duplicateOf` and keep it out of the connection (stream -1, no analysis flags, its raw window); tshark analyses '
      + 'it as a second segment (retransmission / duplicate ACK, window scaled) of its stream',
    applies: (f) => {
      const original = f.event.duplicateOf === undefined ? undefined : f.rows.get(f.event.duplicateOf);
      return original !== undefined && samePacket(original, f.row)
        && (f.field !== 'stream' || f.ours === '-1');
    },
  },
  {
    id: 'rtt-from-syn-second-copy',
    fields: ['initialRtt'],
    reason: 'in an `-i any` capture tshark measures the handshake RTT from the most recent SYN, which is the last '
      + 'copy of the SYN (seen on the next interface); we measure from the first time the SYN was seen',
    applies: (f) => {
      const synFrame = f.event.handshakeFrames?.[0];
      const syn = synFrame === undefined ? undefined : f.rows.get(synFrame);
      if (syn === undefined || f.theirs === '') return false;
      // The most recent copy: the second, or the third when the bridge device is promiscuous (edge/any-promisc.pcap).
      const copy = [...f.rows.values()].filter((r) => {
        const n = Number(r['frame.number']);
        return n > synFrame! && n < f.frame && samePacket(syn, r);
      }).sort((a, b) => Number(b['frame.number']) - Number(a['frame.number']))[0];
      if (copy === undefined) return false;
      const fromCopyMs = Number(epochNs(f.row['frame.time_epoch']) - epochNs(copy['frame.time_epoch'])) / 1e6;
      return Math.abs(fromCopyMs - Number(f.theirs)) < 0.0005;
    },
  },
  {
    id: 'rtt-needs-a-handshake',
    fields: ['initialRtt'],
    reason: 'we give a handshake RTT only when a three-way handshake completes (SYN, SYN-ACK, then the ACK); tshark '
      + 'sets tcp.analysis.initial_rtt on the first ACK-flagged segment after a SYN whatever it is, e.g. the RST-ACK '
      + 'that refuses a connection',
    applies: (f) => f.ours === '' && f.theirs !== '' && !f.synAckBefore,
  },
  {
    id: 'rtt-of-cut-handshake',
    fields: ['initialRtt'],
    reason: 'a handshake whose SYN or SYN-ACK the snaplen cut inside its TCP options (tcpdump -s 54) still completes for '
      + 'us: its RTT is on the ACK; tshark stops dissecting those segments at the cut options, its analysis never sees '
      + 'the handshake and gives no initial_rtt',
    applies: (f) => {
      if (f.ours === '' || f.theirs !== '') return false;
      const cut = (frame: number | undefined): boolean => {
        const row = frame === undefined ? undefined : f.rows.get(frame);
        return row !== undefined && Number(row['frame.cap_len']) < Number(row['frame.len']);
      };
      return cut(f.event.handshakeFrames?.[0]) || cut(f.event.handshakeFrames?.[1]);
    },
  },
  {
    id: 'zero-rtt-handshake',
    fields: ['initialRtt'],
    reason: 'a handshake whose SYN and ACK carry the same timestamp has an RTT of 0 ms, which we report on the ACK; '
      + 'tshark takes 0 for "not measured yet" and measures again, from the SYN to the next ACK-flagged segment',
    applies: (f) => f.ourRtt === 0 && ((f.ours === '0' && f.theirs === '') || (f.ours === '' && f.theirs !== '')),
  },
  {
    id: 'dup-ack-needs-outstanding-data',
    fields: ['duplicateAck'],
    reason: 'a duplicate ACK needs outstanding data (RFC 5681 section 2: the other side has sent data beyond the ACK); '
      + 'tshark only compares ACK number, window and sequence number with the previous segment, so it also calls a '
      + 'repeated ACK of an idle connection a duplicate ACK',
    applies: (f) => f.theirs === 'true' && f.ours === 'false' && !f.outstanding,
  },
];

const SYNTHETIC = 'synthetic/tcp-analysis.pcap';

const FRAME_EXCEPTIONS: FrameException[] = [
  // Seven handshakes whose SYN, SYN-ACK and ACK share one timestamp: RTT 0 on the ACK; tshark's 1 s on the next one.
  {
    capture: 'corpus/arkime/arkime_synthetic.pcap', field: 'initialRtt', rule: 'zero-rtt-handshake',
    frames: [554, 555, 562, 563, 567, 568, 573, 574, 578, 579, 582, 583, 586, 587],
  },
  // A SYN to port 64001 refused by a RST-ACK: no handshake, so no RTT; tshark puts initial_rtt on the RST-ACK.
  { capture: 'corpus/suricata-verify/mqtt5-unsub-qos1/input.pcap', field: 'initialRtt', rule: 'rtt-needs-a-handshake', frames: [16] },
  // The client repeats its ACK while the server has nothing outstanding.
  { capture: SYNTHETIC, field: 'duplicateAck', rule: 'dup-ack-needs-outstanding-data', frames: [23] },
];

/** The capture's differences must each be listed in FRAME_EXCEPTIONS (not a fixture: those are re-recorded). */
function listedOnly(name: string): boolean {
  return !name.startsWith('fixtures/');
}

interface Compared {
  mismatches: string[];
  /** exception id -> "frame field" list */
  hits: Map<string, string[]>;
  /** "rule frame field" of each listed exception used. */
  listedUsed: Set<string>;
  tcpFrames: number;
  arpFrames: number;
}

function compare(name: string, analysis: Analysis, rows: Row[]): Compared {
  const res: Compared = { mismatches: [], hits: new Map(), listedUsed: new Set(), tcpFrames: 0, arpFrames: 0 };
  const tcpByFrame = new Map<number, TcpEvent[]>();
  const arpByFrame = new Map<number, ArpEvent[]>();
  for (const e of analysis.events) {
    if (e.kind === 'packet' && e.layer === 'tcp') {
      const list = tcpByFrame.get(e.frame) ?? [];
      list.push(e as TcpEvent);
      tcpByFrame.set(e.frame, list);
    } else if (e.layer === 'arp') {
      const list = arpByFrame.get(e.frame) ?? [];
      list.push(e);
      arpByFrame.set(e.frame, list);
    }
  }
  const rowByFrame = new Map(rows.map((r) => [Number(r['frame.number']), r]));
  const outstanding = outstandingData(rows);
  const ourRtt = new Map<number, number>();
  for (const list of tcpByFrame.values()) {
    for (const e of list) if (e.handshakeRttMs !== undefined) ourRtt.set(e.stream, e.handshakeRttMs);
  }
  const synAckStreams = new Set<string>();
  const rttSeen = new Set<string>();
  const hit = (id: string, what: string): void => {
    const list = res.hits.get(id) ?? [];
    list.push(what);
    res.hits.set(id, list);
  };
  for (const r of rows) {
    const frame = Number(r['frame.number']);
    // ARP
    const arps = arpByFrame.get(frame) ?? [];
    if (r['arp.opcode'] !== '') {
      res.arpFrames++;
      if (arps.length !== 1) res.mismatches.push(`${name} frame ${frame}: tshark ARP, ${arps.length} ArpEvents`);
      else {
        const a = arps[0]!;
        const ours = [a.opcode, a.senderMac, a.senderIp, a.targetMac, a.targetIp].join(' ');
        const theirs = [r['arp.opcode'], r['arp.src.hw_mac'], r['arp.src.proto_ipv4'], r['arp.dst.hw_mac'], r['arp.dst.proto_ipv4']].join(' ');
        if (ours !== theirs) res.mismatches.push(`${name} frame ${frame} ARP: tshark "${theirs}", ours "${ours}"`);
      }
    } else if (arps.length > 0) res.mismatches.push(`${name} frame ${frame}: ArpEvent where tshark sees no ARP`);
    // TCP
    const tcps = tcpByFrame.get(frame) ?? [];
    if (!isTcpFrame(r)) {
      if (tcps.length > 0) res.mismatches.push(`${name} frame ${frame}: TcpEvent where tshark sees no TCP segment`);
      continue;
    }
    res.tcpFrames++;
    if (tcps.length !== 1) {
      res.mismatches.push(`${name} frame ${frame}: tshark TCP, ${tcps.length} TcpEvents`);
      continue;
    }
    const event = tcps[0]!;
    const stream = r['tcp.stream'];
    const firstRtt = r['tcp.analysis.initial_rtt'] !== '' && !rttSeen.has(stream);
    if (r['tcp.analysis.initial_rtt'] !== '') rttSeen.add(stream);
    const ours = oursTcp(event);
    const theirs = theirsTcp(r, firstRtt);
    const synAckBefore = synAckStreams.has(stream);
    if ((parseInt(r['tcp.flags'], 16) & 0x12) === 0x12) synAckStreams.add(stream);
    for (const field of TCP_FIELDS) {
      if (equalField(field, ours[field], theirs[field])) continue;
      const facts: FrameFacts = {
        capture: name, frame, field, ours: ours[field], theirs: theirs[field], event, row: r, rows: rowByFrame,
        outstanding: outstanding.get(frame) ?? false, synAckBefore, ourRtt: ourRtt.get(event.stream),
      };
      const rule = RULES.find((x) => x.fields.includes(field) && x.applies(facts));
      const listed = rule !== undefined
        && FRAME_EXCEPTIONS.some((x) => x.capture === name && x.field === field && x.rule === rule.id && x.frames.includes(frame));
      if (rule !== undefined && (listed || !listedOnly(name))) {
        hit(rule.id, `${frame} ${field}`);
        if (listed) res.listedUsed.add(`${rule.id} ${frame} ${field}`);
        continue;
      }
      const why = rule !== undefined ? ` (rule ${rule.id} would apply: list the frame in FRAME_EXCEPTIONS)` : '';
      res.mismatches.push(`${name} frame ${frame} ${field}: tshark "${theirs[field]}", ours "${ours[field]}"${why}`);
    }
  }
  for (const [frame, list] of tcpByFrame) {
    if (!rowByFrame.has(frame)) res.mismatches.push(`${name} frame ${frame}: ${list.length} TcpEvents, frame unknown to tshark`);
  }
  for (const x of FRAME_EXCEPTIONS.filter((e) => e.capture === name)) {
    for (const frame of x.frames) {
      if (!res.listedUsed.has(`${x.rule} ${frame} ${x.field}`)) {
        res.mismatches.push(`${name} frame ${frame} ${x.field}: listed exception ${x.rule} no longer needed`);
      }
    }
  }
  return res;
}

function report(t: { diagnostic(msg: string): void }, name: string, res: Compared): void {
  for (const [id, where] of res.hits) {
    const shown = where.slice(0, 12).join(', ') + (where.length > 12 ? `, ... (${where.length} in all)` : '');
    t.diagnostic(`${name}: exception ${id} at ${shown}`);
  }
}

async function compareCapture(t: { diagnostic(msg: string): void }, c: CaptureCase): Promise<Compared> {
  const analysis = await analyzeCapture(c.file, { ports: c.ports });
  const res = compare(c.name, analysis, tshark(c.file));
  report(t, c.name, res);
  t.diagnostic(`${c.name}: ${res.tcpFrames} TCP and ${res.arpFrames} ARP frames compared`);
  return res;
}

// ---------------------------------------------------------------------------------------------------------------
// Real captures
// ---------------------------------------------------------------------------------------------------------------

test('TCP and ARP facts equal tshark on every corpus capture', { skip: tsharkMissing }, async (t) => {
  if (corpusMissing !== undefined) {
    t.skip(corpusMissing);
    return;
  }
  const captures = corpusCaptures();
  assert.ok(captures.length > 0, 'no capture in ../shared/corpus');
  for (const c of captures) {
    await t.test(c.name, async (tt) => {
      const res = await compareCapture(tt, c);
      assert.deepEqual(res.mismatches.slice(0, 30), [], `${res.mismatches.length} differences from tshark`);
    });
  }
});

test('TCP and ARP facts equal tshark on every fixture', { skip: tsharkMissing }, async (t) => {
  // Fixtures are recorded by fixtures/lab/capture.sh; read the list now (they may appear while tests run).
  const captures = fixtureCaptures();
  if (captures.length === 0) {
    t.skip(`no capture in ${fixturesDir} (run fixtures/lab/capture.sh)`);
    return;
  }
  for (const c of captures) {
    await t.test(c.name, async (tt) => {
      const res = await compareCapture(tt, c);
      assert.deepEqual(res.mismatches.slice(0, 30), [], `${res.mismatches.length} differences from tshark`);
    });
  }
});

// ---------------------------------------------------------------------------------------------------------------
// The lab capture: table order and handshake RTT
// ---------------------------------------------------------------------------------------------------------------

function shown(events: TimelineEvent[]): TimelineEvent[] {
  return events.filter((e) => e.kind === 'packet' && (e.layer === 'arp' || e.layer === 'tcp' || e.layer === 'mqtt'));
}

/** "1700000000.123456789" -> nanoseconds. */
function epochNs(s: string): bigint {
  const [sec, frac = ''] = s.split('.');
  return BigInt(sec!) * 1_000_000_000n + BigInt(frac.padEnd(9, '0').slice(0, 9));
}

test('lab capture reqresp.pcap: ARP, handshake, then data; RTT equals tshark to the microsecond', { skip: tsharkMissing }, async (t) => {
  const c = fixtureCaptures().find((x) => path.basename(x.file) === 'reqresp.pcap');
  if (c === undefined) {
    t.skip('fixtures/reqresp.pcap not present (fixtures/lab/capture.sh --only reqresp)');
    return;
  }
  const analysis = await analyzeCapture(c.file, { ports: c.ports });
  const events = shown(analysis.events);
  const rows = new Map(tshark(c.file).map((r) => [Number(r['frame.number']), r]));
  const head = events.slice(0, 5).map((e) => `${e.layer}:${e.type}`);
  assert.deepEqual(head, ['arp:who-has', 'arp:is-at', 'tcp:SYN', 'tcp:SYN-ACK', 'tcp:ACK'], 'the table starts with ARP and the handshake');
  // The lab has two clients (subscriber, then publisher): each one's ARP exchange with the broker is followed by its
  // handshake; everything else is TCP segments and MQTT.
  let handshakes = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.layer === 'tcp' || e.layer === 'mqtt') {
      assert.ok(e.layer !== 'tcp' || (e.type !== 'SYN' && e.type !== 'SYN-ACK'), `frame ${e.frame}: a handshake without its ARP exchange first`);
      continue;
    }
    const what = events.slice(i, i + 5).map((x) => `${x.layer}:${x.type}`);
    assert.deepEqual(what, ['arp:who-has', 'arp:is-at', 'tcp:SYN', 'tcp:SYN-ACK', 'tcp:ACK'], `frame ${e.frame}: ARP request, reply, then a handshake`);
    const [request, reply, syn, synAck, ack] = events.slice(i, i + 5) as [ArpEvent, ArpEvent, TcpEvent, TcpEvent, TcpEvent];
    assert.equal(reply.senderIp, request.targetIp);
    assert.ok(syn.src.startsWith(`${request.senderIp}:`) && syn.dst.startsWith(`${request.targetIp}:`), `frame ${syn.frame}: the ARP requester connects to the address it resolved`);
    assert.ok(syn.stream === synAck.stream && ack.stream === syn.stream);
    assert.ok(ack.handshakeRttMs !== undefined, `frame ${ack.frame}: the third packet carries handshakeRttMs`);
    assert.deepEqual(ack.handshakeFrames, [syn.frame, synAck.frame]);
    const diffUs = Number((epochNs(rows.get(ack.frame)!['frame.time_epoch']) - epochNs(rows.get(syn.frame)!['frame.time_epoch'])) / 1000n);
    assert.equal(Math.round(ack.handshakeRttMs * 1000), diffUs, `handshake RTT ${ack.handshakeRttMs} ms vs tshark's frame times ${diffUs} us`);
    t.diagnostic(`stream ${syn.stream}: handshake RTT ${ack.handshakeRttMs.toFixed(3)} ms (frames ${syn.frame} -> ${ack.frame})`);
    handshakes++;
    i += 4;
  }
  assert.ok(handshakes >= 1);
  assert.ok(events.some((e) => e.layer === 'tcp' && e.type === 'DATA'), 'data segments');
  assert.ok(events.some((e) => e.layer === 'tcp' && e.type === 'ACK' && e.handshakeRttMs === undefined), 'ACKs');
  assert.ok(events.some((e) => e.layer === 'mqtt'), 'MQTT');
});

// ---------------------------------------------------------------------------------------------------------------
// `-i any`: each packet seen twice
// ---------------------------------------------------------------------------------------------------------------

test('-i any captures (SLL2, and SLL): second copies are marked duplicateOf, nothing is a retransmission', { skip: tsharkMissing }, async (t) => {
  // Captures made with `tcpdump -i any` are named so (reqresp-any.pcap, reqresp-any-sll.pcap): "any" as a word of the name.
  const anyCaptures = fixtureCaptures().filter((x) => /(^|-)any(-|\.)/.test(path.basename(x.file)));
  if (anyCaptures.length === 0) {
    t.skip('no fixtures/*any* capture (fixtures/lab/capture.sh --only reqresp-any)');
    return;
  }
  let sll2 = 0;
  for (const c of anyCaptures) {
    await t.test(c.name, async (tt) => {
      const analysis = await analyzeCapture(c.file, { ports: c.ports });
      const linkTypes = analysis.summary.capture.linkTypes;
      assert.ok(linkTypes.every((l) => l === 276 || l === 113), `link types ${linkTypes.join(',')}: LINUX_SLL2 (276) or LINUX_SLL (113)`);
      if (linkTypes.includes(276)) sll2++;
      const tcp = analysis.events.filter((e): e is TcpEvent => e.kind === 'packet' && e.layer === 'tcp');
      const rows = tshark(c.file).filter(isTcpFrame);
      // Independently of our detector: a later frame with every header field equal (IP id and TCP timestamp too) to
      // an earlier one is the same packet seen again.
      const firstSeen = new Map<string, number>();
      const expected = new Map<number, number>();
      for (const r of rows) {
        const key = ['ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst', 'ip.id', 'tcp.srcport', 'tcp.dstport', 'tcp.seq_raw',
          'tcp.ack_raw', 'tcp.flags', 'tcp.len', 'tcp.window_size_value', 'tcp.options.timestamp.tsval']
          .map((k) => r[k as keyof Row]).join('|');
        const first = firstSeen.get(key);
        if (first === undefined) firstSeen.set(key, Number(r['frame.number']));
        else expected.set(Number(r['frame.number']), first);
      }
      assert.ok(expected.size > 0, 'an -i any capture of bridged traffic holds packets seen twice');
      const marked = new Map(tcp.filter((e) => e.duplicateOf !== undefined).map((e) => [e.frame, e.duplicateOf!]));
      assert.deepEqual([...marked].sort((a, b) => a[0] - b[0]), [...expected].sort((a, b) => a[0] - b[0]),
        'frames marked duplicateOf (frame -> original)');
      const flagged = tcp.filter((e) => e.retransmission === true).map((e) => e.frame);
      assert.deepEqual(flagged, [], 'no TCP event is a retransmission');
      tt.diagnostic(`${marked.size} second copies of ${tcp.length} TCP frames`);
    });
  }
  assert.ok(sll2 > 0, 'one of the -i any fixtures is LINUX_SLL2');
});

// ---------------------------------------------------------------------------------------------------------------
// Hand-built capture: every analysis flag, against tshark
// ---------------------------------------------------------------------------------------------------------------

const FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10;

interface Seg {
  t: number; from: 'c' | 's'; port: number; seq: number; ack?: number; flags: number; len?: number; win?: number;
  /** A Window Scale option with this shift (NOP, then kind 3). */
  ws?: number;
}

function ipv4Tcp(s: Seg, id: number): Buffer {
  const client = [10, 0, 0, 1];
  const server = [10, 0, 0, 2];
  const [src, dst] = s.from === 'c' ? [client, server] : [server, client];
  const [sport, dport] = s.from === 'c' ? [s.port, 1883] : [1883, s.port];
  const payload = Buffer.alloc(s.len ?? 0, 0x41);
  const tcp = Buffer.alloc(s.ws !== undefined ? 24 : 20);
  tcp.writeUInt16BE(sport, 0);
  tcp.writeUInt16BE(dport, 2);
  tcp.writeUInt32BE(s.seq >>> 0, 4);
  tcp.writeUInt32BE((s.ack ?? 0) >>> 0, 8);
  tcp[12] = (tcp.length / 4) << 4;
  tcp[13] = s.flags;
  tcp.writeUInt16BE(s.win ?? 500, 14);
  if (s.ws !== undefined) tcp.set([1, 3, 3, s.ws], 20);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + tcp.length + payload.length, 2);
  ip.writeUInt16BE(id, 4);
  ip.writeUInt16BE(0x4000, 6);
  ip[8] = 64;
  ip[9] = 6;
  ip.set(src, 12);
  ip.set(dst, 16);
  const macs = Buffer.from(s.from === 'c' ? '020000000002020000000001' : '020000000001020000000002', 'hex');
  return Buffer.concat([macs, Buffer.from([0x08, 0x00]), ip, tcp, payload]);
}

function writeSyntheticPcap(file: string, segs: Seg[]): void {
  const parts: Buffer[] = [Buffer.from('d4c3b2a1020004000000000000000000ffff000001000000', 'hex')];
  segs.forEach((s, i) => {
    const data = ipv4Tcp(s, i + 1);
    const h = Buffer.alloc(16);
    const us = Math.round(s.t * 1e6);
    h.writeUInt32LE(1_700_000_000 + Math.floor(us / 1e6), 0);
    h.writeUInt32LE(us % 1e6, 4);
    h.writeUInt32LE(data.length, 8);
    h.writeUInt32LE(data.length, 12);
    parts.push(h, data);
  });
  writeFileSync(file, Buffer.concat(parts));
}

/** Frame numbers in comments; what tshark 4.0 reports on each is in brackets. */
const SEGMENTS: Seg[] = [
  // Connection A, port 40000: handshake RTT 20 ms.
  { t: 0, from: 'c', port: 40000, seq: 1000, flags: SYN }, // 1
  { t: 0.010, from: 's', port: 40000, seq: 5000, ack: 1001, flags: SYN | ACK }, // 2
  { t: 0.020, from: 'c', port: 40000, seq: 1001, ack: 5001, flags: ACK }, // 3 [initial_rtt 20 ms]
  { t: 0.030, from: 'c', port: 40000, seq: 1001, ack: 5001, flags: PSH | ACK, len: 10 }, // 4
  { t: 0.040, from: 's', port: 40000, seq: 5001, ack: 1011, flags: ACK }, // 5
  { t: 1.000, from: 'c', port: 40000, seq: 1001, ack: 5001, flags: PSH | ACK, len: 10 }, // 6 [spurious retransmission]
  { t: 1.100, from: 'c', port: 40000, seq: 1011, ack: 5001, flags: PSH | ACK, len: 10 }, // 7
  { t: 1.101, from: 'c', port: 40000, seq: 1031, ack: 5001, flags: PSH | ACK, len: 10 }, // 8 [previous segment lost]
  { t: 1.102, from: 'c', port: 40000, seq: 1021, ack: 5001, flags: PSH | ACK, len: 10 }, // 9 [out-of-order]
  { t: 1.110, from: 's', port: 40000, seq: 5001, ack: 1041, flags: ACK }, // 10
  { t: 2.001, from: 'c', port: 40000, seq: 1051, ack: 5001, flags: PSH | ACK, len: 10 }, // 11 [lost]
  { t: 2.010, from: 's', port: 40000, seq: 5001, ack: 1041, flags: ACK }, // 12 [dup ACK 1]
  { t: 2.011, from: 's', port: 40000, seq: 5001, ack: 1041, flags: ACK }, // 13 [dup ACK 2]
  { t: 2.012, from: 's', port: 40000, seq: 5001, ack: 1041, flags: ACK }, // 14 [dup ACK 3]
  { t: 2.015, from: 'c', port: 40000, seq: 1041, ack: 5001, flags: PSH | ACK, len: 10 }, // 15 [fast retransmission, within the RTT]
  { t: 2.020, from: 's', port: 40000, seq: 5001, ack: 1061, flags: ACK }, // 16
  { t: 3.000, from: 'c', port: 40000, seq: 1051, ack: 5001, flags: PSH | ACK, len: 10 }, // 17 [spurious retransmission]
  { t: 3.500, from: 's', port: 40000, seq: 5001, ack: 1061, flags: PSH | ACK, len: 20 }, // 18
  { t: 4.500, from: 's', port: 40000, seq: 5001, ack: 1061, flags: PSH | ACK, len: 20 }, // 19 [retransmission]
  { t: 4.600, from: 'c', port: 40000, seq: 1061, ack: 5021, flags: ACK }, // 20
  { t: 10.000, from: 'c', port: 40000, seq: 1060, ack: 5021, flags: ACK }, // 21 [keep-alive]
  { t: 10.001, from: 's', port: 40000, seq: 5021, ack: 1061, flags: ACK }, // 22 [keep-alive ACK]
  { t: 11.000, from: 'c', port: 40000, seq: 1061, ack: 5021, flags: ACK }, // 23 [dup ACK; nothing outstanding: rule]
  { t: 11.500, from: 'c', port: 40000, seq: 1061, ack: 5021, flags: ACK, win: 600 }, // 24 [window update]
  { t: 12.000, from: 'c', port: 40000, seq: 1061, ack: 5021, flags: FIN | ACK }, // 25
  { t: 12.001, from: 's', port: 40000, seq: 5021, ack: 1062, flags: FIN | ACK }, // 26
  { t: 12.002, from: 'c', port: 40000, seq: 1062, ack: 5022, flags: ACK }, // 27
  // Same ports again after the close: a new stream; the SYN is retransmitted, the RTT runs from the last SYN.
  { t: 20.000, from: 'c', port: 40000, seq: 90000, flags: SYN }, // 28 [new stream 1]
  { t: 21.000, from: 'c', port: 40000, seq: 90000, flags: SYN }, // 29 [retransmission]
  { t: 21.005, from: 's', port: 40000, seq: 70000, ack: 90001, flags: SYN | ACK }, // 30
  { t: 21.010, from: 'c', port: 40000, seq: 90001, ack: 70001, flags: ACK }, // 31 [initial_rtt 10 ms]
  { t: 21.011, from: 'c', port: 40000, seq: 90001, ack: 70001, flags: PSH | ACK, len: 5 }, // 32
  { t: 21.0115, from: 'c', port: 40000, seq: 90001, ack: 70001, flags: PSH | ACK, len: 5 }, // 33 [retransmission: ends at nextseq]
  { t: 21.020, from: 's', port: 40000, seq: 70001, ack: 90006, flags: RST | ACK }, // 34
  { t: 30.000, from: 'c', port: 40000, seq: 123, flags: SYN }, // 35 [new stream 2 after the RST]
  { t: 30.002, from: 's', port: 40000, seq: 456, ack: 124, flags: SYN | ACK }, // 36
  { t: 30.004, from: 'c', port: 40000, seq: 124, ack: 457, flags: ACK }, // 37
  // Port 40001: mid-stream (no handshake), then a SYN on the same ports: a new stream.
  { t: 40.000, from: 'c', port: 40001, seq: 1000, ack: 2000, flags: PSH | ACK, len: 4 }, // 38 [stream 3]
  { t: 40.010, from: 's', port: 40001, seq: 2000, ack: 1004, flags: PSH | ACK, len: 4 }, // 39
  { t: 40.020, from: 'c', port: 40001, seq: 1004, ack: 2004, flags: ACK }, // 40
  { t: 41.000, from: 'c', port: 40001, seq: 777, flags: SYN }, // 41 [stream 4]
  { t: 41.010, from: 's', port: 40001, seq: 888, ack: 778, flags: SYN | ACK }, // 42
  { t: 41.020, from: 'c', port: 40001, seq: 778, ack: 889, flags: ACK }, // 43
  // Port 40002: handshake without data, then a SYN with another ISN: a new stream.
  { t: 42.000, from: 'c', port: 40002, seq: 100, flags: SYN }, // 44 [stream 5]
  { t: 42.010, from: 's', port: 40002, seq: 200, ack: 101, flags: SYN | ACK }, // 45
  { t: 42.020, from: 'c', port: 40002, seq: 101, ack: 201, flags: ACK }, // 46
  { t: 43.000, from: 'c', port: 40002, seq: 5000, flags: SYN }, // 47 [stream 6]
  // Port 40003: an unanswered SYN, then one with another ISN: a new stream.
  { t: 44.000, from: 'c', port: 40003, seq: 100, flags: SYN }, // 48 [stream 7]
  { t: 45.000, from: 'c', port: 40003, seq: 9100, flags: SYN }, // 49 [stream 8]
  { t: 45.001, from: 's', port: 40003, seq: 300, ack: 9101, flags: SYN | ACK }, // 50
  { t: 45.002, from: 'c', port: 40003, seq: 9101, ack: 301, flags: ACK }, // 51 [initial_rtt 2 ms]
  // Port 40004: out-of-order within the 40 ms handshake RTT (more than 3 ms after the previous segment).
  { t: 50.000, from: 'c', port: 40004, seq: 1000, flags: SYN }, // 52
  { t: 50.020, from: 's', port: 40004, seq: 5000, ack: 1001, flags: SYN | ACK }, // 53
  { t: 50.040, from: 'c', port: 40004, seq: 1001, ack: 5001, flags: ACK }, // 54 [initial_rtt 40 ms]
  { t: 51.000, from: 'c', port: 40004, seq: 1001, ack: 5001, flags: ACK, len: 10 }, // 55
  { t: 51.001, from: 'c', port: 40004, seq: 1021, ack: 5001, flags: ACK, len: 10 }, // 56 [lost]
  { t: 51.011, from: 'c', port: 40004, seq: 1011, ack: 5001, flags: ACK, len: 10 }, // 57 [out-of-order]
  { t: 51.012, from: 'c', port: 40004, seq: 1001, ack: 5001, flags: ACK, len: 10 }, // 58 [out-of-order: already seen]
  { t: 51.013, from: 'c', port: 40004, seq: 1021, ack: 5001, flags: ACK, len: 10 }, // 59 [retransmission: ends at nextseq]
  { t: 51.100, from: 'c', port: 40004, seq: 1001, ack: 5001, flags: ACK, len: 10 }, // 60 [retransmission: after the RTT]
  { t: 51.200, from: 's', port: 40004, seq: 5001, ack: 1031, flags: ACK, win: 0 }, // 61 [zero window]
  { t: 51.300, from: 's', port: 40004, seq: 5001, ack: 1031, flags: ACK, win: 0 }, // 62 [zero window, not a dup ACK]
  { t: 51.400, from: 'c', port: 40004, seq: 1031, ack: 5001, flags: FIN | ACK }, // 63
  { t: 51.500, from: 'c', port: 40004, seq: 1031, ack: 5001, flags: FIN | ACK }, // 64 [retransmission]
  { t: 51.600, from: 's', port: 40004, seq: 5001, ack: 1032, flags: RST }, // 65
  // Window scaling (tcp.window_size): both SYNs carry the option, so every later window is scaled by its sender's.
  { t: 60.000, from: 'c', port: 40005, seq: 100, flags: SYN, win: 64240, ws: 7 }, // 66 [stream 10, never scaled]
  { t: 60.001, from: 's', port: 40005, seq: 200, ack: 101, flags: SYN | ACK, win: 65160, ws: 8 }, // 67
  { t: 60.002, from: 'c', port: 40005, seq: 101, ack: 201, flags: ACK, win: 502 }, // 68 [Win=64256]
  { t: 60.003, from: 's', port: 40005, seq: 201, ack: 101, flags: PSH | ACK, len: 4, win: 255 }, // 69 [Win=65280]
  { t: 60.004, from: 'c', port: 40005, seq: 101, ack: 205, flags: ACK, win: 501, ws: 2 }, // 70 [option outside a SYN: later ones x4]
  { t: 60.005, from: 'c', port: 40005, seq: 101, ack: 205, flags: ACK, win: 500 }, // 71 [Win=2000]
  // The SYN has the option, the SYN-ACK not: no scaling either way.
  { t: 61.000, from: 'c', port: 40006, seq: 100, flags: SYN, win: 64240, ws: 7 }, // 72 [stream 11]
  { t: 61.001, from: 's', port: 40006, seq: 200, ack: 101, flags: SYN | ACK, win: 65160 }, // 73
  { t: 61.002, from: 'c', port: 40006, seq: 101, ack: 201, flags: ACK, win: 502 }, // 74 [Win=502]
  // The SYN without, the SYN-ACK with: no scaling.
  { t: 62.000, from: 'c', port: 40007, seq: 100, flags: SYN, win: 64240 }, // 75 [stream 12]
  { t: 62.001, from: 's', port: 40007, seq: 200, ack: 101, flags: SYN | ACK, win: 65160, ws: 7 }, // 76
  { t: 62.002, from: 'c', port: 40007, seq: 101, ack: 201, flags: ACK, win: 509 }, // 77 [Win=509]
  { t: 62.003, from: 's', port: 40007, seq: 201, ack: 101, flags: PSH | ACK, len: 2, win: 509 }, // 78 [Win=509]
  // The SYN not captured: the client's scale is unknown (raw), the SYN-ACK's (15, taken as 14) scales the server's.
  { t: 63.001, from: 's', port: 40008, seq: 200, ack: 101, flags: SYN | ACK, win: 65160, ws: 15 }, // 79 [stream 13, WS=16384]
  { t: 63.002, from: 'c', port: 40008, seq: 101, ack: 201, flags: ACK, win: 502 }, // 80 [Win=502]
  { t: 63.003, from: 's', port: 40008, seq: 201, ack: 101, flags: ACK, win: 3 }, // 81 [Win=49152]
  // Picked up mid-stream: raw windows.
  { t: 64.000, from: 'c', port: 40009, seq: 100, ack: 200, flags: PSH | ACK, len: 2, win: 63 }, // 82 [stream 14, Win=63]
  // Port 40010: data the peer already acknowledged, sent again within the 100 ms handshake RTT: tshark 4.0 checks
  // "spurious retransmission" before out-of-order (seen on fixtures/edge/lossy-big.pcap).
  { t: 70.000, from: 'c', port: 40010, seq: 1000, flags: SYN }, // 83 [stream 15]
  { t: 70.050, from: 's', port: 40010, seq: 5000, ack: 1001, flags: SYN | ACK }, // 84
  { t: 70.100, from: 'c', port: 40010, seq: 1001, ack: 5001, flags: ACK }, // 85 [initial_rtt 100 ms]
  { t: 71.000, from: 'c', port: 40010, seq: 1001, ack: 5001, flags: PSH | ACK, len: 10 }, // 86
  { t: 71.010, from: 's', port: 40010, seq: 5001, ack: 1011, flags: ACK }, // 87
  { t: 71.020, from: 'c', port: 40010, seq: 1011, ack: 5001, flags: PSH | ACK, len: 10 }, // 88
  { t: 71.030, from: 'c', port: 40010, seq: 1001, ack: 5001, flags: PSH | ACK, len: 10 }, // 89 [spurious retransmission]
  // Port 40011: data with a FIN sent twice within the RTT: it ends where the first one did, its FIN counted, so a
  // retransmission, not out-of-order (a re-recording of fixtures/edge/lossy.pcap: DISCONNECT+FIN duplicated).
  { t: 80.000, from: 'c', port: 40011, seq: 1000, flags: SYN }, // 90 [stream 16]
  { t: 80.050, from: 's', port: 40011, seq: 5000, ack: 1001, flags: SYN | ACK }, // 91
  { t: 80.100, from: 'c', port: 40011, seq: 1001, ack: 5001, flags: ACK }, // 92 [initial_rtt 100 ms]
  { t: 81.000, from: 'c', port: 40011, seq: 1001, ack: 5001, flags: FIN | PSH | ACK, len: 2 }, // 93
  { t: 81.00003, from: 'c', port: 40011, seq: 1001, ack: 5001, flags: FIN | PSH | ACK, len: 2 }, // 94 [retransmission]
];

/** What the hand-built capture must show in tshark (so the comparison below exercises each flag). */
const SYNTHETIC_EXPECTED: Record<string, number[]> = {
  retransmission: [6, 15, 17, 19, 29, 33, 59, 60, 64, 89, 94],
  outOfOrder: [9, 57, 58],
  duplicateAck: [12, 13, 14, 23],
  lostSegment: [8, 11, 56],
  keepAlive: [21],
};

test('hand-built capture: TCP analysis flags, streams and RTTs equal tshark', { skip: tsharkMissing }, async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tcp-vs-tshark-'));
  try {
    const file = path.join(dir, 'tcp-analysis.pcap');
    writeSyntheticPcap(file, SEGMENTS);
    const rows = tshark(file);
    assert.equal(rows.length, SEGMENTS.length);
    for (const [field, frames] of Object.entries(SYNTHETIC_EXPECTED)) {
      const got = rows.filter((r) => theirsTcp(r, false)[field as TcpField] === 'true').map((r) => Number(r['frame.number']));
      assert.deepEqual(got, frames, `tshark's ${field} frames in the hand-built capture`);
    }
    const analysis = await analyzeCapture(file);
    const res = compare(SYNTHETIC, analysis, rows);
    report(t, SYNTHETIC, res);
    assert.deepEqual(res.mismatches, []);
    const streams = [...new Set(analysis.events.filter((e): e is TcpEvent => e.kind === 'packet' && e.layer === 'tcp').map((e) => e.stream))];
    assert.deepEqual(streams, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    // The scaled windows are there (so the comparison above covered them), in tshark's and in the timeline's words.
    const windows = new Map(rows.map((r) => [Number(r['frame.number']), r['tcp.window_size']]));
    assert.deepEqual([68, 69, 71, 74, 77, 78, 80, 81, 82].map((f) => windows.get(f)),
      ['64256', '65280', '2000', '502', '509', '509', '502', '49152', '63']);
    const tcp = analysis.events.filter((e): e is TcpEvent => e.kind === 'packet' && e.layer === 'tcp');
    assert.match(tcp.find((e) => e.frame === 68)!.summary, / Win=64256 /);
    assert.match(tcp.find((e) => e.frame === 79)!.summary, / Win=65160 WS=16384/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
