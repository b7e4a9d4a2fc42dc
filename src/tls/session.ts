/**
 * One TLS connection, both directions: records in (from two TlsRecordReaders), and out come the facts of the
 * handshake, the records as seen on the wire, and — when the key log has the session's secrets — the decrypted
 * application data with the frame of the record that carried it. Runs the key schedule of TLS 1.2 (CLIENT_RANDOM
 * master secret, keys from Change Cipher Spec on) and TLS 1.3 (handshake secrets after the Server Hello, traffic
 * secrets after each side's Finished, KeyUpdate). Findings are reported through the sink as codes with facts; this
 * module does not build events, and it never hands a secret to the sink.
 */
import { DECRYPTABLE_SUITES, cipherSuiteName, tlsVersionName, type DecryptableSuite } from './cipher-suites.js';
import { CbcDecryptor } from './cbc.js';
import { AeadDecryptor, type DecryptFailure, type RecordDecryptor } from './decrypt.js';
import {
  ALERT_DESCRIPTIONS, HandshakeAssembler, parseCertificate, parseClientHello, parseEncryptedExtensions, parseServerHello,
  type CertificateFacts, type ClientHello, type ServerHello,
} from './handshake.js';
import { nextTrafficSecret, tls12Keys, tls13Keys } from './key-schedule.js';
import type { KeyLog, KeyLogLabel } from './keylog.js';
import { TlsRecordReader, type TlsRecord } from './records.js';

export type TlsDirection = 'client' | 'server';

/** What a record turned out to be, for the timeline. */
export interface TlsRecordInfo {
  direction: TlsDirection;
  record: TlsRecord;
  /** Handshake message types the record carried (plaintext, or decrypted). */
  handshakeTypes: number[];
  /** Set when the record was decrypted: its real content type. */
  innerContentType?: number;
  /** Alert (plaintext or decrypted): level and description. */
  alert?: { level: number; description: number };
  serverName?: string;
}

/** The handshake as far as it was seen. */
export interface TlsHandshakeFacts {
  version?: string;
  cipherSuite?: string;
  serverName?: string;
  alpn?: string;
  /** Versions and suites the client offered (names). */
  offeredVersions?: string[];
  certificate?: CertificateFacts;
  /** Client Hello to the end of the handshake (TLS 1.3: the client's Finished; 1.2: the last Finished). */
  handshakeMs?: number;
  decrypted: boolean;
}

export type TlsFindingKind =
  /** The key log lacks this session's secrets (detail: clientRandom, missing labels). */
  | 'no-secret'
  /** Capture started after the handshake: no Client/Server Hello, nothing can be decrypted. */
  | 'handshake-not-seen'
  /** A record failed authentication, or a CBC record its MAC or padding (wrong key, corrupted record; detail: reason). */
  | 'decrypt-failed'
  /** Records cut by the capture (snaplen or lost bytes): not decryptable. */
  | 'record-truncated'
  /** The negotiated suite is not one we decrypt. */
  | 'unsupported-cipher'
  /** A fatal alert during the handshake (version or cipher mismatch, certificate refused...). */
  | 'handshake-failed'
  /** Bytes that are not TLS records were skipped. */
  | 'not-tls'
  /** TLS 1.3 0-RTT data without CLIENT_EARLY_TRAFFIC_SECRET. */
  | 'early-data';

export interface TlsSessionSink {
  record(info: TlsRecordInfo): void;
  /** Decrypted application data, in order, attributed to the frame of the record that carried it. */
  plaintext(direction: TlsDirection, data: Buffer, frame: number, time: number): void;
  /** The handshake finished (once per connection). */
  handshake(facts: TlsHandshakeFacts, frame: number, time: number): void;
  finding(kind: TlsFindingKind, direction: TlsDirection, frame: number, time: number, summary: string, detail: Record<string, unknown>): void;
}

