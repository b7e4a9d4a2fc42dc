/**
 * diag.slow-handshake: a client resent its SYN, yet the SYN-ACK answers its first SYN (the SYN-ACK's TCP timestamp
 * echo is the first SYN's, which no resent SYN carried; reassembly's handshake.ts): no packet was lost, the round trip
 * to the broker is longer than the client's SYN retransmission timeout (1 s on Linux, RFC 6298 2.1), so its TCP sent
 * the SYN again before the answer could come. Says how long the handshake took from the first SYN (the path's round
 * trip) and that Wireshark's handshake RTT, counted from the resent SYN, understates it. One diagnosis per broker,
 * naming its clients. Without TCP timestamps nothing tells which SYN was answered: not said. Reads the
 * connection-ended events (`synResentEarly`); bounded by MAX_CONNECTIONS.
 */
import type { FindingEvent, TimelineEvent } from '../model/events.js';
import { clientName } from './book.js';
import type { Detector, DetectorReads, FinishContext } from './detector.js';
import { FrameSet } from './evidence.js';
import { makeDiagnosis } from './make.js';

const MAX_CONNECTIONS = 10_000;

interface Slow { stream: number; client: string; server: string; time: number; firstSynFrame: number; synAckFrame: number; rttMs: number; resent: number; irttMs: number | undefined }

export class SlowHandshakeDetector implements Detector {
  readonly reads: readonly DetectorReads[] = ['other'];
  private readonly slow: Slow[] = [];

  event(e: TimelineEvent): void {
    if (e.kind !== 'lifecycle' || e.type !== 'connection-ended' || e.layer !== 'tcp') return;
    const early = e.synResentEarly;
    if (early === undefined || this.slow.length >= MAX_CONNECTIONS) return;
    this.slow.push({
      stream: e.stream, client: e.src, server: e.dst, time: early.firstSynTime, firstSynFrame: early.firstSynFrame, synAckFrame: early.synAckFrame,
      rttMs: early.rttMs, resent: e.synAttempts - 1, irttMs: e.handshakeRttMs,
    });
  }

  finish(ctx: FinishContext, emit: (finding: FindingEvent) => void): void {
    const byServer = new Map<string, Slow[]>();
    for (const s of this.slow) {
      const list = byServer.get(s.server) ?? [];
      list.push(s);
      byServer.set(s.server, list);
    }
    for (const [server, list] of byServer) {
      const first = list[0]!;
      const frames = new FrameSet();
      const clients: string[] = [];
      for (const s of list) {
        const r = ctx.book.get(s.stream);
        const name = r !== undefined ? clientName(r) : s.client;
        if (!clients.includes(name) && clients.length < 10) clients.push(name);
        // Timed at the first SYN (the SYN-ACK's own time is not kept; it comes after).
        frames.add(s.firstSynFrame, s.time).add(s.synAckFrame);
      }
      const rtts = list.map((s) => s.rttMs / 1000);
      emit(makeDiagnosis({
        code: 'diag.slow-handshake', layer: 'tcp', frames, time: frames.firstTime ?? first.time, stream: first.stream, src: first.client, dst: server,
        facts: {
          clients, server, count: list.length, resent: list.reduce((n, s) => n + s.resent, 0),
          minSeconds: Number(Math.min(...rtts).toFixed(6)), maxSeconds: Number(Math.max(...rtts).toFixed(6)),
          firstSynFrame: first.firstSynFrame, synAckFrame: first.synAckFrame,
          ...(first.irttMs !== undefined ? { irttSeconds: Number((first.irttMs / 1000).toFixed(6)) } : {}),
        },
        causes: ['long-round-trip'], checks: ['path-round-trip'],
      }));
    }
  }
}
