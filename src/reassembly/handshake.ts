/**
 * The TCP connection's state machine, over flags and time: the three-way handshake (the client's SYN attempts, the
 * SYN-ACK, the ACK or first data that completes it and its round-trip time — Wireshark's initial RTT, from the most
 * recent SYN —, and how it turned out: complete, refused by a RST, unanswered, incomplete, not seen; when the client
 * resent its SYN and the SYN-ACK's TCP timestamp echo names its first SYN, the first SYN was answered, not lost: the
 * round trip from it, `firstSynRttMs`), then closing
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
  /** The client's first SYN (frame, time, TCP timestamp value) and the last SYN's timestamp value. */
  firstSynFrame: number | undefined;
  firstSynTime: number | undefined;
  firstSynTsval: number | undefined;
  lastSynTsval: number | undefined;
  /** The first SYN-ACK echoes the first SYN's timestamp (TSecr), which no later SYN carried: it answers the first SYN. */
  synAckAnswersFirstSyn: boolean;
  /**
   * Set when the handshake completes after the client resent its SYN although the SYN-ACK answers its first SYN:
   * the time from that first SYN to the handshake's ACK, the path's real round trip (handshakeRttMs, as Wireshark's
   * initial RTT, counts from the last SYN). The client's SYN timeout ran out before the round trip did.
   */
  firstSynRttMs: number | undefined;
}

export interface HandshakeSegment {
  syn: boolean;
  ack: boolean;
  rst: boolean;
  fromClient: boolean;
  len: number;
  /** This segment opened the connection. */
  opened: boolean;
  /** Its TCP timestamp option (TSval, TSecr), when it has one. */
  tsval?: number | undefined;
  tsecr?: number | undefined;
}

/** The state of a connection opened by a SYN, a SYN-ACK, or neither (picked up mid-stream). */
export function initialState(syn: boolean, ack: boolean): TcpConnectionState {
  return syn ? (ack ? 'syn-received' : 'syn-sent') : 'established';
}

/** The handshake state of a connection opened by `firstSyn`/`firstSynAck` (neither: picked up mid-stream). */
export function initialHandshake(syn: boolean, ack: boolean): HandshakeState {
  return {
    state: initialState(syn, ack), synAttempts: 0, refused: false, established: false, firstSynFrame: undefined, firstSynTime: undefined,
    firstSynTsval: undefined, lastSynTsval: undefined, synAckAnswersFirstSyn: false, firstSynRttMs: undefined,
  };
}

/** Advances the handshake by one segment; true when this segment completes it (its RTT is then known). */
export function handshakeStep(h: HandshakeState, s: HandshakeSegment, frame: number, time: number): boolean {
  let completed = false;
  if (s.syn && !s.ack) {
    if (s.fromClient) {
      h.synAttempts++;
      if (h.firstSynTime === undefined) {
        h.firstSynFrame = frame;
        h.firstSynTime = time;
        h.firstSynTsval = s.tsval;
      }
      h.lastSynTsval = s.tsval;
    }
    // The RTT runs from the most recent SYN (a retransmitted SYN restarts it), as Wireshark's initial_rtt.
    if (h.handshakeRttMs === undefined) {
      h.synFrame = frame;
      h.synTime = time;
    }
    // A SYN retransmitted after the connection was established keeps its state.
    if (h.state !== 'established' || s.opened) h.state = 'syn-sent';
  } else if (s.syn && s.ack) {
    if (h.synAckFrame === undefined) {
      h.synAckFrame = frame;
      h.synAckAnswersFirstSyn = !s.fromClient && s.tsecr !== undefined && s.tsecr === h.firstSynTsval;
    }
    if (h.state === 'syn-sent') h.state = 'syn-received';
  } else if (s.ack && h.state === 'syn-received' && s.fromClient && h.synTime !== undefined && h.handshakeRttMs === undefined) {
    h.state = 'established';
    h.established = true;
    // Timestamps going backwards (capture.time-backwards) give no RTT rather than a negative one.
    if (time >= h.synTime) h.handshakeRttMs = (time - h.synTime) * 1000;
    // Resent, yet the first SYN was answered (and no resent SYN carried its timestamp): not lost, only slow.
    if (h.synAttempts > 1 && h.synAckAnswersFirstSyn && h.lastSynTsval !== h.firstSynTsval && h.firstSynTime !== undefined && time >= h.firstSynTime) {
      h.firstSynRttMs = (time - h.firstSynTime) * 1000;
    }
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
