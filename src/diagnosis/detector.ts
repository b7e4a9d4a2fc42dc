/**
 * The contract between the diagnosis stage and its detectors: each reads the events it cares about as they pass
 * (MQTT packets through `mqtt`, of the types it names; the other events through `event`) and, at the end, emits its
 * diagnoses with the shared connection book and summary at hand. Types only.
 */
import type { FindingEvent, MqttEvent, MqttPacketType, TimelineEvent } from '../model/events.js';
import type { AnalysisSummary } from '../model/summary.js';
import type { ConnectionBook } from './book.js';

export interface FinishContext {
  book: ConnectionBook;
  summary: AnalysisSummary;
  /** Seconds from the first to the last frame. */
  captureEnd: number;
  /** Streams whose ending a diagnosis already explains (e.g. dropped when the broker stopped). */
  explained: Set<number>;
  /** Servers ("ip:port") that someone tried to reach on an MQTT port, refused or not; a bare "ip" an ARP request never found. */
  attempted: Set<string>;
  /** Client PUBLISH frames too large for the subscribers waiting for them (diag.too-large-for-subscriber): no "to nobody". */
  tooLargeForSubscriber: Set<number>;
  /** Hosts diagnosed with diag.name-not-resolved: they never learned an address, so the capture's lack of MQTT is explained. */
  unresolvedHosts: Set<string>;
}

/** Which events besides MQTT packets a detector's `event` reads: TCP packets, the rest (lifecycle events, findings, other packets). */
export type DetectorReads = 'tcp' | 'other';

export interface Detector {
  /** The MQTT packets `mqtt` is given: of these types only (every type when absent). */
  readonly mqttTypes?: readonly MqttPacketType[];
  /** An MQTT packet: the stage hands each one only to the detectors that read its type. */
  mqtt?(packet: MqttEvent): void;
  /** What `event` is given (every event but the MQTT packets when absent). */
  readonly reads?: readonly DetectorReads[];
  /** Any other event than an MQTT packet (those go to `mqtt`), of the kinds `reads` names. */
  event?(event: TimelineEvent): void;
  finish(context: FinishContext, emit: (finding: FindingEvent) => void): void;
}

/** Ports MQTT brokers commonly listen on (plain, TLS, WebSocket), besides those where MQTT was seen. */
export const KNOWN_MQTT_PORTS: ReadonlySet<number> = new Set([1883, 8883, 1884, 8884, 8083, 8084, 9001]);
