/**
 * Several consumers of one analysis: sinks (each gets every event in emission order, then the summary once), stages
 * (read every event, add findings every sink and the summary see), `snapshot()` in the middle of a capture, and the
 * CLI deciding an unreadable capture (only undecodable link types) before it writes anything.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { analyzeCapture, CaptureAnalyzer } from '../src/index.js';
import { readCapture } from '../src/capture/reader.js';
import type { FindingEvent, TimelineEvent } from '../src/model/events.js';
import { makeFinding } from '../src/model/findings.js';
import type { AnalysisSink, AnalysisStage } from '../src/model/sink.js';
import type { AnalysisSummary } from '../src/model/summary.js';
import { fixturesDir, repoRoot } from './helpers/corpus.js';

const LAB = path.join(fixturesDir, 'reqresp.pcap');
const LIFECYCLE = path.join(fixturesDir, 'lifecycle.pcap');

class Recorder implements AnalysisSink {
  readonly events: TimelineEvent[] = [];
  readonly ends: AnalysisSummary[] = [];
  event(e: TimelineEvent): void { this.events.push(e); }
  end(summary: AnalysisSummary): void { this.ends.push(summary); }
}

test('every sink gets every event in emission order, then the final summary once', async () => {
  const a = new Recorder();
  const b = new Recorder();
  const streamed = await analyzeCapture(LAB, { sinks: [a, b] });
  assert.equal(streamed.events.length, 0, 'sinks given: nothing collected unless asked');
  const collected = await analyzeCapture(LAB);
  assert.deepEqual(a.events, collected.events);
  assert.deepEqual(b.events, collected.events);
  assert.equal(a.ends.length, 1);
  assert.deepEqual(a.ends[0], collected.summary);
  assert.ok(a.events.some((e) => e.kind === 'lifecycle') && a.events.some((e) => e.kind === 'packet'));
});

test('a stage\'s findings reach the sinks right after what caused them, the summary, and the other stages', async () => {
  const emittedBy: string[] = [];
  /** Names each session taken over; at the end, says how many it named. */
  const takeovers: AnalysisStage = {
    event(e, emit) {
      if (e.kind === 'lifecycle' && e.type === 'session-ended' && e.reason === 'taken-over') {
        emit(makeFinding('capture.notice', 'mqtt', e.frame, e.time, `session ${e.stream} taken over`, { stream: e.stream }));
      }
      if (e.kind === 'finding' && e.summary.startsWith('session')) emittedBy.push('self');
    },
    finish(emit, summary) {
      emit(makeFinding('capture.notice', 'capture', summary.frames.read, summary.capture.durationSeconds, `named ${summary.findings.byCode['capture.notice'] ?? 0}`));
    },
  };
  const seenByOther: FindingEvent[] = [];
  const other: AnalysisStage = {
    event(e) { if (e.kind === 'finding' && e.code === 'capture.notice') seenByOther.push(e); },
    finish() { /* nothing at the end */ },
  };
  const sink = new Recorder();
  const { summary } = await analyzeCapture(LIFECYCLE, { sinks: [sink], stages: [takeovers, other] });
  const notices = sink.events.filter((e): e is FindingEvent => e.kind === 'finding' && e.code === 'capture.notice');
  assert.deepEqual(notices.map((f) => f.summary), ['session 0 taken over', 'session 2 taken over', 'named 2']);
  // Each right after the session-ended event that caused it.
  for (const f of notices.slice(0, 2)) {
    const before = sink.events[sink.events.indexOf(f) - 1]!;
    assert.ok(before.kind === 'lifecycle' && before.type === 'session-ended' && before.stream === f.stream);
  }
  assert.equal(sink.events.at(-1), notices[2], 'the finish findings come after the last lifecycle event');
  assert.equal(summary.findings.byCode['capture.notice'], 3);
  assert.deepEqual(sink.ends[0], summary);
  assert.equal(seenByOther.length, 3);
  assert.deepEqual(emittedBy, [], 'a stage does not read its own findings back');
});

test('snapshot(): the summary so far, mid-capture, with open sessions listed without an end', async () => {
  const snapshots: AnalysisSummary[] = [];
  let analyzer: CaptureAnalyzer | undefined;
  analyzer = new CaptureAnalyzer({
    onEvent: (e) => {
      // At the third PUBLISH both lab clients are connected.
      if (e.kind === 'packet' && e.layer === 'mqtt' && e.type === 'PUBLISH' && snapshots.length === 0) snapshots.push(analyzer!.snapshot());
    },
  });
  const capture = await readCapture(LAB, analyzer);
  const final = analyzer.finish(capture).summary;
  const mid = snapshots[0]!;
  assert.ok(mid.frames.read < final.frames.read && mid.frames.read > 0);
  assert.ok(mid.mqtt.messages < final.mqtt.messages);
  assert.deepEqual(mid.mqtt.sessions.map((s) => `${s.clientId} ${s.end ?? 'open'}`), ['lab-sub open', 'lab-pub open']);
  assert.deepEqual(final.mqtt.sessions.map((s) => `${s.clientId} ${s.end ?? 'open'}`), ['lab-sub disconnect', 'lab-pub disconnect']);
  assert.equal(mid.tcp.listed.length, 0, 'no connection has ended yet');
  assert.equal(mid.tcp.connections, 2);
});

const editcap = spawnSync('editcap', ['-h'], { encoding: 'utf8' }).status === 0 ? undefined : 'editcap not installed';

test('a capture whose only link type we cannot decode: exit 2 before any row or event is written', { skip: editcap }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mqtt-pcap-user0-'));
  try {
    // The lab capture 40 times over (mergecap), relabelled LINKTYPE_USER0 (147) by editcap: 2000 real frames we
    // cannot decode, whose rows would fill more than one 256 KiB output chunk.
    const joined = path.join(dir, 'joined.pcap');
    const file = path.join(dir, 'user0.pcap');
    assert.equal(spawnSync('mergecap', ['-a', '-w', joined, ...Array<string>(40).fill(LAB)]).status, 0);
    assert.equal(spawnSync('editcap', ['-T', 'user0', joined, file]).status, 0);
    for (const format of ['table', 'ndjson', 'json', 'markdown']) {
      const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'src', 'cli', 'main.js'), 'analyze', file, '--format', format], { encoding: 'utf8' });
      assert.equal(r.status, 2, format);
      assert.equal(r.stdout, '', `${format}: nothing on stdout`);
      assert.match(r.stderr, /unsupported link type 147/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
