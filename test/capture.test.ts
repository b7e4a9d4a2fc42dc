/**
 * Tests of src/capture: the streaming pcap / pcapng reader.
 * Oracles: the pcap-parser package (classic microsecond pcap) and tshark (pcapng, nanosecond pcap) on the public
 * corpus in ../shared/corpus and on fixtures/, plus synthetic files built byte by byte below.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CaptureError, CaptureParser, readCapture } from '../src/capture/index.js';
import type { CaptureFrame, CaptureNotice, CaptureSink, CaptureSummary } from '../src/capture/index.js';
import { corpusDir, corpusMissing } from './helpers/corpus.js';
import { inCi, missingLine } from './helpers/tools.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixturesDir = path.resolve(root, 'fixtures');
const tmp = mkdtempSync(path.join(tmpdir(), 'mqtt-pcap-capture-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------------------------
// Helpers

interface Got {
  frames: CaptureFrame[];
  notices: CaptureNotice[];
  summary: CaptureSummary;
}

function collector(): { frames: CaptureFrame[]; notices: CaptureNotice[]; sink: CaptureSink } {
  const frames: CaptureFrame[] = [];
  const notices: CaptureNotice[] = [];
  return {
    frames,
    notices,
    sink: {
      frame(f) {
        frames.push({ ...f, data: Buffer.from(f.data) });
      },
      notice(n) {
        notices.push(n);
      },
    },
  };
}

async function read(input: string | NodeJS.ReadableStream): Promise<Got> {
  const c = collector();
  const summary = await readCapture(input, c.sink);
  return { frames: c.frames, notices: c.notices, summary };
}

/** Feeds `bytes` to a CaptureParser in chunks of `size` bytes. */
function parseChunks(bytes: Buffer, size: number): Got {
  const c = collector();
  const p = new CaptureParser(c.sink);
  for (let i = 0; i < bytes.length; i += size) p.push(bytes.subarray(i, i + size));
  const summary = p.end();
  return { frames: c.frames, notices: c.notices, summary };
}

function writeTmp(name: string, bytes: Buffer): string {
  const f = path.join(tmp, name);
  writeFileSync(f, bytes);
  return f;
}

