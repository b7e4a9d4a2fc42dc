/**
 * The TCP connection table: finds the connection of each segment (Wireshark's tcp.stream index), opens one (deciding
 * which side is the client), opens a new one when a SYN reuses the ports, keeps closed ones a while for late segments,
 * evicts the least recently active of the oldest past `maxConnections`, and reports each connection's end once. Per
 * segment it runs the state machine (handshake.ts) and the analysis flags (tcp-analysis.ts), and feeds the
 * direction's reassembler, created with the application's stream handlers on the connection's first payload byte.
 * It does not interpret payload bytes (the StreamHandlers given by `openStreams` do).
 */
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, tcpChecksumGood } from '../decode/tcp.js';
import type { TcpSegment } from '../decode/types.js';
import type { ConnectionEndReason, Side } from '../model/events.js';
import {
  ConnectionRecord, TcpEndpoint, type ConnectionEnd, type ConnectionStreams, type DirectionState, type TcpConnection,
} from './connection.js';
import { closingStep, handshakeOutcome, handshakeStep, initialState, type HandshakeSegment } from './handshake.js';
import { seqAdd, seqDiff } from './sequence.js';
import type { MemoryBudget } from '../model/budget.js';
import { BufferBudget, TcpStreamReassembler, type ReassemblyLimits, type StreamEndReason } from './stream.js';
import { analyseSegment, observeWindowScale, scaledWindow, type AnalysedSegment, type AnalysisFlags } from './tcp-analysis.js';

export { endpointLabel } from './connection.js';
export type { ConnectionEnd, ConnectionState, ConnectionStreams, DirectionState, Endpoint, TcpConnection } from './connection.js';

export interface SegmentAnalysis {
  connection: TcpConnection;
  /** True when the segment was sent by the client. */
  fromClient: boolean;
  relSeq: number;
  relAck: number;
  /** The window as Wireshark calculates it (tcp.window_size): scaled once the handshake's window scale is known. */
  window: number;
  retransmission: boolean;
  outOfOrder: boolean;
  lostSegment: boolean;
  duplicateAck: boolean;
  keepAlive: boolean;
  /**
   * The segment arrived corrupted: a bad TCP checksum from a sender whose first verified checksum was right (so not a NIC's
   * checksum offload). Its bytes are held back (DirectionState.heldBadChecksum): dropped when the sender sends them
   * again, read when the receiver acknowledges them; still held when the connection ends (never sent again nor
   * acknowledged: the receiver dropped it), dropped and told (`badChecksumDropped`).
   */
  badChecksum: boolean;
  /** Set when this segment completes the three-way handshake. */
  handshakeCompleted: boolean;
  /** A new connection was opened by this segment. */
  opened: boolean;
}

export interface ConnectionTableOptions {
  maxConnections: number;
  /** The analysis' memory budget, charged for out-of-order segments held (besides the caps above). */
  memoryBudget?: MemoryBudget;
  maxPendingBytesPerStream: number;
  maxPendingBytesTotal: number;
  /** Ports that identify the server when the handshake was not captured. */
  serverPorts: ReadonlySet<number>;
  /** Called for each new connection, before anything of the segment that opened it. */
  opened?(connection: TcpConnection): void;
  /**
   * Called on the connection's first payload byte (or hole), never for a connection that carries none: the handlers
   * for client-to-server and server-to-client bytes, and what to call once the connection has ended (after both
   * streams' `end`). A direction whose stream ended before this call (a FIN before any byte either way) gets no `end`.
   */
  openStreams(connection: TcpConnection): ConnectionStreams;
  /** Called once for a connection that ended without carrying any payload (its streams were never opened). */
  endedWithoutStreams?(connection: TcpConnection, end: ConnectionEnd): void;
  /** A cap was hit, a connection was evicted (table full), or one silent past `idleTimeoutSeconds` was ended. */
  onLimit(kind: 'reassembly-cap' | 'connection-evicted' | 'connection-idle', connection: TcpConnection, frame: number, time: number): void;
  /**
   * A segment held for its bad checksum was still held when its connection ended: never sent again, never
   * acknowledged, so the receiver dropped it. Its bytes (corrupted: not what the sender wrote) are not read. Its
   * direction (`toServer`), frame, time and payload length, and why the connection ended.
   */
  badChecksumDropped?(connection: TcpConnection, toServer: boolean, frame: number, time: number, bytes: number, ended: ConnectionEndReason): void;
  /**
   * Seconds of capture time after which a silent connection is ended (reason "evicted"; a later segment picks it up
   * again as a new connection). Off by default: a live view running for days sets it, so that peers that vanished
   * without a FIN or RST do not hold their state forever.
   */
  idleTimeoutSeconds?: number;
}

