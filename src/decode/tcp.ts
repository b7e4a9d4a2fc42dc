/**
 * TCP: ports, raw sequence/acknowledgement numbers, data offset (validated), the 9 flag bits, window, and the options
 * MSS, window scale, SACK permitted, SACK blocks and timestamps (NOP/EOL understood, unknown options skipped, a
 * malformed option ends option parsing silently). The payload is a subarray trimmed to the IP payload, and
 * payloadLength is the length the IP header declares (capped at what was on the wire), as tshark's tcp.len.
 * Segments without options share one frozen empty options object, and segments without captured payload one empty
 * Buffer. The checksum of a segment with data or SYN captured whole can be verified (tcpChecksumGood) from the IP
 * pseudo-header's sum the decoder keeps; it is not summed here. Not done: stream tracking, MPTCP/TFO/other options.
 */
import type { DecodedFrame, TcpOptions, TcpSegment } from './types.js';
import { setError, u16, u32 } from './util.js';

export const TCP_MIN_HEADER_LENGTH = 20;

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;
export const TCP_ECE = 0x40;
export const TCP_CWR = 0x80;
export const TCP_NS = 0x100;

/** Payload of segments that carry no data (pure ACKs, SYNs...): one shared empty Buffer, saving a view per frame. */
const EMPTY_PAYLOAD: Buffer = Buffer.alloc(0);

/** Options of segments that carry none we decode. Frozen: do not mutate. */
export const NO_TCP_OPTIONS: TcpOptions = Object.freeze({}) as TcpOptions;

/**
 * Decodes the TCP segment in d[off..end) (captured bytes, already trimmed to the IP payload); `wireEnd` is where the
 * segment ends on the wire (beyond `end` when the snaplen cut the frame); `pseudo` is the sum of the IP pseudo-header's
 * addresses and protocol (./ipv4.ts, ./ipv6.ts), undefined when the checksum cannot be verified (a reassembled
 * fragment's pieces).
 */
export function decodeTcp(out: DecodedFrame, d: Buffer, off: number, end: number, wireEnd: number, pseudo?: number): void {
  const avail = end - off;
  if (avail < TCP_MIN_HEADER_LENGTH) {
    setError(out, 'tcp', 'decode.truncated', `TCP header needs 20 bytes, ${avail < 0 ? 0 : avail} captured`);
    return;
  }
  const b12 = d[off + 12]!;
  const hl = (b12 >> 4) << 2;
  if (hl < TCP_MIN_HEADER_LENGTH) {
    setError(out, 'tcp', 'decode.bad-header-length', `TCP data offset ${hl >> 2} (${hl} bytes) < 5`);
    return;
  }
  if (hl > wireEnd - off) {
    setError(out, 'tcp', 'decode.bad-header-length', `TCP header length ${hl} > segment length ${wireEnd - off}`);
    return;
  }
  const flags = ((b12 & 1) << 8) | d[off + 13]!;
  if (hl > avail) {
    // The snaplen cut the options: the fixed header is whole, so the segment is read as tshark reads it (ports, seq,
    // flags, window; the options captured; no payload), and the cut is a finding.
    setError(out, 'tcp', 'decode.truncated', `TCP header with options needs ${hl} bytes, ${avail} captured`);
    out.tcp = {
      srcPort: u16(d, off), dstPort: u16(d, off + 2), seq: u32(d, off + 4), ack: u32(d, off + 8), headerLength: hl, flags,
      window: u16(d, off + 14),
      options: avail === TCP_MIN_HEADER_LENGTH ? NO_TCP_OPTIONS : decodeTcpOptions(d, off + TCP_MIN_HEADER_LENGTH, end),
      payload: EMPTY_PAYLOAD, payloadLength: wireEnd - off - hl, checksumPseudo: undefined, frameBytes: d, headerOffset: off,
    };
    return;
  }
  const verify = pseudo !== undefined && end === wireEnd && (end - off > hl || (flags & TCP_SYN) !== 0);
  out.tcp = {
    srcPort: u16(d, off),
    dstPort: u16(d, off + 2),
    seq: u32(d, off + 4),
    ack: u32(d, off + 8),
    headerLength: hl,
    flags,
    window: u16(d, off + 14),
    options: hl === TCP_MIN_HEADER_LENGTH ? NO_TCP_OPTIONS : decodeTcpOptions(d, off + TCP_MIN_HEADER_LENGTH, off + hl),
    payload: end > off + hl ? d.subarray(off + hl, end) : EMPTY_PAYLOAD,
    payloadLength: wireEnd - off - hl,
    checksumPseudo: verify ? pseudo + (end - off) : undefined,
    frameBytes: d,
    headerOffset: off,
  };
}