interface DirectionState {
  reader: TlsRecordReader;
  /** Handshake messages in the clear, and under the current keys (reset at each key change). */
  clearHandshake: HandshakeAssembler;
  protectedHandshake: HandshakeAssembler;
  decryptor: RecordDecryptor | undefined;
  /** TLS 1.3: the traffic secret in force (for KeyUpdate) and the one to switch to after Finished. */
  secret: Buffer | undefined;
  nextSecret: Buffer | undefined;
  /** Switch to nextSecret after the record being processed (its Finished was seen). */
  switchAfterRecord: boolean;
  /** Decryption failed once: further records of this direction are not tried. */
  failed: boolean;
  changeCipherSpec: boolean;
  /** TLS 1.3: still under the handshake traffic secret. */
  handshakePhase: boolean;
  truncated: { first: number; last: number; count: number; firstTime: number } | undefined;
}

/** The finding's words for each reason a record could not be opened. */
const FAILURE_WORDS: Readonly<Record<DecryptFailure, string>> = {
  authentication: 'TLS record did not authenticate (wrong key in the key log, or a damaged record)',
  mac: 'TLS record\'s MAC did not verify (wrong key in the key log, or a damaged record)',
  padding: 'TLS record\'s CBC padding is invalid (wrong key in the key log, or a damaged record)',
  length: 'TLS record is too short or not whole cipher blocks for its cipher suite (a damaged record)',
};

/**
 * The suite when it can be decrypted in the negotiated version: TLS 1.3 suites in TLS 1.3 only; CBC suites in TLS 1.0
 * to 1.2 (not SSL 3.0, whose MAC differs); TLS 1.2 AEAD suites in TLS 1.2.
 */
function decryptableIn(version: number, suite: DecryptableSuite | undefined): DecryptableSuite | undefined {
  if (suite === undefined) return undefined;
  if (version === 0x0304) return suite.tls13 ? suite : undefined;
  if (suite.tls13) return undefined;
  if (suite.kind === 'cbc') return version >= 0x0301 && version <= 0x0303 ? suite : undefined;
  return version === 0x0303 ? suite : undefined;
}

export class TlsSession {
  private readonly sides: Record<TlsDirection, DirectionState>;
  private clientHello: ClientHello | undefined;
  private clientHelloTime = 0;
  private serverHello: ServerHello | undefined;
  private suite: DecryptableSuite | undefined;
  private tls13 = false;
  private readonly facts: TlsHandshakeFacts = { decrypted: false };
  private handshakeReported = false;
  private firstRecordSeen = false;
  /** Application data of the record being processed, handed on after its record event. */
  private pendingPlaintext: Buffer | undefined;
  private earlyDataReported = false;

  constructor(private readonly keyLog: KeyLog | undefined, private readonly sink: TlsSessionSink) {
    const side = (direction: TlsDirection): DirectionState => ({
      reader: new TlsRecordReader({
        record: (record) => this.onRecord(direction, record),
        skipped: (bytes, frame, time) => this.sink.finding('not-tls', direction, frame, time,
          `${bytes} bytes that are not TLS records skipped`, { bytes }),
      }),
      clearHandshake: new HandshakeAssembler(), protectedHandshake: new HandshakeAssembler(),
      decryptor: undefined, secret: undefined, nextSecret: undefined, switchAfterRecord: false, failed: false,
      changeCipherSpec: false, handshakePhase: true, truncated: undefined,
    });
    this.sides = { client: side('client'), server: side('server') };
  }

  /** The handshake facts so far. */
  get handshakeFacts(): Readonly<TlsHandshakeFacts> {
    return this.facts;
  }

  data(direction: TlsDirection, chunk: Buffer, frame: number, time: number): void {
    this.sides[direction].reader.data(chunk, frame, time);
  }

  gap(direction: TlsDirection, length: number, frame: number, time: number): void {
    this.sides[direction].reader.gap(length, frame, time);
  }

  end(direction: TlsDirection, frame: number, time: number): void {
    this.sides[direction].reader.end(frame, time);
    this.flushTruncated(direction);
  }

