/**
 * The built command line (node dist/src/cli/main.js), run as a user would: --help/--version; each kind of bad input
 * gives one line on stderr, exit code 2 and nothing on stdout; NDJSON and JSON parse; a capture cut inside a record
 * still gives every earlier frame and a capture.truncated-record warning; no ANSI codes off a terminal or with
 * NO_COLOR; -o writes atomically; a CONNECT password stays hidden unless --show-secrets; and the summary's frame
 * accounting adds up on every corpus capture and fixture.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { corpusCaptures, corpusDir, corpusMissing, fixtureCaptures, repoRoot, type CaptureCase } from './helpers/corpus.js';
import { tsharkMissing, tsharkRecords } from './helpers/tshark.js';

const CLI = path.join(repoRoot, 'dist/src/cli/main.js');
const ANSI = /\u001b\[/;
const STACK = /^\s+at .+[:(]/m;

/** The environment without colour settings, so that tests decide them. */
function plainEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  if (extra['NO_COLOR'] === undefined) delete env['NO_COLOR'];
  delete env['FORCE_COLOR'];
  return env;
}

function run(args: string[], options: { input?: string | Buffer; env?: Record<string, string>; cwd?: string } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8', maxBuffer: 1 << 30, env: plainEnv(options.env), cwd: options.cwd,
    input: options.input ?? '', // stdin: closed at once unless given
  });
}

function stderrLines(r: SpawnSyncReturns<string>): string[] {
  return r.stderr.split('\n').filter((l) => l.length > 0);
}

/** A small valid capture: Ethernet/IPv4/TCP, an MQTT PINGREQ and PINGRESP. */
function tinyPcap(): Buffer {
  const frames = [
    ['10.0.0.1', '10.0.0.2', 40000, 1883, Buffer.from([0xc0, 0x00])],
    ['10.0.0.2', '10.0.0.1', 1883, 40000, Buffer.from([0xd0, 0x00])],
  ] as const;
  const parts: Buffer[] = [Buffer.from('d4c3b2a1020004000000000000000000ffff000001000000', 'hex')];
  frames.forEach(([src, dst, sport, dport, payload], i) => {
    const tcp = Buffer.alloc(20);
    tcp.writeUInt16BE(sport, 0);
    tcp.writeUInt16BE(dport, 2);
    tcp.writeUInt32BE(1000 + i, 4);
    tcp.writeUInt32BE(2000 + i, 8);
    tcp[12] = 0x50;
    tcp[13] = 0x18;
    tcp.writeUInt16BE(500, 14);
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(40 + payload.length, 2);
    ip[8] = 64;
    ip[9] = 6;
    ip.set(src.split('.').map(Number), 12);
    ip.set(dst.split('.').map(Number), 16);
    const data = Buffer.concat([Buffer.from('020000000002020000000001', 'hex'), Buffer.from([0x08, 0x00]), ip, tcp, payload]);
    const h = Buffer.alloc(16);
    h.writeUInt32LE(1_700_000_000 + i, 0);
    h.writeUInt32LE(data.length, 8);
    h.writeUInt32LE(data.length, 12);
    parts.push(h, data);
  });
  return Buffer.concat(parts);
}

let dir = '';
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'mqtt-pcap-cli-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: Buffer | string): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

test('the CLI is built', () => {
  assert.ok(existsSync(CLI), `${CLI} missing: run npx tsc -p tsconfig.json`);
});

test('--help and --version exit 0', () => {
  const help = run(['--help']);
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /mqtt-pcap/);
  assert.match(help.stdout, /--format/);
  const version = run(['--version']);
  assert.equal(version.status, 0, version.stderr);
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  assert.equal(version.stdout.trim(), pkg.version);
});

