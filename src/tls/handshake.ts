/**
 * TLS handshake messages: reassembly of messages across records (one assembler per direction and key phase) and
 * parsing of the facts mqtt-pcap reports: Client Hello (random, SNI, ALPN, offered versions and suites, early data),
 * Server Hello (random, chosen version and suite, HelloRetryRequest, encrypt_then_mac), Encrypted Extensions (ALPN), Certificate
 * (the leaf's subject, issuer and validity, with node:crypto's X509Certificate). Every parser returns undefined on
 * bytes it cannot read; none throws. It holds no keys and decrypts nothing.
 */

/** node:crypto, loaded when first needed rather than by every run that imports the TLS layer (start-up). */
let cryptoModule: typeof import('node:crypto') | undefined;
const nodeCrypto = (): typeof import('node:crypto') => (cryptoModule ??= process.getBuiltinModule('node:crypto'));

export interface HandshakeMessage {
  type: number;
  body: Buffer;
}

/** Largest handshake message kept (certificate chains are the big ones). */
const MAX_MESSAGE = 64 * 1024;

/** Splits handshake record payloads into whole messages (a message may span records; a record may hold several). */
export class HandshakeAssembler {
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes of an over-long message still to skip. */
  private skipping = 0;

  push(fragment: Buffer): HandshakeMessage[] {
    const out: HandshakeMessage[] = [];
    let data = fragment;
    if (this.skipping > 0) {
      const n = Math.min(this.skipping, data.length);
      this.skipping -= n;
      data = data.subarray(n);
    }
    let buffer = this.pending.length === 0 ? data : Buffer.concat([this.pending, data]);
    let at = 0;
    while (buffer.length - at >= 4) {
      const length = buffer.readUIntBE(at + 1, 3);
      if (length > MAX_MESSAGE) {
        const available = buffer.length - at - 4;
        this.skipping = Math.max(0, length - available);
        at = buffer.length;
        break;
      }
      if (buffer.length - at - 4 < length) break;
      out.push({ type: buffer[at]!, body: Buffer.from(buffer.subarray(at + 4, at + 4 + length)) });
      at += 4 + length;
    }
    this.pending = at >= buffer.length ? Buffer.alloc(0) : Buffer.from(buffer.subarray(at));
    buffer = Buffer.alloc(0);
    return out;
  }

  /** Forgets a partial message (bytes were lost). */
  reset(): void {
    this.pending = Buffer.alloc(0);
    this.skipping = 0;
  }
}

export interface ClientHello {
  random: Buffer;
  /** Record/legacy version of the hello (0x0303 for TLS 1.2 and 1.3). */
  legacyVersion: number;
  cipherSuites: number[];
  serverName?: string;
  alpn?: string[];
  /** supported_versions extension (TLS 1.3 clients). */
  supportedVersions?: number[];
  /** The early_data extension: the client may send 0-RTT data. */
  earlyData: boolean;
}

export interface ServerHello {
  random: Buffer;
  legacyVersion: number;
  /** The negotiated version: supported_versions when present (TLS 1.3), else the legacy version. */
  version: number;
  cipherSuite: number;
  /** A HelloRetryRequest (TLS 1.3): another Client Hello follows. */
  helloRetry: boolean;
  alpn?: string;
  /** The encrypt_then_mac extension (RFC 7366): a CBC suite's records are MACed after encryption. */
  encryptThenMac: boolean;
}

export interface CertificateFacts {
  subject: string;
  issuer: string;
  /** ISO 8601. */
  notBefore: string;
  notAfter: string;
  subjectAltName?: string;
}

const HELLO_RETRY_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');

/** A bounded cursor; reading past the end throws RangeError, which the parsers turn into undefined. */
class Reader {
  constructor(readonly b: Buffer, public at = 0, readonly end = b.length) {}
  u8(): number { this.need(1); return this.b[this.at++]!; }
  u16(): number { this.need(2); const v = this.b.readUInt16BE(this.at); this.at += 2; return v; }
  u24(): number { this.need(3); const v = this.b.readUIntBE(this.at, 3); this.at += 3; return v; }
  bytes(n: number): Buffer { this.need(n); const v = this.b.subarray(this.at, this.at + n); this.at += n; return v; }
  sub(n: number): Reader { this.need(n); const r = new Reader(this.b, this.at, this.at + n); this.at += n; return r; }
  get left(): number { return this.end - this.at; }
  private need(n: number): void { if (this.at + n > this.end) throw new RangeError('short'); }
}

interface Extension { type: number; data: Reader }