async function rejectsWith(input: string | NodeJS.ReadableStream, code: string): Promise<CaptureError> {
  const c = collector();
  try {
    await readCapture(input, c.sink);
  } catch (err) {
    assert.ok(err instanceof CaptureError, `expected CaptureError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.ok(!err.message.includes('\n'), 'one-line message');
    return err;
  }
  assert.fail(`expected CaptureError ${code}`);
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

type Kind = 'pcap-us' | 'pcap-ns' | 'pcapng' | 'other';
function kindOf(bytes: Buffer): Kind {
  if (bytes.length < 4) return 'other';
  const le = bytes.readUInt32LE(0);
  const be = bytes.readUInt32BE(0);
  if (le === 0x0a0d0d0a) return 'pcapng';
  if (le === 0xa1b2c3d4 || be === 0xa1b2c3d4) return 'pcap-us';
  if (le === 0xa1b23c4d || be === 0xa1b23c4d) return 'pcap-ns';
  return 'other';
}

interface CaptureFile {
  file: string;
  /** Decompressed bytes. */
  bytes: Buffer;
  kind: Kind;
}

/** Capture files under dir (decided by content, not by name: ndpi/mqtt.pcap is a pcapng). */
function capturesIn(dir: string): CaptureFile[] {
  if (!existsSync(dir)) return [];
  const out: CaptureFile[] = [];
  for (const file of walk(dir)) {
    if (!/\.(pcap|pcapng|cap|ntar)(\.gz)?$/i.test(file)) continue;
    let bytes = readFileSync(file);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
      try {
        bytes = gunzipSync(bytes);
      } catch {
        continue;
      }
    }
    const kind = kindOf(bytes);
    if (kind !== 'other') out.push({ file, bytes, kind });
  }
  return out;
}

// pcap-parser: CommonJS, no types, callback/event API.
const requireCjs = createRequire(import.meta.url);
const pcapParser = requireCjs('pcap-parser') as { parse(input: string | NodeJS.ReadableStream): EventEmitter };

interface OraclePacket {
  sec: number;
  usec: number;
  caplen: number;
  origlen: number;
  data: Buffer;
}

function pcapParserRead(bytes: Buffer): Promise<{ linkType: number; packets: OraclePacket[] }> {
  return new Promise((resolve, reject) => {
    const em = pcapParser.parse(Readable.from([bytes]));
    const packets: OraclePacket[] = [];
    let linkType = -1;
    let header: { timestampSeconds: number; timestampMicroseconds: number; capturedLength: number; originalLength: number } | undefined;
    em.on('globalHeader', (h: { linkLayerType: number }) => {
      linkType = h.linkLayerType;
    });
    em.on('packetHeader', (h: typeof header) => {
      header = h;
    });
    em.on('packetData', (d: Buffer) => {
      assert.ok(header);
      packets.push({
        sec: header.timestampSeconds,
        usec: header.timestampMicroseconds,
        caplen: header.capturedLength,
        origlen: header.originalLength,
        data: Buffer.from(d),
      });
    });
    em.on('error', reject);
    em.on('end', () => resolve({ linkType, packets }));
  });
}

const TSHARK = '/usr/bin/tshark';
const hasTshark = existsSync(TSHARK) || inCi(); // in CI a missing tshark fails (test/helpers/tools.ts)
const EDITCAP = '/usr/bin/editcap';

interface TsharkFrame {
  number: number;
  /** Epoch seconds, and the fractional digits exactly as tshark printed them. */
  sec: number;
  fracDigits: string;
  len: number;
  capLen: number;
  interfaceId: number | undefined;
}

function tsharkFrames(file: string): TsharkFrame[] {
  const r = spawnSync(
    TSHARK,
    ['-r', file, '-T', 'fields', '-E', 'separator=\t', '-e', 'frame.number', '-e', 'frame.time_epoch', '-e', 'frame.len', '-e', 'frame.cap_len', '-e', 'frame.interface_id'],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  if (r.status !== 0) {
    const why = r.stderr.split('\n').filter((l) => l && !/dangerous|Running as user/.test(l)).join(' / ');
    assert.fail(`tshark failed on ${file}: ${why}`);
  }
  return r.stdout
    .split('\n')
    .filter((l) => l.length > 0)
    .map((line) => {
      const [num = '', epoch = '', len = '', capLen = '', ifId = ''] = line.split('\t');
      const [sec = '', frac = ''] = epoch.split('.');
      return {
        number: Number(num),
        sec: Number(sec),
        fracDigits: frac,
        len: Number(len),
        capLen: Number(capLen),
        interfaceId: ifId === '' ? undefined : Number(ifId),
      };
    });
}

/** Compares at the precision tshark printed (9 digits = ns), truncating our nanoseconds. */
function assertSameTime(f: CaptureFrame, t: TsharkFrame, what: string): void {
  assert.equal(f.tsSec, t.sec, `${what}: seconds`);
  const digits = t.fracDigits.length;
  const ours = String(f.tsNsec).padStart(9, '0').slice(0, digits);
  assert.equal(ours, t.fracDigits, `${what}: fraction`);
}

/**
 * `sectionLocalIds`: for multi-section files, the section-relative interface id of each frame. Our interfaceId
 * numbers interfaces across sections (it indexes summary.interfaces); tshark 4.0 prints the section-relative id.
 */
function compareWithTshark(got: Got, file: string, label: string, sectionLocalIds?: number[]): void {
  const ts = tsharkFrames(file);
  assert.equal(got.frames.length, ts.length, `${label}: frame count`);
  for (let i = 0; i < ts.length; i++) {
    const f = got.frames[i];
    const t = ts[i];
    assert.ok(f && t);
    const what = `${label} frame ${t.number}`;
    assert.equal(f.frame, t.number, `${what}: number`);
    assertSameTime(f, t, what);
    assert.equal(f.originalLength, t.len, `${what}: frame.len`);
    assert.equal(f.data.length, t.capLen, `${what}: frame.cap_len`);
    if (t.interfaceId !== undefined) {
      const local = sectionLocalIds?.[i];
      if (local !== undefined && t.interfaceId === local) continue;
      assert.equal(f.interfaceId, t.interfaceId, `${what}: interface id`);
    }
  }
}

async function compareWithPcapParser(cf: CaptureFile, got: Got, label: string): Promise<void> {
  const oracle = await pcapParserRead(cf.bytes);
  assert.equal(got.frames.length, oracle.packets.length, `${label}: frame count`);
  assert.equal(got.summary.interfaces[0]?.linkType, oracle.linkType & 0xffff, `${label}: link type`);
  for (let i = 0; i < oracle.packets.length; i++) {
    const f = got.frames[i];
    const o = oracle.packets[i];
    assert.ok(f && o);
    const what = `${label} frame ${i + 1}`;
    assert.equal(f.frame, i + 1, what);
    assert.equal(f.tsSec, o.sec, `${what}: seconds`);
    assert.equal(f.tsNsec, o.usec * 1000, `${what}: usec`);
    assert.equal(f.data.length, o.caplen, `${what}: captured length`);
    assert.equal(f.originalLength, o.origlen, `${what}: original length`);
    assert.ok(f.data.equals(o.data), `${what}: bytes`);
  }
}

/** Checks a capture file against the oracles that fit it. */
async function checkAgainstOracles(t: { skip(msg?: string): void }, cf: CaptureFile, label: string): Promise<void> {
  const got = await read(cf.file);
  // A file cut off in the middle of its last record (fixtures/reqresp-cut.pcap) gives exactly one notice naming the
  // frame it would have been; every other capture reads without a notice.
  const expectedNotices = /-cut\./.test(cf.file) ? [['capture.truncated-record', got.frames.length + 1]] : [];
  assert.deepEqual(got.notices.filter((n) => n.code !== 'capture.time-backwards').map((n) => [n.code, n.frame]), expectedNotices, `${label}: notices`);
  // Timestamps going backwards (arkime_synthetic.pcap has two): a notice at the first, a closing count when more.
  const backwards = got.frames.filter((f, i) => i > 0 && (f.tsSec < got.frames[i - 1]!.tsSec || (f.tsSec === got.frames[i - 1]!.tsSec && f.tsNsec < got.frames[i - 1]!.tsNsec))).map((f) => f.frame);
  const expectedBackwards = backwards.length === 0 ? [] : backwards.length === 1 ? [backwards[0]] : [backwards[0], backwards.at(-1)];
  assert.deepEqual(got.notices.filter((n) => n.code === 'capture.time-backwards').map((n) => n.frame), expectedBackwards, `${label}: time-backwards notices`);
  assert.equal(got.summary.frames, got.frames.length);
  if (cf.kind === 'pcap-us') {
    await compareWithPcapParser(cf, got, label);
    return;
  }
  if (!hasTshark) {
    t.skip(missingLine(['tshark']));
    return;
  }
  compareWithTshark(got, cf.file, label);
  // Bytes: let editcap rewrite it as a classic pcap and compare the data with pcap-parser's. (editcap 4.0 refuses to
  // write a file holding decryption secrets as pcap, even with --discard-all-secrets: test/tls-dsb.test.ts compares
  // those files' frames with the capture the secrets were injected into.)
  if (existsSync(EDITCAP) && new Set(got.summary.interfaces.map((i) => i.linkType)).size <= 1 && got.summary.skipped['decryption-secrets'] === undefined) {
    const out = path.join(tmp, `${path.basename(cf.file)}.${Math.random().toString(36).slice(2)}.pcap`);
    execFileSync(EDITCAP, ['-F', 'pcap', cf.file, out], { stdio: 'ignore' });
    const oracle = await pcapParserRead(readFileSync(out));
    assert.equal(oracle.packets.length, got.frames.length, `${label}: editcap frame count`);
    oracle.packets.forEach((o, i) => assert.ok(got.frames[i]?.data.equals(o.data), `${label} frame ${i + 1}: bytes`));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Byte builders

function u32(le: boolean, v: number): Buffer {
  const b = Buffer.alloc(4);
  if (le) b.writeUInt32LE(v >>> 0);
  else b.writeUInt32BE(v >>> 0);
  return b;
}
function u16(le: boolean, v: number): Buffer {
  const b = Buffer.alloc(2);
  if (le) b.writeUInt16LE(v);
  else b.writeUInt16BE(v);
  return b;
}
function pad4(b: Buffer): Buffer {
  const r = (4 - (b.length % 4)) % 4;
  return r === 0 ? b : Buffer.concat([b, Buffer.alloc(r)]);
}
function bytesOf(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (seed * 31 + i * 7) & 0xff;
  return b;
}

interface PcapOpts {
  le?: boolean;
  ns?: boolean;
  snaplen?: number;
  linkField?: number;
}
function pcapHeader(o: PcapOpts = {}): Buffer {
  const le = o.le ?? true;
  return Buffer.concat([
    u32(le, o.ns ? 0xa1b23c4d : 0xa1b2c3d4),
    u16(le, 2),
    u16(le, 4),
    u32(le, 0),
    u32(le, 0),
    u32(le, o.snaplen ?? 65535),
    u32(le, o.linkField ?? 1),
  ]);
}
function pcapRecord(le: boolean, sec: number, frac: number, data: Buffer, orig = data.length): Buffer {
  return Buffer.concat([u32(le, sec), u32(le, frac), u32(le, data.length), u32(le, orig), data]);
}

function block(le: boolean, type: number, body: Buffer): Buffer {
  const p = pad4(body);
  return Buffer.concat([u32(le, type), u32(le, 12 + p.length), p, u32(le, 12 + p.length)]);
}
function opt(le: boolean, code: number, value: Buffer): Buffer {
  return Buffer.concat([u16(le, code), u16(le, value.length), pad4(value)]);
}
const endOpt = Buffer.alloc(4);
function shb(le: boolean): Buffer {
  return block(le, 0x0a0d0d0a, Buffer.concat([u32(le, 0x1a2b3c4d), u16(le, 1), u16(le, 0), Buffer.alloc(8, 0xff)]));
}
function idb(le: boolean, linkType: number, snaplen: number, options: Buffer[] = []): Buffer {
  const opts = options.length > 0 ? Buffer.concat([...options, endOpt]) : Buffer.alloc(0);
  return block(le, 1, Buffer.concat([u16(le, linkType), u16(le, 0), u32(le, snaplen), opts]));
}
function tsresol(le: boolean, v: number): Buffer {
  return opt(le, 9, Buffer.from([v]));
}
function tsoffset(le: boolean, sec: bigint): Buffer {
  const b = Buffer.alloc(8);
  if (le) b.writeBigInt64LE(sec);
  else b.writeBigInt64BE(sec);
  return opt(le, 14, b);
}
function ifName(le: boolean, name: string): Buffer {
  return opt(le, 2, Buffer.from(name, 'utf8'));
}
function tsParts(ts: bigint): [number, number] {
  return [Number(ts >> 32n), Number(ts & 0xffffffffn)];
}
function epb(le: boolean, ifId: number, ts: bigint, data: Buffer, orig = data.length): Buffer {
  const [hi, lo] = tsParts(ts);
  return block(le, 6, Buffer.concat([u32(le, ifId), u32(le, hi), u32(le, lo), u32(le, data.length), u32(le, orig), pad4(data)]));
}
function pb(le: boolean, ifId: number, ts: bigint, data: Buffer, orig = data.length): Buffer {
  const [hi, lo] = tsParts(ts);
  return block(le, 2, Buffer.concat([u16(le, ifId), u16(le, 0), u32(le, hi), u32(le, lo), u32(le, data.length), u32(le, orig), pad4(data)]));
}
function spb(le: boolean, orig: number, data: Buffer): Buffer {
  return block(le, 3, Buffer.concat([u32(le, orig), pad4(data)]));
}
/** Expected (sec, nsec) of `ts` units at `units` per second, nanoseconds floored. */
function expectTs(ts: bigint, units: bigint, offset = 0n): [number, number] {
  return [Number(ts / units + offset), Number(((ts % units) * 1000000000n) / units)];
}

function frameSummary(f: CaptureFrame): string {
  return `${f.frame} ${f.tsSec}.${String(f.tsNsec).padStart(9, '0')} lt=${f.linkType} if=${f.interfaceId} ${f.data.length}/${f.originalLength} ${f.data.toString('hex')}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Oracle comparisons on real captures

const corpus = capturesIn(corpusDir);

test('corpus: classic pcap files match pcap-parser', async (t) => {
  if (!existsSync(corpusDir)) {
    t.skip(corpusMissing ?? 'corpus not present');
    return;
  }
  const files = corpus.filter((c) => c.kind === 'pcap-us');
  assert.ok(files.length > 0, 'the corpus holds classic pcap files');
  for (const cf of files) {
    const label = path.relative(corpusDir, cf.file);
    await t.test(label, async (st) => checkAgainstOracles(st, cf, label));
  }
});

test('corpus: pcapng files match tshark', async (t) => {
  if (!existsSync(corpusDir)) {
    t.skip(corpusMissing ?? 'corpus not present');
    return;
  }
  if (!hasTshark) {
    t.skip(missingLine(['tshark']));
    return;
  }
  const files = corpus.filter((c) => c.kind === 'pcapng' || c.kind === 'pcap-ns');
  assert.ok(files.length > 0, 'the corpus holds pcapng files');
  for (const cf of files) {
    const label = path.relative(corpusDir, cf.file);
    await t.test(label, async (st) => checkAgainstOracles(st, cf, label));
  }
});

test('fixtures/: every capture matches pcap-parser / tshark', async (t) => {
  const files = capturesIn(fixturesDir);
  if (files.length === 0) {
    t.skip('fixtures/ holds no capture files yet');
    return;
  }
  for (const cf of files) {
    const label = path.relative(root, cf.file);
    await t.test(label, async (st) => checkAgainstOracles(st, cf, label));
  }
});

test('corpus: chunks of 1, 7, 64 bytes and a stream give the same frames as the file', async (t) => {
  const picks = [
    corpus.find((c) => c.kind === 'pcap-us' && c.bytes.length < 40000),
    corpus.find((c) => c.kind === 'pcapng'),
  ].filter((c): c is CaptureFile => c !== undefined);
  if (picks.length === 0) {
    t.skip(corpusMissing ?? 'corpus not present');
    return;
  }
  for (const cf of picks) {
    const whole = await read(cf.file);
    assert.ok(whole.frames.length > 0);
    for (const size of [1, 7, 64, 1000]) {
      const got = parseChunks(cf.bytes, size);
      assert.deepEqual(got.frames, whole.frames, `${cf.file} in chunks of ${size}`);
      assert.deepEqual(got.summary, whole.summary);
    }
    const streamed = await read(Readable.from([cf.bytes.subarray(0, 5), cf.bytes.subarray(5, 3000), cf.bytes.subarray(3000)]));
    assert.deepEqual(streamed.frames, whole.frames);
  }
});

// ---------------------------------------------------------------------------------------------------------------
// Classic pcap, synthetic

test('pcap: big-endian microsecond file, FCS bits in the link-type field are masked off', async () => {
  const le = false;
  const bytes = Buffer.concat([
    pcapHeader({ le, linkField: 0x14000001 /* FCS len 4 present */, snaplen: 96 }),
    pcapRecord(le, 1700000000, 123456, bytesOf(60, 1)),
    pcapRecord(le, 1700000001, 0, Buffer.alloc(0), 0),
    pcapRecord(le, 1700000002, 999999, bytesOf(96, 2), 1514),
  ]);
  const got = await read(writeTmp('be.pcap', bytes));
  assert.deepEqual(got.notices, []);
  assert.deepEqual(
    got.frames.map((f) => [f.frame, f.tsSec, f.tsNsec, f.linkType, f.data.length, f.originalLength, f.interfaceId]),
    [
      [1, 1700000000, 123456000, 1, 60, 60, 0],
      [2, 1700000001, 0, 1, 0, 0, 0],
      [3, 1700000002, 999999000, 1, 96, 1514, 0],
    ],
  );
  assert.ok(got.frames[2]?.data.equals(bytesOf(96, 2)));
  assert.deepEqual(got.summary, {
    format: 'pcap',
    gzip: false,
    frames: 3,
    bytes: bytes.length,
    interfaces: [{ linkType: 1, snaplen: 96, tsUnitsPerSecond: 1e6 }],
    skipped: {},
  });
  // pcap-parser agrees on the big-endian file.
  await compareWithPcapParser({ file: '', bytes, kind: 'pcap-us' }, got, 'be.pcap');
});

test('pcap: nanosecond files in both byte orders (tshark agrees)', async () => {
  for (const le of [true, false]) {
    const bytes = Buffer.concat([
      pcapHeader({ le, ns: true, linkField: 228 }),
      pcapRecord(le, 1700000000, 999999999, bytesOf(20, 3)),
      pcapRecord(le, 1700000001, 1, bytesOf(40, 4)),
    ]);
    const file = writeTmp(`ns-${le ? 'le' : 'be'}.pcap`, bytes);
    const got = await read(file);
    assert.deepEqual(
      got.frames.map((f) => [f.tsSec, f.tsNsec, f.linkType]),
      [
        [1700000000, 999999999, 228],
        [1700000001, 1, 228],
      ],
    );
    assert.equal(got.summary.interfaces[0]?.tsUnitsPerSecond, 1e9);
    if (hasTshark) compareWithTshark(got, file, `ns-${le ? 'le' : 'be'}.pcap`);
  }
});

test('pcap: a record claiming a huge captured length is a bad-record notice, reading stops', async () => {
  const le = true;
  const bytes = Buffer.concat([
    pcapHeader({ le }),
    pcapRecord(le, 1, 2, bytesOf(10, 1)),
    u32(le, 3), u32(le, 4), u32(le, 0xfffffff0), u32(le, 100),
    bytesOf(200, 9),
  ]);
  const before = process.memoryUsage().arrayBuffers;
  const got = await read(writeTmp('huge-record.pcap', bytes));
  assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 1024 * 1024, 'no giant allocation');
  assert.equal(got.frames.length, 1);
  assert.deepEqual(got.notices.map((n) => [n.code, n.frame]), [['capture.bad-record', 2]]);
  assert.deepEqual(got.summary.skipped, { 'bad-record': 1 });
  // Same through tiny chunks.
  assert.deepEqual(parseChunks(bytes, 3).notices, got.notices);
});

// ---------------------------------------------------------------------------------------------------------------
// pcapng, synthetic

/** Two sections of different byte order; section 1 has three interfaces with different link types and resolutions. */
function multiSection(withOddities: boolean): { bytes: Buffer; expected: string[] } {
  const parts: Buffer[] = [];
  const expected: string[] = [];
  let n = 0;
  const want = (ts: [number, number], lt: number, ifId: number, data: Buffer, orig = data.length): void => {
    n++;
    expected.push(`${n} ${ts[0]}.${String(ts[1]).padStart(9, '0')} lt=${lt} if=${ifId} ${data.length}/${orig} ${data.toString('hex')}`);
  };
  // Section 1, little-endian.
  let le = true;
  parts.push(shb(le));
  parts.push(idb(le, 1, 262144, [ifName(le, 'eth0')])); // µs (default resolution)
  parts.push(idb(le, 113, 65535, [tsresol(le, 9), ifName(le, 'any')])); // ns
  parts.push(idb(le, 276, 0, [tsresol(le, 0x80 | 20), tsoffset(le, 1000n)])); // 2^-20 s, +1000 s
  const d1 = bytesOf(33, 1);
  parts.push(epb(le, 0, 1700000000123456n, d1));
  want(expectTs(1700000000123456n, 1000000n), 1, 0, d1);
  const d2 = bytesOf(64, 2);
  const tsNs = 1700000000987654321n; // above 2^53: exercises the exact path
  parts.push(epb(le, 1, tsNs, d2, 1500));
  want(expectTs(tsNs, 1000000000n), 113, 1, d2, 1500);
  if (withOddities) parts.push(block(le, 4, Buffer.from([0, 0, 0, 0]))); // NRB: skipped as other-block
  const d3 = bytesOf(7, 3);
  const ts2 = (1700000000n << 20n) + 777777n;
  parts.push(epb(le, 2, ts2, d3));
  want(expectTs(ts2, 1n << 20n, 1000n), 276, 2, d3);
  if (withOddities) parts.push(block(le, 0x0bad0bad, bytesOf(10, 5))); // unknown type
  const d4 = bytesOf(5, 4);
  parts.push(pb(le, 1, 1600000000000000001n, d4));
  want(expectTs(1600000000000000001n, 1000000000n), 113, 1, d4);
  parts.push(block(le, 5, Buffer.concat([u32(le, 0), u32(le, 0), u32(le, 0)]))); // ISB, no options
  // Section 2, big-endian: interfaces start again.
  le = false;
  parts.push(shb(le));
  parts.push(idb(le, 101, 65535, [tsresol(le, 3)])); // ms
  const d5 = bytesOf(19, 5);
  parts.push(epb(le, 0, 1700000000123n, d5));
  want(expectTs(1700000000123n, 1000n), 101, 3, d5);
  if (withOddities) parts.push(epb(le, 1, 1n, bytesOf(4, 6))); // interface 1 belonged to section 1 only
  const d6 = bytesOf(200, 6);
  parts.push(epb(le, 0, 0n, d6, 300));
  want([0, 0], 101, 3, d6, 300);
  return { bytes: Buffer.concat(parts), expected };
}

test('pcapng: two sections of different byte order, interfaces with different link types and if_tsresol', async () => {
  const { bytes, expected } = multiSection(true);
  const got = await read(writeTmp('multi.pcapng', bytes));
  assert.deepEqual(got.frames.map(frameSummary), expected);
  assert.deepEqual(
    got.notices.map((n) => [n.code, n.frame]),
    [
      ['capture.unknown-block', undefined],
      ['capture.time-backwards', 4],
      ['capture.unknown-interface', 6],
      ['capture.time-backwards', 6],
    ],
  );
  assert.deepEqual(got.summary.skipped, { 'other-block': 2, 'unknown-block': 1, 'unknown-interface': 1 });
  assert.deepEqual(got.summary.interfaces, [
    { linkType: 1, snaplen: 262144, tsUnitsPerSecond: 1e6, name: 'eth0' },
    { linkType: 113, snaplen: 65535, tsUnitsPerSecond: 1e9, name: 'any' },
    { linkType: 276, snaplen: 0, tsUnitsPerSecond: 2 ** 20 },
    { linkType: 101, snaplen: 65535, tsUnitsPerSecond: 1e3 },
  ]);
  assert.equal(got.summary.format, 'pcapng');
  for (const size of [1, 7, 64]) {
    const c = parseChunks(bytes, size);
    assert.deepEqual(c.frames.map(frameSummary), expected, `chunks of ${size}`);
    assert.deepEqual(c.notices, got.notices);
  }
});

test('pcapng: two sections and three resolutions agree with tshark', { skip: !hasTshark && missingLine(['tshark']) }, async () => {
  const { bytes } = multiSection(false);
  const file = writeTmp('multi-clean.pcapng', bytes);
  compareWithTshark(await read(file), file, 'multi-clean.pcapng', [0, 1, 2, 1, 0, 0]);
});

test('pcapng: timestamps are exact for every if_tsresol (checked against BigInt arithmetic)', async () => {
  const le = true;
  const resolutions = [0, 1, 3, 6, 9, 10, 12, 15, 0x80, 0x80 | 1, 0x80 | 10, 0x80 | 20, 0x80 | 30, 0x80 | 32, 0x80 | 34, 0x80 | 36, 0x80 | 40];
  const parts: Buffer[] = [shb(le)];
  for (const r of resolutions) parts.push(idb(le, 1, 65535, [tsresol(le, r)]));
  const expected: Array<[number, number, number]> = [];
  let seed = 12345;
  const rand32 = (): bigint => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return BigInt(seed);
  };
  resolutions.forEach((r, ifId) => {
    const units = r & 0x80 ? 1n << BigInt(r & 0x7f) : 10n ** BigInt(r);
    const samples = [0n, 1n, units - 1n, units, 0xffffffffn, 0x100000000n, 0xffffffffffffffffn, 1700000000n * units + units / 3n];
    for (let i = 0; i < 40; i++) samples.push(((rand32() << 32n) | rand32()) & 0xffffffffffffffffn);
    for (let i = 0; i < 20; i++) samples.push(((rand32() & 0xfffffn) << 32n) | rand32()); // below 2^52
    for (const ts of samples) {
      if (ts < 0n || ts > 0xffffffffffffffffn) continue;
      parts.push(epb(le, ifId, ts, Buffer.alloc(1)));
      const [s, ns] = expectTs(ts, units);
      expected.push([ifId, s, ns]);
    }
  });
  const got = parseChunks(Buffer.concat(parts), 1 << 20);
  assert.equal(got.frames.length, expected.length);
  got.frames.forEach((f, i) => {
    const e = expected[i];
    assert.ok(e);
    // Seconds above 2^53 cannot be represented exactly; the file would be absurd anyway.
    if (e[1] <= Number.MAX_SAFE_INTEGER) assert.equal(f.tsSec, e[1], `frame ${i + 1} (if ${e[0]}): seconds`);
    assert.equal(f.tsNsec, e[2], `frame ${i + 1} (if ${e[0]}): nanoseconds`);
    assert.ok(f.tsNsec >= 0 && f.tsNsec < 1e9);
  });
});

test('pcapng: if_tsoffset may be negative', async () => {
  const le = false;
  const bytes = Buffer.concat([shb(le), idb(le, 1, 0, [tsoffset(le, -1000n)]), epb(le, 0, 5000123456n, Buffer.alloc(3))]);
  const got = parseChunks(bytes, 5);
  assert.deepEqual(got.frames.map((f) => [f.tsSec, f.tsNsec]), [[4000, 123456000]]);
});

test('pcapng: Simple Packet Blocks use interface 0; captured = min(original, snaplen, block space)', async () => {
  for (const le of [true, false]) {
    const bytes = Buffer.concat([
      shb(le),
      idb(le, 1, 64),
      spb(le, 100, bytesOf(64, 1)), // snaplen cut
      spb(le, 10, bytesOf(10, 2)), // padded to 12: original wins
      spb(le, 50, bytesOf(50, 3)), // snaplen 64 > 50: all of it
    ]);
    const got = parseChunks(bytes, 9);
    assert.deepEqual(
      got.frames.map((f) => [f.frame, f.tsSec, f.tsNsec, f.linkType, f.interfaceId, f.data.length, f.originalLength]),
      [
        [1, 0, 0, 1, 0, 64, 100],
        [2, 0, 0, 1, 0, 10, 10],
        [3, 0, 0, 1, 0, 50, 50],
      ],
    );
    assert.ok(got.frames[0]?.data.equals(bytesOf(64, 1)));
    assert.ok(got.frames[1]?.data.equals(bytesOf(10, 2)));
  }
  // snaplen 0 = no limit: captured is what the block holds.
  const le = true;
  const got = parseChunks(Buffer.concat([shb(le), idb(le, 1, 0), spb(le, 1500, bytesOf(40, 4))]), 1000);
  assert.deepEqual(got.frames.map((f) => [f.data.length, f.originalLength]), [[40, 1500]]);
  // An SPB before any IDB cannot be attributed.
  const orphan = parseChunks(Buffer.concat([shb(le), spb(le, 4, bytesOf(4, 1))]), 1000);
  assert.equal(orphan.frames.length, 0);
  assert.deepEqual(orphan.notices.map((n) => n.code), ['capture.unknown-interface']);
});

test('pcapng: obsolete Packet Blocks (type 2) are read', async () => {
  const le = false;
  const bytes = Buffer.concat([shb(le), idb(le, 0, 65535), idb(le, 1, 65535), pb(le, 1, 1700000000000001n, bytesOf(9, 1), 90)]);
  const got = parseChunks(bytes, 64);
  assert.deepEqual(got.frames.map(frameSummary), [`1 1700000000.000001000 lt=1 if=1 9/90 ${bytesOf(9, 1).toString('hex')}`]);
});

test('pcapng: unknown and other blocks are skipped and counted', async () => {
  const le = true;
  const bytes = Buffer.concat([
    shb(le),
    block(le, 0x77, Buffer.alloc(0)),
    idb(le, 1, 0),
    block(le, 0x77, bytesOf(3, 1)),
    block(le, 0x40000bad, bytesOf(8, 1)), // custom block
    epb(le, 0, 1n, bytesOf(1, 1)),
    block(le, 0x1234, bytesOf(16, 1)),
    block(le, 5, bytesOf(16, 1)), // ISB
  ]);
  const got = parseChunks(bytes, 7);
  assert.equal(got.frames.length, 1);
  assert.deepEqual(got.summary.skipped, { 'unknown-block': 3, 'other-block': 2 });
  assert.deepEqual(got.notices.map((n) => n.code), ['capture.unknown-block', 'capture.unknown-block']);
});

test('pcapng: a block claiming 4 GB is a bad-block notice; no crash, no huge allocation', async () => {
  const le = true;
  const good = Buffer.concat([shb(le), idb(le, 1, 0), epb(le, 0, 1n, bytesOf(20, 1))]);
  const bad = Buffer.concat([u32(le, 6), u32(le, 0xfffffffc), bytesOf(64, 2)]);
  const before = process.memoryUsage().arrayBuffers;
  const got = await read(writeTmp('4g.pcapng', Buffer.concat([good, bad])));
  assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 1024 * 1024, 'no giant allocation');
  assert.equal(got.frames.length, 1);
  assert.deepEqual(got.notices.map((n) => [n.code, n.frame]), [['capture.bad-block', 2]]);
  assert.deepEqual(got.summary.skipped, { 'bad-block': 1 });
  // Other impossible lengths.
  for (const len of [8, 13, 0]) {
    const r = parseChunks(Buffer.concat([good, u32(le, 6), u32(le, len), bytesOf(32, 3)]), 11);
    assert.equal(r.frames.length, 1, `length ${len}`);
    assert.deepEqual(r.notices.map((n) => n.code), ['capture.bad-block'], `length ${len}`);
  }
  // A later section header with a bad byte-order magic.
  const badShb = Buffer.from(shb(false));
  badShb.writeUInt32LE(0x11223344, 8);
  const s2 = parseChunks(Buffer.concat([good, badShb, idb(false, 1, 0)]), 5);
  assert.equal(s2.frames.length, 1);
  assert.deepEqual(s2.notices.map((n) => n.code), ['capture.bad-block']);
  // Leading and trailing lengths that disagree.
  const broken = Buffer.from(epb(le, 0, 2n, bytesOf(8, 1)));
  broken.writeUInt32LE(broken.length + 4, broken.length - 4);
  const r = parseChunks(Buffer.concat([good, broken, epb(le, 0, 3n, bytesOf(8, 1))]), 1000);
  assert.equal(r.frames.length, 1);
  assert.deepEqual(r.notices.map((n) => n.code), ['capture.bad-block']);
});

