/**
 * The diagnosis judges a connection by what happened on it, whichever path the analysis took: a SYN refused by RST
 * ends no MQTT session (it is a refusal, not a reset of an established connection), and the summary-only path
 * (`--format summary`, which builds no TCP events for the views) gives the same diagnoses, facts and frames as the
 * full path on every fault capture and fixture.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { analyzeCapture } from '../src/index.js';
import { ConnectionBook, handshakeOf, sessionEndOf } from '../src/diagnosis/book.js';
import { TcpTroubleDetector } from '../src/diagnosis/tcp-trouble.js';
import type { FindingEvent } from '../src/model/events.js';
import type { Diagnosis } from '../src/diagnosis/types.js';
import { diagnose } from './helpers/diagnose.js';
import { corpusCaptures, fixtureCaptures, fixturesDir } from './helpers/corpus.js';

test('fault-broker-stopped: a SYN answered by RST ends no MQTT session and is no diag.tcp-reset, on both paths', async () => {
  const file = path.join(fixturesDir, 'faults', 'fault-broker-stopped.pcap');
  for (const summaryOnly of [false, true]) {
    const book = new ConnectionBook();
    const tcp = new TcpTroubleDetector();
    const { summary } = await analyzeCapture(file, { summaryOnly, onEvent: (e) => { book.event(e); tcp.event(e); } });
    const refused = [...book.all()].filter((r) => handshakeOf(r) === 'refused');
    assert.equal(refused.length, 5, 'the five reconnects the stopped broker refused');
    for (const r of refused) assert.equal(sessionEndOf(r), undefined, `stream ${r.stream}: refused, so no session ended`);
    // Without the broker-stopped diagnosis explaining them, the refusals are still no reset of an MQTT session.
    const found: FindingEvent[] = [];
    tcp.finish({ book, summary, captureEnd: summary.capture.durationSeconds, explained: new Set(), attempted: new Set(), tooLargeForSubscriber: new Set(), unresolvedHosts: new Set() }, (f) => found.push(f));
    assert.deepEqual(found.filter((f) => f.code === 'diag.tcp-reset').map((f) => f.frame), []);
  }
});

/** What a diagnosis says: code, facts, causes, checks, confidence and frames (its English sentence follows from them). */
function said(list: Diagnosis[]): string[] {
  return list.map((d) => JSON.stringify({ code: d.code, detail: d.detail, evidence: d.evidence, frame: d.frame, src: d.src, dst: d.dst, stream: d.stream }))
    .sort();
}

// Every fixture (the fault captures included) and every corpus capture (none when the corpus is absent).
for (const c of [...fixtureCaptures(), ...corpusCaptures()]) {
  test(`${c.name}: the summary-only path diagnoses what the full path does`, async () => {
    const full = await diagnose(c.file, { ports: c.ports });
    const summaryOnly = await diagnose(c.file, { ports: c.ports, summaryOnly: true });
    assert.deepEqual(said(summaryOnly), said(full));
  });
}