/**
 * Whether the segment's TCP checksum is right (undefined: it cannot be verified, see TcpSegment.checksumPseudo).
 * Called by the connection table only while it needs to know (./../reassembly/connections.ts): summing every byte of
 * every segment would cost a capture of offloaded checksums for nothing.
 */
export function tcpChecksumGood(tcp: TcpSegment): boolean | undefined {
  const pseudo = tcp.checksumPseudo;
  if (pseudo === undefined) return undefined;
  const off = tcp.headerOffset;
  return onesComplementSum(tcp.frameBytes, off, off + tcp.headerLength + tcp.payload.length, pseudo) === 0xffff;
}

/** The 16-bit one's complement sum of d[off..end) (an odd last byte padded with zero) plus `initial`, folded. */
export function onesComplementSum(d: Buffer, off: number, end: number, initial: number): number {
  let sum = initial;
  let i = off;
  for (; i + 1 < end; i += 2) sum += (d[i]! << 8) | d[i + 1]!;
  if (i < end) sum += d[i]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** Sum of the 16-bit words of d[off..end) (an IP address), unfolded: a pseudo-header's part. */
export function wordSum(d: Buffer, off: number, end: number): number {
  let sum = 0;
  for (let i = off; i < end; i += 2) sum += (d[i]! << 8) | d[i + 1]!;
  return sum;
}

/** Parses the TCP options in d[off..end). Returns NO_TCP_OPTIONS when none of the decoded kinds is present. */
export function decodeTcpOptions(d: Buffer, off: number, end: number): TcpOptions {
  if (end - off === 12 && d[off] === 1 && d[off + 1] === 1 && d[off + 2] === 8 && d[off + 3] === 10) {
    // NOP, NOP, Timestamps: what nearly every data segment and ACK of a Linux host carries.
    const o = newOptions();
    o.tsval = u32(d, off + 4);
    o.tsecr = u32(d, off + 8);
    return o;
  }
  let o: TcpOptions = NO_TCP_OPTIONS;
  let i = off;
  while (i < end) {
    const kind = d[i]!;
    if (kind === 0) break; // EOL
    if (kind === 1) {
      i++; // NOP
      continue;
    }
    if (i + 1 >= end) break;
    const len = d[i + 1]!;
    if (len < 2 || i + len > end) break; // malformed: stop
    switch (kind) {
      case 2:
        if (len === 4) {
          if (o === NO_TCP_OPTIONS) o = newOptions();
          o.mss = u16(d, i + 2);
        }
        break;
      case 3:
        if (len === 3) {
          if (o === NO_TCP_OPTIONS) o = newOptions();
          o.windowScale = d[i + 2]!;
        }
        break;
      case 4:
        if (len === 2) {
          if (o === NO_TCP_OPTIONS) o = newOptions();
          o.sackPermitted = true;
        }
        break;
      case 5:
        if (len >= 10 && (len - 2) % 8 === 0) {
          if (o === NO_TCP_OPTIONS) o = newOptions();
          const blocks: Array<[number, number]> = [];
          for (let b = i + 2; b < i + len; b += 8) blocks.push([u32(d, b), u32(d, b + 4)]);
          o.sack = blocks;
        }
        break;
      case 8:
        if (len === 10) {
          if (o === NO_TCP_OPTIONS) o = newOptions();
          o.tsval = u32(d, i + 2);
          o.tsecr = u32(d, i + 6);
        }
        break;
      default:
        break;
    }
    i += len;
  }
  return o;
}

/** All fields present (undefined) so every options object has the same shape. */
function newOptions(): TcpOptions {
  return { mss: undefined, windowScale: undefined, sackPermitted: undefined, sack: undefined, tsval: undefined, tsecr: undefined };
}
