/**
 * TCP trouble that matters for MQTT, and that does not: diag.tcp-retransmitted-data (MQTT bytes sent again, with the
 * delay it caused, or never acknowledged at all when the receiver fell silent for good; segments that arrived corrupted,
 * with a bad TCP checksum, named as the cause: a faulty link, not loss), diag.tcp-zero-window (a reader too slow), diag.tcp-reset (an MQTT session reset midway, or by a client that sent nothing but its CONNECT, unless
 * another diagnosis explains it), diag.harmless-teardown-retransmission (a FIN sent again while closing, and then
 * answered by the peer: a FIN never answered is no crossing of FIN and ACK, the peer was gone). Reads TCP
 * packets (on the summary-only path handed to the stage, AnalysisStage.packet) and the connection book; remembers a
 * few data segments per direction.
 */
import type { FindingEvent, TcpEvent, TimelineEvent } from '../model/events.js';
import { UNDELIVERED_SECONDS, clientName, handshakeOf, isMqtt, sentBy, sessionEndOf } from './book.js';
import type { Detector, FinishContext } from './detector.js';
import { FrameSet } from './evidence.js';
import { makeDiagnosis } from './make.js';

/** Data segments remembered per direction, to time their retransmissions. */
const SENT_KEPT = 64;
const MAX_STREAMS = 100_000;
/** A zero window shorter than this (a reader catching up at once) does not matter. */
export const ZERO_WINDOW_SECONDS = 0.2;
/** A zero window this long: the reader read nothing at all for a while (paused or blocked), not just slowly. */
const READER_PAUSED_SECONDS = 1;

interface StreamTally {
  retransmissions: number;
  maxDelayMs: number;
  retransmitted: FrameSet;
  /** Data segments that arrived corrupted (TcpEvent.badChecksum): dropped by the receiver, hence retransmitted. */
  corrupted: FrameSet;
  /** Per receiver: frames advertising a zero window, the longest zero window so far, and the one still open. */
  zeroWindow: Map<string, { frames: FrameSet; longest: number; since?: number; firstTime: number }>;
  finRetransmissions: FrameSet;
  /** Times of the first retransmitted data segment and of the first retransmitted FIN (their evidence's first frames). */
  retransmittedTime: number;
  finTime: number;
  /** The senders of those FINs, and whether the peer sent anything after (then the FIN had crossed its ACK). */
  finSenders: Map<string, boolean>;
  /** Senders whose retransmitted data the peer has not answered since (not even an ACK), with the first such time. */
  unanswered: Map<string, number>;
  sent: Map<string, SentSegments>;
  /** Senders of the retransmitted data segments. */
  retransmittedBy: Set<string>;
  /** Senders of the corrupted segments. */
  corruptedBy: Set<string>;
}

/** Who sent the corrupted segments: 'client', 'server' or 'both'. */
function corruptedSenders(t: StreamTally, client: string, server: string): 'client' | 'server' | 'both' {
  const byClient = t.corruptedBy.has(client);
  const byServer = t.corruptedBy.has(server);
  return byClient && byServer ? 'both' : byServer ? 'server' : 'client';
}

/** The last SENT_KEPT data segments of one sender (relative seq and time), oldest first, in a ring: nothing per segment. */
class SentSegments {
  private readonly seqs = new Float64Array(SENT_KEPT);
  private readonly times = new Float64Array(SENT_KEPT);
  private start = 0;
  private n = 0;

  add(seq: number, time: number): void {
    const at = (this.start + this.n) % SENT_KEPT;
    this.seqs[at] = seq;
    this.times[at] = time;
    if (this.n < SENT_KEPT) this.n++;
    else this.start = (this.start + 1) % SENT_KEPT;
  }

  /** Time of the oldest remembered segment with this relative seq. */
  timeOf(seq: number): number | undefined {
    for (let i = 0; i < this.n; i++) {
      const at = (this.start + i) % SENT_KEPT;
      if (this.seqs[at] === seq) return this.times[at];
    }
    return undefined;
  }
}

