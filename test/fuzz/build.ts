/**
 * Builders for synthetic captures used by the fuzz tests: Ethernet / IPv4 / TCP frames (checksums left at zero), MQTT
 * fixed headers, and classic pcap / pcapng files, either whole (a Buffer) or streamed record by record (so that a
 * capture of hundreds of megabytes never sits in memory).
 */

import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN } from '../../src/decode/tcp.js';

export { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN };

export interface TcpSpec {
  srcIp: string;
  dstIp: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack?: number;
  flags: number;
  window?: number;
  payload?: Buffer;
  /** Overrides the IPv4 total length field (default: the real length). */
  ipTotalLength?: number;
}

function ipBytes(ip: string): number[] {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) throw new Error(`bad IPv4 address ${ip}`);
  return parts;
}

/** "10.x.y.z" for a counter: distinct addresses for many synthetic hosts. */
export function ipOf(n: number): string {
  return `10.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

/** Ethernet II + IPv4 + TCP (20-byte header, no options) + payload. */
export function tcpFrame(spec: TcpSpec): Buffer {
  const payload = spec.payload ?? Buffer.alloc(0);
  const frame = Buffer.alloc(14 + 20 + 20 + payload.length);
  // Ethernet
  frame.set([0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01], 0);
  frame.writeUInt16BE(0x0800, 12);
  // IPv4
  const ip = 14;
  frame[ip] = 0x45;
  frame.writeUInt16BE(spec.ipTotalLength ?? Math.min(0xffff, 40 + payload.length), ip + 2);
  frame.writeUInt16BE(0x4000, ip + 6); // DF
  frame[ip + 8] = 64;
  frame[ip + 9] = 6;
  frame.set(ipBytes(spec.srcIp), ip + 12);
  frame.set(ipBytes(spec.dstIp), ip + 16);
  // TCP
  const t = ip + 20;
  frame.writeUInt16BE(spec.srcPort, t);
  frame.writeUInt16BE(spec.dstPort, t + 2);
  frame.writeUInt32BE(spec.seq >>> 0, t + 4);
  frame.writeUInt32BE((spec.ack ?? 0) >>> 0, t + 8);
  frame[t + 12] = 5 << 4;
  frame[t + 13] = spec.flags;
  frame.writeUInt16BE(spec.window ?? 65535, t + 14);
  payload.copy(frame, t + 20);
  return frame;
}

/** MQTT Remaining Length encoding (values above 268 435 455 are not encodable). */
export function remainingLength(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) byte |= 0x80;
    out.push(byte);
  } while (v > 0);
  return Buffer.from(out);
}

/** A whole MQTT control packet: first byte, Remaining Length, body. */
export function mqttPacket(firstByte: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([firstByte]), remainingLength(body.length), body]);
}

function mqttString(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(2);
  len.writeUInt16BE(b.length);
  return Buffer.concat([len, b]);
}

/** MQTT 3.1.1 CONNECT with a client id, clean session, keep-alive 60. */
export function mqttConnect(clientId: string): Buffer {
  return mqttPacket(0x10, Buffer.concat([mqttString('MQTT'), Buffer.from([4, 0x02, 0, 60]), mqttString(clientId)]));
}

/** The head of a QoS 0 PUBLISH declaring `declaredPayload` payload bytes: fixed header, topic; the payload follows separately. */
export function mqttPublishHead(topic: string, declaredPayload: number): Buffer {
  const t = mqttString(topic);
  return Buffer.concat([Buffer.from([0x30]), remainingLength(t.length + declaredPayload), t]);
}

export const PINGREQ = Buffer.from([0xc0, 0x00]);

export interface PcapRecord {
  data: Buffer;
  /** Seconds since the epoch (fractional). */
  time?: number;
  /** Length on the wire (default data.length). */
  originalLength?: number;
}

/** 24-byte classic pcap header (little-endian, microseconds). */
export function pcapHeader(linkType = 1, snaplen = 262144): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2c3d4, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(snaplen, 16);
  h.writeUInt32LE(linkType, 20);
  return h;
}

/** One classic pcap record (16-byte header + data). */
export function pcapRecord(r: PcapRecord): Buffer {
  const h = Buffer.alloc(16);
  const t = r.time ?? 1_700_000_000;
  const sec = Math.floor(t);
  h.writeUInt32LE(sec >>> 0, 0);
  h.writeUInt32LE(Math.min(999_999, Math.round((t - sec) * 1e6)), 4);
  h.writeUInt32LE(r.data.length, 8);
  h.writeUInt32LE(r.originalLength ?? r.data.length, 12);
  return Buffer.concat([h, r.data]);
}

export function pcapFile(records: PcapRecord[], linkType = 1, snaplen = 262144): Buffer {
  return Buffer.concat([pcapHeader(linkType, snaplen), ...records.map(pcapRecord)]);
}

/**
 * A classic pcap file streamed: header, then each record from `records`, gathered into chunks of about `chunkBytes`
 * (so that a huge synthetic capture costs only a chunk of memory at a time).
 */
export function* pcapStream(records: Iterable<PcapRecord>, linkType = 1, snaplen = 262144, chunkBytes = 1 << 20): Generator<Buffer> {
  let parts: Buffer[] = [pcapHeader(linkType, snaplen)];
  let size = 24;
  for (const r of records) {
    const b = pcapRecord(r);
    parts.push(b);
    size += b.length;
    if (size >= chunkBytes) {
      yield Buffer.concat(parts);
      parts = [];
      size = 0;
    }
  }
  if (parts.length > 0) yield Buffer.concat(parts);
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

/** pcapng block: type, total length, body (padded), total length. `totalOverride` writes a lying length. */
export function pcapngBlock(type: number, body: Buffer, totalOverride?: number): Buffer {
  const total = 12 + pad4(body.length);
  const b = Buffer.alloc(total);
  b.writeUInt32LE(type >>> 0, 0);
  b.writeUInt32LE((totalOverride ?? total) >>> 0, 4);
  body.copy(b, 8);
  b.writeUInt32LE((totalOverride ?? total) >>> 0, total - 4);
  return b;
}

export function pcapngShb(): Buffer {
  const body = Buffer.alloc(16);
  body.writeUInt32LE(0x1a2b3c4d, 0);
  body.writeUInt16LE(1, 4);
  body.writeUInt16LE(0, 6);
  body.writeInt32LE(-1, 8);
  body.writeInt32LE(-1, 12);
  return pcapngBlock(0x0a0d0d0a, body);
}

export function pcapngIdb(linkType = 1, snaplen = 262144): Buffer {
  const body = Buffer.alloc(8);
  body.writeUInt16LE(linkType, 0);
  body.writeUInt32LE(snaplen, 4);
  return pcapngBlock(1, body);
}

export function pcapngEpb(data: Buffer, time = 1_700_000_000, interfaceId = 0): Buffer {
  const body = Buffer.alloc(20 + pad4(data.length));
  const us = BigInt(Math.round(time * 1e6));
  body.writeUInt32LE(interfaceId, 0);
  body.writeUInt32LE(Number(us >> 32n), 4);
  body.writeUInt32LE(Number(us & 0xffffffffn), 8);
  body.writeUInt32LE(data.length, 12);
  body.writeUInt32LE(data.length, 16);
  data.copy(body, 20);
  return pcapngBlock(6, body);
}

export function pcapngFile(frames: PcapRecord[], linkType = 1): Buffer {
  return Buffer.concat([pcapngShb(), pcapngIdb(linkType), ...frames.map((f) => pcapngEpb(f.data, f.time))]);
}

/**
 * A TCP conversation builder: keeps both sides' sequence numbers so tests can write "client sends X" and get
 * well-formed segments, then deliberately break them.
 */
export class Conversation {
  clientSeq: number;
  serverSeq: number;
  time: number;

  constructor(
    readonly client: { ip: string; port: number },
    readonly server: { ip: string; port: number },
    clientIsn = 1000,
    serverIsn = 5000,
    time = 1_700_000_000,
  ) {
    this.clientSeq = clientIsn;
    this.serverSeq = serverIsn;
    this.time = time;
  }

  private tick(): number {
    this.time += 0.0001;
    return this.time;
  }

  /** SYN, SYN-ACK, ACK. */
  handshake(): PcapRecord[] {
    const syn = this.fromClient(TCP_SYN, Buffer.alloc(0), this.clientSeq, 0);
    this.clientSeq = (this.clientSeq + 1) >>> 0;
    const synAck = this.fromServer(TCP_SYN | TCP_ACK, Buffer.alloc(0), this.serverSeq, this.clientSeq);
    this.serverSeq = (this.serverSeq + 1) >>> 0;
    const ack = this.fromClient(TCP_ACK, Buffer.alloc(0), this.clientSeq, this.serverSeq);
    return [syn, synAck, ack];
  }

  /** Client data at the current sequence number (advancing it unless `advance` is false). */
  clientData(payload: Buffer, advance = true): PcapRecord {
    const r = this.fromClient(TCP_ACK | TCP_PSH, payload, this.clientSeq, this.serverSeq);
    if (advance) this.clientSeq = (this.clientSeq + payload.length) >>> 0;
    return r;
  }

  serverData(payload: Buffer): PcapRecord {
    const r = this.fromServer(TCP_ACK | TCP_PSH, payload, this.serverSeq, this.clientSeq);
    this.serverSeq = (this.serverSeq + payload.length) >>> 0;
    return r;
  }

  fromClient(flags: number, payload: Buffer, seq: number, ack: number): PcapRecord {
    return {
      time: this.tick(),
      data: tcpFrame({ srcIp: this.client.ip, dstIp: this.server.ip, srcPort: this.client.port, dstPort: this.server.port, seq, ack, flags, payload }),
    };
  }

  fromServer(flags: number, payload: Buffer, seq: number, ack: number): PcapRecord {
    return {
      time: this.tick(),
      data: tcpFrame({ srcIp: this.server.ip, dstIp: this.client.ip, srcPort: this.server.port, dstPort: this.client.port, seq, ack, flags, payload }),
    };
  }
}