test('pcapng: a packet block whose captured length overflows the block is skipped with a notice', async () => {
  const le = true;
  const b = Buffer.from(epb(le, 0, 1n, bytesOf(8, 1)));
  b.writeUInt32LE(400, 20); // caplen
  const got = parseChunks(Buffer.concat([shb(le), idb(le, 1, 0), b, epb(le, 0, 2n, bytesOf(8, 2))]), 13);
  assert.deepEqual(got.frames.map((f) => f.frame), [1]);
  assert.deepEqual(got.notices.map((n) => [n.code, n.frame]), [['capture.bad-record', 1]]);
});

// ---------------------------------------------------------------------------------------------------------------
// gzip

test('gzip: compressed pcap and pcapng read like the plain files', async () => {
  const le = true;
  const plainPcap = Buffer.concat([pcapHeader({ le }), pcapRecord(le, 10, 20, bytesOf(30, 1)), pcapRecord(le, 11, 21, bytesOf(300, 2))]);
  const plainNg = multiSection(false).bytes;
  const sources = [plainPcap, plainNg];
  const realPcap = corpus.find((c) => c.kind === 'pcap-us' && c.bytes.length > 100000);
  if (realPcap) sources.push(realPcap.bytes);
  for (const [i, plain] of sources.entries()) {
    const a = await read(writeTmp(`plain${i}`, plain));
    const b = await read(writeTmp(`gz${i}.gz`, gzipSync(plain)));
    assert.deepEqual(b.frames, a.frames);
    assert.deepEqual(b.notices, a.notices);
    assert.deepEqual(b.summary, { ...a.summary, gzip: true });
    // Also from a stream delivering the gzip bytes one at a time at first.
    const gz = gzipSync(plain);
    const c = await read(Readable.from([gz.subarray(0, 1), gz.subarray(1, 2), gz.subarray(2)]));
    assert.deepEqual(c.frames, a.frames);
  }
});

