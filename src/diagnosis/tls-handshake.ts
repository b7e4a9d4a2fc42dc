/**
 * diag.tls-handshake-failed: a TLS handshake with the broker ended in a fatal alert, read without the key log (the
 * record layer's `tls.handshake-failed` finding: an alert in plaintext, as TLS 1.2 sends it, and TLS 1.3 before the
 * server's first encrypted flight): which side sent it and its description, so a client without the certificate the
 * broker requires (require_certificate), a client that does not trust the broker's CA, or no TLS version in common
 * are told in plain words. Grouped per server, sender, alert and client host, counting the connections. The streams
 * it explains are added to `explained`. State: one entry per such connection (at most MAX_STREAMS).
 */
import type { FindingEvent, TimelineEvent } from '../model/events.js';
import { clientName, sideOf } from './book.js';
import type { Detector, FinishContext } from './detector.js';
import { FrameSet } from './evidence.js';
import { makeDiagnosis } from './make.js';

const MAX_STREAMS = 100_000;

interface Failed { stream: number; frame: number; time: number; src: string; dst: string; alert: string; offered?: string }

interface Group { stream: number; server: string; client: string; sender: 'broker' | 'client'; alert: string; offered?: string; frames: FrameSet; time: number; count: number }

/** The likely causes of an alert, by who sent it. */
function causesOf(sender: 'broker' | 'client', alert: string): string[] {
  switch (alert) {
    case 'handshake_failure': return sender === 'broker' ? ['tls-no-client-cert', 'tls-no-common-cipher'] : ['tls-no-common-cipher'];
    case 'certificate_required': return ['tls-no-client-cert'];
    case 'unknown_ca': case 'bad_certificate': case 'certificate_unknown': case 'unsupported_certificate': case 'certificate_expired': case 'certificate_revoked':
      return sender === 'client' ? ['tls-server-cert-untrusted'] : ['tls-client-cert-untrusted'];
    case 'protocol_version': return ['tls-version-mismatch'];
    default: return ['tls-settings-mismatch'];
  }
}

export class TlsHandshakeDetector implements Detector {
  private readonly failed: Failed[] = [];

  readonly reads = ['other'] as const;

  event(e: TimelineEvent): void {
    if (e.kind !== 'finding' || e.code !== 'tls.handshake-failed' || e.stream === undefined || this.failed.length >= MAX_STREAMS) return;
    const alert = e.detail?.['alert'];
    const offered = e.detail?.['offeredVersions'];
    this.failed.push({
      stream: e.stream, frame: e.frame, time: e.time, src: e.src, dst: e.dst, alert: typeof alert === 'string' ? alert : 'unknown',
      ...(Array.isArray(offered) ? { offered: offered.map(String).join(', ') } : {}),
    });
  }

  finish(ctx: FinishContext, emit: (finding: FindingEvent) => void): void {
    const groups = new Map<string, Group>();
    for (const f of this.failed) {
      const r = ctx.book.get(f.stream);
      const server = r?.server ?? f.dst;
      const sender = r !== undefined ? (sideOf(r, f.src) === 'server' ? 'broker' : 'client') : 'client';
      const client = r !== undefined ? clientName(r).replace(/:\d+$/, '') : f.src;
      const key = `${server}|${sender}|${f.alert}|${client}`;
      let g = groups.get(key);
      if (g === undefined) {
        g = { stream: f.stream, server, client, sender, alert: f.alert, frames: new FrameSet(), time: f.time, count: 0, ...(f.offered !== undefined ? { offered: f.offered } : {}) };
        groups.set(key, g);
      }
      g.count++;
      g.frames.add(f.frame, f.time);
      // The connection's end after the alert (the broker's RST or FIN, or the client's).
      const end = r === undefined ? undefined : [r.rst, r.fin]
        .filter((c): c is NonNullable<typeof c> => c !== undefined && c.frame > f.frame).sort((a, b) => a.frame - b.frame)[0];
      if (end !== undefined) g.frames.add(end.frame, end.time);
      ctx.explained.add(f.stream);
    }
    for (const g of groups.values()) {
      emit(makeDiagnosis({
        code: 'diag.tls-handshake-failed', layer: 'tls', frames: g.frames, time: g.frames.firstTime ?? g.time, stream: g.stream, dst: g.server,
        facts: { server: g.server, client: g.client, sender: g.sender, alert: g.alert, count: g.count, ...(g.offered !== undefined ? { offered: g.offered } : {}) },
        causes: causesOf(g.sender, g.alert),
        checks: g.sender === 'client' ? ['tls-client-ca', 'tls-broker-log'] : g.alert === 'protocol_version' ? ['tls-versions', 'tls-broker-log'] : ['tls-client-cert', 'tls-broker-log'],
      }));
    }
  }
}