/** Seconds of capture time a closed connection is kept for late segments, and how many such connections at most. */
const RETIRE_AFTER = 60;
const MAX_CLOSING = 10_000;
/** Slots of the key cache, minus one. */
const KEY_CACHE_MASK = 255;
/** How many of the oldest connections are looked at to choose one to evict. */
const EVICTION_SAMPLE = 64;
/** Evicted connections whose key is remembered (a later segment of one is picked up as its continuation), the latest. */
const MAX_EVICTED_KEYS = 10_000;

export class TcpConnectionTable {
  private readonly connections = new Map<string, ConnectionRecord>();
  /** Closed or reset connections, oldest first: kept a while for late segments (final ACK, retransmitted FIN), then dropped. */
  private readonly closing: Array<{ connection: ConnectionRecord; time: number }> = [];
  private closingHead = 0;
  private readonly budget: BufferBudget;
  /** One limits object shared by every reassembler. */
  private readonly limits: ReassemblyLimits;
  private nextIndex = 0;
  /** Recent endpoint pairs and their key (keyOf). */
  private readonly keyCache: Array<{ srcIp: string; dstIp: string; srcPort: number; dstPort: number; key: string } | undefined> =
    new Array<undefined>(KEY_CACHE_MASK + 1).fill(undefined);
  /** Capture time of the last look for idle connections (idleTimeoutSeconds). */
  private idleCheckedAt = 0;
  evicted = 0;
  /** Keys of connections the table let go while open (evicted, idle), with their stream index: the latest MAX_EVICTED_KEYS. */
  private readonly evictedKeys = new Map<string, number>();