test('gzip: corrupt data is capture.gzip; a cut-off stream keeps what it held', async () => {
  const le = true;
  const recs: Buffer[] = [pcapHeader({ le })];
  for (let i = 0; i < 2000; i++) recs.push(pcapRecord(le, i, 0, bytesOf(100 + (i % 50), i)));
  const plain = Buffer.concat(recs);
  const gz = gzipSync(plain, { level: 1 });
  const corrupt = Buffer.from(gz);
  corrupt.fill(0xaa, 10, 200);
  await rejectsWith(writeTmp('corrupt.pcap.gz', corrupt), 'capture.gzip');
  await rejectsWith(writeTmp('notgzip.gz', Buffer.from([0x1f, 0x8b, 0x08, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])), 'capture.gzip');

  const got = await read(writeTmp('cut.pcap.gz', gz.subarray(0, Math.floor(gz.length / 2))));
  assert.ok(got.frames.length > 100 && got.frames.length < 2000, `${got.frames.length} frames`);
  const codes = got.notices.map((n) => n.code);
  assert.equal(codes[0], 'capture.gzip-truncated');
  const full = parseChunks(plain, 1 << 20);
  assert.deepEqual(got.frames, full.frames.slice(0, got.frames.length));
});

// ---------------------------------------------------------------------------------------------------------------
// Truncation, empty and bad inputs

