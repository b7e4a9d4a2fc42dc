/**
 * Words for TCP segments: flag names, the event type of a segment, and its one-line summary in Wireshark's style
 * (with the handshake step and what an ACK acknowledges). Pure functions of a segment and its analysis.
 */
import { TCP_ACK, TCP_CWR, TCP_ECE, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, TCP_URG } from '../decode/tcp.js';
import type { TcpSegment } from '../decode/types.js';
import type { EventTunnel, TcpEvent, TcpEventType } from '../model/events.js';

const FLAG_NAMES: Array<[number, string]> = [
  [TCP_SYN, 'SYN'], [TCP_FIN, 'FIN'], [TCP_RST, 'RST'], [TCP_PSH, 'PSH'], [TCP_ACK, 'ACK'], [TCP_URG, 'URG'],
  [TCP_ECE, 'ECE'], [TCP_CWR, 'CWR'],
];

function namesOf(flags: number): string[] {
  const names: string[] = [];
  for (const [bit, name] of FLAG_NAMES) if ((flags & bit) !== 0) names.push(name);
  return names;
}

/*
 * Per combination of the eight flags, each made on its first use (building all 256 at load costs a tiny capture's
 * run about 10 ms): the names copied by flagNames and never handed out (not frozen: slice() of a frozen array takes
 * V8's slow path, measured about 100 times slower), the frozen shared names, and "SYN, ACK" as the summary line shows them.
 */
const FLAG_NAME_TEMPLATES: Array<string[] | undefined> = new Array<string[] | undefined>(256).fill(undefined);
const SHARED_FLAG_NAMES: Array<string[] | undefined> = new Array<string[] | undefined>(256).fill(undefined);
const FLAG_TEXT: Array<string | undefined> = new Array<string | undefined>(256).fill(undefined);

function flagText(flags: number): string {
  return FLAG_TEXT[flags] ??= namesOf(flags).join(', ');
}

/** The names of the flags set in `flags`, in Wireshark's order: a new array each call (the event owns it). */
export function flagNames(flags: number): string[] {
  return (FLAG_NAME_TEMPLATES[flags & 0xff] ??= namesOf(flags & 0xff)).slice();
}

/**
 * flagNames, one frozen array per combination of the eight flags, shared by every caller: for events that stay
 * inside the analysis (the summary path's TCP packets for the stages), never for events handed to consumers. Frozen:
 * changing one throws.
 */
export function sharedFlagNames(flags: number): string[] {
  return SHARED_FLAG_NAMES[flags & 0xff] ??= Object.freeze(namesOf(flags & 0xff)) as string[];
}

/** "1883 → 40000 [PSH, ACK] Seq=" of the last few (ports, flags) seen, direct-mapped: a connection's segments repeat it. */
const HEAD_KEYS = new Float64Array(256).fill(-1);
const HEAD_TEXT: string[] = new Array<string>(256).fill('');

function headOf(srcPort: number, dstPort: number, flags: number): string {
  const key = (srcPort * 65536 + dstPort) * 256 + flags;
  const slot = (srcPort ^ dstPort ^ (flags << 2)) & 255;
  if (HEAD_KEYS[slot] === key) return HEAD_TEXT[slot]!;
  const text = `${srcPort} → ${dstPort} [${flagText(flags)}] Seq=`;
  HEAD_KEYS[slot] = key;
  HEAD_TEXT[slot] = text;
  return text;
}

export function tcpType(flags: number, len: number): TcpEventType {
  if ((flags & TCP_RST) !== 0) return 'RST';
  if ((flags & TCP_SYN) !== 0) return (flags & TCP_ACK) !== 0 ? 'SYN-ACK' : 'SYN';
  if ((flags & TCP_FIN) !== 0) return 'FIN';
  if (len > 0) return 'DATA';
  if ((flags & TCP_ACK) !== 0) return 'ACK';
  return 'SEGMENT';
}

/**
 * The summary line of a TCP segment. `e` is the segment's event with everything but `summary` set; its flags are
 * `tcp.flags`' (flagNames). Built by concatenation (no arrays of parts): it is made for every segment.
 */