  private onRecord(direction: TlsDirection, record: TlsRecord): void {
    const side = this.sides[direction];
    const info: TlsRecordInfo = { direction, record, handshakeTypes: [] };
    if (!this.firstRecordSeen) {
      this.firstRecordSeen = true;
      this.handshakeNotSeen(direction, record);
    }
    if (side.decryptor !== undefined && !side.failed && record.contentType !== 20) {
      this.decryptRecord(direction, side, record, info);
    } else {
      if (record.body === undefined) this.truncated(side, record);
      else if (record.contentType === 22) {
        for (const message of side.clearHandshake.push(record.body)) {
          info.handshakeTypes.push(message.type);
          this.onHandshake(direction, message.type, message.body, record, info);
        }
      } else if (record.contentType === 20) {
        side.changeCipherSpec = true;
        this.lastChangeCipherSpec = direction;
        if (!this.tls13) this.startTls12Protection(direction, side);
      } else if (record.contentType === 21 && record.body.length >= 2) {
        info.alert = { level: record.body[0]!, description: record.body[1]! };
        this.onAlert(direction, info.alert, record);
      } else if (record.contentType === 23) {
        this.encryptedWithoutKeys(direction, record);
      }
    }
    this.sink.record(info);
    const plaintext = this.pendingPlaintext;
    if (plaintext !== undefined) {
      this.pendingPlaintext = undefined;
      this.sink.plaintext(direction, plaintext, record.frame, record.time);
    }
    this.noteHandshakeEnd(direction, record);
    if (side.switchAfterRecord) {
      side.switchAfterRecord = false;
      side.handshakePhase = false;
      this.useSecret(side, side.nextSecret);
      side.nextSecret = undefined;
    }
  }

  /** The connection's first record is not a handshake record: the capture started after the handshake. */
  private handshakeNotSeen(direction: TlsDirection, record: TlsRecord): void {
    if (record.contentType === 22) return;
    this.sink.finding('handshake-not-seen', direction, record.frame, record.time,
      'TLS connection captured after its handshake: no Client Hello, its records cannot be decrypted', {});
  }

  private decryptRecord(direction: TlsDirection, side: DirectionState, record: TlsRecord, info: TlsRecordInfo): void {
    const decryptor = side.decryptor!;
    if (record.body === undefined) {
      decryptor.skip();
      this.truncated(side, record);
      return;
    }
    let plain = decryptor.decrypt(record.header, record.body);
    if (!plain.ok && side.nextSecret === undefined && side.handshakePhase && this.tls13) {
      // The Finished was in a record the capture cut: try the application traffic secret.
      const secret = this.secretOf(direction === 'client' ? 'CLIENT_TRAFFIC_SECRET_0' : 'SERVER_TRAFFIC_SECRET_0');
      if (secret !== undefined) {
        this.useSecret(side, secret);
        side.handshakePhase = false;
        plain = side.decryptor!.decrypt(record.header, record.body);
      }
    }
    if (!plain.ok) {
      side.failed = true;
      this.sink.finding('decrypt-failed', direction, record.frame, record.time,
        `${FAILURE_WORDS[plain.reason]}: ${direction} records from here stay encrypted`,
        {
          sequence: Number(side.decryptor!.sequence - 1n), recordLength: record.length,
          reason: plain.reason, ...this.randomDetail(),
        });
      return;
    }
    info.innerContentType = plain.contentType;
    this.facts.decrypted = true;
    if (plain.contentType === 23) {
      if (plain.data.length > 0) this.pendingPlaintext = plain.data;
    } else if (plain.contentType === 22) {
      for (const message of side.protectedHandshake.push(plain.data)) {
        info.handshakeTypes.push(message.type);
        this.onHandshake(direction, message.type, message.body, record, info);
      }
    } else if (plain.contentType === 21 && plain.data.length >= 2) {
      info.alert = { level: plain.data[0]!, description: plain.data[1]! };
      this.onAlert(direction, info.alert, record);
    }
  }