test('a file cut in the middle of a record: notice with the frame number, earlier frames kept', async () => {
  const le = true;
  const pcap = Buffer.concat([
    pcapHeader({ le }),
    pcapRecord(le, 1, 0, bytesOf(50, 1)),
    pcapRecord(le, 2, 0, bytesOf(50, 2)),
    pcapRecord(le, 3, 0, bytesOf(50, 3)),
  ]);
  const ng = Buffer.concat([shb(le), idb(le, 1, 0), epb(le, 0, 1n, bytesOf(50, 1)), epb(le, 0, 2n, bytesOf(50, 2)), epb(le, 0, 3n, bytesOf(50, 3))]);
  const pcapRec = 16 + 50;
  const ngRec = 32 + 52;
  const cases: Array<[string, Buffer, number]> = [
    ['pcap, inside the data', pcap.subarray(0, pcap.length - 10), 3],
    ['pcap, inside the record header', pcap.subarray(0, pcap.length - pcapRec + 5), 3],
    ['pcap, inside an earlier record', pcap.subarray(0, 24 + pcapRec + 20), 2],
    ['pcapng, inside the block', ng.subarray(0, ng.length - 10), 3],
    ['pcapng, inside the block header', ng.subarray(0, ng.length - ngRec + 6), 3],
    ['pcapng, 2 bytes of the next block', ng.subarray(0, ng.length - ngRec + 2), 3],
  ];
  for (const [what, bytes, cutFrame] of cases) {
    const got = await read(writeTmp('cut', bytes));
    assert.equal(got.frames.length, cutFrame - 1, what);
    assert.deepEqual(got.notices.map((n) => [n.code, n.frame]), [['capture.truncated-record', cutFrame]], what);
    assert.deepEqual(got.summary.skipped, { 'truncated-record': 1 }, what);
    assert.equal(got.summary.frames, cutFrame - 1);
    assert.deepEqual(parseChunks(bytes, 7).notices, got.notices, `${what}, chunks of 7`);
  }
  // Cut inside a non-packet block: reported, without a frame number.
  const cutIsb = Buffer.concat([ng, block(le, 5, bytesOf(24, 1))]).subarray(0, ng.length + 20);
  const got = parseChunks(cutIsb, 1000);
  assert.equal(got.frames.length, 3);
  assert.deepEqual(got.notices.map((n) => [n.code, n.frame]), [['capture.truncated-record', undefined]]);
});

