/**
 * makeDiagnosis: a diagnosis finding from its code, facts, causes, checks and frames; the English sentence is its
 * `summary`. Only construction; the detectors decide when.
 */
import type { FindingEvent } from '../model/events.js';
import { makeFinding } from '../model/findings.js';
import type { FrameSet } from './evidence.js';
import type { Confidence, DiagnosisCode, FactValue } from './types.js';
import { sentence } from './words.js';

export interface DiagnosisInput {
  code: DiagnosisCode;
  layer: FindingEvent['layer'];
  frames: FrameSet;
  /** Time of the first frame of the evidence (seconds since the capture's start). */
  time: number;
  facts: Record<string, FactValue>;
  causes: string[];
  checks: string[];
  confidence?: Confidence;
  src?: string;
  dst?: string;
  stream?: number;
}

export function makeDiagnosis(input: DiagnosisInput): FindingEvent {
  const evidence = input.frames.evidence();
  return makeFinding(input.code, input.layer, evidence.firstFrame, input.time, sentence(input.code, input.facts, 'en'), {
    ...(input.src !== undefined ? { src: input.src } : {}),
    ...(input.dst !== undefined ? { dst: input.dst } : {}),
    ...(input.stream !== undefined ? { stream: input.stream } : {}),
    detail: { facts: input.facts, causes: input.causes, checks: input.checks, confidence: input.confidence ?? 'high' },
    evidence,
  });
}