export class TcpTroubleDetector implements Detector {
  private readonly streams = new Map<number, StreamTally>();

  readonly reads = ['tcp', 'other'] as const;

  event(e: TimelineEvent): void {
    if (e.kind === 'lifecycle' && e.type === 'connection-ended') {
      this.ended(e.stream);
      return;
    }
    if (e.kind !== 'packet' || e.layer !== 'tcp' || e.duplicateOf !== undefined) return;
    const t = this.tally(e);
    if (t === undefined) return;
    if (t.finSenders.size > 0) for (const [sender, answered] of t.finSenders) if (!answered && sender !== e.src) t.finSenders.set(sender, true);
    if (t.unanswered.size > 0) for (const sender of t.unanswered.keys()) if (sender !== e.src) t.unanswered.delete(sender);
    if (e.badChecksum === true) {
      t.corrupted.add(e.frame, e.time);
      t.corruptedBy.add(e.src);
      // Its retransmission is late from this first (dropped) transmission.
      if (e.len > 0 && e.retransmission !== true) this.sentBy(t, e.src).add(e.relSeq, e.time);
      return;
    }
    if (e.len > 0) {
      if (e.retransmission === true) {
        if (t.retransmissions === 0) t.retransmittedTime = e.time;
        t.retransmissions++;
        t.retransmitted.add(e.frame, e.time);
        if (!t.unanswered.has(e.src)) t.unanswered.set(e.src, e.time);
        t.retransmittedBy.add(e.src);
        const originalTime = t.sent.get(e.src)?.timeOf(e.relSeq);
        if (originalTime !== undefined) t.maxDelayMs = Math.max(t.maxDelayMs, (e.time - originalTime) * 1000);
      } else {
        this.sentBy(t, e.src).add(e.relSeq, e.time);
      }
    } else if (e.retransmission === true && e.flags.includes('FIN')) {
      if (t.finRetransmissions.count === 0) t.finTime = e.time;
      t.finRetransmissions.add(e.frame, e.time);
      if (!t.finSenders.has(e.src)) t.finSenders.set(e.src, false);
    }
    // Most segments: an open window on a connection whose windows never closed, nothing to look at.
    if ((e.window !== 0 && t.zeroWindow.size === 0) || e.flags.includes('RST') || e.flags.includes('SYN')) return;
    const z = t.zeroWindow.get(e.src);
    if (e.window === 0) {
      const entry = z ?? { frames: new FrameSet(), longest: 0, firstTime: e.time };
      entry.frames.add(e.frame, e.time);
      entry.since ??= e.time;
      t.zeroWindow.set(e.src, entry);
    } else if (z?.since !== undefined) {
      z.longest = Math.max(z.longest, e.time - z.since);
      delete z.since;
    }
  }

  /** A connection ended: its sent segments are no longer needed, and a tally with nothing to say is dropped. */
  private ended(stream: number): void {
    const t = this.streams.get(stream);
    if (t === undefined) return;
    if (t.retransmissions === 0 && t.corrupted.count === 0 && t.zeroWindow.size === 0 && t.finRetransmissions.count === 0) this.streams.delete(stream);
    else t.sent.clear();
  }

  private sentBy(t: StreamTally, sender: string): SentSegments {
    let sent = t.sent.get(sender);
    if (sent === undefined) {
      sent = new SentSegments();
      t.sent.set(sender, sent);
    }
    return sent;
  }

  private tally(e: TcpEvent): StreamTally | undefined {
    let t = this.streams.get(e.stream);
    if (t === undefined) {
      if (this.streams.size >= MAX_STREAMS) return undefined;
      t = {
        retransmissions: 0, maxDelayMs: 0, retransmitted: new FrameSet(), corrupted: new FrameSet(), zeroWindow: new Map(), finRetransmissions: new FrameSet(),
        retransmittedTime: 0, finTime: 0, finSenders: new Map(), unanswered: new Map(), sent: new Map(), corruptedBy: new Set(), retransmittedBy: new Set(),
      };
      this.streams.set(e.stream, t);
    }
    return t;
  }

