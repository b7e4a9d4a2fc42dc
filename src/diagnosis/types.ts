/**
 * The shape of a diagnosis: a FindingEvent whose code starts with `diag.` and whose `detail` holds the facts
 * (addresses, topics, counts, times), the usual causes and what to check, as keys that words.ts turns into English
 * or Bahasa Indonesia. Types and a guard only; it detects nothing and words nothing.
 */
import type { FindingEvent, FindingEvidence } from '../model/events.js';
import { FINDING_CODES, type FindingCode } from '../model/findings.js';

/** A fact value: what a sentence needs, never a pre-worded phrase. */
export type FactValue = string | number | boolean | string[] | number[];

/** How sure a diagnosis is, when the capture may not show everything (e.g. subscriptions older than the capture). */
export type Confidence = 'high' | 'medium' | 'low';

export interface DiagnosisDetail {
  facts: Record<string, FactValue>;
  /** Keys of usual causes, most likely first (see CAUSES in words.ts). */
  causes: string[];
  /** Keys of what to check, in order (see CHECKS in words.ts). */
  checks: string[];
  confidence: Confidence;
}

export type DiagnosisCode = Extract<FindingCode, `diag.${string}`>;

/** Every diagnosis code of the catalogue, in catalogue order. */
export const DIAGNOSIS_CODES: readonly DiagnosisCode[] = (Object.keys(FINDING_CODES) as FindingCode[])
  .filter((code): code is DiagnosisCode => code.startsWith('diag.'));

/** A finding that is a diagnosis, with its detail typed. */
export interface Diagnosis extends FindingEvent {
  code: DiagnosisCode;
  detail: DiagnosisDetail & Record<string, unknown>;
  evidence: FindingEvidence;
}

/** The finding as a diagnosis (its detail checked), or undefined when it is another kind of finding. */
export function asDiagnosis(finding: FindingEvent): Diagnosis | undefined {
  if (!finding.code.startsWith('diag.') || finding.evidence === undefined) return undefined;
  const d = finding.detail;
  if (d === undefined || typeof d['facts'] !== 'object' || d['facts'] === null
    || !Array.isArray(d['causes']) || !Array.isArray(d['checks']) || typeof d['confidence'] !== 'string') return undefined;
  return finding as Diagnosis;
}