function extensions(r: Reader): Extension[] {
  if (r.left < 2) return [];
  const all = r.sub(r.u16());
  const out: Extension[] = [];
  while (all.left >= 4) {
    const type = all.u16();
    out.push({ type, data: all.sub(all.u16()) });
  }
  return out;
}

function alpnList(data: Reader): string[] {
  const list = data.sub(data.u16());
  const out: string[] = [];
  while (list.left > 0) out.push(list.bytes(list.u8()).toString('latin1'));
  return out;
}

export function parseClientHello(body: Buffer): ClientHello | undefined {
  try {
    const r = new Reader(body);
    const legacyVersion = r.u16();
    const random = Buffer.from(r.bytes(32));
    r.bytes(r.u8()); // session id
    const suites = r.sub(r.u16());
    const cipherSuites: number[] = [];
    while (suites.left >= 2) cipherSuites.push(suites.u16());
    r.bytes(r.u8()); // compression methods
    const hello: ClientHello = { random, legacyVersion, cipherSuites, earlyData: false };
    for (const { type, data } of extensions(r)) {
      if (type === 0) {
        const list = data.sub(data.u16());
        while (list.left >= 3) {
          const kind = list.u8();
          const name = list.bytes(list.u16());
          if (kind === 0) { hello.serverName = name.toString('latin1'); break; }
        }
      } else if (type === 16) hello.alpn = alpnList(data);
      else if (type === 43) {
        const list = data.sub(data.u8());
        hello.supportedVersions = [];
        while (list.left >= 2) hello.supportedVersions.push(list.u16());
      } else if (type === 42) hello.earlyData = true;
    }
    return hello;
  } catch {
    return undefined;
  }
}

export function parseServerHello(body: Buffer): ServerHello | undefined {
  try {
    const r = new Reader(body);
    const legacyVersion = r.u16();
    const random = Buffer.from(r.bytes(32));
    r.bytes(r.u8()); // session id
    const cipherSuite = r.u16();
    r.u8(); // compression method
    const hello: ServerHello = {
      random, legacyVersion, version: legacyVersion, cipherSuite, helloRetry: random.equals(HELLO_RETRY_RANDOM), encryptThenMac: false,
    };
    for (const { type, data } of extensions(r)) {
      if (type === 43 && data.left >= 2) hello.version = data.u16();
      else if (type === 16) hello.alpn = alpnList(data)[0];
      else if (type === 22) hello.encryptThenMac = true;
    }
    return hello;
  } catch {
    return undefined;
  }
}

/** ALPN chosen by a TLS 1.3 server (in its Encrypted Extensions). */
export function parseEncryptedExtensions(body: Buffer): { alpn?: string } | undefined {
  try {
    for (const { type, data } of extensions(new Reader(body))) if (type === 16) return { alpn: alpnList(data)[0]! };
    return {};
  } catch {
    return undefined;
  }
}

/** The leaf (first) certificate of a Certificate message (`tls13`: with its request context and per-entry extensions). */
export function parseCertificate(body: Buffer, tls13: boolean): CertificateFacts | undefined {
  try {
    const r = new Reader(body);
    if (tls13) r.bytes(r.u8());
    const list = r.sub(r.u24());
    if (list.left < 3) return undefined;
    const der = list.bytes(list.u24());
    const cert = new (nodeCrypto().X509Certificate)(der);
    const facts: CertificateFacts = {
      subject: cert.subject.replace(/\n/g, ', '), issuer: cert.issuer.replace(/\n/g, ', '),
      notBefore: new Date(cert.validFrom).toISOString(), notAfter: new Date(cert.validTo).toISOString(),
    };
    if (cert.subjectAltName !== undefined) facts.subjectAltName = cert.subjectAltName;
    return facts;
  } catch {
    return undefined;
  }
}

export const ALERT_DESCRIPTIONS: Readonly<Record<number, string>> = {
  0: 'close_notify', 10: 'unexpected_message', 20: 'bad_record_mac', 22: 'record_overflow', 40: 'handshake_failure',
  42: 'bad_certificate', 43: 'unsupported_certificate', 44: 'certificate_revoked', 45: 'certificate_expired',
  46: 'certificate_unknown', 47: 'illegal_parameter', 48: 'unknown_ca', 49: 'access_denied', 50: 'decode_error',
  51: 'decrypt_error', 70: 'protocol_version', 71: 'insufficient_security', 80: 'internal_error',
  86: 'inappropriate_fallback', 90: 'user_canceled', 109: 'missing_extension', 110: 'unsupported_extension',
  112: 'unrecognized_name', 116: 'certificate_required', 120: 'no_application_protocol',
};
