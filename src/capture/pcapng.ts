/**
 * pcapng block parser.
 *
 * Does: Section Header Blocks in either byte order (each SHB starts a new section: its byte order applies and
 * its interface list starts empty), Interface Description Blocks (link type, snaplen, if_name, if_tsresol in
 * its base-10 and base-2 forms, if_tsoffset), Enhanced Packet Blocks, Simple Packet Blocks (interface 0, no
 * timestamp: tsSec = tsNsec = 0; captured = min(original length, snaplen, block space)) and the obsolete
 * Packet Block (type 2). Timestamps are converted exactly to seconds + nanoseconds (nanoseconds floored for
 * resolutions finer than 1 ns or not a power of ten) with plain Number arithmetic; BigInt only for resolutions
 * finer than 2^-36 s, and for the nanoseconds of resolutions finer than 10^-9 s or 2^-32 s.
 *
 * Interface numbering: CaptureFrame.interfaceId indexes summary.interfaces, which lists every IDB of every
 * section in file order (as Wireshark numbers frame.interface_id); in a single-section file it is simply the
 * EPB's interface id.
 *
 * Skipped, never decoded (counted in summary.skipped):
 *   "interface-cap"      IDBs past MAX_INTERFACES in the file (one notice "capture.interface-cap")
 *   "other-block"        NRB, ISB, systemd journal, custom, process-information blocks
 *   "decryption-secrets" Decryption Secrets Blocks: each handed whole to sink.secrets() (a DecryptionSecrets, whose
 *                        bytes never print) in file order, before the packets that follow it; one whose secrets
 *                        length does not fit the block is a "capture.bad-secrets" notice and is not handed on
 *   "unknown-block"      any other block type (one "capture.unknown-block" notice per type)
 *   "unknown-interface"  packet block naming an interface the section has not described (notice)
 *   "bad-record"         packet block whose captured length does not fit the block (notice)
 * Fatal to the rest of the file (notice "capture.bad-block", reading stops, nothing is allocated): a block
 * total length < 12, not a multiple of 4, above 64 MiB, or not repeated at the end of the block; an SHB with
 * a bad byte-order magic after the first. The same problems in the first SHB throw CaptureError
 * "capture.not-a-capture".
 * Does not: buffer input, read files, decompress, or look at packet contents.
 */
import type { MemoryBudget } from '../model/budget.js';

/** Bytes charged to the memory budget per interface kept (its description, options and time conversion). */
const INTERFACE_BYTES = 256;
import { bump, readBE32, readLE32, type FormatParser } from './pcap.js';
import { CaptureError, DecryptionSecrets, type CaptureInterface, type CaptureSink } from './types.js';

export const PCAPNG_SHB = 0x0a0d0d0a;
const BOM = 0x1a2b3c4d;
const BOM_SWAPPED = 0x4d3c2b1a;
const BT_PB = 0x00000002;
const BT_SPB = 0x00000003;
const BT_IDB = 0x00000001;
const BT_EPB = 0x00000006;
const BT_DSB = 0x0000000a;
const OTHER_BLOCKS = new Set([0x4, 0x5, 0x7, 0x8, 0x9, 0xbad, 0x40000bad, 0x80000001]);
/**
 * Interfaces kept per file (every section's IDBs count). A file is free to hold millions of IDBs in a few KB of
 * gzip; past this count IDBs are skipped ("interface-cap", one notice) and packets naming them are "unknown-interface".
 */
export const MAX_INTERFACES = 65_536;
/** Larger blocks are treated as corruption (Wireshark's own limit is 16 MiB). */
export const MAX_BLOCK = 64 * 1024 * 1024;
const TWO32 = 4294967296;
const TWO36 = 68719476736;

type Read32 = (buf: Buffer, off: number) => number;
type Read16 = (buf: Buffer, off: number) => number;
const readLE16: Read16 = (buf, off) => buf.readUInt16LE(off);
const readBE16: Read16 = (buf, off) => buf.readUInt16BE(off);

/** Per-interface timestamp conversion, prepared once per IDB. */
interface Iface {
  /** Index in the global interface list (CaptureFrame.interfaceId). */
  id: number;
  linkType: number;
  snaplen: number;
  /** Timestamp units per second (exact when numeric is true). */
  units: number;
  /** units <= 2^36: seconds and remainder computed with Number arithmetic. */
  numeric: boolean;
  /**
   * Remainder to nanoseconds: floor(remainder * nsMul / nsDiv), exact in Number arithmetic when nsDiv > 0
   * (units = 10^k with k <= 9: nsMul = 10^(9-k), nsDiv = 1; units = 2^e with e <= 32: nsDiv a power of two).
   * nsDiv = 0: BigInt.
   */
  nsMul: number;
  nsDiv: number;
  unitsBig: bigint;
  offsetSec: number;
}