export function describeTcp(e: TcpEvent, tcp: TcpSegment, keepAlive: boolean, lostSegment: boolean): string {
  let text = e.badChecksum === true ? '[TCP CHECKSUM INCORRECT] ' : '';
  if (e.retransmission === true) text += '[TCP Retransmission] ';
  if (e.outOfOrder === true) text += '[TCP Out-Of-Order] ';
  if (e.duplicateAck === true) text += '[TCP Dup ACK] ';
  if (keepAlive) text += '[TCP Keep-Alive] ';
  if (lostSegment) text += '[TCP Previous segment not captured] ';
  // tshark's tcp.analysis.zero_window: a zero window on anything but SYN, FIN or RST.
  if (e.window === 0 && (tcp.flags & (TCP_SYN | TCP_FIN | TCP_RST)) === 0) text += '[TCP ZeroWindow] ';
  text += `${headOf(tcp.srcPort, tcp.dstPort, tcp.flags & 0xff)}${e.relSeq}`;
  if ((tcp.flags & TCP_ACK) !== 0) text += ` Ack=${e.relAck}`;
  text += ` Win=${e.window}`;
  if (e.len > 0) text += ` Len=${e.len}`;
  const options = tcp.options;
  if (options.mss !== undefined) text += ` MSS=${options.mss}`;
  if (options.windowScale !== undefined) text += ` WS=${2 ** Math.min(options.windowScale, 14)}`;
  if (e.badChecksum === true) return `${text} — bad checksum: corrupted on the way, the receiver drops it and it is sent again (acknowledged instead, the capture was edited)`;
  switch (e.type) {
    case 'SYN': return `${text} — handshake 1/3: client opens`;
    case 'SYN-ACK': return `${text} — handshake 2/3: server accepts`;
    case 'ACK':
      if (e.handshakeRttMs !== undefined) return `${text} — handshake 3/3 complete, RTT ${e.handshakeRttMs.toFixed(3)} ms`;
      if (e.duplicateAck !== true) return `${text} — acknowledges bytes up to ${e.relAck}`;
      return text;
    case 'FIN': return `${text} — closes its side`;
    case 'RST': return `${text} — connection reset`;
    default: return text;
  }
}

/**
 * A TCP segment's event whose summary line is made when it is first read (AnalyzeOptions.lazyTcpSummaries): the
 * timeline table shows a data segment that completed MQTT packets as those packets, so most data segments' lines are
 * never read. The same fields as the event the pipeline builds, in the same order, absent analysis flags undefined;
 * `summary` is a getter (not an own property: JSON.stringify and for...in do not see it, so this event is for
 * consumers that read fields by name, such as the table and the diagnosis).
 */
export class LazyTcpEvent implements TcpEvent {
  readonly kind = 'packet';
  readonly layer = 'tcp';
  retransmission: boolean | undefined = undefined;
  outOfOrder: boolean | undefined = undefined;
  duplicateAck: boolean | undefined = undefined;
  badChecksum: boolean | undefined = undefined;
  capturedLen: number | undefined = undefined;
  handshakeRttMs: number | undefined = undefined;
  handshakeFrames: number[] | undefined = undefined;
  tunnels: EventTunnel[] | undefined = undefined;
  #summary: string | undefined = undefined;
  readonly #segment: TcpSegment;
  readonly #keepAlive: boolean;
  readonly #lostSegment: boolean;

  constructor(
    public frame: number, public time: number, public type: TcpEventType, public src: string, public dst: string,
    public stream: number, public flags: string[], public seq: number, public ack: number, public relSeq: number,
    public relAck: number, public len: number, public window: number, public windowValue: number,
    segment: TcpSegment, keepAlive: boolean, lostSegment: boolean,
  ) {
    this.#segment = segment;
    this.#keepAlive = keepAlive;
    this.#lostSegment = lostSegment;
  }

  get summary(): string {
    return this.#summary ??= describeTcp(this, this.#segment, this.#keepAlive, this.#lostSegment);
  }
}
