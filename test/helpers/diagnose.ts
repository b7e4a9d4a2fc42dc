/**
 * Test helper: the diagnoses of a capture, as `analyze` makes them (the full path, or the summary-only path), each
 * checked to be a well-formed diagnosis.
 */
import assert from 'node:assert/strict';
import { analyzeCapture } from '../../src/index.js';
import type { FindingEvent } from '../../src/index.js';
import { DiagnosisStage } from '../../src/diagnosis/stage.js';
import { asDiagnosis, type Diagnosis } from '../../src/diagnosis/types.js';

export async function diagnose(file: string, options: { ports?: number[]; summaryOnly?: boolean } = {}): Promise<Diagnosis[]> {
  const stage = new DiagnosisStage();
  const found: FindingEvent[] = [];
  const { summary } = await analyzeCapture(file, { ...options, onEvent: (e) => stage.event(e, (f) => found.push(f)) });
  stage.finish((f) => found.push(f), summary);
  return found.map((f) => {
    const d = asDiagnosis(f);
    assert.ok(d !== undefined, `${f.code} is not a well-formed diagnosis`);
    return d;
  });
}