export class PcapngParser implements FormatParser {
  readonly format = 'pcapng' as const;
  need = 12;
  stopped = false;
  frames = 0;
  interfaces: CaptureInterface[] = [];
  skipped: Record<string, number> = {};

  private readonly sink: CaptureSink;
  private read32: Read32 = readLE32;
  private read16: Read16 = readLE16;
  private sections = 0;
  /** Interfaces of the current section. */
  private ifaces: Iface[] = [];
  private readonly unknownTypesSeen = new Set<number>();
  /** Block type of the incomplete block waiting for more bytes (-1: header not seen yet). */
  private pendingType = -1;
  private tsSec = 0;
  private tsNsec = 0;

  constructor(sink: CaptureSink, private readonly maxInterfaces = MAX_INTERFACES, private readonly budget?: MemoryBudget) {
    this.sink = sink;
  }

  parse(buf: Buffer, off: number, end: number): number {
    for (;;) {
      const avail = end - off;
      if (avail < 12) {
        this.need = 12;
        this.pendingType = avail >= 4 && this.sections > 0 ? this.read32(buf, off) : -1;
        return off;
      }
      let type: number;
      let total: number;
      // 0x0A0D0D0A reads the same in both byte orders.
      if (buf.readUInt32LE(off) === PCAPNG_SHB) {
        type = PCAPNG_SHB;
        const bom = buf.readUInt32LE(off + 8);
        let le: boolean;
        if (bom === BOM) le = true;
        else if (bom === BOM_SWAPPED) le = false;
        else {
          if (this.sections === 0) {
            throw new CaptureError('capture.not-a-capture', 'pcapng section header has no valid byte-order magic');
          }
          return this.badBlock(end, `section header block ${this.sections + 1} has an invalid byte-order magic`);
        }
        total = le ? buf.readUInt32LE(off + 4) : buf.readUInt32BE(off + 4);
        if (total < 28 || (total & 3) !== 0 || total > MAX_BLOCK) {
          return this.badBlock(end, `section header block claims a length of ${total} bytes`);
        }
        if (avail < total) {
          this.need = total;
          this.pendingType = type;
          return off;
        }
        this.read32 = le ? readLE32 : readBE32;
        this.read16 = le ? readLE16 : readBE16;
        if (this.read32(buf, off + total - 4) !== total) {
          return this.badBlock(end, `section header block length ${total} is not repeated at its end`);
        }
        this.sections++;
        this.ifaces = [];
      } else {
        const rd = this.read32;
        type = rd(buf, off);
        total = rd(buf, off + 4);
        if (total < 12 || (total & 3) !== 0 || total > MAX_BLOCK) {
          return this.badBlock(end, `block of type 0x${type.toString(16)} claims a length of ${total} bytes`);
        }
        if (avail < total) {
          this.need = total;
          this.pendingType = type;
          return off;
        }
        if (rd(buf, off + total - 4) !== total) {
          return this.badBlock(end, `block of type 0x${type.toString(16)}: length ${total} is not repeated at its end`);
        }
        if (type === BT_EPB) this.packet(buf, off, total, rd(buf, off + 8), 12, 28);
        else if (type === BT_IDB) this.idb(buf, off, total);
        else if (type === BT_SPB) this.spb(buf, off, total);
        else if (type === BT_PB) this.packet(buf, off, total, this.read16(buf, off + 8), 12, 28);
        else if (type === BT_DSB) this.dsb(buf, off, total);
        else this.other(type);
      }
      off += total;
    }
  }

  /** EPB (interface id u32) and obsolete PB (interface id u16 + drops u16): same layout otherwise. */
  private packet(buf: Buffer, off: number, total: number, ifId: number, tsOff: number, dataOff: number): void {
    if (total < dataOff + 4) {
      this.badRecord(`packet block of ${total} bytes is too short`);
      return;
    }
    const iface = this.ifaces[ifId];
    if (iface === undefined) {
      this.unknownInterface(ifId);
      return;
    }
    const rd = this.read32;
    const caplen = rd(buf, off + tsOff + 8);
    if (caplen > total - dataOff - 4) {
      this.badRecord(`packet block of ${total} bytes claims ${caplen} captured bytes`);
      return;
    }
    this.timestamp(iface, rd(buf, off + tsOff), rd(buf, off + tsOff + 4));
    const start = off + dataOff;
    this.sink.frame({
      frame: ++this.frames,
      tsSec: this.tsSec,
      tsNsec: this.tsNsec,
      linkType: iface.linkType,
      data: buf.subarray(start, start + caplen),
      originalLength: rd(buf, off + tsOff + 12),
      interfaceId: iface.id,
    });
  }

