/**
 * What the connection table keeps for one TCP connection, kept small because a capture may hold 100 000 of them at
 * once (a SYN flood): the two endpoints (labels made when asked, not stored), the handshake and closing facts, and per
 * direction a few numbers for the analysis flags, while the reassembler and the application's stream handlers are
 * only created once payload flows. Data shapes only; the table (connections.ts), the analysis flags (tcp-analysis.ts)
 * and the state machine (handshake.ts) change them.
 */
import type { ConnectionEndReason, HandshakeOutcome, Side, TcpConnectionState } from '../model/events.js';
import type { HandshakeState } from './handshake.js';
import type { StreamEndReason, StreamHandler, TcpStreamReassembler } from './stream.js';

export function endpointLabel(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

export interface Endpoint {
  ip: string;
  port: number;
  /** "ip:port", or "[ip]:port" for IPv6. */
  readonly label: string;
}

/** An endpoint whose label is made when read (one string fewer to keep per endpoint of every connection). */
export class TcpEndpoint implements Endpoint {
  constructor(readonly ip: string, readonly port: number) {}

  get label(): string {
    return endpointLabel(this.ip, this.port);
  }
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

/** Wireshark's win_scale of one direction: the shift, or unknown (no SYN seen) / none (a SYN without the option). */
export const WINDOW_SCALE_UNKNOWN = -1;
export const WINDOW_SCALE_NONE = -2;

/** One direction of a connection: what its sender sent and acknowledged, for the analysis flags and reassembly. */
export class DirectionState {
  /** Initial sequence number (the SYN's, or the first seen minus one when the SYN was not captured). */
  isn: number | undefined = undefined;
  sawSyn = false;
  /** Highest sequence number sent plus one (the next expected), Wireshark's nextseq. */
  nextSeq: number | undefined = undefined;
  lastAck: number | undefined = undefined;
  lastWindow: number | undefined = undefined;
  /** Time of the last ACK from this direction, and how many duplicate ACKs in a row it sent (Wireshark's dupacknum). */
  lastAckTime = 0;
  dupAcks = 0;
  /** Time of the segment that last advanced nextSeq (Wireshark's nextseqtime). */
  nextSeqTime = 0;
  finSeen = false;
  /** Payload bytes sent (tcp.len summed, retransmissions included). */
  bytes = 0;
  /** The sender's window scale shift (0..14), or WINDOW_SCALE_UNKNOWN / WINDOW_SCALE_NONE (Wireshark's win_scale). */
  windowScale = WINDOW_SCALE_UNKNOWN;
  /** The stream's end was reported (or decided before any byte flowed). */
  streamEnded = false;
  /** Sequence number of a FIN that arrived while bytes before it were missing: the stream ends once they arrive. */
  finPendingSeq: number | undefined = undefined;
  /**
   * Whether this sender's TCP checksums are real, decided by its first segment that can be verified: right, they are
   * ('real': a wrong one later is a segment corrupted on the way, which the receiver drops); wrong, they are left to an
   * offloading NIC ('offloaded': never verified again, which also spares summing every byte of such a capture).
   */
  checksums: 'unknown' | 'real' | 'offloaded' = 'unknown';
  /**
   * The last data segment of this sender's that came with a bad checksum (its bytes copied), held back until the
   * capture shows what the receiver did: the sender sending those bytes again means the receiver dropped it (it was
   * corrupted on the way), the receiver acknowledging past it means it took it (the capture was edited after the fact,
   * or its checksum was computed elsewhere), and then its bytes go into the stream. One per direction.
   */
  heldBadChecksum: { seq: number; bytes: Buffer; frame: number; time: number } | undefined = undefined;
  /** Created on this direction's first payload byte (most connections of a flood never get one). */
  reassembler: TcpStreamReassembler | undefined = undefined;
}

/** The handlers for a connection's two byte streams, and what to call once the connection has ended. */
export interface ConnectionStreams {
  toServer: StreamHandler;
  toClient: StreamHandler;
  ended?(connection: TcpConnection, end: ConnectionEnd): void;
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
  /**
   * The stream index of an earlier connection with these addresses and ports that the table itself let go (evicted
   * when full, or ended idle) while it was open: this one, picked up without a SYN, continues its traffic.
   */
  evictedBefore?: number;
}

/** The table's record of a connection: every field present from the start (one hidden class for all of them). */
export class ConnectionRecord implements TcpConnection {
  state: TcpConnectionState;
  synFrame: number | undefined = undefined;
  synTime: number | undefined = undefined;
  synAckFrame: number | undefined = undefined;
  handshakeRttMs: number | undefined = undefined;
  synAttempts = 0;
  refused = false;
  established = false;
  firstSynFrame: number | undefined = undefined;
  firstSynTime: number | undefined = undefined;
  firstSynTsval: number | undefined = undefined;
  lastSynTsval: number | undefined = undefined;
  synAckAnswersFirstSyn = false;
  firstSynRttMs: number | undefined = undefined;
  lastFrame: number;
  lastTime: number;
  firstFinBy: Side | undefined = undefined;
  rstBy: Side | undefined = undefined;
  end: ConnectionEnd | undefined = undefined;
  readonly toServer = new DirectionState();
  readonly toClient = new DirectionState();
  app: unknown = undefined;
  retiring = false;
  evictedBefore: number | undefined = undefined;
  /** The application's handlers, once payload flowed (see ConnectionTableOptions.openStreams). */
  streams: ConnectionStreams | undefined = undefined;

  constructor(
    readonly index: number,
    readonly client: TcpEndpoint,
    readonly server: TcpEndpoint,
    readonly clientFromSyn: boolean,
    state: TcpConnectionState,
    readonly firstFrame: number,
    readonly firstTime: number,
    /** The table's key of this connection. */
    readonly key: string,
  ) {
    this.state = state;
    this.lastFrame = firstFrame;
    this.lastTime = firstTime;
  }
}

export type { StreamEndReason };
