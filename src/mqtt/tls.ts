/**
 * TLS record scanner for one direction of an MQTT-over-TLS connection (port 8883): splits the byte stream into TLS
 * records and names each one (Client Hello with its SNI, Server Hello, Change Cipher Spec, Alert, Application Data),
 * so the timeline shows the handshake and the encrypted MQTT after it. It decrypts nothing. Handshake records are
 * buffered up to MAX_KEPT bytes for their first message; other record bodies are skipped without buffering.
 */

export interface TlsRecord {
  contentType: number;
  /** Record-layer version, e.g. 0x0303. */
  version: number;
  length: number;
  /** First handshake message type (handshake records). */
  handshakeType?: number;
  /** Server Name Indication from a Client Hello. */
  serverName?: string;
  frame: number;
  time: number;
}

const MAX_KEPT = 16 * 1024;

export const TLS_CONTENT_TYPES: Readonly<Record<number, string>> = {
  20: 'Change Cipher Spec', 21: 'Alert', 22: 'Handshake', 23: 'Application Data', 24: 'Heartbeat',
};

export const TLS_HANDSHAKE_TYPES: Readonly<Record<number, string>> = {
  1: 'Client Hello', 2: 'Server Hello', 4: 'New Session Ticket', 8: 'Encrypted Extensions', 11: 'Certificate',
  12: 'Server Key Exchange', 13: 'Certificate Request', 14: 'Server Hello Done', 15: 'Certificate Verify',
  16: 'Client Key Exchange', 20: 'Finished', 24: 'Key Update',
};

/** SNI (extension 0) of a Client Hello body starting at `at` (the handshake header), when present. */
function serverNameOf(b: Buffer, at: number): string | undefined {
  try {
    let p = at + 4 + 2 + 32; // handshake header, client version, random
    p += 1 + b[p]!; // session id
    p += 2 + b.readUInt16BE(p); // cipher suites
    p += 1 + b[p]!; // compression methods
    const end = p + 2 + b.readUInt16BE(p);
    p += 2;
    while (p + 4 <= end && p + 4 <= b.length) {
      const type = b.readUInt16BE(p);
      const length = b.readUInt16BE(p + 2);
      if (type === 0 && p + 9 <= b.length) {
        const nameLength = b.readUInt16BE(p + 7);
        return b.toString('latin1', p + 9, Math.min(b.length, p + 9 + nameLength));
      }
      p += 4 + length;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

export class TlsRecordScanner {
  private header: Buffer = Buffer.alloc(0);
  private body: Buffer[] = [];
  private bodyKept = 0;
  private remaining = 0;
  private current: { contentType: number; version: number; length: number } | undefined;
  private broken = false;

  constructor(private readonly onRecord: (record: TlsRecord) => void, private readonly onMalformed: (frame: number, time: number) => void) {}

  push(data: Buffer, frame: number, time: number): void {
    if (this.broken) return;
    let offset = 0;
    while (offset < data.length) {
      if (this.current === undefined) {
        const need = 5 - this.header.length;
        const take = data.subarray(offset, offset + need);
        this.header = this.header.length === 0 ? Buffer.from(take) : Buffer.concat([this.header, take]);
        offset += take.length;
        if (this.header.length < 5) return;
        const contentType = this.header[0]!;
        const version = this.header.readUInt16BE(1);
        const length = this.header.readUInt16BE(3);
        this.header = Buffer.alloc(0);
        if (contentType < 20 || contentType > 24 || (version >> 8) !== 3) {
          this.broken = true;
          this.onMalformed(frame, time);
          return;
        }
        this.current = { contentType, version, length };
        this.remaining = length;
        this.body = [];
        this.bodyKept = 0;
        if (length === 0) this.complete(frame, time);
        continue;
      }
      const take = Math.min(this.remaining, data.length - offset);
      if (this.current.contentType === 22 && this.bodyKept < MAX_KEPT) {
        const kept = data.subarray(offset, offset + Math.min(take, MAX_KEPT - this.bodyKept));
        this.body.push(Buffer.from(kept));
        this.bodyKept += kept.length;
      }
      offset += take;
      this.remaining -= take;
      if (this.remaining === 0) this.complete(frame, time);
    }
  }

  private complete(frame: number, time: number): void {
    const record = this.current!;
    this.current = undefined;
    const result: TlsRecord = { ...record, frame, time };
    if (record.contentType === 22 && this.bodyKept > 0) {
      const body = Buffer.concat(this.body);
      result.handshakeType = body[0]!;
      if (body[0] === 1) {
        const name = serverNameOf(body, 0);
        if (name !== undefined) result.serverName = name;
      }
    }
    this.body = [];
    this.onRecord(result);
  }
}
