/**
 * The TCP connection table: finds the connection of each segment (Wireshark's tcp.stream index), decides which side
 * is the client, recognises the three-way handshake and its round-trip time, flags what Wireshark's TCP analysis
 * flags (retransmission, out-of-order, lost segment, duplicate ACK, keep-alive), and feeds each direction's
 * reassembler. The table is bounded: past `maxConnections` the least recently active of the oldest connections is
 * evicted.
 * It does not interpret payload bytes (the StreamHandlers given by `openStreams` do).
 */
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../decode/tcp.js';
import type { TcpSegment } from '../decode/types.js';
import type { ConnectionEndReason, HandshakeOutcome, Side, TcpConnectionState } from '../model/events.js';
import { handshakeOutcome, handshakeStep, initialHandshake, type HandshakeState } from './handshake.js';
import { seqAdd, seqDiff } from './sequence.js';
import type { MemoryBudget } from '../model/budget.js';
import { BufferBudget, TcpStreamReassembler, type StreamHandler, type StreamEndReason } from './stream.js';

export interface Endpoint {
  ip: string;
  port: number;
  /** "ip:port", or "[ip]:port" for IPv6. */
  label: string;
}

export type ConnectionState = TcpConnectionState;

/** How and when a connection ended (reported once per connection, after both directions' streams ended). */
export interface ConnectionEnd {
  reason: ConnectionEndReason;
  /** Who sent the first FIN (reason fin, or a half-close before another reason), or the RST. */
  closedBy?: Side;
  state: TcpConnectionState;
  handshake: HandshakeOutcome;
  frame: number;
  time: number;
}

export interface DirectionState {
  /** Initial sequence number (the SYN's, or the first seen minus one when the SYN was not captured). */
  isn: number | undefined;
  sawSyn: boolean;
  /** Highest sequence number sent plus one (the next expected), Wireshark's nextseq. */
  nextSeq: number | undefined;
  lastAck: number | undefined;
  lastWindow: number | undefined;
  /** Time of the last ACK from this direction, and how many duplicate ACKs in a row it sent (Wireshark's dupacknum). */
  lastAckTime: number;
  dupAcks: number;
  /** Time of the segment that last advanced nextSeq (Wireshark's nextseqtime). */
  nextSeqTime: number;
  finSeen: boolean;
  bytes: number;
  reassembler: TcpStreamReassembler;
}

export interface TcpConnection extends HandshakeState {
  index: number;
  client: Endpoint;
  server: Endpoint;
  /** True when the client was chosen from the SYN (false: chosen by ports). */
  clientFromSyn: boolean;
  firstFrame: number;
  lastFrame: number;
  firstTime: number;
  lastTime: number;
  /** Who sent the first FIN, and the RST. */
  firstFinBy?: Side;
  rstBy?: Side;
  /** Set once the connection has ended (the end is reported once). */
  end?: ConnectionEnd;
  toServer: DirectionState;
  toClient: DirectionState;
  /** Whatever the application layer attaches. */
  app?: unknown;
  /** Queued for removal from the table after its close. */
  retiring?: boolean;
}

export interface SegmentAnalysis {
  connection: TcpConnection;
  /** True when the segment was sent by the client. */
  fromClient: boolean;
  relSeq: number;
  relAck: number;
  retransmission: boolean;
  outOfOrder: boolean;
  lostSegment: boolean;
  duplicateAck: boolean;
  keepAlive: boolean;
  /** Set when this segment completes the three-way handshake. */
  handshakeCompleted: boolean;
  /** A new connection was opened by this segment. */
  opened: boolean;
}

export interface ConnectionStreams {
  toServer: StreamHandler;
  toClient: StreamHandler;
  ended?(connection: TcpConnection, end: ConnectionEnd): void;
}

export interface ConnectionTableOptions {
  maxConnections: number;
  /** The analysis' memory budget, charged for out-of-order segments held (besides the caps above). */
  memoryBudget?: MemoryBudget;
  maxPendingBytesPerStream: number;
  maxPendingBytesTotal: number;
  /** Ports that identify the server when the handshake was not captured. */
  serverPorts: ReadonlySet<number>;
  /**
   * Called for each new connection: the handlers for client-to-server and server-to-client bytes, and what to call
   * once the connection has ended (after both streams' `end`).
   */
  openStreams(connection: TcpConnection): ConnectionStreams;
  /** A cap was hit or a connection was evicted. */
  onLimit(kind: 'reassembly-cap' | 'connection-evicted', connection: TcpConnection, frame: number, time: number): void;
}

/** Seconds of capture time a closed connection is kept for late segments, and how many such connections at most. */
const RETIRE_AFTER = 60;
const MAX_CLOSING = 10_000;
/** How many of the oldest connections are looked at to choose one to evict. */
const EVICTION_SAMPLE = 64;

