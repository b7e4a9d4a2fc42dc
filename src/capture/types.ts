/**
 * Types shared by the capture readers (pcap, pcapng, gzip, file or stdin).
 * A reader turns bytes into CaptureFrame records and nothing more: no protocol decoding here.
 */
import { inspect } from 'node:util';

/** One packet record as stored in the capture. */
export interface CaptureFrame {
  /** 1-based frame number, as Wireshark numbers frames. */
  frame: number;
  /** Timestamp: whole seconds since the Unix epoch. */
  tsSec: number;
  /** Timestamp: nanoseconds within the second (0..999_999_999), whatever the file's resolution. */
  tsNsec: number;
  /** LINKTYPE_* of the interface the record belongs to (1 Ethernet, 113 SLL, 276 SLL2, 0 NULL, 101/228/229 raw IP...). */
  linkType: number;
  /** The captured bytes. A view into the reader's buffer: valid only during the callback; copy to keep it. */
  data: Buffer;
  /** Length of the packet on the wire (>= data.length when the snaplen cut it). */
  originalLength: number;
  /** pcapng interface index (0 for classic pcap). */
  interfaceId: number;
}

/** Something worth telling the user about the file itself; reading goes on. */
export interface CaptureNotice {
  /** Stable code, e.g. "capture.truncated-record", "capture.unknown-block", "capture.bad-block". */
  code: string;
  message: string;
  /** The frame number concerned, when there is one (for a cut-off record: the number it would have had). */
  frame?: number;
}

export interface CaptureInterface {
  linkType: number;
  snaplen: number;
  /** Timestamp units per second (1e6 for microsecond pcap, 1e9 for nanosecond...). */
  tsUnitsPerSecond: number;
  name?: string;
}

/** What the reader learnt about the file once it has been read to the end. */
export interface CaptureSummary {
  format: 'pcap' | 'pcapng';
  /** True when the input was gzip-compressed. */
  gzip: boolean;
  /** Records delivered as frames. */
  frames: number;
  /** Bytes read from the (decompressed) input. */
  bytes: number;
  interfaces: CaptureInterface[];
  /** Blocks/records skipped, by reason (e.g. { "unknown-block": 3, "truncated-record": 1 }). */
  skipped: Record<string, number>;
}

/** pcapng Decryption Secrets Block secrets type of a TLS key log in NSS key log format ("TLSK"). */
export const SECRETS_TLS_KEY_LOG = 0x544c534b;

/**
 * The secrets of a pcapng Decryption Secrets Block (DSB), e.g. the TLS key log `editcap --inject-secrets` embeds.
 * Key material: the bytes are kept in a private field and the object prints (JSON, inspect, String) as its type and
 * length only. Like a CaptureFrame's data, the bytes are a view of the reader's buffer, valid only during the call.
 */
export class DecryptionSecrets {
  readonly #data: Buffer;

  constructor(
    /** The block's secrets type (SECRETS_TLS_KEY_LOG "TLSK"; "WGKL" WireGuard, "ZNWK"/"ZAPK" ZigBee, "OPCK" OPC UA...). */
    readonly secretsType: number,
    data: Buffer,
    /** The number the next frame will have: the secrets apply from there. */
    readonly frame: number,
  ) {
    this.#data = data;
  }

  get length(): number {
    return this.#data.length;
  }

  /** The secrets type as its four ASCII letters when printable ("TLSK"), else hex. */
  get typeName(): string {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(this.secretsType >>> 0);
    return /^[\x20-\x7e]{4}$/.test(b.toString('latin1')) ? b.toString('latin1') : `0x${b.toString('hex')}`;
  }

  /** The secrets as text (a key log is ASCII), for the one stage that uses them; never for an output. */
  text(): string {
    return this.#data.toString('latin1');
  }

  toJSON(): { secretsType: string; length: number } {
    return { secretsType: this.typeName, length: this.length };
  }

  toString(): string {
    return `DecryptionSecrets(${this.typeName}, ${this.length} bytes)`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

export interface CaptureSink {
  frame(frame: CaptureFrame): void;
  notice(notice: CaptureNotice): void;
  /** A pcapng Decryption Secrets Block, in file order (a sink that has no use for secrets leaves this out). */
  secrets?(secrets: DecryptionSecrets): void;
}

/** An input that cannot be read as a capture at all (missing, directory, not a capture, empty...). Exit code 2. */
export class CaptureError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'CaptureError';
    this.code = code;
  }
}
