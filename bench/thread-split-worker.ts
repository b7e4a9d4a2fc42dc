/**
 * thread-split-worker.ts - the worker half of bench/thread-split.ts (a measurement, not the product): reads a classic
 * little-endian pcap in 1 MiB chunks and walks its records, posting each chunk (transferred, zero copy) with an index
 * of its records [start, caplen, originalLength, sec, nsec]. At most 8 chunks ahead of the main thread (Atomics).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const { file, control } = workerData as { file: string; control: SharedArrayBuffer };
const consumed = new Int32Array(control);
const CHUNK = 1024 * 1024;
const fd = openSync(file, 'r');
const head = Buffer.alloc(24);
readSync(fd, head, 0, 24, 0);
if (head.readUInt32LE(0) !== 0xa1b2c3d4 && head.readUInt32LE(0) !== 0xa1b23c4d) throw new Error('prototype: LE pcap only');
const nsPerUnit = head.readUInt32LE(0) === 0xa1b2c3d4 ? 1000 : 1;
parentPort!.postMessage({ linkType: head.readUInt32LE(20), snaplen: head.readUInt32LE(16) });
let position = 24;
let carry: Buffer = Buffer.alloc(0);
let produced = 0;
for (;;) {
  const buf = Buffer.from(new ArrayBuffer(Math.max(CHUNK, carry.length + 65536)));
  carry.copy(buf, 0);
  const got = readSync(fd, buf, carry.length, buf.length - carry.length, position);
  position += got;
  const end = carry.length + got;
  if (got === 0 && carry.length === 0) break;
  const index: number[] = [];
  let off = 0;
  while (end - off >= 16) {
    const caplen = buf.readUInt32LE(off + 8);
    if (end - off < 16 + caplen) break;
    index.push(off + 16, caplen, buf.readUInt32LE(off + 12), buf.readUInt32LE(off), buf.readUInt32LE(off + 4) * nsPerUnit);
    off += 16 + caplen;
  }
  carry = Buffer.from(buf.subarray(off, end));
  const idx = new Float64Array(index);
  parentPort!.postMessage({ buf: buf.buffer, index: idx }, [buf.buffer as ArrayBuffer, idx.buffer]);
  produced++;
  while (produced - Atomics.load(consumed, 0) >= 8) Atomics.wait(consumed, 0, Atomics.load(consumed, 0), 50);
  if (got === 0) break;
}
closeSync(fd);
parentPort!.postMessage({ done: true, bytes: position });