  private onHandshake(direction: TlsDirection, type: number, body: Buffer, record: TlsRecord, info: TlsRecordInfo): void {
    switch (type) {
      case 1: { // Client Hello (a second one follows a HelloRetryRequest)
        const hello = parseClientHello(body);
        if (hello === undefined) return;
        if (this.clientHello === undefined) this.clientHelloTime = record.time;
        this.clientHello = hello;
        if (hello.serverName !== undefined) { info.serverName = hello.serverName; this.facts.serverName = hello.serverName; }
        this.facts.offeredVersions = (hello.supportedVersions ?? [hello.legacyVersion]).filter((v) => (v & 0x0f0f) !== 0x0a0a).map(tlsVersionName);
        break;
      }
      case 2: { // Server Hello
        const hello = parseServerHello(body);
        if (hello === undefined || hello.helloRetry) return;
        this.serverHello = hello;
        this.tls13 = hello.version === 0x0304;
        this.facts.version = tlsVersionName(hello.version);
        this.facts.cipherSuite = cipherSuiteName(hello.cipherSuite);
        if (hello.alpn !== undefined) this.facts.alpn = hello.alpn;
        this.suite = decryptableIn(hello.version, DECRYPTABLE_SUITES.get(hello.cipherSuite));
        this.prepareKeys(record);
        break;
      }
      case 8: { // Encrypted Extensions (TLS 1.3)
        const ee = parseEncryptedExtensions(body);
        if (ee?.alpn !== undefined) this.facts.alpn = ee.alpn;
        break;
      }
      case 11: { // Certificate (the server's)
        if (direction !== 'server' || this.facts.certificate !== undefined) return;
        const certificate = parseCertificate(body, this.tls13);
        if (certificate !== undefined) this.facts.certificate = certificate;
        break;
      }
      case 20: { // Finished: TLS 1.3 switches this direction to its application traffic secret
        if (this.tls13) {
          const side = this.sides[direction];
          side.switchAfterRecord = true;
          side.nextSecret = this.secretOf(direction === 'client' ? 'CLIENT_TRAFFIC_SECRET_0' : 'SERVER_TRAFFIC_SECRET_0');
        }
        break;
      }
      case 24: { // KeyUpdate (TLS 1.3)
        const side = this.sides[direction];
        if (this.tls13 && this.suite !== undefined && side.secret !== undefined) {
          side.switchAfterRecord = true;
          side.nextSecret = nextTrafficSecret(this.suite, side.secret);
        }
        break;
      }
      default:
        break;
    }
  }

  private secretOf(label: KeyLogLabel): Buffer | undefined {
    return this.clientHello === undefined ? undefined : this.keyLog?.secret(label, this.clientHello.random);
  }

  private randomDetail(): Record<string, unknown> {
    return this.clientHello === undefined ? {} : { clientRandom: this.clientHello.random.toString('hex') };
  }

  /** After the Server Hello: what the key log holds for this session; TLS 1.3 handshake keys are used at once. */
  private prepareKeys(record: TlsRecord): void {
    if (this.clientHello === undefined || this.serverHello === undefined) return;
    if (this.keyLog === undefined) return; // no key log at all: the dissector says so once per connection
    if (this.suite === undefined) {
      this.sink.finding('unsupported-cipher', 'server', record.frame, record.time,
        `cipher suite ${this.facts.cipherSuite} is not decrypted in ${this.facts.version} (AES-GCM, AES-CCM, ChaCha20-Poly1305; AES/3DES-CBC with HMAC up to TLS 1.2)`,
        { cipherSuite: this.facts.cipherSuite, version: this.facts.version });
      return;
    }
    const needed: KeyLogLabel[] = this.tls13
      ? ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0']
      : ['CLIENT_RANDOM'];
    const missing = needed.filter((label) => this.secretOf(label) === undefined);
    if (missing.length > 0) {
      this.sink.finding('no-secret', 'server', record.frame, record.time,
        `the key log has no ${missing.length === needed.length ? 'secret' : missing.join(', ')} for client random ${this.clientHello.random.toString('hex')}`,
        { ...this.randomDetail(), missing });
    }
    if (this.tls13) {
      this.useSecret(this.sides.server, this.secretOf('SERVER_HANDSHAKE_TRAFFIC_SECRET'));
      this.useSecret(this.sides.client, this.secretOf('CLIENT_HANDSHAKE_TRAFFIC_SECRET'));
    }
  }

