/**
 * Words for TCP segments: flag names, the event type of a segment, and its one-line summary in Wireshark's style
 * (with the handshake step and what an ACK acknowledges). Pure functions of a segment and its analysis.
 */
import { TCP_ACK, TCP_CWR, TCP_ECE, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, TCP_URG } from '../decode/tcp.js';
import type { TcpSegment } from '../decode/types.js';
import type { SegmentAnalysis } from '../reassembly/connections.js';
import type { TcpEvent, TcpEventType } from '../model/events.js';

const FLAG_NAMES: Array<[number, string]> = [
  [TCP_SYN, 'SYN'], [TCP_FIN, 'FIN'], [TCP_RST, 'RST'], [TCP_PSH, 'PSH'], [TCP_ACK, 'ACK'], [TCP_URG, 'URG'],
  [TCP_ECE, 'ECE'], [TCP_CWR, 'CWR'],
];

export function flagNames(flags: number): string[] {
  const names: string[] = [];
  for (const [bit, name] of FLAG_NAMES) if ((flags & bit) !== 0) names.push(name);
  return names;
}

/** Filled on first use of each combination: freezing all 256 arrays at load costs a tiny capture's run ~10 ms. */
const SHARED_FLAG_NAMES: Array<string[] | undefined> = new Array<string[] | undefined>(256).fill(undefined);

/**
 * flagNames, one frozen array per combination of the eight flags, shared by every caller: for events that stay
 * inside the analysis (the summary path's TCP packets for the stages), never for events handed to consumers. Frozen:
 * changing one throws.
 */
export function sharedFlagNames(flags: number): string[] {
  return SHARED_FLAG_NAMES[flags & 0xff] ??= Object.freeze(flagNames(flags & 0xff)) as string[];
}

export function tcpType(flags: number, len: number): TcpEventType {
  if ((flags & TCP_RST) !== 0) return 'RST';
  if ((flags & TCP_SYN) !== 0) return (flags & TCP_ACK) !== 0 ? 'SYN-ACK' : 'SYN';
  if ((flags & TCP_FIN) !== 0) return 'FIN';
  if (len > 0) return 'DATA';
  if ((flags & TCP_ACK) !== 0) return 'ACK';
  return 'SEGMENT';
}

export function describeTcp(e: TcpEvent, tcp: TcpSegment, a: SegmentAnalysis): string {
  const notes: string[] = [];
  if (e.retransmission === true) notes.push('[TCP Retransmission]');
  if (e.outOfOrder === true) notes.push('[TCP Out-Of-Order]');
  if (e.duplicateAck === true) notes.push('[TCP Dup ACK]');
  if (a.keepAlive) notes.push('[TCP Keep-Alive]');
  if (a.lostSegment) notes.push('[TCP Previous segment not captured]');
  const head = `${notes.length > 0 ? `${notes.join(' ')} ` : ''}${tcp.srcPort} → ${tcp.dstPort} [${e.flags.join(', ')}] Seq=${e.relSeq}`;
  const ack = (tcp.flags & TCP_ACK) !== 0 ? ` Ack=${e.relAck}` : '';
  const tail: string[] = [];
  if (e.len > 0) tail.push(`Len=${e.len}`);
  if (tcp.options.mss !== undefined) tail.push(`MSS=${tcp.options.mss}`);
  if (tcp.options.windowScale !== undefined) tail.push(`WS=${2 ** Math.min(tcp.options.windowScale, 14)}`);
  let what = '';
  switch (e.type) {
    case 'SYN': what = ' — handshake 1/3: client opens'; break;
    case 'SYN-ACK': what = ' — handshake 2/3: server accepts'; break;
    case 'ACK':
      if (e.handshakeRttMs !== undefined) what = ` — handshake 3/3 complete, RTT ${e.handshakeRttMs.toFixed(3)} ms`;
      else if (e.duplicateAck !== true) what = ` — acknowledges bytes up to ${e.relAck}`;
      break;
    case 'FIN': what = ' — closes its side'; break;
    case 'RST': what = ' — connection reset'; break;
    default: break;
  }
  return `${head}${ack} Win=${e.window}${tail.length > 0 ? ` ${tail.join(' ')}` : ''}${what}`;
}
