/**
 * DiagnosisStage: the diagnosis as an AnalysisStage. It reads every event (packets, lifecycle events, other
 * findings) into the connection book and the detectors that read its kind (an MQTT packet: its type), and at the
 * end of the capture emits the diagnoses (findings with `diag.*` codes) in a fixed order: port scans (their probes are no
 * unreachable broker), client-id takeovers and then reachability first, because a takeover or a
 * stopped broker explains the connections they ended, then clients that sent no CONNECT or broke the protocol, keep-alive, refusals, topics, QoS, a slow broker, TCP, names DNS did not resolve (before what the capture itself shows, which it explains), and what the capture itself shows. It prints
 * nothing; views word the findings (words.ts).
 */
import type { DnsEvent, FindingEvent, MqttPacketType, TcpEvent, TimelineEvent } from '../model/events.js';
import { MachineBook, type MachineLink } from '../model/machine.js';
import type { AnalysisStage, NeighborMessage } from '../model/sink.js';
import type { AnalysisSummary } from '../model/summary.js';
import { ConnectionBook } from './book.js';
import { CaptureChecks } from './capture-checks.js';
import { ConnackDetector } from './connack.js';
import type { Detector, DetectorReads, FinishContext } from './detector.js';
import { IdleClientDetector } from './idle-client.js';
import { TlsHandshakeDetector } from './tls-handshake.js';
import { SlowHandshakeDetector } from './slow-handshake.js';
import { KeepAliveDetector } from './keepalive.js';
import { MalformedPacketDetector } from './malformed.js';
import { NameResolutionDetector } from './name-resolution.js';
import { NoConnectDetector } from './no-connect.js';
import { PayloadQuitDetector } from './payload-quit.js';
import { PortScanDetector } from './port-scan.js';
import { QosDetector } from './qos.js';
import { ReachabilityDetector } from './reachability.js';
import { SilentConnectionDetector } from './silent-connection.js';
import { SlowBrokerDetector } from './slow-broker.js';
import { SubscriberSizeDetector } from './subscriber-size.js';
import { TakeoverDetector } from './takeover.js';
import { TcpTroubleDetector } from './tcp-trouble.js';
import { TopicDetector } from './topics.js';
import { UnsubscribeDetector } from './unsubscribe.js';
import { ViolationDetector } from './violation.js';

export class DiagnosisStage implements AnalysisStage {
  private readonly book = new ConnectionBook();
  /** The dual-stack links the analysis learned (machineLink): which addresses are one broker host. */
  private readonly machines = new MachineBook();
  /** Also reads IPv6 Neighbor Solicitations and Advertisements (neighbor). */
  private readonly reachability = new ReachabilityDetector();
  private readonly detectors: Detector[] = [
    new PortScanDetector(), new TakeoverDetector(), this.reachability, new NoConnectDetector(), new SilentConnectionDetector(), new ViolationDetector(this.machines), new KeepAliveDetector(), new ConnackDetector(),
    new SubscriberSizeDetector(), new TopicDetector(this.machines), new UnsubscribeDetector(), new QosDetector(this.machines), new SlowBrokerDetector(), new MalformedPacketDetector(), new PayloadQuitDetector(), new IdleClientDetector(this.machines), new TcpTroubleDetector(), new SlowHandshakeDetector(), new NameResolutionDetector(), new TlsHandshakeDetector(),
    new CaptureChecks(),
  ];
  /** The detectors whose `event` reads TCP packets, and the other events than packets of TCP and MQTT (Detector.reads), in their order. */
  private readonly tcpReaders = readersOf(this.detectors, 'tcp');
  private readonly otherReaders = readersOf(this.detectors, 'other');
  /** Per MQTT packet type, the detectors whose `mqtt` reads it (Detector.mqttTypes), in their order: made on first use. */
  private readonly mqttReaders = new Map<MqttPacketType, Detector[]>();
  private lastTime = 0;

  /** Diagnoses need the whole capture: they are all emitted by finish(), none while events pass. */
  event(event: TimelineEvent, _emit?: (finding: FindingEvent) => void): void {
    if (event.kind === 'finding' && event.code.startsWith('diag.')) return;
    if (event.time > this.lastTime) this.lastTime = event.time;
    if (event.kind === 'packet' && event.layer === 'mqtt') {
      this.book.mqtt(event);
      const readers = this.mqttReaders.get(event.type) ?? this.mqttReadersOf(event.type);
      for (let i = 0; i < readers.length; i++) readers[i]!.mqtt!(event);
      return;
    }
    let readers = this.otherReaders;
    if (event.kind === 'lifecycle') this.book.lifecycle(event);
    else if (event.kind === 'packet' && event.layer === 'tcp') {
      this.book.tcp(event);
      readers = this.tcpReaders;
    }
    for (let i = 0; i < readers.length; i++) readers[i]!.event!(event);
  }

  /** A dual-stack link the analysis learned (AnalysisStage.machineLink): the detectors compare broker hosts with it. */
  machineLink(link: MachineLink): void {
    this.machines.link(link);
  }

  /** The detectors that read MQTT packets of `type`, remembered. */
  private mqttReadersOf(type: MqttPacketType): Detector[] {
    const readers = this.detectors.filter((d) => d.mqtt !== undefined && (d.mqttTypes === undefined || d.mqttTypes.includes(type)));
    this.mqttReaders.set(type, readers);
    return readers;
  }

  /**
   * The diagnoses of what was read so far, for a live view (`summary`: the analysis' snapshot): the detectors judge
   * as at the end, into a list, and keep their state, so the final finish() is not disturbed. A diagnosis that
   * needs the end (a session that never got its CONNACK) may come and go until then.
   */
  judgeSoFar(summary: AnalysisSummary): FindingEvent[] {
    const found: FindingEvent[] = [];
    this.finish((finding) => found.push(finding), summary);
    return found;
  }

  /** The summary-only path's TCP and DNS packets (it emits no such events): judged as on the full path. */
  packet(packet: TcpEvent | DnsEvent): void {
    this.event(packet);
  }

  /** An IPv6 Neighbor Solicitation or Advertisement (both paths): the reachability detector's, as ARP is. */
  neighbor(message: NeighborMessage): void {
    this.reachability.neighbor(message);
  }

  finish(emit: (finding: FindingEvent) => void, summary: AnalysisSummary): void {
    const context: FinishContext = {
      book: this.book, summary, captureEnd: Math.max(summary.capture.durationSeconds, this.lastTime),
      explained: new Set(), attempted: new Set(), tooLargeForSubscriber: new Set(), unresolvedHosts: new Set(),
    };
    for (const d of this.detectors) d.finish(context, emit);
  }
}

/** The detectors whose `event` reads events of `kind` (MQTT packets aside). */
function readersOf(detectors: readonly Detector[], kind: DetectorReads): Detector[] {
  return detectors.filter((d) => d.event !== undefined && (d.reads === undefined || d.reads.includes(kind)));
}
