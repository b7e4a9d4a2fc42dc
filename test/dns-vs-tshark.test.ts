/**
 * The DNS decoder (src/decode/dns.ts) against tshark, the reference dissector: on the lab's name-resolution fault
 * captures and every corpus capture, each UDP port 53 frame tshark calls DNS (inside a tunnel too: VXLAN, Geneve, GRE...)
 * must be a DnsEvent with tshark's dns.id, dns.flags.response, dns.flags.rcode, dns.qry.name, dns.qry.type and
 * dns.count.answers, and its summary tshark's Info column; and no other frame may be one. Plus the decoder's
 * bounds on hand-made messages (a compression loop, a cut message), which must not throw.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { analyzeCapture } from '../src/pipeline/analyze.js';
import { decodeDns, readName } from '../src/decode/dns.js';
import type { DecodedFrame } from '../src/decode/types.js';
import type { DnsEvent } from '../src/model/events.js';
import { corpusCaptures, corpusMissing, fixturesDir } from './helpers/corpus.js';
import { tsharkMissing, tsharkRecords } from './helpers/tshark.js';

const FIELDS = ['frame.number', 'frame.protocols', 'dns.id', 'dns.flags.response', 'dns.flags.rcode', 'dns.qry.name',
  'dns.qry.type', 'dns.count.answers', '_ws.col.Info'] as const;

const files = [
  path.join(fixturesDir, 'faults', 'fault-name-not-resolved.pcap'),
  path.join(fixturesDir, 'faults', 'fault-name-not-resolved-alone.pcap'),
  ...(corpusMissing === undefined ? corpusCaptures().map((c) => c.file) : []),
];

/** Our DNS events as tshark's fields. */
async function ours(file: string): Promise<string[]> {
  const { events } = await analyzeCapture(file, {});
  return events.filter((e): e is DnsEvent => e.kind === 'packet' && e.layer === 'ip' && e.dns !== undefined).map((e) => {
    const m = e.dns;
    return [e.frame, `0x${m.id.toString(16).padStart(4, '0')}`, m.response ? '1' : '0', m.response ? String(m.rcode) : '',
      m.name ?? '', m.qtype ?? '', m.answers, e.summary].join('\t');
  });
}

function theirs(file: string): string[] {
  return tsharkRecords(file, FIELDS, ['-Y', 'dns && udp'])
    .map((r) => [r['frame.number'], r['dns.id'], r['dns.flags.response'], r['dns.flags.rcode'], r['dns.qry.name'],
      r['dns.qry.type'], r['dns.count.answers'], r['_ws.col.Info']].join('\t'));
}

for (const file of files) {
  test(`DNS as tshark decodes it: ${path.relative(path.dirname(fixturesDir), file)}`, { skip: tsharkMissing }, async () => {
    assert.deepEqual(await ours(file), theirs(file));
  });
}

test('the fault capture holds DNS (the comparison above compares something)', { skip: tsharkMissing }, () => {
  assert.equal(theirs(files[0]!).length, 16);
});

function frame(): DecodedFrame {
  return { frame: 1, timestamp: 0, capturedLength: 0, originalLength: 0, interfaceId: 0, tunnels: [], truncated: false };
}

test('a compression loop, a label past the end and a cut message are malformed, never a throw', () => {
  const header = [0x12, 0x34, 0x81, 0x83, 0, 1, 0, 1, 0, 0, 0, 0];
  // Question name: a pointer to itself (offset 12).
  const loop = Buffer.from([...header, 0xc0, 12, 0, 1, 0, 1]);
  assert.equal(readName(loop, 12, 0, loop.length), undefined);
  const out = frame();
  decodeDns(out, loop, 0, loop.length);
  assert.equal(out.dns?.malformed, true);
  assert.equal(out.dns?.id, 0x1234);
  assert.equal(out.dns?.rcode, 3);
  assert.equal(out.dns?.response, true);
  // A label longer than what is left.
  const long = Buffer.from([...header, 40, 0x61, 0x62]);
  decodeDns(out, long, 0, long.length);
  assert.equal(out.dns?.malformed, true);
  // Shorter than a header: no DNS at all.
  const short = frame();
  decodeDns(short, Buffer.from([1, 2, 3]), 0, 3);
  assert.equal(short.dns, undefined);
  // The question read, the answer cut: the question kept.
  const cut = Buffer.from([...header, 1, 0x61, 0, 0, 1, 0, 1, 0xc0, 12, 0, 1]);
  const c = frame();
  decodeDns(c, cut, 0, cut.length);
  assert.equal(c.dns?.name, 'a');
  assert.equal(c.dns?.qtype, 1);
  assert.equal(c.dns?.malformed, true);
});
