/**
 * What the views show, against tshark on real captures: ICMPv6 rows named as tshark's packet list names them
 * (fixtures/icmpv6.pcap, recorded by fixtures/lab/icmpv6.sh: duplicate address detection, MLDv2 reports, router
 * solicitations, neighbour discovery, echo, port unreachable).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { analyzeCapture } from '../src/index.js';
import { corpusDir, fixturesDir } from './helpers/corpus.js';
import { tsharkMissing, tsharkRecords } from './helpers/tshark.js';

const ICMPV6 = path.join(fixturesDir, 'icmpv6.pcap');

/** tshark's single-pass Info without what only request/reply pairing adds ("(request in 17)"). */
function tsharkInfo(info: string): string {
  return info.replace(/ \((?:request|reply) in \d+\)$/, '').replace(/ \(no response found!\)$/, '');
}

test('ICMPv6 rows say what tshark\'s Info column says (type names, targets, flags, link-layer addresses, echo, codes)', { skip: tsharkMissing }, async () => {
  const files = [ICMPV6, path.join(fixturesDir, 'ipv6.pcap'), path.join(corpusDir, 'arkime', 'arkime_synthetic.pcap')].filter((f) => existsSync(f));
  const typesSeen = new Set<string>();
  for (const file of files) {
    const theirs = tsharkRecords(file, ['frame.number', 'icmpv6.type', '_ws.col.Info'], ['-Y', 'icmpv6']);
    assert.ok(theirs.length > 0, `${file}: tshark sees ICMPv6`);
    const { events } = await analyzeCapture(file);
    const ours = new Map(events.filter((e) => e.kind === 'packet' && e.type === 'icmpv6').map((e) => [e.frame, e.summary]));
    assert.equal(ours.size, theirs.length, `${file}: one ICMPv6 row per ICMPv6 frame`);
    for (const r of theirs) {
      assert.equal(ours.get(Number(r['frame.number'])), tsharkInfo(r['_ws.col.Info']!), `${path.basename(file)} frame ${r['frame.number']}`);
      typesSeen.add(r['icmpv6.type']!);
    }
  }
  // The fixture covers the messages a Linux host sends: DAD/ND (135, 136), MLDv2 (143), RS (133), echo (128, 129),
  // Destination Unreachable (1).
  for (const type of ['1', '128', '129', '133', '135', '136', '143']) assert.ok(typesSeen.has(type), `ICMPv6 type ${type} compared`);
});