  private useSecret(side: DirectionState, secret: Buffer | undefined): void {
    side.secret = secret;
    side.protectedHandshake.reset();
    side.decryptor = secret !== undefined && this.suite?.kind === 'aead' ? new AeadDecryptor(this.suite, tls13Keys(this.suite, secret)) : undefined;
  }

  private startTls12Protection(direction: TlsDirection, side: DirectionState): void {
    const master = this.secretOf('CLIENT_RANDOM');
    if (master === undefined || this.suite === undefined || this.clientHello === undefined || this.serverHello === undefined) return;
    const { version, encryptThenMac } = this.serverHello;
    const keys = tls12Keys(this.suite, version, master, this.clientHello.random, this.serverHello.random)[direction];
    side.protectedHandshake.reset();
    side.decryptor = this.suite.kind === 'cbc' ? new CbcDecryptor(this.suite, keys, { version, encryptThenMac }) : new AeadDecryptor(this.suite, keys);
  }

  private encryptedWithoutKeys(direction: TlsDirection, record: TlsRecord): void {
    if (direction === 'client' && this.tls13 === false && this.serverHello === undefined && this.clientHello?.earlyData === true
      && !this.earlyDataReported) {
      this.earlyDataReported = true;
      this.sink.finding('early-data', direction, record.frame, record.time,
        'TLS 1.3 0-RTT early data is not decrypted', this.randomDetail());
    }
  }

  private truncated(side: DirectionState, record: TlsRecord): void {
    if (side.truncated === undefined) side.truncated = { first: record.frame, last: record.frame, count: 1, firstTime: record.time };
    else { side.truncated.last = record.frame; side.truncated.count++; }
  }

  private flushTruncated(direction: TlsDirection): void {
    const t = this.sides[direction].truncated;
    if (t === undefined) return;
    this.sides[direction].truncated = undefined;
    this.sink.finding('record-truncated', direction, t.first, t.firstTime,
      `${t.count} TLS record${t.count === 1 ? ' was' : 's were'} not captured whole (snaplen or lost segments) and cannot be decrypted`,
      { count: t.count, firstFrame: t.first, lastFrame: t.last });
  }

  private onAlert(direction: TlsDirection, alert: { level: number; description: number }, record: TlsRecord): void {
    if (alert.level !== 2 || this.handshakeReported) return;
    const name = ALERT_DESCRIPTIONS[alert.description] ?? `alert ${alert.description}`;
    this.sink.finding('handshake-failed', direction, record.frame, record.time,
      `TLS handshake failed: ${direction} sent fatal alert ${name}${this.facts.offeredVersions !== undefined ? ` (client offered ${this.facts.offeredVersions.join(', ')})` : ''}`,
      {
        alert: name, ...(this.facts.offeredVersions !== undefined ? { offeredVersions: this.facts.offeredVersions } : {}),
        ...(this.clientHello !== undefined ? { offeredCipherSuites: this.clientHello.cipherSuites.map(cipherSuiteName) } : {}),
      });
    this.handshakeReported = true;
  }

  /** The handshake ends with the client's Finished (TLS 1.3) or the second side's Finished after CCS (TLS 1.2). */
  private noteHandshakeEnd(direction: TlsDirection, record: TlsRecord): void {
    if (this.handshakeReported || this.serverHello === undefined || record.contentType === 20) return;
    const done = this.tls13
      ? direction === 'client' && record.contentType === 23
      : this.sides.client.changeCipherSpec && this.sides.server.changeCipherSpec && this.sides[direction].changeCipherSpec
        && record.contentType === 22 && this.lastChangeCipherSpec === direction;
    if (!done) return;
    this.handshakeReported = true;
    this.facts.handshakeMs = Math.round((record.time - this.clientHelloTime) * 1e6) / 1e3;
    this.sink.handshake({ ...this.facts }, record.frame, record.time);
  }

  /** The side that sent the latest Change Cipher Spec (TLS 1.2: its Finished ends the handshake). */
  private lastChangeCipherSpec: TlsDirection | undefined;
}
