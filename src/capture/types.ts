/**
 * Types shared by the capture readers (pcap, pcapng, gzip, file or stdin).
 * A reader turns bytes into CaptureFrame records and nothing more: no protocol decoding here.
 */

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

export interface CaptureSink {
  frame(frame: CaptureFrame): void;
  notice(notice: CaptureNotice): void;
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
