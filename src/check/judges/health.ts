/**
 * Health, each with an allowance: retransmitted TCP segments carrying MQTT data (on a connection that carried MQTT;
 * a SYN, FIN or pure ACK retransmitted at set-up or teardown is not MQTT data), holes in TCP streams, malformed
 * packets and frames, resets of a connection whose MQTT session was still open (no DISCONNECT), and requests that
 * never got their response. Memory: the streams that carry MQTT and their session state, bounded.
 */
import type { TimelineEvent } from '../../model/events.js';
import { describeEvent, EvidenceList, plural, type Judge, type Verdict } from '../evidence.js';
import type { HealthRule } from '../rules.js';

const MAX_STREAMS = 100_000;

/** Findings that are the malformation itself (the ones behind a malformed MQTT event are counted with the event). */
const MALFORMED_FINDINGS = new Set(['mqtt.bad-remaining-length', 'mqtt.websocket-malformed', 'decode.truncated',
  'decode.bad-header-length', 'decode.bad-version', 'decode.bad-total-length', 'decode.error']);
/** A packet cut by the snapshot length or the buffering cap is incomplete, not malformed. */
const NOT_MALFORMED = new Set(['mqtt.incomplete', 'mqtt.packet-too-large']);

const WHAT: Record<HealthRule['check'], string> = {
  retransmissions: 'retransmitted MQTT data segment', gaps: 'gap', malformed: 'malformed packet', resets: 'mid-session reset',
  unanswered: 'unanswered request',
};

export class HealthJudge implements Judge {
  private readonly found = new EvidenceList();
  /** MQTT streams → whether their session is open (an MQTT packet seen, no DISCONNECT yet). */
  private readonly sessions = new Map<number, boolean>();

  constructor(private readonly rule: HealthRule) {}

  private remember(stream: number, open: boolean): void {
    this.sessions.delete(stream);
    if (this.sessions.size >= MAX_STREAMS) this.sessions.delete(this.sessions.keys().next().value!);
    this.sessions.set(stream, open);
  }

  event(e: TimelineEvent): void {
    if (e.kind === 'packet' && e.layer === 'mqtt') {
      if (e.type === 'DISCONNECT') this.remember(e.stream, false);
      else if (this.sessions.get(e.stream) !== true) this.remember(e.stream, true);
    }
    switch (this.rule.check) {
      case 'retransmissions':
        if (e.kind === 'packet' && e.layer === 'tcp' && e.retransmission === true && e.len > 0 && this.sessions.has(e.stream)) {
          this.found.add(e.frame, () => describeEvent(e));
        }
        break;
      case 'gaps':
        if (e.kind === 'finding' && (e.code === 'tcp.gap' || e.code === 'tcp.reassembly-cap')) this.found.add(e.frame, () => describeEvent(e));
        break;
      case 'malformed':
        if (e.kind === 'packet' && e.layer === 'mqtt' && e.malformed !== undefined && !NOT_MALFORMED.has(e.malformed)) {
          this.found.add(e.frame, () => `${e.malformed}: ${describeEvent(e)}`);
        } else if (e.kind === 'finding' && MALFORMED_FINDINGS.has(e.code)) this.found.add(e.frame, () => describeEvent(e));
        break;
      case 'resets':
        if (e.kind === 'packet' && e.layer === 'tcp' && e.type === 'RST') {
          if (this.sessions.get(e.stream) === true) this.found.add(e.frame, () => `${describeEvent(e)} while its MQTT session was open`);
          this.sessions.delete(e.stream);
        }
        break;
      case 'unanswered':
        if (e.kind === 'finding' && e.code === 'mqtt.unanswered') this.found.add(e.frame, () => describeEvent(e));
        break;
    }
  }

  verdict(): Verdict {
    const n = this.found.count;
    return { ok: n <= this.rule.allow, found: plural(n, WHAT[this.rule.check]), required: this.rule.allow === 0 ? 'none' : `at most ${this.rule.allow}`,
      evidence: this.found.items, moreEvidence: this.found.more };
  }
}
