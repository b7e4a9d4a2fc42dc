/**
 * Format-aware mutators over the bytes of a capture file, for the fuzz harness.
 *
 * `parseLayout` walks a pcap or pcapng file into records (pcap record headers, pcapng blocks), and each packet record
 * into its layers (IPv4 header, TCP header, TCP payload, MQTT fixed headers on the MQTT ports), remembering where every
 * length field is. The mutators then corrupt exactly those places (bit flips, truncation at and inside record
 * boundaries, lying length fields at every layer, huge declared lengths, spliced / reordered / duplicated / dropped
 * records, timestamps) or stack several of them ("havoc"). Everything is driven by a seeded PRNG (mulberry32): the
 * same seed on the same input gives the same mutation.
 */

// ---------------------------------------------------------------------------------------------------------------
// PRNG

/** mulberry32: a small, fast, seedable 32-bit generator. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes a base seed and a case index into a well-spread 32-bit case seed. */
export function caseSeed(base: number, index: number): number {
  let h = (Math.imul(base >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export class Rng {
  private readonly next: () => number;
  constructor(readonly seed: number) {
    this.next = mulberry32(seed);
  }

  float(): number {
    return this.next();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return n <= 0 ? 0 : Math.floor(this.next() * n);
  }

  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)]!;
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Layout of a capture file

export interface Field {
  /** Absolute offset in the file. */
  offset: number;
  size: 1 | 2 | 4;
  le: boolean;
  /** What it is, for mutation details ("pcap.caplen", "ipv4.total-length"...). */
  name: string;
}

export interface PacketLayers {
  ip?: number;
  ipHeaderLength?: number;
  tcp?: number;
  tcpHeaderLength?: number;
  /** TCP payload [payload, payloadEnd) in the file. */
  payload?: number;
  payloadEnd?: number;
  srcPort?: number;
  dstPort?: number;
  /** Offsets of MQTT fixed headers (first byte) in the payload, when a port is an MQTT port. */
  mqtt: number[];
}

export interface CaptureRecord {
  /** [offset, end) in the file. */
  offset: number;
  end: number;
  /** pcap: "record"; pcapng: "shb", "idb", "epb", "spb", "pb" or "block". */
  kind: string;
  /** Where the packet bytes are (packet records only). */
  dataOffset?: number;
  dataLength?: number;
  linkType?: number;
  /** Length fields of the record itself (pcap caplen/origlen, pcapng block lengths, EPB caplen...). */
  fields: Field[];
  /** Timestamp fields (pcap seconds/fraction, pcapng high/low). */
  timestamps: Field[];
  layers?: PacketLayers;
}

export interface Layout {
  format: 'pcap' | 'pcapng' | 'unknown';
  le: boolean;
  /** pcap: the 24-byte file header; pcapng: 0 (the SHB is a record). */
  headerEnd: number;
  records: CaptureRecord[];
  /** Fields of the pcap file header (snaplen, link type, version). */
  headerFields: Field[];
  /** Bytes after the last complete record. */
  tail: number;
}

export const MQTT_PORT = 1883;

function read(buf: Buffer, f: Field): number {
  if (f.offset + f.size > buf.length) return 0;
  if (f.size === 1) return buf[f.offset]!;
  if (f.size === 2) return f.le ? buf.readUInt16LE(f.offset) : buf.readUInt16BE(f.offset);
  return f.le ? buf.readUInt32LE(f.offset) : buf.readUInt32BE(f.offset);
}

export function writeField(buf: Buffer, f: Field, value: number): void {
  if (f.offset + f.size > buf.length) return;
  const v = f.size === 4 ? value >>> 0 : f.size === 2 ? value & 0xffff : value & 0xff;
  if (f.size === 1) buf[f.offset] = v;
  else if (f.size === 2) { if (f.le) buf.writeUInt16LE(v, f.offset); else buf.writeUInt16BE(v, f.offset); }
  else if (f.le) buf.writeUInt32LE(v, f.offset);
  else buf.writeUInt32BE(v, f.offset);
}

/** Walks a capture into records and packet layers. Never throws; stops at the first thing that does not fit. */
export function parseLayout(buf: Buffer, ports: readonly number[] = []): Layout {
  const mqttPorts = new Set([MQTT_PORT, ...ports]);
  if (buf.length >= 24) {
    const le = buf.readUInt32LE(0);
    const be = buf.readUInt32BE(0);
    if (le === 0xa1b2c3d4 || le === 0xa1b23c4d || be === 0xa1b2c3d4 || be === 0xa1b23c4d) {
      return parsePcap(buf, le === 0xa1b2c3d4 || le === 0xa1b23c4d, mqttPorts);
    }
    if (le === 0x0a0d0d0a) return parsePcapng(buf, mqttPorts);
  }
  return { format: 'unknown', le: true, headerEnd: 0, records: [], headerFields: [], tail: buf.length };
}

function parsePcap(buf: Buffer, le: boolean, mqttPorts: Set<number>): Layout {
  const r32 = (o: number): number => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const linkType = r32(20) & 0xffff;
  const headerFields: Field[] = [
    { offset: 4, size: 2, le, name: 'pcap.version-major' },
    { offset: 16, size: 4, le, name: 'pcap.snaplen' },
    { offset: 20, size: 4, le, name: 'pcap.linktype' },
  ];
  const records: CaptureRecord[] = [];
  let off = 24;
  while (off + 16 <= buf.length) {
    const caplen = r32(off + 8);
    if (off + 16 + caplen > buf.length) break;
    const rec: CaptureRecord = {
      offset: off, end: off + 16 + caplen, kind: 'record', dataOffset: off + 16, dataLength: caplen, linkType,
      fields: [
        { offset: off + 8, size: 4, le, name: 'pcap.caplen' },
        { offset: off + 12, size: 4, le, name: 'pcap.origlen' },
      ],
      timestamps: [
        { offset: off, size: 4, le, name: 'pcap.ts-sec' },
        { offset: off + 4, size: 4, le, name: 'pcap.ts-frac' },
      ],
    };
    rec.layers = findLayers(buf, off + 16, caplen, linkType, mqttPorts);
    records.push(rec);
    off += 16 + caplen;
  }
  return { format: 'pcap', le, headerEnd: 24, records, headerFields, tail: buf.length - off };
}

function parsePcapng(buf: Buffer, mqttPorts: Set<number>): Layout {
  const records: CaptureRecord[] = [];
  let le = true;
  let firstLe = true;
  let ifaceLinkTypes: number[] = [];
  let off = 0;
  while (off + 12 <= buf.length) {
    let type = buf.readUInt32LE(off);
    if (type === 0x0a0d0d0a) {
      const bom = buf.readUInt32LE(off + 8);
      if (bom === 0x1a2b3c4d) le = true;
      else if (bom === 0x4d3c2b1a) le = false;
      else break;
      if (records.length === 0) firstLe = le;
      ifaceLinkTypes = [];
    } else {
      type = le ? buf.readUInt32LE(off) : buf.readUInt32BE(off);
    }
    const total = le ? buf.readUInt32LE(off + 4) : buf.readUInt32BE(off + 4);
    if (total < 12 || (total & 3) !== 0 || off + total > buf.length) break;
    const fields: Field[] = [
      { offset: off + 4, size: 4, le, name: 'pcapng.block-length' },
      { offset: off + total - 4, size: 4, le, name: 'pcapng.block-length-trailer' },
    ];
    const rec: CaptureRecord = { offset: off, end: off + total, kind: 'block', fields, timestamps: [] };
    const r32 = (o: number): number => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
    if (type === 0x0a0d0d0a) rec.kind = 'shb';
    else if (type === 1 && total >= 20) {
      rec.kind = 'idb';
      ifaceLinkTypes.push(le ? buf.readUInt16LE(off + 8) : buf.readUInt16BE(off + 8));
      fields.push({ offset: off + 8, size: 2, le, name: 'pcapng.idb-linktype' });
      fields.push({ offset: off + 12, size: 4, le, name: 'pcapng.idb-snaplen' });
    } else if ((type === 6 || type === 2) && total >= 32) {
      rec.kind = type === 6 ? 'epb' : 'pb';
      const ifId = type === 6 ? r32(off + 8) : (le ? buf.readUInt16LE(off + 8) : buf.readUInt16BE(off + 8));
      const caplen = r32(off + 20);
      fields.push({ offset: off + 20, size: 4, le, name: 'pcapng.epb-caplen' });
      fields.push({ offset: off + 24, size: 4, le, name: 'pcapng.epb-origlen' });
      fields.push({ offset: off + 8, size: type === 6 ? 4 : 2, le, name: 'pcapng.epb-interface' });
      rec.timestamps.push({ offset: off + 12, size: 4, le, name: 'pcapng.ts-high' }, { offset: off + 16, size: 4, le, name: 'pcapng.ts-low' });
      if (caplen <= total - 32) {
        rec.dataOffset = off + 28;
        rec.dataLength = caplen;
        rec.linkType = ifaceLinkTypes[ifId] ?? 1;
        rec.layers = findLayers(buf, off + 28, caplen, rec.linkType, mqttPorts);
      }
    } else if (type === 3 && total >= 16) {
      rec.kind = 'spb';
      fields.push({ offset: off + 8, size: 4, le, name: 'pcapng.spb-origlen' });
      const caplen = Math.min(r32(off + 8), total - 16);
      rec.dataOffset = off + 12;
      rec.dataLength = caplen;
      rec.linkType = ifaceLinkTypes[0] ?? 1;
      rec.layers = findLayers(buf, off + 12, caplen, rec.linkType, mqttPorts);
    }
    records.push(rec);
    off += total;
  }
  return { format: 'pcapng', le: firstLe, headerEnd: 0, records, headerFields: [], tail: buf.length - off };
}

/** Where the IPv4 header of a packet starts, from its link type, or by looking for a plausible 0x45. */
function findIpv4(buf: Buffer, start: number, length: number, linkType: number): number | undefined {
  const end = start + length;
  const ok = (at: number): boolean => at + 20 <= end && (buf[at]! >> 4) === 4 && (buf[at]! & 0x0f) >= 5;
  let at: number | undefined;
  switch (linkType) {
    case 1: {
      let p = start + 12;
      while (p + 2 <= end && [0x8100, 0x88a8, 0x9100].includes(buf.readUInt16BE(p))) p += 4;
      if (p + 2 <= end && buf.readUInt16BE(p) === 0x0800) at = p + 2;
      break;
    }
    case 113: at = start + 16; break;
    case 276: at = start + 20; break;
    case 0: case 108: at = start + 4; break;
    case 101: case 12: case 14: case 228: at = start; break;
    default: break;
  }
  if (at !== undefined && ok(at)) return at;
  for (let p = start; p < Math.min(end - 20, start + 64); p++) {
    if (buf[p] === 0x45 && buf[p + 9] === 6) return p;
  }
  return undefined;
}

function findLayers(buf: Buffer, start: number, length: number, linkType: number, mqttPorts: Set<number>): PacketLayers {
  const layers: PacketLayers = { mqtt: [] };
  const end = start + length;
  const ip = findIpv4(buf, start, length, linkType);
  if (ip === undefined) return layers;
  layers.ip = ip;
  const ihl = (buf[ip]! & 0x0f) * 4;
  layers.ipHeaderLength = ihl;
  if (buf[ip + 9] !== 6) return layers;
  const tcp = ip + ihl;
  if (tcp + 20 > end) return layers;
  layers.tcp = tcp;
  const thl = (buf[tcp + 12]! >> 4) * 4;
  layers.tcpHeaderLength = thl;
  layers.srcPort = buf.readUInt16BE(tcp);
  layers.dstPort = buf.readUInt16BE(tcp + 2);
  const totalLength = buf.readUInt16BE(ip + 2);
  const ipEnd = totalLength >= ihl ? Math.min(end, ip + totalLength) : end;
  if (thl < 20 || tcp + thl > ipEnd) return layers;
  layers.payload = tcp + thl;
  layers.payloadEnd = ipEnd;
  if (!mqttPorts.has(layers.srcPort) && !mqttPorts.has(layers.dstPort)) return layers;
  // Chain MQTT fixed headers from the start of the payload.
  let p = tcp + thl;
  while (p + 2 <= ipEnd && layers.mqtt.length < 64) {
    const first = buf[p]!;
    if (first >> 4 === 0) break;
    let value = 0;
    let mult = 1;
    let n = 0;
    let complete = false;
    while (n < 4 && p + 1 + n < ipEnd) {
      const b = buf[p + 1 + n]!;
      value += (b & 0x7f) * mult;
      mult *= 128;
      n++;
      if ((b & 0x80) === 0) { complete = true; break; }
    }
    if (!complete) break;
    layers.mqtt.push(p);
    p += 1 + n + value;
  }
  return layers;
}

// ---------------------------------------------------------------------------------------------------------------
// Mutators

export interface MutationContext {
  input: Buffer;
  layout: Layout;
  rng: Rng;
  ports: readonly number[];
  /** Another capture (for splicing). */
  donor?: Buffer;
}

export interface Mutation {
  data: Buffer;
  /** What was done, for the regression's .json. */
  detail: string;
}

export type Mutator = (ctx: MutationContext) => Mutation | undefined;

const INTERESTING_32 = [
  0, 1, 2, 3, 4, 7, 8, 11, 12, 15, 16, 19, 20, 27, 28, 31, 32, 0x3f, 0x40, 0x7f, 0x80, 0xff, 0x100, 0x5dc, 0x5ea,
  0x7fff, 0x8000, 0xffff, 0x10000, 0x40000, 0x3fffffc, 0x4000000, 0x4000004, 0xffffff, 0x1000000, 0x10000000,
  0x7fffffff, 0x80000000, 0xfffffff0, 0xfffffffc, 0xfffffffe, 0xffffffff,
];
const INTERESTING_8 = [0, 1, 0x7f, 0x80, 0xff, 0x10, 0x20, 0x30, 0x32, 0x34, 0x3f, 0xc0, 0xe0, 0xf0];

/** An interesting replacement for a length field holding `current`. */
function lengthValue(rng: Rng, current: number, size: 1 | 2 | 4): number {
  const max = size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff;
  const choice = rng.int(4);
  let v: number;
  if (choice === 0) v = rng.pick(INTERESTING_32);
  else if (choice === 1) v = current + rng.pick([-5, -4, -3, -2, -1, 1, 2, 3, 4, 5, 8, 16]);
  else if (choice === 2) v = rng.pick([current * 2, Math.floor(current / 2), current + 0x10000, current ^ 0x80000000, 0]);
  else v = rng.int(max + 1);
  if (v < 0) v = 0;
  return v > max ? max : v;
}

function copy(b: Buffer): Buffer {
  return Buffer.from(b);
}

function withLayer(layout: Layout, want: (l: PacketLayers) => boolean): CaptureRecord[] {
  return layout.records.filter((r) => r.layers !== undefined && want(r.layers));
}

/** Rebuilds a file from the head (pcap file header, or nothing for pcapng) and a list of record byte ranges. */
function rebuild(input: Buffer, layout: Layout, parts: Array<Buffer | CaptureRecord>, keepTail = false): Buffer {
  const out: Buffer[] = [input.subarray(0, layout.headerEnd)];
  for (const p of parts) out.push(Buffer.isBuffer(p) ? p : input.subarray(p.offset, p.end));
  if (keepTail && layout.tail > 0) out.push(input.subarray(input.length - layout.tail));
  return Buffer.concat(out);
}

/** Records that may be moved around (for pcapng: everything after the first SHB and its IDBs, unless wild). */
function movable(layout: Layout, rng: Rng): { fixed: CaptureRecord[]; loose: CaptureRecord[] } {
  if (layout.format !== 'pcapng' || rng.chance(0.15)) return { fixed: [], loose: [...layout.records] };
  let i = 0;
  while (i < layout.records.length && (layout.records[i]!.kind === 'shb' || layout.records[i]!.kind === 'idb')) i++;
  return { fixed: layout.records.slice(0, i), loose: layout.records.slice(i) };
}

export const MUTATORS: Record<string, Mutator> = {
  /** Flip 1..16 random bits, anywhere or inside one record. */
  bitflip: ({ input, layout, rng }) => {
    if (input.length === 0) return undefined;
    const data = copy(input);
    const n = rng.range(1, 16);
    const rec = layout.records.length > 0 && rng.chance(0.6) ? rng.pick(layout.records) : undefined;
    const lo = rec?.offset ?? 0;
    const hi = rec?.end ?? data.length;
    const at: number[] = [];
    for (let i = 0; i < n; i++) {
      const o = lo + rng.int(hi - lo);
      data[o] = data[o]! ^ (1 << rng.int(8));
      at.push(o);
    }
    return { data, detail: `flipped bits at ${at.join(',')}` };
  },

  /** Overwrite 1..8 bytes with boundary values. */
  'byte-interesting': ({ input, rng }) => {
    if (input.length === 0) return undefined;
    const data = copy(input);
    const n = rng.range(1, 8);
    for (let i = 0; i < n; i++) data[rng.int(data.length)] = rng.pick(INTERESTING_8);
    return { data, detail: `${n} bytes set to boundary values` };
  },

  /** Cut the file at a record boundary (or in the file header). */
  'truncate-boundary': ({ input, layout, rng }) => {
    const cuts = [0, 1, 4, 12, 23, layout.headerEnd, ...layout.records.map((r) => r.end)].filter((c) => c < input.length);
    if (cuts.length === 0) return undefined;
    const cut = rng.pick(cuts);
    return { data: Buffer.from(input.subarray(0, cut)), detail: `cut at ${cut}` };
  },

  /** Cut the file inside a record: in its header, in its data, or one byte short. */
  'truncate-inside': ({ input, layout, rng }) => {
    if (layout.records.length === 0) return undefined;
    const r = rng.pick(layout.records);
    const len = r.end - r.offset;
    const cut = r.offset + rng.pick([1, 4, 8, 11, 15, 16, 17, len - 1, len - 4, 1 + rng.int(Math.max(1, len - 1))].map((x) => Math.max(1, Math.min(len - 1, x))));
    return { data: Buffer.from(input.subarray(0, cut)), detail: `cut inside record at ${r.offset}: ${cut}` };
  },

  /** Cut the file somewhere, then keep the remaining records after a gap (records missing in the middle). */
  drop: ({ input, layout, rng }) => {
    if (layout.records.length < 2) return undefined;
    const { fixed, loose } = movable(layout, rng);
    const keep = loose.filter(() => !rng.chance(rng.pick([0.1, 0.3, 0.7])));
    return { data: rebuild(input, layout, [...fixed, ...keep]), detail: `kept ${keep.length} of ${loose.length} records` };
  },

  /** pcap record caplen (captured length): lies shift every following record. */
  'pcap-caplen': ({ input, layout, rng }) => recordField(input, layout, rng, 'pcap.caplen'),
  'pcap-origlen': ({ input, layout, rng }) => recordField(input, layout, rng, 'pcap.origlen'),

  /** pcap file header: snaplen, link type, version. */
  'file-header': ({ input, layout, rng }) => {
    if (layout.headerFields.length === 0) return undefined;
    const data = copy(input);
    const f = rng.pick(layout.headerFields);
    const v = f.name === 'pcap.linktype'
      ? rng.pick([0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 105, 147, 0xffff, 0x10000001, rng.int(300)])
      : lengthValue(rng, read(data, f), f.size);
    writeField(data, f, v);
    return { data, detail: `${f.name} = ${v}` };
  },

  /** pcapng block total length (leading, trailing or both). */
  'pcapng-block-length': ({ input, layout, rng }) => {
    if (layout.format !== 'pcapng' || layout.records.length === 0) return undefined;
    const data = copy(input);
    const r = rng.pick(layout.records);
    const v = lengthValue(rng, r.end - r.offset, 4);
    const which = rng.int(3);
    if (which !== 1) writeField(data, r.fields[0]!, v);
    if (which !== 0) writeField(data, r.fields[1]!, v);
    return { data, detail: `${r.kind} block at ${r.offset}: length ${v} (${['leading', 'trailing', 'both'][which]})` };
  },

  /** A pcapng block (usually a packet block) claiming 4 GB, or just under the 64 MiB cap, and the file ends. */
  'pcapng-block-4gb': ({ input, layout, rng }) => {
    if (layout.format !== 'pcapng' || layout.records.length < 2) return undefined;
    const data = copy(input);
    const candidates = layout.records.slice(1);
    const r = rng.pick(candidates);
    const v = rng.pick([0xfffffffc, 0xfffffff0, 0x80000000, 0x4000000, 0x3fffffc, 0x1000000]);
    writeField(data, r.fields[0]!, v);
    if (rng.chance(0.5)) writeField(data, r.fields[1]!, v);
    const cut = rng.chance(0.5) ? data.subarray(0, r.end) : data;
    return { data: Buffer.from(cut), detail: `${r.kind} block at ${r.offset} claims ${v} bytes` };
  },

  /** pcapng EPB captured / original length, interface id; IDB link type and snaplen; SPB original length. */
  'pcapng-fields': ({ input, layout, rng }) => {
    const fields = layout.records.flatMap((r) => r.fields.filter((f) => !f.name.startsWith('pcapng.block-length')));
    if (fields.length === 0) return undefined;
    const data = copy(input);
    const f = rng.pick(fields);
    const v = f.name === 'pcapng.idb-linktype'
      ? rng.pick([0, 1, 101, 113, 228, 229, 276, 0xffff, rng.int(300)])
      : f.name === 'pcapng.epb-interface' ? rng.pick([0, 1, 2, 255, 0xffff, 0xffffffff]) : lengthValue(rng, read(data, f), f.size);
    writeField(data, f, v);
    return { data, detail: `${f.name} at ${f.offset} = ${v}` };
  },

  /** pcapng IDB options: if_tsresol / if_tsoffset values that stress the timestamp arithmetic. */
  'pcapng-tsresol': ({ input, layout, rng }) => {
    const idb = layout.records.find((r) => r.kind === 'idb');
    if (idb === undefined || layout.format !== 'pcapng') return undefined;
    // Replace the IDB by one carrying an if_tsresol (and maybe if_tsoffset) option, keeping its link type.
    const le = idb.fields[0]!.le;
    const linkType = read(input, idb.fields[2]!);
    const opts: Buffer[] = [];
    const opt = (code: number, value: Buffer): Buffer => {
      const h = Buffer.alloc(4 + ((value.length + 3) & ~3));
      if (le) { h.writeUInt16LE(code, 0); h.writeUInt16LE(value.length, 2); } else { h.writeUInt16BE(code, 0); h.writeUInt16BE(value.length, 2); }
      value.copy(h, 4);
      return h;
    };
    const res = rng.pick([0, 1, 3, 6, 9, 10, 12, 15, 19, 0x80, 0x8a, 0x9e, 0xa0, 0xa4, 0xbf, 0xff, 0x7f]);
    opts.push(opt(9, Buffer.from([res])));
    if (rng.chance(0.4)) {
      const off = Buffer.alloc(8);
      off.writeBigInt64LE(BigInt(rng.pick([0, 1, -1, 2 ** 31, -(2 ** 40), 2 ** 52])), 0);
      opts.push(opt(14, off));
    }
    opts.push(Buffer.alloc(4));
    const bodyLen = 8 + opts.reduce((a, b) => a + b.length, 0);
    const block = Buffer.alloc(12 + bodyLen);
    const w32 = (v: number, o: number): void => { if (le) block.writeUInt32LE(v >>> 0, o); else block.writeUInt32BE(v >>> 0, o); };
    w32(1, 0);
    w32(block.length, 4);
    if (le) block.writeUInt16LE(linkType, 8); else block.writeUInt16BE(linkType, 8);
    w32(262144, 12);
    Buffer.concat(opts).copy(block, 16);
    w32(block.length, block.length - 4);
    const parts = layout.records.map((r) => (r === idb ? block : r));
    return { data: rebuild(input, layout, parts, true), detail: `if_tsresol 0x${res.toString(16)}` };
  },

  /** IPv4 header length nibble. */
  'ipv4-ihl': ({ input, layout, rng }) => {
    const recs = withLayer(layout, (l) => l.ip !== undefined);
    if (recs.length === 0) return undefined;
    const data = copy(input);
    const r = rng.pick(recs);
    const ip = r.layers!.ip!;
    const ihl = rng.int(16);
    data[ip] = (data[ip]! & 0xf0) | ihl;
    return { data, detail: `record at ${r.offset}: IHL ${ihl}` };
  },

  /** IPv4 total length. */
  'ipv4-total-length': ({ input, layout, rng }) => {
    const recs = withLayer(layout, (l) => l.ip !== undefined);
    if (recs.length === 0) return undefined;
    const data = copy(input);
    const r = rng.pick(recs);
    const f: Field = { offset: r.layers!.ip! + 2, size: 2, le: false, name: 'ipv4.total-length' };
    const v = lengthValue(rng, read(data, f), 2);
    writeField(data, f, v);
    return { data, detail: `record at ${r.offset}: IPv4 total length ${v}` };
  },

  /** Other IPv4 fields: version, protocol, fragment offset / MF, addresses. */
  'ipv4-fields': ({ input, layout, rng }) => {
    const recs = withLayer(layout, (l) => l.ip !== undefined);
    if (recs.length === 0) return undefined;
    const data = copy(input);
    const r = rng.pick(recs);
    const ip = r.layers!.ip!;
    const what = rng.int(4);
    if (what === 0) data[ip] = (rng.int(16) << 4) | (data[ip]! & 0x0f);
    else if (what === 1) data[ip + 9] = rng.pick([0, 1, 6, 17, 41, 44, 58, 255]);
    else if (what === 2) data.writeUInt16BE(rng.pick([0x2000, 0x0001, 0x1fff, 0x3fff, 0x4000]), ip + 6);
    else data.writeUInt32BE(rng.int(2 ** 32), ip + rng.pick([12, 16]));
    return { data, detail: `record at ${r.offset}: IPv4 field ${['version', 'protocol', 'fragment', 'address'][what]}` };
  },

  /** TCP data offset nibble. */
  'tcp-data-offset': ({ input, layout, rng }) => {
    const recs = withLayer(layout, (l) => l.tcp !== undefined);
    if (recs.length === 0) return undefined;
    const data = copy(input);
    const r = rng.pick(recs);
    const t = r.layers!.tcp!;
    const off = rng.int(16);
    data[t + 12] = (off << 4) | (data[t + 12]! & 0x0f);
    return { data, detail: `record at ${r.offset}: TCP data offset ${off}` };
  },

  /** TCP sequence / acknowledgement numbers: wraps, jumps, duplicates. */
  'tcp-seq-ack': ({ input, layout, rng }) => {
    const recs = withLayer(layout, (l) => l.tcp !== undefined);
    if (recs.length === 0) return undefined;
    const data = copy(input);
    const n = rng.range(1, 4);
    for (let i = 0; i < n; i++) {
      const r = rng.pick(recs);
      const at = r.layers!.tcp! + rng.pick([4, 8]);
      if (at + 4 > data.length) continue;
      const cur = data.readUInt32BE(at);
      const v = rng.pick([cur + 1, cur - 1, cur + 0x7fffffff, cur + 0x80000000, cur - 1460, cur + 65536, 0, 0xffffffff, rng.int(2 ** 32)]);
      data.writeUInt32BE(v >>> 0, at);
    }
    return { data, detail: `${n} sequence/ack numbers changed` };
  },

  /** TCP flags (SYN/FIN/RST in odd places) and ports. */
  'tcp-flags': ({ input, layout, rng }) => {
    const recs = withLayer(layout, (l) => l.tcp !== undefined);
    if (recs.length === 0) return undefined;
    const data = copy(input);
    const r = rng.pick(recs);
    const t = r.layers!.tcp!;
    if (rng.chance(0.75)) data[t + 13] = rng.pick([0x02, 0x12, 0x01, 0x11, 0x04, 0x14, 0x18, 0x00, 0xff, 0x03, 0x07, rng.int(256)]);
    else data.writeUInt16BE(rng.pick([0, 1883, 8883, 80, 65535]), t + rng.pick([0, 2]));
    return { data, detail: `record at ${r.offset}: TCP flags/ports` };
  },

  /** TCP options: lengths that overrun, odd kinds. */
  'tcp-options': ({ input, layout, rng }) => {
    const recs = withLayer(layout, (l) => l.tcp !== undefined && (l.tcpHeaderLength ?? 0) > 20);
    if (recs.length === 0) return undefined;
    const data = copy(input);
    const r = rng.pick(recs);
    const t = r.layers!.tcp!;
    const o = t + 20 + rng.int(r.layers!.tcpHeaderLength! - 20);
    data[o] = rng.pick([0, 1, 2, 3, 4, 5, 8, 30, 255]);
    if (o + 1 < data.length) data[o + 1] = rng.pick([0, 1, 2, 3, 10, 18, 40, 255]);
    return { data, detail: `record at ${r.offset}: TCP option bytes at ${o}` };
  },

  /** MQTT Remaining Length bytes: 256 MB, 5-byte (invalid), zero, off by one, continuation bits. */
  'mqtt-remaining-length': ({ input, layout, rng }) => {
    const recs = withLayer(layout, (l) => l.mqtt.length > 0);
    if (recs.length === 0) return undefined;
    const data = copy(input);
    const r = rng.pick(recs);
    const at = rng.pick(r.layers!.mqtt) + 1;
    const encodings: number[][] = [
      [0xff, 0xff, 0xff, 0x7f], [0xff, 0xff, 0xff, 0xff], [0x80, 0x80, 0x80, 0x80], [0x80, 0x80, 0x80, 0x00],
      [0x00], [0x01], [0x7f], [0xff, 0x7f], [0x80, 0x01], [0xff, 0xff, 0x7f], [0x80, 0x80, 0x40], [0xfe, 0xff, 0x3f],
    ];
    let enc = rng.pick(encodings);
    if (rng.chance(0.3)) {
      // Off by a little from the real value, same encoding length.
      enc = [Math.max(0, Math.min(0x7f, (data[at]! & 0x7f) + rng.pick([-2, -1, 1, 2])))];
    }
    for (let i = 0; i < enc.length && at + i < data.length; i++) data[at + i] = enc[i]!;
    return { data, detail: `record at ${r.offset}: MQTT remaining length at ${at} = ${enc.map((b) => b.toString(16)).join(' ')}` };
  },

  /** MQTT first byte: any type, reserved flags, QoS 3. */
  'mqtt-first-byte': ({ input, layout, rng }) => {
    const recs = withLayer(layout, (l) => l.mqtt.length > 0);
    if (recs.length === 0) return undefined;
    const data = copy(input);
    const r = rng.pick(recs);
    const at = rng.pick(r.layers!.mqtt);
    data[at] = rng.chance(0.5) ? rng.int(256) : rng.pick([0x00, 0x06, 0x36, 0x3e, 0x10, 0x20, 0x30, 0x82, 0xa2, 0xe0, 0xf0, 0xf1, 0x62, 0x60]);
    return { data, detail: `record at ${r.offset}: MQTT first byte at ${at} = 0x${data[at]!.toString(16)}` };
  },

  /** MQTT body: string lengths, property lengths, flags, payload bytes. */
  'mqtt-body': ({ input, layout, rng }) => {
    const recs = withLayer(layout, (l) => l.mqtt.length > 0);
    if (recs.length === 0) return undefined;
    const data = copy(input);
    const r = rng.pick(recs);
    const at = rng.pick(r.layers!.mqtt);
    const end = r.layers!.payloadEnd!;
    const n = rng.range(1, 6);
    for (let i = 0; i < n; i++) {
      const o = at + 2 + rng.int(Math.max(1, Math.min(24, end - at - 2)));
      if (o < end) data[o] = rng.pick([...INTERESTING_8, rng.int(256)]);
    }
    return { data, detail: `record at ${r.offset}: ${n} MQTT body bytes` };
  },

  /** Every kind of length field at once, set to a huge value. */
  'huge-lengths': ({ input, layout, rng }) => {
    if (layout.records.length === 0) return undefined;
    const data = copy(input);
    const r = rng.pick(layout.records);
    const done: string[] = [];
    for (const f of r.fields) {
      if (rng.chance(0.5)) { writeField(data, f, rng.pick([0xffffffff, 0x7fffffff, 0x10000000, 0xfffffffc])); done.push(f.name); }
    }
    const l = r.layers;
    if (l?.ip !== undefined && rng.chance(0.5)) { data.writeUInt16BE(0xffff, l.ip + 2); done.push('ipv4.total-length'); }
    if (l?.tcp !== undefined && rng.chance(0.5)) { data[l.tcp + 12] = 0xf0 | (data[l.tcp + 12]! & 0x0f); done.push('tcp.data-offset'); }
    if (l !== undefined && l.mqtt.length > 0 && rng.chance(0.7)) {
      const at = rng.pick(l.mqtt) + 1;
      [0xff, 0xff, 0xff, 0x7f].forEach((b, i) => { if (at + i < data.length) data[at + i] = b; });
      done.push('mqtt.remaining-length');
    }
    return { data, detail: `record at ${r.offset}: huge ${done.join(', ') || 'nothing'}` };
  },

  /** Records of this file up to a point, then records of another capture (or its raw bytes when formats differ). */
  splice: ({ input, layout, rng, donor, ports }) => {
    if (donor === undefined) return undefined;
    const other = parseLayout(donor, ports);
    const cut = rng.int(layout.records.length + 1);
    const mine = layout.records.slice(0, cut);
    let theirs: Array<Buffer | CaptureRecord>;
    if (other.format === layout.format && other.le === layout.le && rng.chance(0.8)) {
      const start = rng.int(other.records.length + 1);
      theirs = other.records.slice(start).map((r) => donor.subarray(r.offset, r.end));
    } else {
      const from = rng.int(donor.length);
      theirs = [donor.subarray(from, Math.min(donor.length, from + rng.range(1, 4096)))];
    }
    if (rng.chance(0.3)) {
      // Interleave instead of append.
      const rest = layout.records.slice(cut);
      const mixed: Array<Buffer | CaptureRecord> = [...mine];
      const a = [...rest];
      const b = [...theirs];
      while (a.length > 0 || b.length > 0) {
        if (b.length === 0 || (a.length > 0 && rng.chance(0.5))) mixed.push(a.shift()!);
        else mixed.push(b.shift()!);
      }
      return { data: rebuild(input, layout, mixed), detail: `interleaved with donor after record ${cut}` };
    }
    return { data: rebuild(input, layout, [...mine, ...theirs]), detail: `donor spliced after record ${cut}` };
  },

  /** Records in another order: swaps, a reversed range, or a full shuffle. */
  reorder: ({ input, layout, rng }) => {
    if (layout.records.length < 2) return undefined;
    const { fixed, loose } = movable(layout, rng);
    if (loose.length < 2) return undefined;
    const list = [...loose];
    const how = rng.int(3);
    if (how === 0) {
      for (let k = rng.range(1, 5); k > 0; k--) {
        const i = rng.int(list.length);
        const j = rng.int(list.length);
        [list[i], list[j]] = [list[j]!, list[i]!];
      }
    } else if (how === 1) {
      const i = rng.int(list.length);
      const j = Math.min(list.length, i + rng.range(2, 50));
      list.splice(i, j - i, ...list.slice(i, j).reverse());
    } else rng.shuffle(list);
    return { data: rebuild(input, layout, [...fixed, ...list]), detail: `reordered (${['swaps', 'reversed range', 'shuffle'][how]})` };
  },

  /** Records repeated: once, many times in a row, or a range replayed. */
  duplicate: ({ input, layout, rng }) => {
    if (layout.records.length === 0) return undefined;
    const { fixed, loose } = movable(layout, rng);
    if (loose.length === 0) return undefined;
    const list: CaptureRecord[] = [...loose];
    const i = rng.int(list.length);
    const how = rng.int(3);
    if (how === 0) list.splice(i, 0, list[i]!);
    else if (how === 1) list.splice(i, 0, ...Array<CaptureRecord>(rng.range(2, 200)).fill(list[i]!));
    else {
      const j = Math.min(list.length, i + rng.range(1, 30));
      list.splice(j, 0, ...list.slice(i, j), ...(rng.chance(0.3) ? list.slice(i, j) : []));
    }
    return { data: rebuild(input, layout, [...fixed, ...list]), detail: `duplicated (${['once', 'many times', 'a range'][how]}) at ${i}` };
  },

  /** Random bytes inserted between records or inside one. */
  'garbage-insert': ({ input, layout, rng }) => {
    const points = [layout.headerEnd, ...layout.records.map((r) => r.end)];
    const at = rng.chance(0.7) ? rng.pick(points) : rng.int(input.length + 1);
    const g = Buffer.alloc(rng.pick([1, 2, 3, 4, 8, 16, 17, 100, 1000]));
    for (let i = 0; i < g.length; i++) g[i] = rng.int(256);
    return { data: Buffer.concat([input.subarray(0, at), g, input.subarray(at)]), detail: `${g.length} garbage bytes at ${at}` };
  },

  /** Timestamps going backwards, jumping, fraction out of range, or all zero. */
  timestamp: ({ input, layout, rng }) => {
    const recs = layout.records.filter((r) => r.timestamps.length > 0);
    if (recs.length === 0) return undefined;
    const data = copy(input);
    const n = rng.range(1, 5);
    for (let i = 0; i < n; i++) {
      const r = rng.pick(recs);
      const f = rng.pick(r.timestamps);
      writeField(data, f, rng.pick([0, 1, 999_999, 1_000_000, 999_999_999, 1_000_000_000, 0x7fffffff, 0xffffffff, read(data, f) - 100, read(data, f) + 100_000]));
    }
    return { data, detail: `${n} timestamps changed` };
  },

  /**
   * pcapng: copies of one of the file's IDBs inserted after its leading SHB/IDBs (issue #15: interface blocks are
   * bounded), from a few to past the 65 536-interface cap. Interface ids of the packets keep their meaning.
   */
  'idb-flood': ({ input, layout, rng }) => {
    if (layout.format !== 'pcapng') return undefined;
    let i = 0;
    while (i < layout.records.length && (layout.records[i]!.kind === 'shb' || layout.records[i]!.kind === 'idb')) i++;
    const idbs = layout.records.slice(0, i).filter((r) => r.kind === 'idb');
    if (idbs.length === 0) return undefined;
    const idb = rng.pick(idbs);
    const block = input.subarray(idb.offset, idb.end);
    const n = rng.pick([1, 16, 1000, 70_000]);
    const flood = Buffer.alloc(block.length * n);
    for (let k = 0; k < n; k++) block.copy(flood, k * block.length);
    const at = layout.records[i - 1]!.end;
    return { data: Buffer.concat([input.subarray(0, at), flood, input.subarray(at)]), detail: `${n} IDB copies at ${at}` };
  },

  /**
   * MQTT strings rewritten with hostile text, in place (same byte length, so TCP stays in step): a PUBLISH topic or
   * a CONNECT client id becomes invalid UTF-8 (0xff, overlong, lone continuation, a surrogate), U+0000, bidi
   * overrides, C0/C1 controls, zero-width or line-separator characters, or one of them repeated to the full length.
   */
  'mqtt-strings': ({ input, layout, rng }) => {
    const fields: Array<{ at: number; length: number; what: string }> = [];
    for (const r of withLayer(layout, (l) => l.mqtt.length > 0)) {
      const end = r.layers!.payloadEnd ?? r.end;
      for (const p of r.layers!.mqtt) {
        const field = mqttStringField(input, p, end);
        if (field !== undefined && field.length > 0) fields.push(field);
      }
    }
    if (fields.length === 0) return undefined;
    const data = copy(input);
    const f = rng.pick(fields);
    const text = hostileBytes(rng, f.length);
    text.copy(data, f.at);
    return { data, detail: `${f.what} at ${f.at} (${f.length} bytes) = ${text.subarray(0, 24).toString('hex')}` };
  },

  /**
   * A TCP segment re-segmented: its payload split into 2-64 pieces (often 1 byte each), each a packet of its own
   * with the same headers (IPv4 total length and sequence number fixed), in order, reversed, shuffled or overlapping.
   */
  'tcp-segmentation': ({ input, layout, rng }) => {
    const candidates = withLayer(layout, (l) => l.ip !== undefined && l.payload !== undefined && (l.payloadEnd ?? 0) - l.payload >= 2)
      .filter((r) => r.kind === 'record' || (r.kind === 'epb' && layout.le));
    if (candidates.length === 0) return undefined;
    const rec = rng.pick(candidates);
    const l = rec.layers!;
    const start = rec.dataOffset!;
    const payload = input.subarray(l.payload!, l.payloadEnd!);
    const head = input.subarray(start, l.payload!);
    const ipAt = l.ip! - start;
    const seqAt = l.tcp! - start + 4;
    const seq = input.readUInt32BE(l.tcp! + 4);
    const pieces = Math.min(payload.length, rng.pick([2, 3, 8, 64, payload.length]));
    const cuts = new Set<number>([0, payload.length]);
    while (cuts.size < pieces + 1) cuts.add(1 + rng.int(payload.length - 1));
    const bounds = [...cuts].sort((a, b) => a - b);
    const overlap = rng.chance(0.2) ? rng.range(1, 4) : 0;
    let segments = bounds.slice(0, -1).map((from, i) => [Math.max(0, from - (i > 0 ? overlap : 0)), bounds[i + 1]!] as const);
    const order = rng.int(3);
    if (order === 1) segments = segments.reverse();
    else if (order === 2) segments = rng.shuffle([...segments]);
    const packets = segments.map(([from, to]) => {
      const packet = Buffer.concat([head, payload.subarray(from, to)]);
      packet.writeUInt16BE(packet.length - ipAt, ipAt + 2);
      packet.writeUInt32BE((seq + from) >>> 0, seqAt);
      return repacket(input, rec, packet, layout.le);
    });
    const at = layout.records.indexOf(rec);
    const parts: Array<Buffer | CaptureRecord> = [...layout.records.slice(0, at), ...packets, ...layout.records.slice(at + 1)];
    return {
      data: rebuild(input, layout, parts, true),
      detail: `record ${at}: ${payload.length} payload bytes in ${segments.length} segments (${['in order', 'reversed', 'shuffled'][order]}${overlap > 0 ? `, overlap ${overlap}` : ''})`,
    };
  },

  /**
   * pcapng: well-formed blocks that are not packets (statistics, name resolution, decryption secrets, custom,
   * unknown types, a Simple Packet Block, an IDB with odd options) inserted between records, 1 to 200 of them.
   */
  'pcapng-blocks': ({ input, layout, rng }) => {
    if (layout.format !== 'pcapng' || !layout.le) return undefined;
    const { fixed, loose } = movable(layout, rng);
    const n = rng.pick([1, 3, 20, 200]);
    const blocks: Buffer[] = [];
    for (let k = 0; k < n; k++) blocks.push(oddBlock(rng));
    const at = rng.int(loose.length + 1);
    const parts: Array<Buffer | CaptureRecord> = [...fixed, ...loose.slice(0, at), ...blocks, ...loose.slice(at)];
    return { data: rebuild(input, layout, parts, true), detail: `${n} blocks before loose record ${at}` };
  },

  /** A region overwritten with zeros, 0xff or random bytes. */
  'overwrite-range': ({ input, rng }) => {
    if (input.length === 0) return undefined;
    const data = copy(input);
    const at = rng.int(data.length);
    const len = Math.min(data.length - at, rng.pick([2, 4, 8, 32, 256, 4096]));
    const how = rng.int(3);
    for (let i = 0; i < len; i++) data[at + i] = how === 0 ? 0 : how === 1 ? 0xff : rng.int(256);
    return { data, detail: `${len} bytes at ${at} overwritten (${['zeros', '0xff', 'random'][how]})` };
  },
};

/** The UTF-8 string an MQTT packet at `p` carries first that is worth attacking: PUBLISH topic, CONNECT client id. */
function mqttStringField(buf: Buffer, p: number, end: number): { at: number; length: number; what: string } | undefined {
  const type = buf[p]! >> 4;
  let body = p + 1;
  while (body < end && (buf[body]! & 0x80) !== 0) body++;
  body++;
  const str = (at: number, what: string) => (at + 2 <= end && at + 2 + buf.readUInt16BE(at) <= end
    ? { at: at + 2, length: buf.readUInt16BE(at), what } : undefined);
  if (type === 3) return str(body, 'topic');
  if (type !== 1 || body + 10 > end) return undefined;
  const nameLength = buf.readUInt16BE(body);
  const level = buf[body + 2 + nameLength];
  let at = body + 2 + nameLength + 4;
  if (level === 5) {
    let props = 0;
    let mult = 1;
    while (at < end) {
      const b = buf[at++]!;
      props += (b & 0x7f) * mult;
      mult *= 128;
      if ((b & 0x80) === 0) break;
    }
    at += props;
  }
  return str(at, 'client id');
}

/** `length` bytes of hostile text: invalid UTF-8, NUL, bidi, C0/C1, zero-width, separators, mixed and repeated. */
function hostileBytes(rng: Rng, length: number): Buffer {
  const atoms = [
    Buffer.from([0xff]), Buffer.from([0xc0, 0x80]), Buffer.from([0x80]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf4, 0x90, 0x80, 0x80]),
    Buffer.from('\u0000'), Buffer.from('\u202e'), Buffer.from('\u2066'), Buffer.from('\u001b[2J'), Buffer.from('\u001b]0;x\u0007'),
    Buffer.from('\u0085'), Buffer.from('\u009b31m'), Buffer.from('\u200b'), Buffer.from('\ufeff'), Buffer.from('\u2028'), Buffer.from('\r\n## x\n'),
    Buffer.from('<img src=x onerror=alert(1)>'), Buffer.from('[a](javascript:x)'), Buffer.from('|'), Buffer.from('é'), Buffer.from('漢'),
  ];
  const out = Buffer.alloc(length, 0x41);
  const one = rng.chance(0.3) ? rng.pick(atoms) : undefined;
  let o = 0;
  while (o < length) {
    const atom = one ?? rng.pick(atoms);
    o += atom.copy(out, o);
  }
  return out;
}

/** The record bytes for `packet` in place of `rec`'s: a pcap record or a pcapng EPB with the same header fields. */
function repacket(input: Buffer, rec: CaptureRecord, packet: Buffer, le: boolean): Buffer {
  if (rec.kind === 'record') {
    const h = Buffer.from(input.subarray(rec.offset, rec.offset + 16));
    if (le) { h.writeUInt32LE(packet.length, 8); h.writeUInt32LE(packet.length, 12); } else { h.writeUInt32BE(packet.length, 8); h.writeUInt32BE(packet.length, 12); }
    return Buffer.concat([h, packet]);
  }
  const total = 32 + ((packet.length + 3) & ~3);
  const b = Buffer.alloc(total);
  input.copy(b, 0, rec.offset, rec.offset + 20);
  b.writeUInt32LE(total, 4);
  b.writeUInt32LE(packet.length, 20);
  b.writeUInt32LE(packet.length, 24);
  packet.copy(b, 28);
  b.writeUInt32LE(total, total - 4);
  return b;
}

/** One well-formed pcapng block that is not an Enhanced Packet Block (little-endian). */
function oddBlock(rng: Rng): Buffer {
  const block = (type: number, body: Buffer): Buffer => {
    const total = 12 + ((body.length + 3) & ~3);
    const b = Buffer.alloc(total);
    b.writeUInt32LE(type >>> 0, 0);
    b.writeUInt32LE(total, 4);
    body.copy(b, 8);
    b.writeUInt32LE(total, total - 4);
    return b;
  };
  const option = (code: number, value: Buffer): Buffer => {
    const o = Buffer.alloc(4 + ((value.length + 3) & ~3));
    o.writeUInt16LE(code, 0);
    o.writeUInt16LE(value.length, 2);
    value.copy(o, 4);
    return o;
  };
  const end = Buffer.alloc(4);
  switch (rng.int(7)) {
    case 0: { // Interface Statistics Block for interface 0 (or a missing one)
      const body = Buffer.alloc(12);
      body.writeUInt32LE(rng.pick([0, 1, 0xffffffff]), 0);
      return block(5, Buffer.concat([body, option(4, Buffer.alloc(8, 0xff)), end]));
    }
    case 1: { // Name Resolution Block: an IPv4 record with a hostile name, then the end record
      const name = hostileBytes(rng, rng.pick([1, 16, 300]));
      const rec = Buffer.alloc(4 + 4 + name.length + 1);
      rec.writeUInt16LE(1, 0);
      rec.writeUInt16LE(4 + name.length + 1, 2);
      Buffer.from([10, 0, 0, 1]).copy(rec, 4);
      name.copy(rec, 8);
      return block(4, Buffer.concat([rec, Buffer.alloc((4 - (rec.length % 4)) % 4), end]));
    }
    case 2: { // Decryption Secrets Block (TLS key log) with junk
      const secret = Buffer.from('CLIENT_RANDOM 00 00\n');
      const head = Buffer.alloc(8);
      head.writeUInt32LE(0x544c534b, 0);
      head.writeUInt32LE(secret.length, 4);
      return block(10, Buffer.concat([head, secret]));
    }
    case 3: // custom block (copyable) with a private enterprise number
      return block(0x00000bad, Buffer.concat([Buffer.from([0x11, 0x22, 0, 0]), Buffer.alloc(rng.pick([0, 7, 64]), 0x5a)]));
    case 4: // unknown block type
      return block(rng.pick([0x0000000b, 0x00000100, 0x40000000, 0x7fffffff]), Buffer.alloc(rng.pick([0, 4, 100])));
    case 5: { // Simple Packet Block (interface 0): a short frame
      const data = Buffer.alloc(rng.pick([0, 14, 60]), 0x33);
      const body = Buffer.alloc(4);
      body.writeUInt32LE(data.length, 0);
      return block(3, Buffer.concat([body, data]));
    }
    default: { // IDB with odd options: if_tsresol 0, a hostile if_name, if_tsoffset
      const body = Buffer.alloc(8);
      body.writeUInt16LE(1, 0);
      return block(1, Buffer.concat([body, option(9, Buffer.from([rng.pick([0, 6, 9, 0x8a, 0xff])])), option(2, hostileBytes(rng, 40)), end]));
    }
  }
}

function recordField(input: Buffer, layout: Layout, rng: Rng, name: string): Mutation | undefined {
  const fields = layout.records.flatMap((r) => r.fields.filter((f) => f.name === name));
  if (fields.length === 0) return undefined;
  const data = copy(input);
  const f = rng.pick(fields);
  const v = lengthValue(rng, read(data, f), f.size);
  writeField(data, f, v);
  return { data, detail: `${name} at ${f.offset} = ${v}` };
}

/** Relative weights of the mutators when one is chosen at random ("havoc" stacks several). */
export const WEIGHTS: Record<string, number> = {
  bitflip: 8, 'byte-interesting': 4, 'truncate-boundary': 4, 'truncate-inside': 5, drop: 3,
  'pcap-caplen': 4, 'pcap-origlen': 2, 'file-header': 2, 'pcapng-block-length': 4, 'pcapng-block-4gb': 2,
  'pcapng-fields': 3, 'pcapng-tsresol': 2, 'ipv4-ihl': 4, 'ipv4-total-length': 5, 'ipv4-fields': 3, 'tcp-data-offset': 4,
  'tcp-seq-ack': 5, 'tcp-flags': 4, 'tcp-options': 2, 'mqtt-remaining-length': 7, 'mqtt-first-byte': 5, 'mqtt-body': 7,
  'huge-lengths': 4, splice: 4, reorder: 5, duplicate: 4, 'garbage-insert': 3, timestamp: 3, 'overwrite-range': 3,
  'idb-flood': 1, 'mqtt-strings': 5, 'tcp-segmentation': 4, 'pcapng-blocks': 2, havoc: 10,
};

export const MUTATOR_NAMES: readonly string[] = Object.keys(WEIGHTS);

function pickWeighted(rng: Rng, exclude?: string): string {
  const names = MUTATOR_NAMES.filter((n) => n !== exclude);
  const total = names.reduce((a, n) => a + WEIGHTS[n]!, 0);
  let x = rng.float() * total;
  for (const n of names) {
    x -= WEIGHTS[n]!;
    if (x < 0) return n;
  }
  return names[names.length - 1]!;
}

export interface MutateResult extends Mutation {
  mutator: string;
}

/**
 * Applies `mutator` (or a weighted random one) to `input`. When the chosen mutator does not apply to this file (no
 * TCP, no pcapng blocks...), falls back to a bit flip. "havoc" applies 2 to 6 random mutators in turn.
 */
export function mutate(input: Buffer, rng: Rng, options: { mutator?: string; ports?: readonly number[]; donor?: Buffer } = {}): MutateResult {
  const ports = options.ports ?? [];
  const name = options.mutator ?? pickWeighted(rng);
  const one = (data: Buffer, which: string): Mutation => {
    const ctx: MutationContext = { input: data, layout: parseLayout(data, ports), rng, ports, ...(options.donor !== undefined ? { donor: options.donor } : {}) };
    return MUTATORS[which]!(ctx) ?? MUTATORS['bitflip']!(ctx) ?? { data: Buffer.from(data), detail: 'unchanged (empty input)' };
  };
  if (name === 'havoc') {
    let data = input;
    const steps: string[] = [];
    for (let k = rng.range(2, 6); k > 0; k--) {
      const which = pickWeighted(rng, 'havoc');
      const m = one(data, which);
      data = m.data;
      steps.push(`${which}: ${m.detail}`);
      if (data.length > 16 * 1024 * 1024) break;
    }
    return { mutator: 'havoc', data, detail: steps.join(' | ') };
  }
  if (MUTATORS[name] === undefined) throw new Error(`unknown mutator ${name}`);
  const m = one(input, name);
  return { mutator: name, ...m };
}

/**
 * Systematic truncations of one file: at every record boundary, and at a few points inside each record (in its header,
 * one byte into its data, one byte short of its end). At most `limit` cuts, spread evenly over the file.
 */
export function truncationPoints(input: Buffer, layout: Layout, limit = Infinity): number[] {
  const cuts = new Set<number>();
  for (const c of [1, 4, 8, 12, 20, 23]) if (c < input.length) cuts.add(c);
  if (layout.headerEnd > 0) cuts.add(layout.headerEnd);
  for (const r of layout.records) {
    const len = r.end - r.offset;
    for (const inside of [len >> 1, 8, 16, 17, len - 1]) if (inside > 0 && inside < len) cuts.add(r.offset + inside);
    if (r.end < input.length) cuts.add(r.end);
  }
  const all = [...cuts].sort((a, b) => a - b);
  if (all.length <= limit) return all;
  const out: number[] = [];
  for (let i = 0; i < limit; i++) out.push(all[Math.floor((i * all.length) / limit)]!);
  return out;
}
