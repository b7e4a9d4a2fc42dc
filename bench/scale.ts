/**
 * scale.ts - make a larger capture from bench/data/base.pcap for the benchmark.
 *
 *   node dist/bench/scale.js IN.pcap OUT.pcap [--copies N]
 *
 * Writes N copies of IN's records one after the other. Copy k (0-based) has its timestamps shifted by
 * k * (span of IN + 1 s), the second octet of every IPv4 address (or byte 3 of every IPv6 address) increased by k,
 * and every TCP/UDP port other than 1883/8883 moved by a bijection that depends on k, so no connection of one copy
 * duplicates a connection of another. Checksums are left as they are (now wrong; the analyser does not verify them).
 * Classic pcap only (either byte order, micro- or nanosecond); link types Ethernet (with VLAN tags), Linux SLL,
 * SLL2, NULL/loopback and raw IP. Records of other kinds are copied unchanged.
 */
import { openSync, readFileSync, writeSync, closeSync, renameSync } from 'node:fs';

const KEEP_PORTS = new Set([1883, 8883]);
const PORT_LO = 1024;
const PORT_SPAN = 65536 - PORT_LO;

/** A bijection on [1024, 65535] minus KEEP_PORTS, shifting by k * 4099 (mod span). */
function portMap(k: number): Uint16Array {
  const map = new Uint16Array(65536);
  for (let p = 0; p < 65536; p++) map[p] = p;
  if (k === 0) return map;
  const shift = (q: number): number => PORT_LO + ((q - PORT_LO + k * 4099) % PORT_SPAN);
  for (let p = PORT_LO; p < 65536; p++) {
    if (KEEP_PORTS.has(p)) continue;
    let q = shift(p);
    // q would collide with a kept port: send it where the kept port itself would have gone (follow the chain).
    while (KEEP_PORTS.has(q)) q = shift(q);
    map[p] = q;
  }
  return map;
}

function patchL4(b: Buffer, off: number, end: number, proto: number, map: Uint16Array): void {
  if ((proto !== 6 && proto !== 17) || off + 4 > end) return;
  b.writeUInt16BE(map[b.readUInt16BE(off)]!, off);
  b.writeUInt16BE(map[b.readUInt16BE(off + 2)]!, off + 2);
}

function patchIp(b: Buffer, off: number, end: number, k: number, map: Uint16Array): void {
  if (off >= end) return;
  const v = b[off]! >> 4;
  if (v === 4 && off + 20 <= end) {
    const ihl = (b[off]! & 0x0f) * 4;
    b[off + 13] = (b[off + 13]! + k) & 0xff; // source: a.b.c.d -> a.(b+k).c.d
    b[off + 17] = (b[off + 17]! + k) & 0xff; // destination
    const fragOff = b.readUInt16BE(off + 6) & 0x1fff;
    if (fragOff === 0) patchL4(b, off + ihl, end, b[off + 9]!, map);
  } else if (v === 6 && off + 40 <= end) {
    b[off + 8 + 3] = (b[off + 8 + 3]! + k) & 0xff;
    b[off + 24 + 3] = (b[off + 24 + 3]! + k) & 0xff;
    patchL4(b, off + 40, end, b[off + 6]!, map); // extension headers: left alone
  }
}

function patchFrame(b: Buffer, off: number, end: number, linkType: number, k: number, map: Uint16Array): void {
  let et = -1;
  let p = off;
  switch (linkType) {
    case 1: // Ethernet
      if (end - off < 14) return;
      et = b.readUInt16BE(off + 12);
      p = off + 14;
      while ((et === 0x8100 || et === 0x88a8) && p + 4 <= end) {
        et = b.readUInt16BE(p + 2);
        p += 4;
      }
      break;
    case 113: // Linux SLL
      if (end - off < 16) return;
      et = b.readUInt16BE(off + 14);
      p = off + 16;
      break;
    case 276: // Linux SLL2
      if (end - off < 20) return;
      et = b.readUInt16BE(off);
      p = off + 20;
      break;
    case 0: // BSD loopback
      p = off + 4;
      et = 0x0800;
      break;
    case 101:
    case 228:
    case 229:
      et = 0x0800;
      break;
    default:
      return;
  }
  if (et === 0x0800 || et === 0x86dd) patchIp(b, p, end, k, map);
}

function main(): void {
  const args = process.argv.slice(2);
  let copies = 10;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--copies') copies = Number(args[++i]);
    else if (a.startsWith('--copies=')) copies = Number(a.slice(9));
    else files.push(a);
  }
  if (files.length !== 2 || !Number.isInteger(copies) || copies < 1) {
    console.error('usage: node dist/bench/scale.js IN.pcap OUT.pcap [--copies N]');
    process.exit(2);
  }
  const [inPath, outPath] = files as [string, string];
  const src = readFileSync(inPath);
  const magicLE = src.readUInt32LE(0);
  let le: boolean;
  let nano: boolean;
  if (magicLE === 0xa1b2c3d4 || magicLE === 0xa1b23c4d) {
    le = true;
    nano = magicLE === 0xa1b23c4d;
  } else {
    const m = src.readUInt32BE(0);
    if (m !== 0xa1b2c3d4 && m !== 0xa1b23c4d) throw new Error(`${inPath}: not a classic pcap file`);
    le = false;
    nano = m === 0xa1b23c4d;
  }
  const u32 = (b: Buffer, o: number): number => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const w32 = (b: Buffer, v: number, o: number): void => void (le ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o));
  const linkType = u32(src, 20) & 0x0fffffff;

  // Record offsets and time span.
  const recs: number[] = [];
  let first = Infinity;
  let last = -Infinity;
  for (let o = 24; o + 16 <= src.length; ) {
    const incl = u32(src, o + 8);
    if (o + 16 + incl > src.length) break; // cut-off last record: dropped
    recs.push(o);
    const t = u32(src, o);
    if (t < first) first = t;
    if (t > last) last = t;
    o += 16 + incl;
  }
  const dataEnd = recs.length ? recs[recs.length - 1]! + 16 + u32(src, recs[recs.length - 1]! + 8) : 24;
  const span = recs.length ? last - first + 2 : 1; // whole seconds, rounded up, + 1 s gap
  void nano; // sub-second part is unchanged: only whole seconds are shifted

  const tmp = `${outPath}.tmp`;
  const fd = openSync(tmp, 'w');
  writeSync(fd, src, 0, 24);
  const body = Buffer.allocUnsafe(dataEnd - 24);
  for (let k = 0; k < copies; k++) {
    src.copy(body, 0, 24, dataEnd);
    if (k > 0) {
      const map = portMap(k);
      for (const r of recs) {
        const o = r - 24;
        w32(body, u32(body, o) + k * span, o);
        patchFrame(body, o + 16, o + 16 + u32(body, o + 8), linkType, k, map);
      }
    }
    writeSync(fd, body);
  }
  closeSync(fd);
  renameSync(tmp, outPath);
  const mb = ((24 + body.length * copies) / 1e6).toFixed(1);
  console.error(`scale: wrote ${outPath}: ${copies} copies x ${recs.length} records, ${mb} MB (span ${span} s per copy)`);
}

main();