  finish(ctx: FinishContext, emit: (finding: FindingEvent) => void): void {
    const harmless = new FrameSet();
    let harmlessConnections = 0;
    let harmlessTime = Number.POSITIVE_INFINITY;
    for (const [stream, t] of this.streams) {
      const r = ctx.book.get(stream);
      if (r === undefined || !isMqtt(r)) continue;
      const connection = `${r.client} → ${r.server}`;
      // A segment with a bad checksum that was never sent again was taken by its receiver (an edited capture): no trouble.
      if (t.retransmissions > 0) {
        // Data sent again that the receiver never answered, to the end of the capture, though its side was captured
        // before: not delayed but undelivered, the receiver gone (its host down or cut off), not a lossy link.
        let lostPeer: string | undefined;
        for (const [sender, since] of t.unanswered) {
          const peer = sender === r.client ? r.server : r.client;
          if ((r.sent.get(peer)?.segments ?? 0) > 0 && (r.sent.get(peer)?.lastTime ?? Number.POSITIVE_INFINITY) < since) lostPeer = peer;
        }
        const corrupted = t.corrupted.count;
        // Both sides sent data the other never answered, each still sending: the path between them was cut both ways
        // (a firewall, a broken link), neither side gone.
        const clientSince = sentBy(r, 'client').unackedSince;
        const serverSince = sentBy(r, 'server').unackedSince;
        const bothWays = corrupted === 0 && t.retransmittedBy.size === 2 && clientSince !== undefined && serverSince !== undefined
          && ctx.captureEnd - Math.max(clientSince, serverSince) >= UNDELIVERED_SECONDS;
        const lastHeard = lostPeer !== undefined ? r.sent.get(lostPeer)!.lastTime : undefined;
        // Data sent again to a receiver that then closed its window (a zero window for long): the segments beyond
        // what its full buffer could take were dropped by it, not by the network.
        const windowFull = lostPeer === undefined && corrupted === 0 && [...t.retransmittedBy].some((sender) => {
          const z = t.zeroWindow.get(sender === r.client ? r.server : r.client);
          return z !== undefined && Math.max(z.longest, z.since !== undefined ? ctx.captureEnd - z.since : 0) >= ZERO_WINDOW_SECONDS;
        });
        // The corrupted segments come first in the evidence: they are why the data was sent again.
        const frames = corrupted > 0 ? new FrameSet().merge(t.corrupted).merge(t.retransmitted) : t.retransmitted;
        emit(makeDiagnosis({
          code: 'diag.tcp-retransmitted-data', layer: 'tcp', frames, time: frames.firstTime ?? t.retransmittedTime, src: r.client, dst: r.server, stream,
          facts: {
            connection, client: clientName(r), count: t.retransmissions, maxDelayMs: Number(t.maxDelayMs.toFixed(3)),
            ...(corrupted > 0 ? { corrupted, corruptedFrom: corruptedSenders(t, r.client, r.server) } : {}),
            ...(windowFull ? { receiverWindowFull: true } : {}),
            ...(lostPeer !== undefined ? { neverAcknowledged: true, silentPeer: lostPeer, peerLastHeardAt: Number(lastHeard!.toFixed(6)) } : {}),
            ...(bothWays ? { bothWays: true, cutAt: Number(Math.min(clientSince!, serverSince!).toFixed(6)) } : {}),
          },
          causes: corrupted > 0 ? ['corrupted-in-transit', 'packet-loss'] : bothWays ? ['path-cut', 'peer-gone'] : lostPeer !== undefined ? ['peer-gone', 'packet-loss']
            : windowFull ? ['slow-reader', 'packet-loss'] : ['packet-loss', 'slow-reader'],
          checks: corrupted > 0 ? ['link-errors', 'network-quality'] : bothWays ? ['firewall-path', 'route-ping'] : windowFull ? ['receiver-load', 'network-quality']
            : lostPeer === undefined ? ['network-quality', 'receiver-load'] : lostPeer === r.server ? ['route-ping', 'network-quality'] : ['client-network', 'network-quality'],
        }));
      }
      for (const [side, z] of t.zeroWindow) {
        const longest = Math.max(z.longest, z.since !== undefined ? ctx.captureEnd - z.since : 0);
        if (longest < ZERO_WINDOW_SECONDS) continue;
        const frames = z.frames;
        emit(makeDiagnosis({
          code: 'diag.tcp-zero-window', layer: 'tcp', frames, time: frames.firstTime ?? z.firstTime, src: side, dst: side === r.client ? r.server : r.client, stream,
          facts: { receiver: side === r.client ? clientName(r) : `the broker (${r.server})`, connection, count: frames.count, longestMs: Number((longest * 1000).toFixed(1)) },
          causes: longest >= READER_PAUSED_SECONDS ? ['reader-paused', 'slow-reader'] : ['slow-reader'], checks: ['receiver-load'],
        }));
      }
      // A FIN the peer never answered (not an ACK, not a packet) did not cross its ACK: the peer was gone (a host
      // that lost its link, a client dropped for silence), which is no harmless teardown.
      // And only when the data sent before the FIN was acknowledged both ways: data a side never got acknowledged
      // (its packets stopped reaching the peer) was not delivered, whatever the FINs did.
      const delivered = (side: 'client' | 'server'): boolean => (sentBy(r, side).unackedSince ?? Number.POSITIVE_INFINITY) > t.finTime;
      if (t.finRetransmissions.count > 0 && [...t.finSenders.values()].every((answered) => answered) && delivered('client') && delivered('server')) {
        harmless.merge(t.finRetransmissions);
        harmlessConnections++;
        harmlessTime = Math.min(harmlessTime, t.finTime);
      }
    }
    if (harmless.count > 0) {
      emit(makeDiagnosis({
        code: 'diag.harmless-teardown-retransmission', layer: 'tcp', frames: harmless, time: harmless.firstTime ?? harmlessTime,
        facts: { count: harmless.count, connections: harmlessConnections },
        causes: ['fin-ack-crossed'], checks: ['nothing-to-do'],
      }));
    }
    this.resets(ctx, emit);
  }

