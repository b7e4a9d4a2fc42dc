/**
 * diag.port-scan: one host probing many TCP ports of another (nmap -sS or -sT, a masscan, a hand-written scanner):
 * SYNs to at least SCAN_PORTS distinct ports, each connection carrying no byte of data from the prober. Closed ports
 * answer RST, open ones SYN-ACK. One diagnosis per prober, naming its targets, the ports, how they answered and over
 * how long. The probes it explains are no diag.broker-unreachable (a client that mistyped its port) and no TCP
 * trouble: it runs first, and marks their streams explained. Works from the connection book at the end.
 */
import type { FindingEvent } from '../model/events.js';
import { handshakeOf, hostOf, isMqtt, portOf, sentBy, type ConnectionRecord } from './book.js';
import { KNOWN_MQTT_PORTS, type Detector, type FinishContext } from './detector.js';
import { FrameSet } from './evidence.js';
import { makeDiagnosis } from './make.js';

/** Distinct ports of one target a host must probe to be scanning it (a client trying 1883, 8883, 1884 is not). */
export const SCAN_PORTS = 10;
/** Open ports listed at most. */
const OPEN_LISTED = 20;

/** A probe: a connection the prober opened (its SYN seen) and never sent a byte of data on. */
function isProbe(r: ConnectionRecord): boolean {
  return (r.synFrames.length > 0 || r.synSeen === true) && r.firstClientData === undefined && r.mqttPackets === 0;
}

export class PortScanDetector implements Detector {
  finish(ctx: FinishContext, emit: (finding: FindingEvent) => void): void {
    const records = [...ctx.book.all()];
    const mqttServers = new Set(records.filter(isMqtt).map((r) => r.server));
    // Probes per prober, then per target host: the distinct ports decide.
    const byProber = new Map<string, ConnectionRecord[]>();
    for (const r of records) {
      if (!isProbe(r)) continue;
      const list = byProber.get(hostOf(r.client)) ?? [];
      list.push(r);
      byProber.set(hostOf(r.client), list);
    }
    for (const [prober, probes] of byProber) {
      const portsOf = new Map<string, Set<number>>();
      for (const r of probes) {
        const ports = portsOf.get(hostOf(r.server)) ?? new Set<number>();
        ports.add(portOf(r.server));
        portsOf.set(hostOf(r.server), ports);
      }
      const targets = [...portsOf].filter(([, ports]) => ports.size >= SCAN_PORTS).map(([host]) => host);
      if (targets.length === 0) continue;
      const scanned = probes.filter((r) => targets.includes(hostOf(r.server))).sort((a, b) => a.firstFrame - b.firstFrame);
      const frames = new FrameSet();
      let refused = 0;
      let unanswered = 0;
      const open = new Set<string>();
      for (const r of scanned) {
        if (r.synFrames.length > 0) frames.add(r.synFrames[0]!, r.firstSynTime);
        else frames.add(r.firstFrame, r.firstTime);
        if (r.rst !== undefined) frames.add(r.rst.frame, r.rst.time);
        const h = handshakeOf(r);
        if (h === 'refused') refused++;
        else if (h === 'unanswered') unanswered++;
        else if (h === 'complete' || r.synAckSeen) open.add(r.server);
        ctx.explained.add(r.stream);
      }
      const first = scanned[0]!;
      const last = Math.max(...scanned.map((r) => Math.max(r.lastSynTime ?? r.firstTime, r.rst?.time ?? 0, sentBy(r, 'server').lastTime, r.firstTime)));
      const openPorts = [...open].sort((a, b) => portOf(a) - portOf(b));
      const openMqtt = openPorts.filter((s) => mqttServers.has(s) || KNOWN_MQTT_PORTS.has(portOf(s)));
      const ports = new Set(scanned.map((r) => r.server)).size;
      emit(makeDiagnosis({
        code: 'diag.port-scan', layer: 'tcp', frames, time: frames.firstTime ?? first.firstTime, src: first.client,
        ...(targets.length === 1 ? { dst: targets[0]! } : {}),
        facts: {
          prober, targets, ports, probes: scanned.length, refused, unanswered, open: openPorts.slice(0, OPEN_LISTED),
          ...(open.size > OPEN_LISTED ? { openCount: open.size } : {}), ...(openMqtt.length > 0 ? { openMqtt } : {}),
          sourcePorts: new Set(scanned.map((r) => portOf(r.client))).size,
          durationSeconds: Number((last - (first.firstSynTime ?? first.firstTime)).toFixed(6)),
        },
        causes: ['port-scan', 'security-audit'],
        checks: ['scan-exposure', 'scan-source'],
      }));
    }
  }
}
