/**
 * The TCP connection's state machine, over flags and time: the three-way handshake (the client's SYN attempts, the
 * SYN-ACK, the ACK or first data that completes it and its round-trip time — Wireshark's initial RTT, from the most
 * recent SYN —, and how it turned out: complete, refused by a RST, unanswered, incomplete, not seen), then closing
 * (FIN from each side, RST).
 * It does not track sequence numbers, flag anomalies (tcp-analysis.ts) or keep the table (connections.ts).
 */
import type { HandshakeOutcome, Side, TcpConnectionState } from '../model/events.js';

/** The handshake facts a connection keeps. */
export interface HandshakeState {
  state: TcpConnectionState;
  synFrame?: number | undefined;
  synTime?: number | undefined;
  synAckFrame?: number | undefined;
  handshakeRttMs?: number | undefined;
  /** SYNs sent by the client (1 + retransmissions). */
  synAttempts: number;
  /** The server answered a SYN with a RST before any SYN-ACK. */
  refused: boolean;
  /** The connection reached `established` (by the handshake's ACK, or data after a SYN). */
  established: boolean;
}

export interface HandshakeSegment {
  syn: boolean;
  ack: boolean;
  rst: boolean;
  fromClient: boolean;
  len: number;
  /** This segment opened the connection. */
  opened: boolean;
}

/** The state of a connection opened by a SYN, a SYN-ACK, or neither (picked up mid-stream). */
export function initialState(syn: boolean, ack: boolean): TcpConnectionState {
  return syn ? (ack ? 'syn-received' : 'syn-sent') : 'established';
}

/** The handshake state of a connection opened by `firstSyn`/`firstSynAck` (neither: picked up mid-stream). */
export function initialHandshake(syn: boolean, ack: boolean): HandshakeState {
  return { state: initialState(syn, ack), synAttempts: 0, refused: false, established: false };
}

/** Advances the handshake by one segment; true when this segment completes it (its RTT is then known). */
export function handshakeStep(h: HandshakeState, s: HandshakeSegment, frame: number, time: number): boolean {
  let completed = false;
  if (s.syn && !s.ack) {
    if (s.fromClient) h.synAttempts++;
    // The RTT runs from the most recent SYN (a retransmitted SYN restarts it), as Wireshark's initial_rtt.
    if (h.handshakeRttMs === undefined) {
      h.synFrame = frame;
      h.synTime = time;
    }
    // A SYN retransmitted after the connection was established keeps its state.
    if (h.state !== 'established' || s.opened) h.state = 'syn-sent';
  } else if (s.syn && s.ack) {
    h.synAckFrame ??= frame;
    if (h.state === 'syn-sent') h.state = 'syn-received';
  } else if (s.ack && h.state === 'syn-received' && s.fromClient && h.synTime !== undefined && h.handshakeRttMs === undefined) {
    h.state = 'established';
    h.established = true;
    // Timestamps going backwards (capture.time-backwards) give no RTT rather than a negative one.
    if (time >= h.synTime) h.handshakeRttMs = (time - h.synTime) * 1000;
    completed = true;
  }
  if (h.state === 'syn-sent' || h.state === 'syn-received') {
    if (!s.syn && s.len > 0) {
      h.state = 'established';
      h.established = true;
    }
  }
  if (s.rst && !s.fromClient && h.synAttempts > 0 && h.synAckFrame === undefined && !h.established) h.refused = true;
  return completed;
}

export function handshakeOutcome(h: HandshakeState): HandshakeOutcome {
  if (h.synAttempts === 0) return 'not-seen';
  if (h.established) return 'complete';
  if (h.synAckFrame !== undefined) return 'incomplete';
  return h.refused ? 'refused' : 'unanswered';
}

/** The closing facts a connection keeps. */
export interface ClosingState {
  state: TcpConnectionState;
  firstFinBy?: Side | undefined;
  rstBy?: Side | undefined;
}

/**
 * Advances closing by one segment from `side` (`peerFinSeen`: the other side sent a FIN before): 'reset' on a RST,
 * 'closed' on the FIN that closes the second side, 'half-closed' on a first FIN, undefined otherwise.
 */
export function closingStep(c: ClosingState, rst: boolean, fin: boolean, side: Side, peerFinSeen: boolean): 'reset' | 'closed' | 'half-closed' | undefined {
  if (rst) {
    c.state = 'reset';
    c.rstBy ??= side;
    return 'reset';
  }
  if (!fin) return undefined;
  c.firstFinBy ??= side;
  if (c.state !== 'reset') c.state = peerFinSeen ? 'closed' : 'closing';
  return c.state === 'closed' ? 'closed' : 'half-closed';
}