export function endpointLabel(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

export class TcpConnectionTable {
  private readonly connections = new Map<string, TcpConnection>();
  /** Closed or reset connections, oldest first: kept a while for late segments (final ACK, retransmitted FIN), then dropped. */
  private readonly closing: Array<{ key: string; connection: TcpConnection; time: number }> = [];
  private closingHead = 0;
  private readonly budget: BufferBudget;
  private readonly endHandlers = new Map<TcpConnection, (connection: TcpConnection, end: ConnectionEnd) => void>();
  private nextIndex = 0;
  evicted = 0;

  constructor(private readonly options: ConnectionTableOptions) {
    this.budget = new BufferBudget(options.maxPendingBytesTotal, options.memoryBudget);
  }

  get size(): number {
    return this.connections.size;
  }

  get totalConnections(): number {
    return this.nextIndex;
  }

  /** Live connections, oldest activity first. */
  values(): IterableIterator<TcpConnection> {
    return this.connections.values();
  }

  get bufferedBytes(): number {
    return this.budget.used;
  }

  process(srcIp: string, dstIp: string, tcp: TcpSegment, frame: number, time: number): SegmentAnalysis {
    if (this.closingHead < this.closing.length) this.retireClosed(time);
    // One key for both directions: the endpoints in a fixed order.
    const forward = srcIp < dstIp || (srcIp === dstIp && tcp.srcPort <= tcp.dstPort);
    const key = forward ? `${srcIp}|${tcp.srcPort}|${dstIp}|${tcp.dstPort}` : `${dstIp}|${tcp.dstPort}|${srcIp}|${tcp.srcPort}`;
    let connection = this.connections.get(key);
    const flags = tcp.flags;
    const syn = (flags & TCP_SYN) !== 0;
    const ack = (flags & TCP_ACK) !== 0;
    let opened = false;
    if (connection !== undefined && syn && !ack && this.isNewSyn(connection, srcIp, tcp)) {
      // Same ports, new SYN after a close (or a different ISN): a new connection.
      this.close(connection, 'port-reused', frame, time);
      this.connections.delete(key);
      connection = undefined;
    }
    if (connection === undefined) {
      connection = this.open(srcIp, dstIp, tcp, frame, time);
      this.connections.set(key, connection);
      opened = true;
      if (this.connections.size > this.options.maxConnections) this.evictIdlest(connection, frame, time);
    }

    const fromClient = connection.client.ip === srcIp && connection.client.port === tcp.srcPort;
    const sender = fromClient ? connection.toServer : connection.toClient;
    const receiver = fromClient ? connection.toClient : connection.toServer;
    connection.lastFrame = frame;
    connection.lastTime = time;

    const fin = (flags & TCP_FIN) !== 0;
    const rst = (flags & TCP_RST) !== 0;
    const len = tcp.payloadLength;
    const seq = tcp.seq;
    // Sequence space consumed: data, plus one for SYN and FIN.
    const seqLen = len + (syn ? 1 : 0) + (fin ? 1 : 0);

    if (syn && !sender.sawSyn) {
      sender.sawSyn = true;
      sender.isn = seq;
      sender.reassembler.synchronize(seq);
    }
    if (sender.isn === undefined) sender.isn = (seq - 1) >>> 0;

    // Wireshark-style analysis against what this direction sent before.
    let retransmission = false;
    let outOfOrder = false;
    let lostSegment = false;
    let keepAlive = false;
    let duplicateAck = false;
    const expected = sender.nextSeq;
    if (expected !== undefined && !rst) {
      const offset = seqDiff(seq, expected);
      if (seqLen <= 1 && offset === -1 && !syn && !fin) {
        keepAlive = true;
      } else if (seqLen > 0 && offset < 0) {
        // Sent before (Wireshark's order): a fast retransmission (the peer sent >= 2 duplicate ACKs for this seq, the
        // last within 20 ms) is a retransmission; otherwise a segment that comes within the handshake RTT (3 ms when
        // unknown or 0) of the one that last advanced nextSeq, and does not end there, is out of order.
        const fast = receiver.dupAcks >= 2 && receiver.lastAck === seq && time - receiver.lastAckTime < 0.02;
        const rtt = connection.handshakeRttMs;
        const threshold = rtt !== undefined && rtt > 0 ? rtt / 1000 : 0.003;
        if (!fast && time - sender.nextSeqTime < threshold && seqAdd(seq, len) !== expected) outOfOrder = true;
        else retransmission = true;
      } else if (offset > 0) {
        // Starts beyond what this side sent before: the capture missed a segment.
        lostSegment = true;
      }
    }
    if (ack && len === 0 && !syn && !fin && !rst && sender.lastAck !== undefined
      && tcp.ack === sender.lastAck && tcp.window === sender.lastWindow && receiver.nextSeq !== undefined
      && seqDiff(receiver.nextSeq, tcp.ack) > 0) {
      duplicateAck = true;
    }

    const segmentEnd = seqAdd(seq, seqLen);
    if (!rst && (sender.nextSeq === undefined || seqDiff(segmentEnd, sender.nextSeq) > 0)) {
      sender.nextSeq = segmentEnd;
      sender.nextSeqTime = time;
    }
    sender.bytes += len;
    if (ack) {
      if (duplicateAck) sender.dupAcks++;
      else if (tcp.ack !== sender.lastAck) sender.dupAcks = 0;
      sender.lastAck = tcp.ack;
      sender.lastWindow = tcp.window;
      sender.lastAckTime = time;
    }

    const handshakeCompleted = handshakeStep(connection, { syn, ack, rst, fromClient, len, opened }, frame, time);

    // What the receiver acknowledged first: it settles holes in the other direction before this segment's data.
    if (ack) receiver.reassembler.acknowledged(tcp.ack, frame, time);
    // Feed the reassembler (payload bytes captured; a snaplen cut counts as a hole).
    if (len > 0) {
      const payload = tcp.payload;
      const dataSeq = syn ? seqAdd(seq, 1) : seq;
      const verdict = payload.length > 0 ? sender.reassembler.segment(dataSeq, payload, frame, time) : 'new';
      if (payload.length < len && verdict !== 'future' && verdict !== 'old') {
        // The snaplen cut the rest of this segment: those bytes are a hole in the stream.
        sender.reassembler.forceSkip(seqAdd(dataSeq, len), frame, time);
      }
    }

    const side: Side = fromClient ? 'client' : 'server';
    if (rst) {
      connection.state = 'reset';
      connection.rstBy ??= side;
      connection.toServer.reassembler.finish('rst', frame, time);
      connection.toClient.reassembler.finish('rst', frame, time);
      this.ended(connection, 'rst', frame, time);
    } else if (fin) {
      sender.finSeen = true;
      connection.firstFinBy ??= side;
      if (connection.state !== 'reset') connection.state = receiver.finSeen ? 'closed' : 'closing';
      sender.reassembler.finish('fin', frame, time);
      if (connection.state === 'closed') this.ended(connection, 'fin', frame, time);
    }

    if ((connection.state === 'closed' || connection.state === 'reset') && !connection.retiring) {
      connection.retiring = true;
      this.closing.push({ key, connection, time });
    }

    const relSeq = (seq - (sender.isn ?? seq)) >>> 0;
    const relAck = ack && receiver.isn !== undefined ? (tcp.ack - receiver.isn) >>> 0 : 0;
    return {
      connection, fromClient, relSeq, relAck, retransmission, outOfOrder, lostSegment, duplicateAck, keepAlive,
      handshakeCompleted, opened,
    };
  }

  /** Drops connections closed more than RETIRE_AFTER seconds ago (or past MAX_CLOSING of them). */
  private retireClosed(now: number): void {
    while (this.closingHead < this.closing.length) {
      const oldest = this.closing[this.closingHead]!;
      if (now - oldest.time < RETIRE_AFTER && this.closing.length - this.closingHead <= MAX_CLOSING) break;
      this.closingHead++;
      const { key, connection } = oldest;
      // Still closed and still the connection under that key: done with it (it has ended already).
      if (this.connections.get(key) === connection && (connection.state === 'closed' || connection.state === 'reset')) {
        this.connections.delete(key);
        this.close(connection, 'capture-end', connection.lastFrame, now);
      }
    }
    // Compacted often: a retired entry still references its connection (and through it the connection's dissector).
    if (this.closingHead > 64 && this.closingHead * 2 > this.closing.length) {
      this.closing.splice(0, this.closingHead);
      this.closingHead = 0;
    }
  }

  /** End of capture: every stream flushes what it holds and ends. */
  finishAll(frame: number, time: number): void {
    for (const connection of this.connections.values()) this.close(connection, 'capture-end', frame, time);
    this.connections.clear();
  }

  private isNewSyn(connection: TcpConnection, srcIp: string, tcp: TcpSegment): boolean {
    if (connection.state === 'closed' || connection.state === 'reset' || connection.state === 'closing') return true;
    const fromClient = connection.client.ip === srcIp && connection.client.port === tcp.srcPort;
    const sender = fromClient ? connection.toServer : connection.toClient;
    // A SYN whose sequence number differs from this side's ISN (the first seq - 1 when no SYN was seen) starts a new
    // connection, as Wireshark's tcp.stream; the same ISN is a retransmitted SYN.
    return sender.isn !== undefined && sender.isn !== tcp.seq;
  }

  private open(srcIp: string, dstIp: string, tcp: TcpSegment, frame: number, time: number): TcpConnection {
    const syn = (tcp.flags & TCP_SYN) !== 0;
    const ack = (tcp.flags & TCP_ACK) !== 0;
    let srcIsClient: boolean;
    let clientFromSyn = true;
    if (syn && !ack) srcIsClient = true;
    else if (syn && ack) srcIsClient = false;
    else {
      clientFromSyn = false;
      const srcServer = this.options.serverPorts.has(tcp.srcPort);
      const dstServer = this.options.serverPorts.has(tcp.dstPort);
      if (srcServer !== dstServer) srcIsClient = dstServer;
      else srcIsClient = tcp.srcPort > tcp.dstPort;
    }
    const a: Endpoint = { ip: srcIp, port: tcp.srcPort, label: endpointLabel(srcIp, tcp.srcPort) };
    const b: Endpoint = { ip: dstIp, port: tcp.dstPort, label: endpointLabel(dstIp, tcp.dstPort) };
    const limits = { maxPendingBytesPerStream: this.options.maxPendingBytesPerStream, budget: this.budget };
    const connection: TcpConnection = {
      ...initialHandshake(syn, ack),
      index: this.nextIndex++,
      client: srcIsClient ? a : b,
      server: srcIsClient ? b : a,
      clientFromSyn,
      firstFrame: frame,
      lastFrame: frame,
      firstTime: time,
      lastTime: time,
      toServer: undefined as unknown as DirectionState,
      toClient: undefined as unknown as DirectionState,
    };
    const handlers = this.options.openStreams(connection);
    if (handlers.ended !== undefined) this.endHandlers.set(connection, handlers.ended);
    connection.toServer = newDirection(new TcpStreamReassembler(handlers.toServer, limits));
    connection.toClient = newDirection(new TcpStreamReassembler(handlers.toClient, limits));
    for (const direction of [connection.toServer, connection.toClient]) {
      direction.reassembler.onCapHit = (capFrame, _held, capTime) => this.options.onLimit('reassembly-cap', connection, capFrame, capTime);
    }
    return connection;
  }

  /** Ends both streams (a no-op for those already ended), reports the end if not yet reported, frees held data. */
  private close(connection: TcpConnection, reason: StreamEndReason & ConnectionEndReason, frame: number, time: number): void {
    connection.toServer.reassembler.finish(reason, frame, time);
    connection.toClient.reassembler.finish(reason, frame, time);
    connection.toServer.reassembler.release();
    connection.toClient.reassembler.release();
    this.ended(connection, reason, frame, time);
  }

  /** Reports the connection's end once: why, who closed it, how its handshake went. */
  private ended(connection: TcpConnection, reason: ConnectionEndReason, frame: number, time: number): void {
    if (connection.end !== undefined) return;
    const closedBy = reason === 'rst' ? connection.rstBy : connection.firstFinBy;
    const end: ConnectionEnd = {
      reason, ...(closedBy !== undefined ? { closedBy } : {}), state: connection.state,
      handshake: handshakeOutcome(connection), frame, time,
    };
    connection.end = end;
    const handler = this.endHandlers.get(connection);
    if (handler !== undefined) {
      this.endHandlers.delete(connection);
      handler(connection, end);
    }
  }

  /**
   * Evicts the least recently active of the oldest EVICTION_SAMPLE connections (Map order is creation order), never
   * `keep`, the connection just opened. Approximate LRU without reordering the table on every segment.
   */
  private evictIdlest(keep: TcpConnection, frame: number, time: number): void {
    let victimKey: string | undefined;
    let victim: TcpConnection | undefined;
    let seen = 0;
    for (const [key, candidate] of this.connections) {
      if (candidate !== keep && (victim === undefined || candidate.lastTime < victim.lastTime)) {
        victim = candidate;
        victimKey = key;
      }
      if (++seen >= EVICTION_SAMPLE) break;
    }
    if (victim === undefined || victimKey === undefined) return;
    const connection = victim;
    this.connections.delete(victimKey);
    this.evicted++;
    this.options.onLimit('connection-evicted', connection, frame, time);
    this.close(connection, 'evicted', frame, time);
  }
}

function newDirection(reassembler: TcpStreamReassembler): DirectionState {
  return {
    isn: undefined, sawSyn: false, nextSeq: undefined, lastAck: undefined, lastWindow: undefined,
    lastAckTime: 0, dupAcks: 0, nextSeqTime: 0, finSeen: false, bytes: 0, reassembler,
  };
}