  private spb(buf: Buffer, off: number, total: number): void {
    if (total < 16) {
      this.badRecord(`simple packet block of ${total} bytes is too short`);
      return;
    }
    const iface = this.ifaces[0];
    if (iface === undefined) {
      this.unknownInterface(0);
      return;
    }
    const orig = this.read32(buf, off + 8);
    let caplen = Math.min(orig, total - 16);
    if (iface.snaplen !== 0 && iface.snaplen < caplen) caplen = iface.snaplen;
    this.sink.frame({
      frame: ++this.frames,
      tsSec: 0,
      tsNsec: 0,
      linkType: iface.linkType,
      data: buf.subarray(off + 12, off + 12 + caplen),
      originalLength: orig,
      interfaceId: iface.id,
    });
  }

  /** Sets this.tsSec / this.tsNsec from the 64-bit count of interface units (hi:lo). */
  private timestamp(iface: Iface, hi: number, lo: number): void {
    const u = iface.units;
    let sec: number;
    let frac: number;
    if (hi < 0x100000 && iface.numeric) {
      // value < 2^52: exact in a double.
      const v = hi * TWO32 + lo;
      sec = Math.floor(v / u);
      frac = v - sec * u;
      if (frac < 0) {
        sec -= 1;
        frac += u;
      } else if (frac >= u) {
        sec += 1;
        frac -= u;
      }
    } else if (iface.numeric) {
      // Long division in base 2^16: every intermediate stays below 2^53 because u <= 2^36.
      let q = 0;
      let r = 0;
      for (let i = 0; i < 4; i++) {
        const digit = i === 0 ? hi >>> 16 : i === 1 ? hi & 0xffff : i === 2 ? lo >>> 16 : lo & 0xffff;
        const cur = r * 65536 + digit;
        let d = Math.floor(cur / u);
        r = cur - d * u;
        if (r < 0) {
          d -= 1;
          r += u;
        } else if (r >= u) {
          d += 1;
          r -= u;
        }
        q = q * 65536 + d;
      }
      sec = q;
      frac = r;
    } else {
      const v = (BigInt(hi) << 32n) | BigInt(lo);
      const ub = iface.unitsBig;
      this.tsSec = Number(v / ub) + iface.offsetSec;
      this.tsNsec = Number(((v % ub) * 1000000000n) / ub);
      return;
    }
    let ns: number;
    if (iface.nsDiv === 1) ns = frac * iface.nsMul;
    else if (iface.nsDiv > 0) ns = Math.floor((frac * iface.nsMul) / iface.nsDiv);
    else ns = Number((BigInt(frac) * 1000000000n) / iface.unitsBig);
    this.tsSec = sec + iface.offsetSec;
    this.tsNsec = ns;
  }

  private idb(buf: Buffer, off: number, total: number): void {
    // Each interface kept is charged to the memory budget (never released: interfaces are kept for the whole file).
    if (this.interfaces.length >= this.maxInterfaces || this.budget?.tryCharge(INTERFACE_BYTES, 'interfaces') === false) {
      bump(this.skipped, 'interface-cap');
      if (this.skipped['interface-cap'] === 1) {
        this.sink.notice({
          code: 'capture.interface-cap',
          frame: this.frames + 1,
          message: `more than ${this.maxInterfaces} interface description blocks: later ones are skipped, and the packets on them`,
        });
      }
      return;
    }
    if (total < 20) {
      this.badRecord(`interface description block of ${total} bytes is too short`);
      // It still occupies an interface slot, so that later interface ids keep their meaning.
    }
    const rd = this.read32;
    const rd16 = this.read16;
    const linkType = total >= 20 ? rd16(buf, off + 8) : 0;
    const snaplen = total >= 20 ? rd(buf, off + 12) : 0;
    let units = 1e6;
    let unitsBig = 1000000n;
    let nsMul = 1000;
    let nsDiv = 1;
    let offsetSec = 0;
    let name: string | undefined;
    let pos = off + 16;
    const optEnd = off + total - 4;
    while (pos + 4 <= optEnd) {
      const code = rd16(buf, pos);
      const len = rd16(buf, pos + 2);
      const v = pos + 4;
      if (code === 0 || v + len > optEnd) break;
      if (code === 9 && len >= 1) {
        const b = buf[v] ?? 6;
        if (b & 0x80) {
          const e = b & 0x7f;
          unitsBig = 1n << BigInt(e);
          units = 2 ** e;
          // 1e9 = 1953125 * 2^9: the product stays below 2^53 and dividing by a power of two is exact.
          if (e <= 9) [nsMul, nsDiv] = [1e9, units];
          else if (e <= 32) [nsMul, nsDiv] = [1953125, 2 ** (e - 9)];
          else [nsMul, nsDiv] = [0, 0];
        } else {
          unitsBig = 10n ** BigInt(b);
          units = 10 ** b;
          if (b <= 9) [nsMul, nsDiv] = [10 ** (9 - b), 1];
          else [nsMul, nsDiv] = [0, 0];
        }
      } else if (code === 14 && len >= 8) {
        const le = this.read32 === readLE32;
        const hi = le ? buf.readInt32LE(v + 4) : buf.readInt32BE(v);
        const lo = le ? buf.readUInt32LE(v) : buf.readUInt32BE(v + 4);
        offsetSec = hi * TWO32 + lo;
      } else if (code === 2) {
        let e = v + len;
        while (e > v && buf[e - 1] === 0) e--;
        name = buf.toString('utf8', v, e);
      }
      pos = v + ((len + 3) & ~3);
    }
    const numeric = unitsBig <= BigInt(TWO36);
    const iface: Iface = {
      id: this.interfaces.length,
      linkType,
      snaplen,
      units,
      numeric,
      nsMul,
      nsDiv,
      unitsBig,
      offsetSec,
    };
    this.ifaces.push(iface);
    const info: CaptureInterface = { linkType, snaplen, tsUnitsPerSecond: units };
    if (name !== undefined) info.name = name;
    this.interfaces.push(info);
  }

