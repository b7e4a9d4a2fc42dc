/**
 * Timing: request → response latency per kind, the broker's forwarding delay and the MQTT 5 request → response time
 * (bounds on max, median and p95, and a
 * least number of samples), and message rate (a peak over a sliding window, an average over the capture). Max and the
 * samples over it are taken from the events; median and p95 from the summary's bounded statistics.
 */
import type { MqttEvent, TimelineEvent } from '../../model/events.js';
import { forwardingDelayMs } from '../../model/forwarding.js';
import type { AnalysisSummary, LatencyStats } from '../../model/summary.js';
import { answerer, SPLIT_LATENCY_KINDS } from '../../mqtt/latency-kind.js';
import { EvidenceList, plural, type Judge, type Verdict } from '../evidence.js';
import { compilePattern, type EventPredicate } from '../pattern.js';
import type { LatencyRule, RateRule } from '../rules.js';

const ms = (v: number): string => `${v.toFixed(3)} ms`;

/**
 * The summary's statistics a latency rule's median and p95 bounds are judged on: the kind's own, or, for a publish
 * acknowledgement named without who answers ("PUBLISH→PUBACK"), each side's (the broker's and the clients'), so the
 * bound must hold for both; undefined sides are left out.
 */
function statsOf(summary: AnalysisSummary, of: string): LatencyStats[] {
  const own = summary.mqtt.latency[of];
  if (own !== undefined) return [own];
  return SPLIT_LATENCY_KINDS.filter((k) => k.startsWith(`${of} (`)).map((k) => summary.mqtt.latency[k])
    .filter((s): s is LatencyStats => s !== undefined);
}

export class LatencyJudge implements Judge {
  private readonly response: string | undefined;
  /** "broker", "subscriber" or "publisher" when the kind names who answers; undefined: any side. */
  private readonly side: string | undefined;
  private readonly over = new EvidenceList();
  private count = 0;
  private max: number | undefined;

  constructor(private readonly rule: LatencyRule) {
    const m = /^[A-Z]+→([A-Z]+)(?: \((broker|subscriber|publisher)\))?$/.exec(rule.of);
    this.response = rule.of === 'forwarding' || rule.of === 'request-response' ? undefined : m?.[1];
    this.side = m?.[2];
  }

  private sample(e: MqttEvent): number | undefined {
    // The same copies as the summary's forwarding statistics, so max, median and p95 speak of one sample.
    if (this.rule.of === 'request-response') return e.type === 'PUBLISH' ? e.responseMs : undefined;
    if (this.response === undefined) return e.type === 'PUBLISH' ? forwardingDelayMs(e) : undefined;
    if (e.type !== this.response) return undefined;
    return this.side === undefined || answerer(e.type, e.direction) === this.side ? e.latencyMs : undefined;
  }

  event(event: TimelineEvent): void {
    if (event.kind !== 'packet' || event.layer !== 'mqtt') return;
    const value = this.sample(event);
    if (value === undefined) return;
    this.count++;
    if (this.max === undefined || value > this.max) this.max = value;
    if (this.rule.maxMs !== undefined && value > this.rule.maxMs) {
      this.over.add(event.frame, () => (this.rule.of === 'request-response'
        ? `response PUBLISH ${event.topic ?? ''} ${ms(value)} after its request in frame ${event.respondsTo ?? '?'}`
        : this.response === undefined
        ? `PUBLISH ${event.topic ?? ''} forwarded ${ms(value)} after frame ${event.sourceFrame ?? '?'}`
        : `${event.type} ${ms(value)} after its request in frame ${event.requestFrame ?? '?'}`));
    }
  }

