/**
 * The Markdown report of a capture in both languages, as `mqtt-pcap report` makes it (the analysis, the diagnosis
 * stage and the report sink), with every event it saw, diagnoses included: for tests that read the report's words.
 */
import path from 'node:path';
import { analyzeCapture } from '../../src/index.js';
import type { TimelineEvent } from '../../src/index.js';
import { DiagnosisStage } from '../../src/diagnosis/stage.js';
import { ReportSink, renderReport } from '../../src/report/index.js';
import { repoRoot } from './corpus.js';

export async function reportOf(file: string): Promise<{ en: string; id: string; events: TimelineEvent[] }> {
  const sink = new ReportSink(path.relative(repoRoot, file));
  const events: TimelineEvent[] = [];
  // The diagnosis as a stage, as `mqtt-pcap report` runs it.
  const { summary } = await analyzeCapture(file, { stages: [new DiagnosisStage()], onEvent: (e) => { sink.event(e); events.push(e); } });
  const facts = sink.facts(summary);
  return { en: renderReport(facts, { lang: 'en', format: 'md' }).text, id: renderReport(facts, { lang: 'id', format: 'md' }).text, events };
}