  private resets(ctx: FinishContext, emit: (finding: FindingEvent) => void): void {
    for (const r of ctx.book.all()) {
      // Only where the MQTT is readable: over encrypted TLS a DISCONNECT before the RST cannot be seen.
      if (r.mqttPackets === 0 || ctx.explained.has(r.stream) || r.connack?.accepted === false) continue;
      const handshake = handshakeOf(r);
      if (handshake !== 'complete' && handshake !== 'not-seen') continue;
      const end = sessionEndOf(r);
      if (end === undefined || end.reason !== 'reset') continue;
      const frames = new FrameSet().add(end.frame);
      // The client reset a session in which it sent nothing but its CONNECT, once accepted: its program ended before
      // its MQTT library sent what it was given (paho's loop_start() thread dies with the script), and the kernel
      // resets a socket closed with the CONNACK unread (fixtures/faults/fault-pub-exit.pcap).
      const idle = (end.closedBy ?? 'client') === 'client' && r.connect !== undefined && r.connack?.accepted === true
        && sentBy(r, 'client').mqtt === 1 && end.time >= r.connack.time;
      if (idle) frames.add(r.connect!.frame, r.connect!.time).add(r.connack!.frame, r.connack!.time);
      emit(makeDiagnosis({
        code: 'diag.tcp-reset', layer: 'tcp', frames, time: frames.firstTime ?? end.time, src: r.client, dst: r.server, stream: r.stream,
        facts: {
          client: clientName(r), server: r.server, closedBy: end.closedBy ?? 'client', count: 1,
          ...(idle ? { sentNothing: true, afterConnackSeconds: Number((end.time - r.connack!.time).toFixed(6)) } : {}),
        },
        causes: idle ? ['script-ended-early', 'peer-aborted'] : ['peer-aborted'],
        checks: idle ? ['wait-before-exit', 'who-aborted'] : ['who-aborted', 'broker-log'],
      }));
    }
  }
}
