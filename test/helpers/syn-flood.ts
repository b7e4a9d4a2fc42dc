/**
 * A SYN flood capture generator (issue #15 item 9): `count` SYNs, each from its own address and port to one broker on
 * port 1883, 10 µs apart, as a classic pcap (Ethernet, no TCP options: 70 bytes a record, so 1 M SYNs are 70 MB).
 * Streamed in chunks so that a large flood is never held whole. Run as a script to write a file:
 * `node dist/test/helpers/syn-flood.js 1000000 /path/to/syn-flood.pcap`.
 * It does not analyse anything.
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

const RECORD = 16 + 14 + 20 + 20;
const PER_CHUNK = 4096;

/** The pcap file header: microsecond timestamps, little-endian, snaplen 65535, Ethernet. */
function pcapHeader(): Buffer {
  return Buffer.from('d4c3b2a1020004000000000000000000ffff000001000000', 'hex');
}

function ipChecksum(b: Buffer, off: number): number {
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += b.readUInt16BE(off + i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Record `i` of the flood (header included) written at `off`. */
function writeSyn(b: Buffer, off: number, i: number): void {
  const us = i * 10;
  b.writeUInt32LE(1_700_000_000 + Math.floor(us / 1e6), off);
  b.writeUInt32LE(us % 1e6, off + 4);
  b.writeUInt32LE(RECORD - 16, off + 8);
  b.writeUInt32LE(RECORD - 16, off + 12);
  const eth = off + 16;
  b.write('020000000001020000000002', eth, 'hex');
  b.writeUInt16BE(0x0800, eth + 12);
  const ip = eth + 14;
  b[ip] = 0x45;
  b.writeUInt16BE(40, ip + 2);
  b.writeUInt16BE(i & 0xffff, ip + 4);
  b.writeUInt16BE(0x4000, ip + 6);
  b[ip + 8] = 64;
  b[ip + 9] = 6;
  // Source 10.a.b.c from i >> 14 (16 384 ports each), destination 10.255.0.1.
  const host = i >>> 14;
  b[ip + 12] = 10;
  b[ip + 13] = (host >>> 16) & 0xff;
  b[ip + 14] = (host >>> 8) & 0xff;
  b[ip + 15] = host & 0xff;
  b[ip + 16] = 10;
  b[ip + 17] = 255;
  b[ip + 18] = 0;
  b[ip + 19] = 1;
  b.writeUInt16BE(ipChecksum(b, ip), ip + 10);
  const tcp = ip + 20;
  b.writeUInt16BE(1024 + (i & 0x3fff), tcp);
  b.writeUInt16BE(1883, tcp + 2);
  b.writeUInt32BE(Math.imul(i, 7919) >>> 0, tcp + 4);
  b[tcp + 12] = 0x50;
  b[tcp + 13] = 0x02;
  b.writeUInt16BE(64240, tcp + 14);
}

/** The flood as a stream of pcap chunks. */
export function synFloodChunks(count: number): Readable {
  return Readable.from((function* () {
    yield pcapHeader();
    for (let start = 0; start < count; start += PER_CHUNK) {
      const n = Math.min(PER_CHUNK, count - start);
      const chunk = Buffer.alloc(n * RECORD);
      for (let k = 0; k < n; k++) writeSyn(chunk, k * RECORD, start + k);
      yield chunk;
    }
  })(), { objectMode: false });
}

/** Writes the flood to `file`. */
export async function writeSynFlood(file: string, count: number): Promise<void> {
  await pipeline(synFloodChunks(count), createWriteStream(file));
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const count = Number(process.argv[2] ?? 1_000_000);
  const file = process.argv[3];
  if (file === undefined || !Number.isInteger(count) || count < 0) {
    process.stderr.write('usage: syn-flood.js COUNT FILE\n');
    process.exit(2);
  }
  await writeSynFlood(file, count);
}
