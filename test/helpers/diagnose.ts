/**
 * Test helper: the diagnoses of a capture, as `analyze` makes them (the full path, or the summary-only path), each
 * checked to be a well-formed diagnosis. The stage runs as `analyze` runs it, so the summary-only path hands it the
 * TCP packets it emits no events for.
 */
import assert from 'node:assert/strict';
import { analyzeCapture } from '../../src/index.js';
import type { FindingEvent } from '../../src/index.js';
import { DiagnosisStage } from '../../src/diagnosis/stage.js';
import { asDiagnosis, type Diagnosis } from '../../src/diagnosis/types.js';

export async function diagnose(file: string, options: { ports?: number[]; summaryOnly?: boolean } = {}): Promise<Diagnosis[]> {
  const stage = new DiagnosisStage();
  const found: FindingEvent[] = [];
  // As a stage, as the CLI runs it: on the summary-only path it then gets the TCP packets that path does not emit.
  await analyzeCapture(file, { ...options, stages: [stage], onEvent: (e) => { if (e.kind === 'finding' && e.code.startsWith('diag.')) found.push(e); } });
  return found.map((f) => {
    const d = asDiagnosis(f);
    assert.ok(d !== undefined, `${f.code} is not a well-formed diagnosis`);
    return d;
  });
}