  /** Decryption Secrets Block: secrets type u32, secrets length u32, the secrets, padding to 32 bits, options. */
  private dsb(buf: Buffer, off: number, total: number): void {
    bump(this.skipped, 'decryption-secrets');
    const length = total >= 20 ? this.read32(buf, off + 12) : -1;
    if (length < 0 || length > total - 20) {
      this.sink.notice({
        code: 'capture.bad-secrets',
        frame: this.frames + 1,
        message: `decryption secrets block of ${total} bytes claims ${length < 0 ? 'no' : length} bytes of secrets; skipped`,
      });
      return;
    }
    this.sink.secrets?.(new DecryptionSecrets(this.read32(buf, off + 8), buf.subarray(off + 16, off + 16 + length), this.frames + 1));
  }

  private other(type: number): void {
    if (OTHER_BLOCKS.has(type)) {
      bump(this.skipped, 'other-block');
      return;
    }
    bump(this.skipped, 'unknown-block');
    if (!this.unknownTypesSeen.has(type)) {
      this.unknownTypesSeen.add(type);
      this.sink.notice({
        code: 'capture.unknown-block',
        message: `skipped pcapng block(s) of unknown type 0x${type.toString(16).padStart(8, '0')}`,
      });
    }
  }

  private unknownInterface(ifId: number): void {
    bump(this.skipped, 'unknown-interface');
    this.sink.notice({
      code: 'capture.unknown-interface',
      frame: this.frames + 1,
      message: `packet block refers to interface ${ifId}, which this section does not describe; skipped`,
    });
  }

  private badRecord(message: string): void {
    bump(this.skipped, 'bad-record');
    this.sink.notice({ code: 'capture.bad-record', frame: this.frames + 1, message: `${message}; skipped` });
  }

  private badBlock(end: number, message: string): number {
    if (this.sections === 0) {
      // The very first block is the file header: nothing readable precedes it.
      throw new CaptureError('capture.not-a-capture', `broken pcapng file header: ${message}`);
    }
    this.stopped = true;
    bump(this.skipped, 'bad-block');
    this.sink.notice({
      code: 'capture.bad-block',
      frame: this.frames + 1,
      message: `${message}; the file is corrupt from here, stopped reading`,
    });
    return end;
  }

  finish(leftover: number): void {
    if (this.sections === 0) {
      throw new CaptureError('capture.truncated-header', `file ends inside the pcapng section header block (${leftover} bytes)`);
    }
    if (leftover > 0 && !this.stopped) {
      bump(this.skipped, 'truncated-record');
      const t = this.pendingType;
      const isPacket = t === -1 || t === BT_EPB || t === BT_SPB || t === BT_PB;
      const notice: { code: string; message: string; frame?: number } = {
        code: 'capture.truncated-record',
        message: isPacket
          ? `file ends in the middle of the block of frame ${this.frames + 1} (${leftover} bytes present); earlier frames are complete`
          : `file ends in the middle of a pcapng block (${leftover} bytes present); earlier frames are complete`,
      };
      if (isPacket) notice.frame = this.frames + 1;
      this.sink.notice(notice);
    }
  }
}