  verdict(summary: AnalysisSummary): Verdict {
    const sides = this.rule.of === 'forwarding' ? [summary.mqtt.forwarding]
      : this.rule.of === 'request-response' ? [summary.mqtt.requestResponse] : statsOf(summary, this.rule.of);
    const worst = (pick: (s: LatencyStats) => number): number | undefined => {
      let v: number | undefined;
      for (const s of sides) if (s !== undefined && (v === undefined || pick(s) > v)) v = pick(s);
      return v;
    };
    const required: string[] = [`at least ${plural(this.rule.min, 'sample')}`];
    const found: string[] = [plural(this.count, 'sample')];
    let ok = this.count >= this.rule.min;
    const bounds: Array<[string, number | undefined, number | undefined]> = [
      ['max', this.rule.maxMs, this.max], ['median', this.rule.medianMs, worst((s) => s.medianMs)], ['p95', this.rule.p95Ms, worst((s) => s.p95Ms)],
    ];
    for (const [label, limit, value] of bounds) {
      if (limit === undefined) continue;
      required.push(`${label} ≤ ${limit} ms`);
      found.push(`${label} ${value === undefined ? '-' : ms(value)}`);
      if (value !== undefined && value > limit) ok = false;
    }
    return { ok, found: found.join(', '), required: required.join(', '), evidence: this.over.items, moreEvidence: this.over.more };
  }
}

/** Timestamps kept for the sliding window: enough to judge any bound a rule can sensibly give. */
const MAX_WINDOW_EVENTS = 100_000;

export class RateJudge implements Judge {
  private readonly test: EventPredicate;
  private readonly window: Array<{ time: number; frame: number }> = [];
  private head = 0;
  private count = 0;
  private peak = 0;
  private peakFrames: number[] = [];
  private firstTime: number | undefined;
  private lastTime = 0;

  constructor(private readonly rule: RateRule) {
    this.test = compilePattern(rule.match);
  }

  event(event: TimelineEvent): void {
    if (this.firstTime === undefined) this.firstTime = event.time;
    if (event.time > this.lastTime) this.lastTime = event.time;
    if (!this.test(event)) return;
    this.count++;
    this.window.push({ time: event.time, frame: event.frame });
    while (this.head < this.window.length && event.time - this.window[this.head]!.time >= this.rule.windowSeconds) this.head++;
    if (this.window.length - this.head > MAX_WINDOW_EVENTS) this.head = this.window.length - MAX_WINDOW_EVENTS;
    if (this.head > 4096) { this.window.splice(0, this.head); this.head = 0; }
    const inWindow = this.window.length - this.head;
    if (inWindow > this.peak) {
      this.peak = inWindow;
      this.peakFrames = this.window.slice(this.head, this.head + 10).map((w) => w.frame);
    }
  }

  verdict(): Verdict {
    const seconds = this.lastTime - (this.firstTime ?? 0);
    const average = seconds > 0 ? this.count / seconds : this.count;
    const peakRate = this.peak / this.rule.windowSeconds;
    const per = this.rule.windowSeconds === 1 ? 'in any second' : `in any ${this.rule.windowSeconds} s`;
    const found = [`${plural(this.count, 'message')}, ${average.toFixed(2)}/s on average over ${seconds.toFixed(3)} s`, `peak ${this.peak} ${per}`];
    const required: string[] = [];
    let ok = true;
    const evidence = new EvidenceList();
    if (this.rule.maxPerSecond !== undefined) {
      required.push(`at most ${this.rule.maxPerSecond}/s ${per}`);
      if (peakRate > this.rule.maxPerSecond) {
        ok = false;
        for (const frame of this.peakFrames) evidence.add(frame, `in the busiest window (${this.peak} messages)`);
      }
    }
    if (this.rule.minPerSecond !== undefined) {
      required.push(`at least ${this.rule.minPerSecond}/s on average`);
      if (average < this.rule.minPerSecond) ok = false;
    }
    return { ok, found: found.join('; '), required: required.join(' and '), evidence: evidence.items, moreEvidence: Math.max(0, this.peak - evidence.items.length) * (ok ? 0 : 1) };
  }
}