describe('bad inputs: one line on stderr, no stack trace, exit code 2, nothing on stdout', () => {
  function assertRefused(r: SpawnSyncReturns<string>, what: string): void {
    const lines = stderrLines(r);
    assert.equal(lines.length, 1, `${what}: stderr should be one line, got:\n${r.stderr}`);
    assert.match(lines[0]!, /^mqtt-pcap: /, what);
    assert.doesNotMatch(r.stderr, STACK, `${what}: stack trace on stderr`);
    assert.equal(r.status, 2, `${what}: exit code (stderr: ${r.stderr})`);
    assert.equal(r.stdout, '', `${what}: stdout should be empty`);
  }

  test('missing file', () => {
    assertRefused(run(['analyze', path.join(dir, 'does-not-exist.pcap')]), 'missing file');
  });
  test('a directory', () => {
    assertRefused(run(['analyze', dir]), 'directory');
  });
  test('empty file', () => {
    assertRefused(run(['analyze', file('empty.pcap', Buffer.alloc(0))]), 'empty file');
  });
  test('not a capture (random bytes)', () => {
    let x = 0x12345678;
    const bytes = Buffer.from(new Uint8Array(4096).map(() => {
      x = (x * 1103515245 + 12345) >>> 0; // deterministic "random"
      return x >>> 24;
    }));
    bytes[0] = 0x42; // not a capture or gzip magic
    assertRefused(run(['analyze', file('random.bin', bytes)]), 'random bytes');
  });
  test('only 10 bytes of a pcap file header', () => {
    assertRefused(run(['analyze', file('magic10.pcap', tinyPcap().subarray(0, 10))]), '10 bytes of pcap magic');
  });
  test('corrupted gzip (bad deflate data); a bad CRC after good data keeps the frames (issue #15)', () => {
    const gz = gzipSync(Buffer.concat([tinyPcap(), Buffer.alloc(20000, 7)]));
    const badCrc = Buffer.from(gz);
    badCrc[badCrc.length - 8]! ^= 0xff;
    const kept = run(['analyze', file('bad-crc.pcap.gz', badCrc), '--format', 'ndjson']);
    assert.equal(kept.status, 0, kept.stderr);
    assert.match(kept.stdout, /"code":"capture\.gzip-corrupt"/);
    const badData = Buffer.from(gz);
    badData[10] = 0xff; // the first deflate block header: reserved block type 3
    assertRefused(run(['analyze', file('bad-deflate.pcap.gz', badData)]), 'gzip with bad deflate data');
  });
  test('unreadable file (chmod 000)', (t) => {
    if (process.getuid?.() === 0) {
      t.skip('running as root: chmod 000 does not stop root from reading, so permission denied cannot be produced');
      return;
    }
    const p = file('unreadable.pcap', tinyPcap());
    chmodSync(p, 0o000);
    try {
      assertRefused(run(['analyze', p]), 'unreadable file');
    } finally {
      chmodSync(p, 0o600);
    }
  });
  test('standard input closed at once (echo -n | mqtt-pcap analyze -)', () => {
    const r = run(['analyze', '-'], { input: '' });
    assertRefused(r, 'empty stdin');
    assert.match(r.stderr, /stdin/);
  });
  test('standard input carries a capture (control for the above)', () => {
    const r = run(['analyze', '-', '-f', 'ndjson'], { input: tinyPcap() });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.split('\n').some((l) => l.includes('"PINGREQ"')));
  });
});

describe('output formats', () => {
  test('--format ndjson: every line is a JSON event with frame/time/layer/type/src/dst/summary', () => {
    const r = run(['analyze', file('tiny.pcap', tinyPcap()), '--format', 'ndjson']);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split('\n').filter((l) => l.length > 0);
    assert.ok(lines.length >= 4, 'two TCP segments and two MQTT packets at least');
    for (const line of lines) {
      const e = JSON.parse(line) as Record<string, unknown>;
      assert.equal(typeof e['frame'], 'number', line);
      assert.equal(typeof e['time'], 'number', line);
      for (const key of ['layer', 'type', 'src', 'dst', 'summary']) assert.equal(typeof e[key], 'string', `${key} in ${line}`);
    }
  });

  test('--format json: one document with events and summary', () => {
    const r = run(['analyze', file('tiny.pcap', tinyPcap()), '--format', 'json']);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { events: unknown[]; summary: { frames: { read: number } } };
    assert.ok(Array.isArray(doc.events) && doc.events.length >= 4);
    assert.equal(doc.summary.frames.read, 2);
  });

  test('NO_COLOR and non-terminal output carry no ANSI escape codes', (t) => {
    const capture = file('tiny.pcap', tinyPcap());
    for (const format of ['table', 'summary', 'json', 'ndjson', 'markdown']) {
      const piped = run(['analyze', capture, '-f', format]);
      assert.equal(piped.status, 0, piped.stderr);
      assert.doesNotMatch(piped.stdout, ANSI, `${format} to a pipe`);
      const noColor = run(['analyze', capture, '-f', format], { env: { NO_COLOR: '1' } });
      assert.doesNotMatch(noColor.stdout, ANSI, `${format} with NO_COLOR`);
    }
    // On a terminal (util-linux `script` gives one): colours by default, none with NO_COLOR.
    if (spawnSync('script', ['--version'], { stdio: 'ignore' }).status !== 0) {
      t.diagnostic('script(1) not available: NO_COLOR on a terminal not checked');
      return;
    }
    const command = `'${process.execPath}' '${CLI}' analyze '${capture}'`;
    const onTty = (env: Record<string, string>): string =>
      spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: plainEnv(env) }).stdout;
    assert.match(onTty({}), ANSI, 'control: a terminal gets colours');
    assert.doesNotMatch(onTty({ NO_COLOR: '1' }), ANSI, 'NO_COLOR on a terminal');
  });
});

