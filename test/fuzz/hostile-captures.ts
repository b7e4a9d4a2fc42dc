/**
 * Generators of hostile captures (issue #15), small and made in code rather than committed: a pcapng full of
 * Interface Description Blocks (optionally with packets naming the interfaces), gzip with trailing garbage, a bad
 * CRC or length, a gzip "bomb" of zeros behind a pcap header, and a capture whose timestamps go backwards.
 * Structure-aware: the blocks and records are well formed except for the one property under test.
 * Does not: run the analysis (the tests and the fuzz harness do).
 */
import { gzipSync, createGzip } from 'node:zlib';
import { Conversation, pcapFile, pcapHeader, pcapngEpb, pcapngIdb, pcapngShb, type PcapRecord } from './build.js';
import { mqttConnect, mqttPublishHead } from './build.js';

/** pcapng: one SHB, `idbs` IDBs, then one EPB on interface 0 and one on the last interface described. */
export function idbFlood(idbs: number): Buffer {
  const idb = pcapngIdb(1);
  const parts: Buffer[] = [pcapngShb(), Buffer.alloc(idb.length * idbs)];
  for (let i = 0; i < idbs; i++) idb.copy(parts[1]!, i * idb.length);
  const c = new Conversation({ ip: '10.0.0.1', port: 40000 }, { ip: '10.0.0.2', port: 1883 });
  const [syn, synAck] = c.handshake();
  parts.push(pcapngEpb(syn!.data, syn!.time, 0), pcapngEpb(synAck!.data, synAck!.time, idbs - 1));
  return Buffer.concat(parts);
}

/** gzip of `idbFlood(idbs)`, streamed through zlib so that a few million IDBs never sit uncompressed in memory. */
export async function idbFloodGz(idbs: number): Promise<Buffer> {
  const gz = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gz.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((resolve) => gz.on('end', resolve));
  gz.write(pcapngShb());
  const idb = pcapngIdb(1);
  const batch = Buffer.alloc(idb.length * 4096);
  for (let i = 0; i < 4096; i++) idb.copy(batch, i * idb.length);
  for (let n = 0; n < idbs; n += 4096) {
    const count = Math.min(4096, idbs - n);
    if (!gz.write(count === 4096 ? batch : batch.subarray(0, count * idb.length))) await new Promise((r) => gz.once('drain', r));
  }
  gz.end();
  await done;
  return Buffer.concat(out);
}

/** A small well-formed MQTT capture: handshake, CONNECT, CONNACK, then `pings` PINGREQ/PINGRESP pairs. */
export function smallCapture(pings = 20, timeStep = 0.001): PcapRecord[] {
  const c = new Conversation({ ip: '10.0.0.1', port: 40000 }, { ip: '10.0.0.2', port: 1883 });
  const records = [...c.handshake(), c.clientData(mqttConnect('hostile')), c.serverData(Buffer.from([0x20, 2, 0, 0]))];
  for (let i = 0; i < pings; i++) {
    records.push(c.clientData(Buffer.from([0xc0, 0])), c.serverData(Buffer.from([0xd0, 0])));
  }
  records.forEach((r, i) => { r.time = 1_700_000_000 + i * timeStep; });
  return records;
}

/** gzip of a capture followed by bytes that are not gzip. */
export function gzipTrailingGarbage(pcap: Buffer, garbage = Buffer.from('\u0000trailing garbage, not gzip\n')): Buffer {
  return Buffer.concat([gzipSync(pcap), garbage]);
}

/** gzip of a capture whose CRC-32 (which: 'crc') or length (which: 'length') in the trailer is wrong. */
export function gzipBadTrailer(pcap: Buffer, which: 'crc' | 'length' = 'crc'): Buffer {
  const gz = Buffer.from(gzipSync(pcap));
  gz[gz.length - (which === 'crc' ? 8 : 4)]! ^= 0x5a;
  return gz;
}

/** A pcap header then `zeros` zero bytes (zero-length records), gzip-compressed: about 1000 to 1. */
export function zeroBomb(zeros: number): Buffer {
  return gzipSync(Buffer.concat([pcapHeader(), Buffer.alloc(zeros)]), { level: 9 });
}

/**
 * A capture whose timestamps go backwards: the CONNECT 50 s after the SYN, its CONNACK 49 000 s before the CONNECT
 * (a negative latency if taken at face value), the handshake's ACK before its SYN, then frames in reverse order.
 */
export function timeBackwards(): Buffer {
  const records = smallCapture(10);
  const t0 = 1_700_000_000;
  records[0]!.time = t0 + 100; // SYN
  records[1]!.time = t0 + 100.001; // SYN-ACK
  records[2]!.time = t0 + 99; // ACK before the SYN: a negative handshake RTT at face value
  records[3]!.time = t0 + 150; // CONNECT
  records[4]!.time = t0 + 150 - 49_000; // CONNACK
  for (let i = 5; i < records.length; i++) records[i]!.time = t0 + 1000 - i; // pings in reverse
  return pcapFile(records);
}

/**
 * The framer-carry flood (issue #15 item 2): `connections` connections each open a PUBLISH announcing `announced`
 * bytes, then its body arrives in in-order segments of `segmentBytes` bytes, round robin over the connections, for
 * `segments` segments in all (1 M one-byte segments ≈ 71 MB of pcap). Streamed: never whole in memory.
 */
export function* carryFlood(connections: number, segments: number, announced = 1_000_000, segmentBytes = 1): Generator<PcapRecord> {
  const cs: Conversation[] = [];
  for (let i = 0; i < connections; i++) {
    const c = new Conversation({ ip: `10.${(i >> 8) & 255}.${i & 255}.1`, port: 40000 + (i % 20000) }, { ip: '10.255.0.2', port: 1883 });
    cs.push(c);
    yield* c.handshake();
    yield c.clientData(mqttConnect(`carry-${i}`));
    yield c.clientData(mqttPublishHead('carry/flood', announced - 13));
  }
  const piece = Buffer.alloc(segmentBytes, 0x61);
  for (let k = 0; k < segments; k++) yield cs[k % connections]!.clientData(piece);
}

/**
 * The pending-request flood (issue #15 item 5): one connection whose client sends `pings` PINGREQs (`perSegment` to a
 * segment) that the broker never answers: past the 4096 requests a connection tracks, each is an mqtt.pending-cap.
 */
export function pendingFlood(pings: number, perSegment = 500): Buffer {
  const c = new Conversation({ ip: '10.0.0.1', port: 40000 }, { ip: '10.0.0.2', port: 1883 });
  const records = [...c.handshake(), c.clientData(mqttConnect('pending')), c.serverData(Buffer.from([0x20, 2, 0, 0]))];
  const pingreq = Buffer.from([0xc0, 0]);
  for (let sent = 0; sent < pings; sent += perSegment) {
    records.push(c.clientData(Buffer.concat(Array.from({ length: Math.min(perSegment, pings - sent) }, () => pingreq))));
  }
  return pcapFile(records);
}

/** `connections` handshakes (SYN, SYN-ACK, ACK) to port 1883 from distinct ports, all left open. */
export function manyConnections(connections: number): Buffer {
  const records: PcapRecord[] = [];
  for (let i = 0; i < connections; i++) {
    const c = new Conversation({ ip: '10.0.0.1', port: 10000 + i }, { ip: '10.0.0.2', port: 1883 });
    records.push(...c.handshake(), c.clientData(mqttConnect(`many-${i}`)));
  }
  return pcapFile(records);
}