test('header-only files are valid and hold 0 frames', async () => {
  for (const [name, bytes, format] of [
    ['hdr.pcap', pcapHeader({ le: false }), 'pcap'],
    ['hdr.pcapng', shb(true), 'pcapng'],
    ['hdr-idb.pcapng', Buffer.concat([shb(false), idb(false, 1, 0)]), 'pcapng'],
  ] as const) {
    const got = await read(writeTmp(name, bytes));
    assert.equal(got.frames.length, 0, name);
    assert.deepEqual(got.notices, [], name);
    assert.equal(got.summary.format, format);
    assert.equal(got.summary.frames, 0);
    assert.equal(got.summary.bytes, bytes.length);
  }
});

test('fatal inputs: empty, directory, missing, not a capture, truncated header, unreadable', async () => {
  await rejectsWith(writeTmp('empty.pcap', Buffer.alloc(0)), 'capture.empty');
  await rejectsWith(Readable.from([]), 'capture.empty');
  await rejectsWith(tmp, 'capture.is-directory');
  const missing = await rejectsWith(path.join(tmp, 'no-such-file.pcap'), 'capture.not-found');
  assert.match(missing.message, /no-such-file\.pcap/);
  let seed = 7;
  const random = Buffer.alloc(4096);
  for (let i = 0; i < random.length; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    random[i] = seed >>> 24;
  }
  random[0] = 0x42; // make sure it is not a magic by chance
  await rejectsWith(writeTmp('random.bin', random), 'capture.not-a-capture');
  await rejectsWith(writeTmp('text.txt', Buffer.from('hello world, not a capture\n')), 'capture.not-a-capture');
  await rejectsWith(writeTmp('two.bin', Buffer.from('hi')), 'capture.not-a-capture');
  await rejectsWith(writeTmp('short.pcap', pcapHeader().subarray(0, 10)), 'capture.truncated-header');
  await rejectsWith(writeTmp('short-be.pcap', pcapHeader({ le: false, ns: true }).subarray(0, 3)), 'capture.truncated-header');
  await rejectsWith(writeTmp('short.pcapng', shb(true).subarray(0, 20)), 'capture.truncated-header');
  const badBom = Buffer.from(shb(true));
  badBom.writeUInt32LE(0x12345678, 8);
  await rejectsWith(writeTmp('badbom.pcapng', badBom), 'capture.not-a-capture');
  const hugeShb = Buffer.concat([shb(true), idb(true, 1, 0)]);
  hugeShb.writeUInt32LE(0xfffffff0, 4);
  await rejectsWith(writeTmp('hugeshb.pcapng', hugeShb), 'capture.not-a-capture');
  if (process.getuid?.() !== 0) {
    const f = writeTmp('noperm.pcap', pcapHeader());
    chmodSync(f, 0o000);
    await rejectsWith(f, 'capture.permission');
  }
  // Errors from the stream itself are capture.read.
  const failing = new Readable({
    read() {
      this.destroy(Object.assign(new Error('disk on fire'), { code: 'EIO' }));
    },
  });
  const e = await rejectsWith(failing, 'capture.read');
  assert.match(e.message, /disk on fire/);
});

