/**
 * MQTT over TLS for one connection: feeds both directions' bytes to a TlsSession (src/tls) and turns what it reports
 * into timeline events — a TlsEvent per record, findings for what could not be decrypted and for the handshake
 * (version, suite, SNI, ALPN, certificate and its expiry against the capture's time) — and hands the decrypted bytes
 * to `plaintext`, which the dissector routes to the same MQTT (or MQTT over WebSocket) reading as plain TCP. It never
 * puts key material in an event. It does not read MQTT.
 */
import type { FindingEvent, TlsEvent } from '../model/events.js';
import { makeFinding, type FindingCode } from '../model/findings.js';
import type { KeyLog } from '../tls/keylog.js';
import { TlsSession, type TlsDirection, type TlsFindingKind, type TlsHandshakeFacts, type TlsRecordInfo } from '../tls/session.js';
import { TLS_CONTENT_TYPES, TLS_HANDSHAKE_TYPES } from './tls.js';

export interface TlsTransportContext {
  stream: number;
  endpoints(direction: TlsDirection): [string, string];
  emit(event: TlsEvent | FindingEvent): void;
  plaintext(direction: TlsDirection, data: Buffer, frame: number, time: number): void;
  /** Epoch seconds of the capture's first frame (certificate expiry is judged against the capture's time). */
  captureStart?: () => number | undefined;
}

const CODES: Record<TlsFindingKind, FindingCode> = {
  'no-secret': 'tls.no-secret', 'handshake-not-seen': 'tls.handshake-not-seen', 'decrypt-failed': 'tls.decrypt-failed',
  'record-truncated': 'tls.record-truncated', 'unsupported-cipher': 'tls.unsupported-cipher',
  'handshake-failed': 'tls.handshake-failed', 'not-tls': 'mqtt.tls-malformed', 'early-data': 'tls.early-data',
};

const DAY = 86_400;

export class TlsTransport {
  private readonly session: TlsSession;

  constructor(keyLog: KeyLog | undefined, private readonly context: TlsTransportContext) {
    this.session = new TlsSession(keyLog, {
      record: (info) => this.onRecord(info),
      plaintext: (direction, data, frame, time) => context.plaintext(direction, data, frame, time),
      handshake: (facts, frame, time) => this.onHandshake(facts, frame, time),
      finding: (kind, direction, frame, time, summary, detail) => this.finding(CODES[kind], direction, frame, time, summary, detail),
    });
  }

  data(direction: TlsDirection, data: Buffer, frame: number, time: number): void {
    this.session.data(direction, data, frame, time);
  }

  gap(direction: TlsDirection, length: number, frame: number, time: number): void {
    this.session.gap(direction, length, frame, time);
  }

  end(direction: TlsDirection, frame: number, time: number): void {
    this.session.end(direction, frame, time);
  }

  private finding(code: FindingCode, direction: TlsDirection, frame: number, time: number, summary: string,
    detail?: Record<string, unknown>): void {
    const [src, dst] = this.context.endpoints(direction);
    this.context.emit(makeFinding(code, 'tls', frame, time, summary,
      { src, dst, stream: this.context.stream, ...(detail !== undefined ? { detail } : {}) }));
  }

  private onRecord(info: TlsRecordInfo): void {
    const { record } = info;
    const [src, dst] = this.context.endpoints(info.direction);
    const firstHandshake = info.handshakeTypes[0];
    const inner = info.innerContentType ?? record.contentType;
    const type = firstHandshake !== undefined ? TLS_HANDSHAKE_TYPES[firstHandshake] ?? 'Handshake'
      : inner === 22 ? 'Handshake' : TLS_CONTENT_TYPES[inner] ?? 'Record';
    const decrypted = info.innerContentType !== undefined;
    const event: TlsEvent = {
      kind: 'packet', frame: record.frame, time: record.time, layer: 'tls', type, src, dst, stream: this.context.stream,
      contentType: record.contentType, version: `0x${record.version.toString(16).padStart(4, '0')}`, length: record.length,
      summary: `TLS ${type}${info.serverName !== undefined ? ` (SNI ${info.serverName})` : ''}, ${record.length} bytes`
        + (decrypted ? ' (decrypted)' : record.contentType === 23 ? ' — encrypted' : '')
        + (record.body === undefined ? ' — not captured whole' : ''),
    };
    if (info.serverName !== undefined) event.serverName = info.serverName;
    if (decrypted) event.decryptedContentType = info.innerContentType;
    if (record.frames.length > 1) event.frames = record.frames;
    this.context.emit(event);
  }

  private onHandshake(facts: TlsHandshakeFacts, frame: number, time: number): void {
    const words = [facts.cipherSuite, facts.serverName !== undefined ? `SNI ${facts.serverName}` : undefined,
      facts.alpn !== undefined ? `ALPN ${facts.alpn}` : undefined,
      facts.certificate !== undefined ? `certificate ${facts.certificate.subject} until ${facts.certificate.notAfter.slice(0, 10)}` : undefined,
      facts.handshakeMs !== undefined ? `handshake ${facts.handshakeMs} ms` : undefined,
      facts.decrypted ? 'decrypted' : 'not decrypted'].filter((w) => w !== undefined);
    this.finding('tls.handshake', 'client', frame, time, `${facts.version ?? 'TLS'} handshake: ${words.join(', ')}`, { ...facts });
    if (facts.version !== undefined && /^(SSL 3\.0|TLS 1\.[01])$/.test(facts.version)) {
      this.finding('tls.legacy-version', 'server', frame, time, `the session uses ${facts.version}, older than TLS 1.2`, { version: facts.version });
    }
    const start = this.context.captureStart?.();
    const certificate = facts.certificate;
    if (certificate !== undefined && start !== undefined) {
      const now = start + time;
      const notAfter = Date.parse(certificate.notAfter) / 1000;
      const notBefore = Date.parse(certificate.notBefore) / 1000;
      const detail = { subject: certificate.subject, notBefore: certificate.notBefore, notAfter: certificate.notAfter };
      if (now > notAfter || now < notBefore) {
        this.finding('tls.certificate-expired', 'server', frame, time,
          `server certificate ${certificate.subject} is ${now > notAfter ? `expired since ${certificate.notAfter}` : `not valid before ${certificate.notBefore}`}`, detail);
      } else if (notAfter - now < 30 * DAY) {
        this.finding('tls.certificate-expiring', 'server', frame, time,
          `server certificate ${certificate.subject} expires in ${Math.floor((notAfter - now) / DAY)} days (${certificate.notAfter})`, detail);
      }
    }
  }
}
