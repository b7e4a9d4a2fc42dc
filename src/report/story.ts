/**
 * The story of a capture as ordered steps (ARP, handshake, CONNECT/CONNACK, SUBSCRIBE/SUBACK, a run of PUBLISHes
 * with the broker's deliveries of them, other MQTT packets, retransmissions, teardown), each placed at its first
 * frame. The prose and the Mermaid diagram both tell these steps; neither decides the order itself. No words here.
 */
import type { ArpFact, ConnectionFact, DeliveryRun, OtherMqttRun, PublishRun, ReportFacts, SubscribeFact } from './facts.js';

export type StoryStep =
  | { kind: 'arp'; frame: number; arp: ArpFact }
  | { kind: 'handshake'; frame: number; connection: ConnectionFact }
  | { kind: 'connect'; frame: number; connection: ConnectionFact }
  | { kind: 'subscribe'; frame: number; connection: ConnectionFact; subscribe: SubscribeFact }
  | { kind: 'publish'; frame: number; run: PublishRun; deliveries: DeliveryRun[]; connection?: ConnectionFact }
  | { kind: 'delivery'; frame: number; delivery: DeliveryRun; connection?: ConnectionFact }
  | { kind: 'other-mqtt'; frame: number; run: OtherMqttRun; connection?: ConnectionFact }
  | { kind: 'retransmissions'; frame: number }
  | { kind: 'teardown'; frame: number; connection: ConnectionFact };

/** Steps past this many are not told one by one (the tables still cover everything). */
export const MAX_STEPS = 80;

export function storySteps(facts: ReportFacts): { steps: StoryStep[]; notTold: number } {
  const steps: StoryStep[] = [];
  const byStream = new Map(facts.connections.map((c) => [c.stream, c]));
  for (const arp of facts.arp) steps.push({ kind: 'arp', frame: arp.requestFrame, arp });
  for (const c of facts.connections) {
    const open = c.synFrame ?? c.firstFrame;
    steps.push({ kind: 'handshake', frame: open, connection: c });
    if (c.connect !== undefined || c.connack !== undefined) steps.push({ kind: 'connect', frame: c.connect?.frame ?? c.connack!.frame, connection: c });
    for (const s of c.subscribes) steps.push({ kind: 'subscribe', frame: s.frame, connection: c, subscribe: s });
    const end = [c.disconnect?.frame, c.fins[0]?.frame, c.reset?.frame].filter((f): f is number => f !== undefined);
    steps.push({ kind: 'teardown', frame: end.length > 0 ? Math.min(...end) : c.lastFrame, connection: c });
  }
  const attached = new Set<DeliveryRun>();
  for (const run of facts.publishRuns) {
    const deliveries = facts.deliveryRuns.filter((d) => d.topic === run.topic && d.sourceStreams.includes(run.stream) && !attached.has(d));
    for (const d of deliveries) attached.add(d);
    const connection = byStream.get(run.stream);
    steps.push({ kind: 'publish', frame: run.firstFrame, run, deliveries, ...(connection !== undefined ? { connection } : {}) });
  }
  for (const d of facts.deliveryRuns) {
    if (attached.has(d)) continue;
    const connection = byStream.get(d.stream);
    steps.push({ kind: 'delivery', frame: d.firstFrame, delivery: d, ...(connection !== undefined ? { connection } : {}) });
  }
  for (const run of facts.otherMqtt) {
    if (run.type === 'DISCONNECT') continue;
    const connection = byStream.get(run.stream);
    steps.push({ kind: 'other-mqtt', frame: run.firstFrame, run, ...(connection !== undefined ? { connection } : {}) });
  }
  const firstRetransmission = facts.retransmissions.frames[0];
  if (firstRetransmission !== undefined) steps.push({ kind: 'retransmissions', frame: firstRetransmission });
  const rank: Record<StoryStep['kind'], number> = {
    arp: 0, handshake: 1, connect: 2, subscribe: 3, publish: 4, delivery: 5, 'other-mqtt': 6, retransmissions: 7, teardown: 8,
  };
  steps.sort((a, b) => a.frame - b.frame || rank[a.kind] - rank[b.kind]);
  return { steps: steps.slice(0, MAX_STEPS), notTold: Math.max(0, steps.length - MAX_STEPS) };
}