// ---------------------------------------------------------------------------------------------------------------
// Streaming behaviour

test('frames are delivered as data arrives (live stdin-style stream)', async () => {
  const le = true;
  const live = new PassThrough();
  const seen: number[] = [];
  let resolveFirst: () => void = () => undefined;
  const first = new Promise<void>((r) => {
    resolveFirst = r;
  });
  const done = readCapture(live, {
    frame(f) {
      seen.push(f.frame);
      resolveFirst();
    },
    notice() {},
  });
  live.write(pcapHeader({ le }));
  const rec = pcapRecord(le, 1, 0, bytesOf(40, 1));
  live.write(rec.subarray(0, 10));
  live.write(rec.subarray(10));
  await first; // the stream is still open: frame 1 must already be out
  assert.deepEqual(seen, [1]);
  live.end(pcapRecord(le, 2, 0, bytesOf(40, 2)));
  const summary = await done;
  assert.deepEqual(seen, [1, 2]);
  assert.equal(summary.frames, 2);
});

test('an AbortSignal stops reading', async () => {
  const live = new PassThrough();
  const ac = new AbortController();
  const done = readCapture(live, { frame() {}, notice() {} }, { signal: ac.signal });
  live.write(pcapHeader());
  setTimeout(() => ac.abort(), 20);
  await assert.rejects(done, (err: Error) => err.name === 'AbortError');
});