  constructor(private readonly options: ConnectionTableOptions) {
    this.budget = new BufferBudget(options.maxPendingBytesTotal, options.memoryBudget);
    this.limits = { maxPendingBytesPerStream: options.maxPendingBytesPerStream, budget: this.budget };
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

  /** What `process` returns: one object, refilled by each call (no object per segment). */
  private result: SegmentAnalysis | undefined;
  /** The facts of the segment in hand for the analysis flags and the handshake, and the flags: refilled per segment. */
  private readonly facts: AnalysedSegment = {
    seq: 0, ack: 0, len: 0, seqLen: 0, window: 0, syn: false, ackFlag: false, fin: false, rst: false,
  };
  private readonly step: HandshakeSegment = { syn: false, ack: false, rst: false, fromClient: false, len: 0, opened: false, tsval: undefined, tsecr: undefined };
  private readonly flags: AnalysisFlags = { retransmission: false, outOfOrder: false, lostSegment: false, duplicateAck: false, keepAlive: false };

  /** One segment: its connection's state, reassembly and analysis. The result is valid until the next call. */
  process(srcIp: string, dstIp: string, tcp: TcpSegment, frame: number, time: number): SegmentAnalysis {
    if (this.closingHead < this.closing.length) this.retireClosed(time);
    const idle = this.options.idleTimeoutSeconds;
    if (idle !== undefined && time - this.idleCheckedAt >= Math.max(1, idle / 4)) this.endIdle(idle, frame, time);
    const key = this.keyOf(srcIp, dstIp, tcp.srcPort, tcp.dstPort);
    let connection = this.connections.get(key);
    const flags = tcp.flags;
    const syn = (flags & TCP_SYN) !== 0;
    const ack = (flags & TCP_ACK) !== 0;
    const fin = (flags & TCP_FIN) !== 0;
    const rst = (flags & TCP_RST) !== 0;
    let opened = false;
    if (connection !== undefined && syn && !ack && this.isNewSyn(connection, srcIp, tcp)) {
      // Same ports, new SYN after a close (or a different ISN): a new connection.
      this.close(connection, 'port-reused', frame, time);
      this.connections.delete(key);
      connection = undefined;
    }
    if (connection === undefined) {
      connection = this.open(key, srcIp, dstIp, tcp, frame, time);
      this.connections.set(key, connection);
      opened = true;
      if (this.connections.size > this.options.maxConnections) this.evictIdlest(connection, frame, time);
    }

    const fromClient = connection.client.ip === srcIp && connection.client.port === tcp.srcPort;
    const sender = fromClient ? connection.toServer : connection.toClient;
    const receiver = fromClient ? connection.toClient : connection.toServer;
    connection.lastFrame = frame;
    connection.lastTime = time;

    const len = tcp.payloadLength;
    const seq = tcp.seq;
    let badChecksum = false;
    if (tcp.checksumPseudo !== undefined && sender.checksums !== 'offloaded') {
      const good = tcpChecksumGood(tcp) === true;
      if (sender.checksums === 'unknown') sender.checksums = good ? 'real' : 'offloaded';
      else badChecksum = !good;
    }
    if (syn && !sender.sawSyn) {
      sender.sawSyn = true;
      sender.isn = seq;
      sender.reassembler?.synchronize(seq);
    }
    if (sender.isn === undefined) sender.isn = (seq - 1) >>> 0;

    const window = scaledWindow(sender, tcp.window, syn);
    observeWindowScale(sender, receiver, tcp.options.windowScale, syn, ack);
    const facts = this.facts;
    facts.seq = seq;
    facts.ack = tcp.ack;
    facts.len = len;
    facts.seqLen = len + (syn ? 1 : 0) + (fin ? 1 : 0);
    facts.window = tcp.window;
    facts.syn = syn;
    facts.ackFlag = ack;
    facts.fin = fin;
    facts.rst = rst;
    const analysis = analyseSegment(sender, receiver, facts, time, connection.handshakeRttMs, this.flags);
    const step = this.step;
    step.syn = syn;
    step.ack = ack;
    step.rst = rst;
    step.fromClient = fromClient;
    step.len = len;
    step.opened = opened;
    step.tsval = syn ? tcp.options.tsval : undefined;
    step.tsecr = syn ? tcp.options.tsecr : undefined;
    const handshakeCompleted = handshakeStep(connection, step, frame, time);

    // What the receiver acknowledged first: it settles holes in the other direction before this segment's data. A
    // segment held for its bad checksum that the receiver acknowledged was taken after all: its bytes go in first.
    if (ack && !badChecksum) {
      const held = receiver.heldBadChecksum;
      if (held !== undefined && seqDiff(tcp.ack, seqAdd(held.seq, held.bytes.length)) >= 0) {
        receiver.heldBadChecksum = undefined;
        this.reassemblerOf(connection, receiver, !fromClient)?.segment(held.seq, held.bytes, held.frame, held.time);
      }
      receiver.reassembler?.acknowledged(tcp.ack, frame, time);
      // The peer acknowledged a FIN that waited for missing bytes: they reached it, the capture lost them.
      if (receiver.finPendingSeq !== undefined && seqDiff(tcp.ack, receiver.finPendingSeq) > 0) {
        this.finishStream(connection, receiver, !fromClient, 'fin', frame, time);
      }
    }
    // The first payload byte's sequence number (a SYN takes one).
    const dataSeq = syn ? seqAdd(seq, 1) : seq;
    // A segment that sends a held one's bytes again: the receiver had dropped the held one, corrupted on the way.
    const ownHeld = sender.heldBadChecksum;
    if (ownHeld !== undefined && len > 0 && !badChecksum
      && seqDiff(dataSeq, seqAdd(ownHeld.seq, ownHeld.bytes.length)) < 0 && seqDiff(seqAdd(dataSeq, len), ownHeld.seq) > 0) {
      sender.heldBadChecksum = undefined;
    }
    // A corrupted segment is held back (above); bytes captured whole only, at most 64 KiB.
    if (badChecksum && len > 0 && tcp.payload.length === len && len <= 0x10000) {
      sender.heldBadChecksum = { seq: dataSeq, bytes: Buffer.from(tcp.payload), frame, time };
    }
    // Feed the reassembler (payload bytes captured; a snaplen cut counts as a hole); not a corrupted segment's.
    if (len > 0 && !badChecksum) {
      const reassembler = this.reassemblerOf(connection, sender, fromClient);
      if (reassembler !== undefined) {
        const payload = tcp.payload;
        const verdict = payload.length > 0 ? reassembler.segment(dataSeq, payload, frame, time) : 'new';
        if (payload.length < len && verdict !== 'future' && verdict !== 'old') {
          // The snaplen cut the rest of this segment: those bytes are a hole in the stream.
          reassembler.forceSkip(seqAdd(dataSeq, len), frame, time);
        }
        // A retransmission filled the bytes before an earlier FIN: now the stream ends.
        const expected = reassembler.expectedSeq;
        if (sender.finPendingSeq !== undefined && expected !== undefined && seqDiff(expected, sender.finPendingSeq) >= 0) {
          this.finishStream(connection, sender, fromClient, 'fin', frame, time);
        }
      }
    }

    const side: Side = fromClient ? 'client' : 'server';
    if (fin && !rst && !badChecksum) sender.finSeen = true;
    // A corrupted FIN or RST is dropped by the receiver: it closes nothing (its retransmission will).
    const closing = badChecksum ? undefined : closingStep(connection, rst, fin, side, receiver.finSeen);
    if (closing === 'reset') {
      this.finishStream(connection, connection.toServer, true, 'rst', frame, time);
      this.finishStream(connection, connection.toClient, false, 'rst', frame, time);
      this.ended(connection, 'rst', frame, time);
    } else if (closing !== undefined) {
      // A FIN whose preceding bytes are missing (lost, retransmitted after it) ends the stream only once they arrive,
      // so that they are still delivered; the connection's close ends both streams whatever is missing.
      const expected = sender.reassembler?.expectedSeq;
      const finSeq = seqAdd(seq, len + (syn ? 1 : 0));
      if (closing === 'half-closed' && fin && expected !== undefined && seqDiff(finSeq, expected) > 0) sender.finPendingSeq = finSeq;
      else this.finishStream(connection, sender, fromClient, 'fin', frame, time);
      if (closing === 'closed') {
        this.finishStream(connection, receiver, !fromClient, 'fin', frame, time);
        this.ended(connection, 'fin', frame, time);
      }
    }

    if ((connection.state === 'closed' || connection.state === 'reset') && !connection.retiring) {
      connection.retiring = true;
      this.closing.push({ connection, time });
    }

    const relSeq = (seq - (sender.isn ?? seq)) >>> 0;
    const relAck = ack && receiver.isn !== undefined ? (tcp.ack - receiver.isn) >>> 0 : 0;
    let result = this.result;
    if (result === undefined) {
      result = {
        connection, fromClient, relSeq, relAck, window, retransmission: analysis.retransmission, outOfOrder: analysis.outOfOrder,
        lostSegment: analysis.lostSegment, duplicateAck: analysis.duplicateAck, keepAlive: analysis.keepAlive, badChecksum, handshakeCompleted, opened,
      };
      this.result = result;
      return result;
    }
    result.connection = connection;
    result.fromClient = fromClient;
    result.relSeq = relSeq;
    result.relAck = relAck;
    result.window = window;
    result.retransmission = analysis.retransmission;
    result.outOfOrder = analysis.outOfOrder;
    result.lostSegment = analysis.lostSegment;
    result.duplicateAck = analysis.duplicateAck;
    result.keepAlive = analysis.keepAlive;
    result.badChecksum = badChecksum;
    result.handshakeCompleted = handshakeCompleted;
    result.opened = opened;
    return result;
  }

  /**
   * One key for both directions: the endpoints in a fixed order. The keys of the last few endpoint pairs are kept
   * (a direct-mapped cache on the ports), so that a segment of a busy connection builds no string.
   */
  private keyOf(srcIp: string, dstIp: string, srcPort: number, dstPort: number): string {
    const slot = ((srcPort * 31) ^ dstPort) & KEY_CACHE_MASK;
    const cached = this.keyCache[slot];
    if (cached !== undefined && cached.srcPort === srcPort && cached.dstPort === dstPort && cached.srcIp === srcIp && cached.dstIp === dstIp) {
      return cached.key;
    }
    const forward = srcIp < dstIp || (srcIp === dstIp && srcPort <= dstPort);
    const key = forward ? `${srcIp}|${srcPort}|${dstIp}|${dstPort}` : `${dstIp}|${dstPort}|${srcIp}|${srcPort}`;
    this.keyCache[slot] = { srcIp, dstIp, srcPort, dstPort, key };
    return key;
  }

  /** End of capture: every stream flushes what it holds and ends. */
  finishAll(frame: number, time: number): void {
    for (const connection of this.connections.values()) this.close(connection, 'capture-end', frame, time);
    this.connections.clear();
  }

  /** Drops connections closed more than RETIRE_AFTER seconds ago (or past MAX_CLOSING of them). */
  private retireClosed(now: number): void {
    while (this.closingHead < this.closing.length) {
      const oldest = this.closing[this.closingHead]!;
      if (now - oldest.time < RETIRE_AFTER && this.closing.length - this.closingHead <= MAX_CLOSING) break;
      this.closingHead++;
      const { connection } = oldest;
      // Still closed and still the connection under that key: done with it (it has ended already).
      if (this.connections.get(connection.key) === connection && (connection.state === 'closed' || connection.state === 'reset')) {
        this.connections.delete(connection.key);
        this.close(connection, 'capture-end', connection.lastFrame, now);
      }
    }
    // Compacted often: a retired entry still references its connection (and through it the connection's dissector).
    if (this.closingHead > 64 && this.closingHead * 2 > this.closing.length) {
      this.closing.splice(0, this.closingHead);
      this.closingHead = 0;
    }
  }

  /** Ends the connections silent for more than `idle` seconds (looked for every quarter of it). */
  private endIdle(idle: number, frame: number, time: number): void {
    this.idleCheckedAt = time;
    for (const [key, connection] of this.connections) {
      if (time - connection.lastTime <= idle) continue;
      this.connections.delete(key);
      if (connection.end !== undefined) continue; // closed already, kept for late segments
      this.options.onLimit('connection-idle', connection, frame, time);
      this.close(connection, 'evicted', frame, time);
      this.rememberEvicted(connection);
    }
  }

  private isNewSyn(connection: ConnectionRecord, srcIp: string, tcp: TcpSegment): boolean {
    if (connection.state === 'closed' || connection.state === 'reset' || connection.state === 'closing') return true;
    const fromClient = connection.client.ip === srcIp && connection.client.port === tcp.srcPort;
    const sender = fromClient ? connection.toServer : connection.toClient;
    // A SYN whose sequence number differs from this side's ISN (the first seq - 1 when no SYN was seen) starts a new
    // connection, as Wireshark's tcp.stream; the same ISN is a retransmitted SYN.
    return sender.isn !== undefined && sender.isn !== tcp.seq;
  }

  private open(key: string, srcIp: string, dstIp: string, tcp: TcpSegment, frame: number, time: number): ConnectionRecord {
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
    const a = new TcpEndpoint(srcIp, tcp.srcPort);
    const b = new TcpEndpoint(dstIp, tcp.dstPort);
    const connection = new ConnectionRecord(this.nextIndex++, srcIsClient ? a : b, srcIsClient ? b : a, clientFromSyn,
      initialState(syn, ack), frame, time, key);
    // Picked up without a SYN where the table let an open connection go: its traffic goes on (a new SYN starts anew).
    const before = this.evictedKeys.get(key);
    if (before !== undefined) {
      this.evictedKeys.delete(key);
      if (!syn) connection.evictedBefore = before;
    }
    this.options.opened?.(connection);
    return connection;
  }

  /** The direction's reassembler, created (with the connection's stream handlers) on its first payload byte. */
  private reassemblerOf(connection: ConnectionRecord, direction: DirectionState, toServer: boolean): TcpStreamReassembler | undefined {
    if (direction.reassembler !== undefined) return direction.reassembler;
    if (direction.streamEnded) return undefined;
    const streams = connection.streams ??= this.options.openStreams(connection);
    const reassembler = new TcpStreamReassembler(toServer ? streams.toServer : streams.toClient, this.limits);
    reassembler.onCapHit = (capFrame, _held, capTime) => this.options.onLimit('reassembly-cap', connection, capFrame, capTime);
    if (direction.sawSyn && direction.isn !== undefined) reassembler.synchronize(direction.isn);
    direction.reassembler = reassembler;
    return reassembler;
  }

  /** Ends one direction's stream (once): what its reassembler holds is flushed; without one, the handler is told. */
  private finishStream(connection: ConnectionRecord, direction: DirectionState, toServer: boolean, reason: StreamEndReason, frame: number, time: number): void {
    if (direction.reassembler !== undefined) direction.reassembler.finish(reason, frame, time);
    else if (!direction.streamEnded && connection.streams !== undefined) {
      (toServer ? connection.streams.toServer : connection.streams.toClient).end(reason, frame, time);
    }
    direction.streamEnded = true;
    direction.finPendingSeq = undefined;
  }

  /** Ends both streams (a no-op for those already ended), reports the end if not yet reported, frees held data. */
  private close(connection: ConnectionRecord, reason: StreamEndReason & ConnectionEndReason, frame: number, time: number): void {
    this.dropHeldBadChecksum(connection, connection.toServer, true, reason);
    this.dropHeldBadChecksum(connection, connection.toClient, false, reason);
    this.finishStream(connection, connection.toServer, true, reason, frame, time);
    this.finishStream(connection, connection.toClient, false, reason, frame, time);
    connection.toServer.reassembler?.release();
    connection.toClient.reassembler?.release();
    this.ended(connection, reason, frame, time);
  }

  /** A segment still held for its bad checksum when its connection ends: the receiver dropped it; said, not read. */
  private dropHeldBadChecksum(connection: ConnectionRecord, direction: DirectionState, toServer: boolean, reason: ConnectionEndReason): void {
    const held = direction.heldBadChecksum;
    if (held === undefined) return;
    direction.heldBadChecksum = undefined;
    this.options.badChecksumDropped?.(connection, toServer, held.frame, held.time, held.bytes.length, reason);
  }

  /** Reports the connection's end once: why, who closed it, how its handshake went. */
  private ended(connection: ConnectionRecord, reason: ConnectionEndReason, frame: number, time: number): void {
    if (connection.end !== undefined) return;
    const closedBy = reason === 'rst' ? connection.rstBy : connection.firstFinBy;
    const end: ConnectionEnd = {
      reason, ...(closedBy !== undefined ? { closedBy } : {}), state: connection.state,
      handshake: handshakeOutcome(connection), frame, time,
    };
    connection.end = end;
    if (connection.streams !== undefined) connection.streams.ended?.(connection, end);
    else this.options.endedWithoutStreams?.(connection, end);
  }

  /**
   * Evicts the least recently active of the oldest EVICTION_SAMPLE connections (Map order is creation order), never
   * `keep`, the connection just opened. Approximate LRU without reordering the table on every segment.
   */
  private evictIdlest(keep: ConnectionRecord, frame: number, time: number): void {
    let victim: ConnectionRecord | undefined;
    let seen = 0;
    for (const candidate of this.connections.values()) {
      if (candidate !== keep && (victim === undefined || candidate.lastTime < victim.lastTime)) victim = candidate;
      if (++seen >= EVICTION_SAMPLE) break;
    }
    if (victim === undefined) return;
    this.connections.delete(victim.key);
    this.evicted++;
    this.options.onLimit('connection-evicted', victim, frame, time);
    const open = victim.end === undefined;
    this.close(victim, 'evicted', frame, time);
    if (open) this.rememberEvicted(victim);
  }

  /** An open connection the table let go: a later segment with its key continues it (ConnectionRecord.evictedBefore). */
  private rememberEvicted(connection: ConnectionRecord): void {
    this.evictedKeys.delete(connection.key);
    this.evictedKeys.set(connection.key, connection.index);
    if (this.evictedKeys.size > MAX_EVICTED_KEYS) this.evictedKeys.delete(this.evictedKeys.keys().next().value!);
  }
}
