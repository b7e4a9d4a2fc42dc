/**
 * What the live view is built on, in the library: a running analysis (startAnalysis) can be stopped and still gives
 * its final summary, its sinks ended with it; the diagnosis stage can be asked for its diagnoses so far
 * (judgeSoFar) any number of times without changing the final ones; and the live view shows diagnoses while the
 * input is still being read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fixturesDir } from './helpers/corpus.js';
import { analyzeCapture, startAnalysis } from '../src/pipeline/analyze.js';
import { DiagnosisStage } from '../src/diagnosis/stage.js';
import type { FindingEvent } from '../src/model/events.js';
import type { AnalysisSummary } from '../src/model/summary.js';
import { WatchAggregator, factsOf } from '../src/watch/aggregate.js';

const lab = path.join(fixturesDir, 'qos-mqtt5.pcap');

test('a run stopped while it waits for more input ends with the final summary of what it read', async () => {
  const bytes = readFileSync(lab);
  const whole = await analyzeCapture(lab);
  const input = new PassThrough();
  let ended: AnalysisSummary | undefined;
  const run = startAnalysis(input, { sinks: [{ event: () => undefined, end: (s) => { ended = s; } }] });
  // Half the capture arrives; the writer then goes quiet (a live capture between packets).
  input.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
  await new Promise((resolve) => setTimeout(resolve, 200));
  const sofar = run.snapshot();
  assert.ok(sofar.frames.read > 0 && sofar.frames.read < whole.summary.frames.read, 'the snapshot sees half the capture');
  run.stop();
  const result = await run.result;
  assert.equal(result.stoppedEarly, true);
  assert.equal(result.summary.frames.read, sofar.frames.read, 'every frame read is counted');
  assert.equal(result.summary.mqtt.messages, sofar.mqtt.messages);
  // Final, unlike the snapshot: every connection and session ended.
  assert.equal(result.summary.tcp.listed.length, result.summary.tcp.connections);
  assert.ok(result.summary.mqtt.sessions.every((s) => s.end !== undefined));
  assert.deepEqual(ended, result.summary, 'the sinks end with the final summary');
  run.stop(); // idempotent
});

test('a run that is not stopped gives what analyzeCapture gives', async () => {
  const run = startAnalysis(lab);
  const result = await run.result;
  assert.equal(result.stoppedEarly, false);
  assert.deepEqual(result.summary, (await analyzeCapture(lab)).summary);
});

const NOTHING_WRONG = new Set(['fault-capture-stopped-early.pcap', 'fault-retained-late.pcap']);

test('asking the diagnosis for its diagnoses so far, at every event, leaves the final diagnoses unchanged', async () => {
  const faults = readdirSync(path.join(fixturesDir, 'faults')).filter((f) => f.endsWith('.pcap'));
  assert.ok(faults.length >= 10);
  for (const name of faults) {
    const file = path.join(fixturesDir, 'faults', name);
    const diagnosesOf = async (askSoFar: boolean): Promise<{ final: FindingEvent[]; sofar: number }> => {
      const stage = new DiagnosisStage();
      const final: FindingEvent[] = [];
      let sofar = 0;
      let run: ReturnType<typeof startAnalysis> | undefined = undefined;
      run = startAnalysis(file, {
        stages: [stage],
        onEvent: (e) => {
          if (e.kind === 'finding' && e.code.startsWith('diag.')) final.push(e);
          else if (askSoFar && run !== undefined) sofar += stage.judgeSoFar(run.snapshot()).length;
        },
      });
      await run.result;
      return { final, sofar };
    };
    const plain = await diagnosesOf(false);
    const asked = await diagnosesOf(true);
    assert.deepEqual(asked.final, plain.final, name);
    // Class variations where nothing went wrong (fixtures/README.md): a healthy run the capture merely stopped inside,
    // a subscriber that came late and got the retained message. Nothing to diagnose there.
    if (!NOTHING_WRONG.has(name)) assert.ok(plain.final.length > 0, `${name}: a diagnosis`);
    else assert.deepEqual(plain.final, [], name);
  }
});

test('the live view shows a diagnosis before the input ends, with its frame and time, and counts it once', async () => {
  // A taken-over client id is judged as soon as the second CONNECT is seen: shown while the capture streams in.
  const file = path.join(fixturesDir, 'faults', 'fault-client-id-takeover.pcap');
  const stage = new DiagnosisStage();
  let run: ReturnType<typeof startAnalysis> | undefined = undefined;
  const aggregator = new WatchAggregator({ facts: () => factsOf(run!.snapshot()) });
  let shownBeforeEnd: Array<{ code: string; frame: number; time: number }> = [];
  let events = 0;
  run = startAnalysis(file, {
    stages: [stage],
    onEvent: (e) => {
      aggregator.add(e);
      // What the session's timer does each interval.
      if (++events % 10 === 0 && run !== undefined) aggregator.showDiagnoses(stage.judgeSoFar(run.snapshot()));
      if (shownBeforeEnd.length === 0) shownBeforeEnd = aggregator.snapshot().findings.filter((f) => f.code.startsWith('diag.'));
    },
  });
  const result = await run.result;
  assert.ok(shownBeforeEnd.length > 0, 'a diagnosis shown while reading');
  const takeover = shownBeforeEnd.find((f) => f.code === 'diag.client-id-takeover');
  assert.ok(takeover !== undefined && takeover.frame > 0 && takeover.time >= 0, JSON.stringify(shownBeforeEnd));
  // At the end the final diagnoses come through the analysis: counted there, not shown twice.
  const shown = aggregator.snapshot().findings.filter((f) => f.code === 'diag.client-id-takeover' && f.frame === takeover.frame);
  assert.equal(shown.length, 1);
  assert.equal(aggregator.snapshot().totals.findings, result.summary.findings.total);
  assert.ok((result.summary.findings.byCode['diag.client-id-takeover'] ?? 0) >= 1);
});
