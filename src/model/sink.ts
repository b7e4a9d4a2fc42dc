/**
 * How the analysis hands its results on: to several sinks at once (views, the CI check, the live view), each
 * getting every event in emission order and, at the end, the summary; and to stages that read events and add
 * findings of their own (the diagnosis). Types only.
 */
import type { DnsEvent, FindingEvent, TcpEvent, TimelineEvent } from './events.js';
import type { MachineLink } from './machine.js';
import type { AnalysisSummary } from './summary.js';

/** A consumer of the analysis: sees each event as soon as it is known, then the final summary once. */
export interface AnalysisSink {
  event(event: TimelineEvent): void;
  /** After the last event. May return a promise (e.g. a view flushing its output). */
  end?(summary: AnalysisSummary): void | Promise<void>;
}

/**
 * A stage between the analysis and the sinks: reads every event (lifecycle and other stages' findings included)
 * and may emit findings, which every sink then sees like any other event.
 */
export interface AnalysisStage {
  event(event: TimelineEvent, emit: (finding: FindingEvent) => void): void;
  /** At the end of the capture, after the last lifecycle event: what only the whole capture shows. */
  finish(emit: (finding: FindingEvent) => void, summary: AnalysisSummary): void;
  /**
   * Only on the summary-only path, which emits no TCP or DNS events: each TCP packet (its `summary` empty) and each
   * DNS message, at the place its event would have had, so that the stage judges them as on the full path. Not
   * called when those events are emitted.
   */
  packet?(packet: TcpEvent | DnsEvent): void;
  /**
   * Each IPv6 Neighbor Solicitation and Advertisement (ICMPv6 135 and 136), on both paths: for IPv6, what an ARP
   * event tells of IPv4 (who asked for which address, and who answered). No event carries these facts.
   */
  neighbor?(message: NeighborMessage): void;
  /**
   * Each dual-stack link learned from the link layer (src/model/machine.ts), on both paths, at the frame that showed
   * it and before that frame's events: an IPv6 address is an IPv4 address's machine. No event carries these facts.
   */
  machineLink?(link: MachineLink): void;
}

/** An IPv6 Neighbor Solicitation ("who has `target`?", asked by `src`) or Advertisement (`target` answered, from `src`). */
export interface NeighborMessage {
  frame: number;
  time: number;
  type: 'solicitation' | 'advertisement';
  /** The IPv6 source and destination addresses (`::` for a Duplicate Address Detection probe). */
  src: string;
  dst: string;
  target: string;
}