describe('-o FILE', () => {
  test('writes the file, the same bytes as standard output, and leaves no temporary file', () => {
    const capture = file('tiny.pcap', tinyPcap());
    const outDir = path.join(dir, 'out-ok');
    mkdirSync(outDir);
    for (const format of ['table', 'json']) {
      const target = path.join(outDir, `result.${format}`);
      const r = run(['analyze', capture, '-f', format, '-o', target]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, '');
      assert.equal(readFileSync(target, 'utf8'), run(['analyze', capture, '-f', format]).stdout);
    }
    assert.deepEqual(readdirSync(outDir).sort(), ['result.json', 'result.table']);
  });

  test('a failing input creates no output file', () => {
    const outDir = path.join(dir, 'out-fail');
    mkdirSync(outDir);
    const r = run(['analyze', file('junk.pcap', Buffer.alloc(100, 0x42)), '-o', path.join(outDir, 'result.txt')]);
    assert.equal(r.status, 2);
    assert.equal(stderrLines(r).length, 1, r.stderr);
    assert.deepEqual(readdirSync(outDir), []);
  });

  test('an unwritable destination is one line on stderr, not a stack trace', () => {
    const r = run(['analyze', file('tiny.pcap', tinyPcap()), '-o', path.join(dir, 'no-such-dir', 'result.txt')]);
    assert.notEqual(r.status, 0);
    assert.equal(stderrLines(r).length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, STACK);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// On real captures
// ---------------------------------------------------------------------------------------------------------------

/** Record offsets of a classic little-endian pcap, or undefined for another format. */
function pcapRecords(data: Buffer): Array<{ offset: number; caplen: number }> | undefined {
  if (data.length < 24 || data.readUInt32LE(0) !== 0xa1b2c3d4) return undefined;
  const records: Array<{ offset: number; caplen: number }> = [];
  for (let off = 24; off + 16 <= data.length;) {
    const caplen = data.readUInt32LE(off + 8);
    records.push({ offset: off, caplen });
    off += 16 + caplen;
  }
  return records;
}

test('a capture cut inside a record: exit 0, a truncated-record warning, every earlier frame', { skip: tsharkMissing ?? corpusMissing }, (t) => {
  const preferred = path.join(corpusDir, 'riskyduha-distributed-system/mqtt.pcap');
  const candidates = [preferred, ...corpusCaptures().map((c) => c.file)].filter((f) => existsSync(f) && !f.endsWith('.gz'));
  const source = candidates.find((f) => (pcapRecords(readFileSync(f))?.length ?? 0) >= 10);
  if (source === undefined) {
    t.skip('no classic pcap with 10 records or more in the corpus');
    return;
  }
  const data = readFileSync(source);
  const records = pcapRecords(data)!;
  const cutRecord = Math.floor(records.length / 2); // 0-based: frames 1..cutRecord stay whole
  const { offset, caplen } = records[cutRecord]!;
  const cut = file('cut.pcap', data.subarray(0, offset + 16 + Math.max(1, Math.floor(caplen / 2))));
  const expectedFrames = tsharkRecords(cut, ['frame.number']).length;
  assert.equal(expectedFrames, cutRecord, 'tshark reads the whole records before the cut');
  t.diagnostic(`${path.relative(corpusDir, source)} cut inside record ${cutRecord + 1} of ${records.length}`);

  const r = run(['analyze', cut, '-f', 'json']);
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as {
    events: Array<{ frame: number; type: string; code?: string; severity?: string; summary: string }>;
    summary: { frames: { read: number; decoded: number; undecodable: number } };
  };
  const warning = doc.events.find((e) => e.code === 'capture.truncated-record');
  assert.ok(warning, 'a capture.truncated-record finding');
  assert.equal(warning.severity, 'warning');
  assert.equal(warning.frame, cutRecord + 1, 'the finding names the cut frame');
  assert.match(warning.summary, new RegExp(`\\b${cutRecord + 1}\\b`), 'the finding text names the cut frame');
  const frames = new Set(doc.events.filter((e) => e.type !== 'finding').map((e) => e.frame));
  const missing = Array.from({ length: expectedFrames }, (_, i) => i + 1).filter((n) => !frames.has(n));
  assert.deepEqual(missing, [], 'every frame before the cut has its event');
  assert.equal(doc.summary.frames.decoded + doc.summary.frames.undecodable, expectedFrames, "tshark's frame count");
  const ndjson = run(['analyze', cut, '-f', 'ndjson']);
  assert.equal(ndjson.status, 0);
  assert.ok(ndjson.stdout.includes('capture.truncated-record'));
});

test('--show-secrets: the CONNECT password appears only when asked', { skip: tsharkMissing ?? corpusMissing }, () => {
  const capture = path.join(corpusDir, 'suricata-verify/mqtt311-pub-userpass/input.pcap');
  assert.ok(existsSync(capture), `${capture} missing`);
  const password = tsharkRecords(capture, ['mqtt.passwd'], ['-Y', 'mqtt.passwd'])[0]?.['mqtt.passwd'] ?? '';
  assert.ok(password.length > 0, 'tshark finds the CONNECT password');
  // As a token: the password may be part of longer words (here "pass" is in "myvoiceismypassport").
  const escaped = password.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const token = new RegExp(`(?<![A-Za-z0-9_])${escaped}(?![A-Za-z0-9_])`);
  for (const format of ['table', 'summary', 'json', 'ndjson', 'markdown']) {
    const hidden = run(['analyze', capture, '-f', format]);
    assert.equal(hidden.status, 0, hidden.stderr);
    assert.doesNotMatch(hidden.stdout, token, `${format} without --show-secrets shows the password`);
    assert.doesNotMatch(hidden.stderr, token);
  }
  // The structured formats carry the CONNECT's password field; the text views have no password column.
  for (const format of ['json', 'ndjson']) {
    const shown = run(['analyze', capture, '-f', format, '--show-secrets']);
    assert.equal(shown.status, 0, shown.stderr);
    assert.match(shown.stdout, token, `${format} with --show-secrets`);
    assert.ok(shown.stdout.includes(`"password":"${password}"`), `${format}: password field`);
  }
});

interface FrameCounts {
  read: number;
  decoded: number;
  undecodable: number;
  skipped: Record<string, number>;
  byProtocol: Record<string, number>;
}

function checkAccounting(c: CaptureCase): void {
  const r = run(['analyze', c.file, '-f', 'json', ...c.ports.flatMap((p) => ['-p', String(p)])]);
  assert.equal(r.status, 0, `${c.name}: ${r.stderr}`);
  const f = (JSON.parse(r.stdout) as { summary: { frames: FrameCounts } }).summary.frames;
  const sum = (o: Record<string, number>): number => Object.values(o).reduce((a, b) => a + b, 0);
  assert.equal(f.read, f.decoded + f.undecodable + sum(f.skipped), `${c.name}: read = decoded + undecodable + skipped (${JSON.stringify(f)})`);
  assert.equal(f.decoded, sum(f.byProtocol), `${c.name}: decoded = sum of byProtocol (${JSON.stringify(f)})`);
}

test('frame accounting adds up on every corpus capture', (t) => {
  if (corpusMissing !== undefined) {
    t.skip(corpusMissing);
    return;
  }
  const captures = corpusCaptures();
  assert.ok(captures.length > 0);
  for (const c of captures) checkAccounting(c);
  t.diagnostic(`${captures.length} corpus captures`);
});

test('frame accounting adds up on every fixture', (t) => {
  const captures = fixtureCaptures();
  if (captures.length === 0) {
    t.skip('no capture in fixtures/ (fixtures/lab/capture.sh)');
    return;
  }
  for (const c of captures) checkAccounting(c);
  t.diagnostic(`${captures.length} fixtures`);
});

test('a capture whose only link type we cannot decode: one line naming it, exit code 2', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mqtt-pcap-unsupported-'));
  const file = path.join(dir, 'linktype-147.pcap');
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(147, 20); // LINKTYPE_USER0
  const record = Buffer.alloc(20);
  record.writeUInt32LE(1, 0);
  record.writeUInt32LE(4, 8);
  record.writeUInt32LE(4, 12);
  writeFileSync(file, Buffer.concat([header, record, record]));
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'src', 'cli', 'main.js'), 'analyze', file, '--format', 'summary'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /linktype-147\.pcap: unsupported link type 147/);
});

test('usage errors (unknown option, bad port, bad bound, no file): one message, exit code 1, nothing analysed', () => {
  const cli = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');
  const lab = path.join(repoRoot, 'fixtures', 'reqresp.pcap');
  for (const args of [['analyze', lab, '--bogus'], ['analyze', lab, '--port', 'abc'], ['analyze', lab, '-p', '70000'],
    ['analyze', lab, '--max-connections', '0'], ['check', lab], []]) {
    const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
    assert.equal(r.status, 1, `${args.join(' ')}: exit code`);
    assert.equal(r.stdout, '', `${args.join(' ')}: nothing on stdout`);
    assert.match(r.stderr, /^mqtt-pcap: .+\nRun "mqtt-pcap --help" for usage\.\n$/, `${args.join(' ')}: stderr`);
  }
});

test('--only keeps the timeline to the layers asked for; the summary still covers everything', () => {
  const cli = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');
  const lab = path.join(repoRoot, 'fixtures', 'reqresp.pcap');
  const all = spawnSync(process.execPath, [cli, 'analyze', lab, '-f', 'ndjson'], { encoding: 'utf8' });
  const only = spawnSync(process.execPath, [cli, 'analyze', lab, '-f', 'ndjson', '--only', 'mqtt', 'arp'], { encoding: 'utf8' });
  assert.equal(only.status, 0);
  const parse = (text: string): Array<{ layer: string }> => text.trim().split('\n').map((l) => JSON.parse(l) as { layer: string });
  const expected = parse(all.stdout).filter((e) => e.layer === 'mqtt' || e.layer === 'arp');
  assert.ok(expected.length > 10);
  assert.deepEqual(parse(only.stdout), expected);
  const json = spawnSync(process.execPath, [cli, 'analyze', lab, '-f', 'json', '--only', 'arp'], { encoding: 'utf8' });
  const doc = JSON.parse(json.stdout) as { events: Array<{ layer: string }>; summary: { mqtt: { messages: number } } };
  assert.ok(doc.events.every((e) => e.layer === 'arp'));
  assert.equal(doc.summary.mqtt.messages, 18);
});

test('live capture on stdin: events come out while the capture is still being written', async () => {
  const { spawn } = await import('node:child_process');
  const cli = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');
  const capture = readFileSync(path.join(repoRoot, 'fixtures', 'reqresp.pcap'));
  const child = spawn(process.execPath, [cli, 'analyze', '-', '--format', 'ndjson'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const firstLine = new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes('\n')) resolve();
    });
  });
  // The pcap header and the first 1000 bytes of records, then nothing until output has been seen.
  child.stdin.write(capture.subarray(0, 1024));
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000));
  const first = await Promise.race([firstLine.then(() => 'line' as const), timeout]);
  assert.equal(first, 'line', 'no event printed before the capture ended');
  assert.equal(child.exitCode, null, 'still running: stdin is open');
  child.stdin.end(capture.subarray(1024));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0);
  const events = out.trim().split('\n').map((l) => JSON.parse(l) as { frame: number });
  assert.equal(events[0]?.frame, 1);
  assert.ok(events.some((e) => e.frame === 50), 'the last frame is there too');
});
