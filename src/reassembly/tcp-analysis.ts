/**
 * Wireshark's TCP analysis of one segment (`tcp_analyze_sequence_number`), against what each direction sent and
 * acknowledged before: retransmission, out-of-order, previous segment not captured, duplicate ACK, keep-alive; and the
 * window as Wireshark calculates it (tcp.window_size: the raw value shifted by the sender's window scale once both
 * SYNs said so; SYNs never scaled; the raw value while the scale is unknown, as tcp.window_size_scalefactor -1, or
 * not used, -2).
 * It does not find connections, reassemble bytes or follow the handshake (connections.ts, stream.ts, handshake.ts).
 */
import { WINDOW_SCALE_NONE, WINDOW_SCALE_UNKNOWN, type DirectionState } from './connection.js';
import { seqAdd, seqDiff } from './sequence.js';

/** The facts of one segment the analysis reads. */
export interface AnalysedSegment {
  seq: number;
  ack: number;
  /** Payload length on the wire (tcp.len). */
  len: number;
  /** Sequence space consumed: len, plus one for SYN and one for FIN. */
  seqLen: number;
  window: number;
  syn: boolean;
  ackFlag: boolean;
  fin: boolean;
  rst: boolean;
}

export interface AnalysisFlags {
  retransmission: boolean;
  outOfOrder: boolean;
  lostSegment: boolean;
  duplicateAck: boolean;
  keepAlive: boolean;
}

/** Out-of-order threshold when the handshake RTT is unknown or 0 (Wireshark: 3 ms). */
const DEFAULT_OUT_OF_ORDER_SECONDS = 0.003;
/** A retransmission within this long of the receiver's last duplicate ACK is a fast retransmission. */
const FAST_RETRANSMISSION_SECONDS = 0.02;
/** RFC 7323: a shift above 14 is taken as 14 (Wireshark too). */
const MAX_WINDOW_SHIFT = 14;

/**
 * Flags `s`, sent by `sender` to `receiver`, and then records it in `sender` (next sequence number, ACK, window,
 * duplicate ACK count). `handshakeRttMs` is the connection's, if known. The flags are written into `out` (a new
 * object when not given), which is returned.
 */
export function analyseSegment(
  sender: DirectionState, receiver: DirectionState, s: AnalysedSegment, time: number, handshakeRttMs: number | undefined,
  out: AnalysisFlags = { retransmission: false, outOfOrder: false, lostSegment: false, duplicateAck: false, keepAlive: false },
): AnalysisFlags {
  let retransmission = false;
  let outOfOrder = false;
  let lostSegment = false;
  let keepAlive = false;
  let duplicateAck = false;
  const expected = sender.nextSeq;
  if (expected !== undefined && !s.rst) {
    const offset = seqDiff(s.seq, expected);
    if (s.seqLen <= 1 && offset === -1 && !s.syn && !s.fin) {
      keepAlive = true;
    } else if (s.seqLen > 0 && offset < 0) {
      // Sent before (Wireshark's order): a fast retransmission (the peer sent >= 2 duplicate ACKs for this seq, the
      // last within 20 ms) or a spurious one (the peer had already acknowledged all of its data: tshark 4.0 checks
      // this before out-of-order) is a retransmission; otherwise a segment that comes within the handshake RTT (3 ms
      // when unknown or 0) of the one that last advanced nextSeq, and does not end there (its FIN counted: a
      // DISCONNECT+FIN sent twice is a retransmission), is out of order.
      const fast = receiver.dupAcks >= 2 && receiver.lastAck === s.seq && time - receiver.lastAckTime < FAST_RETRANSMISSION_SECONDS;
      const spurious = s.len > 0 && receiver.lastAck !== undefined && receiver.lastAck !== 0
        && seqDiff(seqAdd(s.seq, s.len), receiver.lastAck) <= 0;
      const threshold = handshakeRttMs !== undefined && handshakeRttMs > 0 ? handshakeRttMs / 1000 : DEFAULT_OUT_OF_ORDER_SECONDS;
      if (!fast && !spurious && time - sender.nextSeqTime < threshold && seqAdd(s.seq, s.seqLen) !== expected) outOfOrder = true;
      else retransmission = true;
    } else if (offset > 0) {
      // Starts beyond what this side sent before: the capture missed a segment.
      lostSegment = true;
    }
  }
  // A duplicate ACK repeats ACK and window with nothing else, while the peer has data outstanding (RFC 5681).
  if (s.ackFlag && s.len === 0 && !s.syn && !s.fin && !s.rst && sender.lastAck !== undefined
    && s.ack === sender.lastAck && s.window === sender.lastWindow && receiver.nextSeq !== undefined
    && seqDiff(receiver.nextSeq, s.ack) > 0) {
    duplicateAck = true;
  }

  const segmentEnd = seqAdd(s.seq, s.seqLen);
  if (!s.rst && (sender.nextSeq === undefined || seqDiff(segmentEnd, sender.nextSeq) > 0)) {
    sender.nextSeq = segmentEnd;
    sender.nextSeqTime = time;
  }
  sender.bytes += s.len;
  if (s.ackFlag) {
    if (duplicateAck) sender.dupAcks++;
    else if (s.ack !== sender.lastAck) sender.dupAcks = 0;
    sender.lastAck = s.ack;
    sender.lastWindow = s.window;
    sender.lastAckTime = time;
  }
  out.retransmission = retransmission;
  out.outOfOrder = outOfOrder;
  out.lostSegment = lostSegment;
  out.duplicateAck = duplicateAck;
  out.keepAlive = keepAlive;
  return out;
}

/** tcp.window_size of a segment from `sender`: SYNs are never scaled; otherwise shifted by a known scale. */
export function scaledWindow(sender: DirectionState, window: number, syn: boolean): number {
  if (syn || sender.windowScale < 0) return window;
  return window * 2 ** sender.windowScale;
}

/**
 * Records what a segment from `sender` says about window scaling, after its window was read (Wireshark's order): a
 * Window Scale option sets the sender's shift; on a SYN without the option neither side scales, and a SYN-ACK with
 * the option answering a SYN without it does not scale either.
 */
export function observeWindowScale(sender: DirectionState, receiver: DirectionState, option: number | undefined, syn: boolean, ack: boolean): void {
  if (option !== undefined) sender.windowScale = Math.min(option, MAX_WINDOW_SHIFT);
  if (!syn) return;
  if (sender.windowScale === WINDOW_SCALE_UNKNOWN) {
    sender.windowScale = WINDOW_SCALE_NONE;
    receiver.windowScale = WINDOW_SCALE_NONE;
  } else if (ack && receiver.windowScale === WINDOW_SCALE_NONE) {
    sender.windowScale = WINDOW_SCALE_NONE;
  }
}