test('an exception thrown by the sink propagates unchanged', async () => {
  const bytes = Buffer.concat([pcapHeader(), pcapRecord(true, 1, 0, bytesOf(4, 1))]);
  const boom = new Error('sink failed');
  await assert.rejects(
    readCapture(writeTmp('sinkerr.pcap', bytes), {
      frame() {
        throw boom;
      },
      notice() {},
    }),
    (err) => err === boom,
  );
  await assert.rejects(
    readCapture(writeTmp('sinkerr.pcap.gz', gzipSync(bytes)), {
      frame() {
        throw boom;
      },
      notice() {},
    }),
    (err) => err === boom,
  );
});

test('records straddling chunk boundaries are copied once; records inside a chunk are zero-copy views', () => {
  const le = true;
  const bytes = Buffer.concat([pcapHeader({ le }), pcapRecord(le, 1, 0, bytesOf(40, 1)), pcapRecord(le, 2, 0, bytesOf(40, 2))]);
  const views: boolean[] = [];
  const p = new CaptureParser({
    frame(f) {
      views.push(f.data.buffer === bytes.buffer);
    },
    notice() {},
  });
  p.push(bytes.subarray(0, 24 + 56 + 30)); // frame 1 whole, frame 2 cut
  p.push(bytes.subarray(24 + 56 + 30));
  assert.equal(p.end().frames, 2);
  assert.deepEqual(views, [true, false]);
});

test('summary counts the bytes of a large file read in 1 MiB chunks', async () => {
  const le = true;
  const recs: Buffer[] = [pcapHeader({ le })];
  const payload = bytesOf(1400, 1);
  for (let i = 0; i < 3000; i++) recs.push(pcapRecord(le, i, i % 1000000, payload));
  const bytes = Buffer.concat(recs);
  const file = writeTmp('large.pcap', bytes);
  let n = 0;
  let ok = true;
  const summary = await readCapture(file, {
    frame(f) {
      n++;
      if (f.frame !== n || f.tsSec !== n - 1 || !f.data.equals(payload)) ok = false;
    },
    notice() {
      ok = false;
    },
  });
  assert.ok(ok);
  assert.equal(n, 3000);
  assert.equal(summary.bytes, statSync(file).size);
});
