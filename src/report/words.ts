/**
 * What a report's language must say: the phrasebook interface both languages implement (en.ts, id.ts), so that a
 * sentence missing in one language is a compile error, and the small fact shapes the sentences take. Words only;
 * the facts come from facts.ts, the order from story.ts, the layout from build.ts.
 */
import type { TimelineEvent } from '../model/events.js';
import type { EmptyClientIdRule } from '../mqtt/empty-client-id.js';
import { reasonName } from '../model/names.js';
import type { Inline } from './document.js';
import type {
  AckFacts, ArpFact, ConnectionFact, DeliveryRun, FindingGroup, OtherMqttRun, PublishRun, RetransmissionFacts, Role, Transport,
} from './facts.js';

/** A client as the prose names it: its client id when known, and its address. */
export interface Who {
  ip: string;
  clientId?: string;
}

/** One host's part in the exchange, for the "who is who" sentences. */
export interface HostPart {
  ip: string;
  mac?: string;
  /** The IPv4 address of the same machine (this is its IPv6 address). */
  sameMachineAs?: string;
  clientIds: string[];
  broker?: { ports: Array<{ port: number; transport: Transport }>; frames: number[] };
  publishes?: { topics: string[]; count: number; frames: number[] };
  subscribes?: { topics: string[]; frames: number[] };
  receives?: { count: number; frames: number[] };
  /** A client that neither published nor subscribed. */
  connects?: { frames: number[] };
  /** A client whose MQTT is encrypted (TLS): what it did cannot be seen. */
  encrypted?: { frames: number[] };
}

export type Problem =
  | { kind: 'refused'; who: Who; frame: number; code: number; version?: number }
  | { kind: 'no-connack'; who: Who; frame: number }
  | { kind: 'retransmissions'; count: number; frames: number[] }
  /** `retainedOnly`: every copy delivered was a retained message sent on subscribing (the subscribers came after). */
  | { kind: 'undelivered'; topic: string; published: number; delivered: number; retainedOnly: boolean }
  /** `text`: the finding explained (the diagnosis's own words for diagnoses). */
  | { kind: 'finding'; group: FindingGroup; text: Inline[] };

export interface Overview {
  frames: number;
  durationSeconds: number;
  /** ISO 8601 UTC time of the first frame. */
  start?: string;
  /** MQTT sessions that started (a CONNECT the broker refused starts none: `refused` counts those). */
  sessions: number;
  refused: number;
  published: number;
  delivered: number;
  connections: number;
}

export interface Words {
  lang: 'en' | 'id';
  /** A number with `digits` decimals in the language's notation. */
  number(value: number, digits: number): string;
  ms(value: number): string;
  seconds(value: number): string;
  /** "frame 5", "frames 5, 7 and 9" (at most a few listed, then how many more). */
  frames(frames: number[], total?: number): string;
  yesNo(value: boolean | undefined): string;
  role(role: Role): string;
  title: string;
  headings: {
    analysis: string; whoIsWho: string; conclusion: string; story: string; hosts: string; sessions: string;
    topics: string; latency: string; findings: string; pictures: string; timeline: string;
  };
  fileLine(file: string, o: Overview): Inline[];
  overview(o: Overview): Inline[];
  host(part: HostPart): Inline[];
  healthy(): Inline[];
  /** Nothing wrong is visible, but the MQTT exchange is encrypted (TLS without keys). */
  healthyEncrypted(): Inline[];
  problems(problems: Problem[]): Inline[][];
  noMqtt(): Inline[];
  // the story
  arp(arp: ArpFact, targetIsBroker: boolean): Inline[];
  handshake(c: ConnectionFact, who: Who): Inline[];
  connect(c: ConnectionFact, who: Who): Inline[];
  subscribe(c: ConnectionFact, who: Who, frame: number, subs: Array<{ topic: string; qos: number; noLocal?: true }>, ackFrame?: number, granted?: number[], latencyMs?: number): Inline[];
  publish(run: PublishRun, who: Who): Inline[];
  delivery(d: DeliveryRun, who: Who, attached: boolean): Inline[];
  otherMqtt(run: OtherMqttRun, who: Who): Inline[];
  retransmissions(r: RetransmissionFacts): Inline[];
  teardown(c: ConnectionFact, who: Who): Inline[];
  acks(a: AckFacts): Inline[];
  otherTraffic(byProtocol: Record<string, number>, otherTcp: number): Inline[];
  stepsNotTold(n: number): Inline[];
  /** A list or table cut for length: how many were left out. */
  notListed(n: number): string;
  // tables
  hostTable: { header: string[]; noMac: string };
  sessionTable: { header: string[]; inferred: string; accepted: string; refused(code: number): string; none: string; transport(t: Transport): string };
  topicTable: { header: string[] };
  /**
   * `answeredBy`: the words after a publish acknowledgement's kind naming who answered ("broker", "subscriber",
   * "publisher", as the summary's keys say it: src/mqtt/latency-kind.ts).
   */
  latencyTable: { header: string[]; forwarding: string; requestResponse: string; handshake: string; answeredBy: Record<string, string> };
  findingsNone: string;
  /** Lead words of a diagnosis's likely causes and of what to check. */
  causes: string;
  checks: string;
  finding(group: FindingGroup): Inline[];
  timelineTable: { header: string[]; note(shown: number, notShown: number, file: string): string };
  describe(event: TimelineEvent): Inline[];
  /** An empty client id in the sessions table, by what the protocol lets the broker do with it. */
  emptyClientId(rule: EmptyClientIdRule): string;
  // pictures
  mermaidIntro: Inline[];
  flowCaption: string;
  rateCaption: string;
  figureLinks(flowFile: string, rateFile: string): Inline[];
  diagram: {
    forwarded(delayMs?: number): string;
    /** Copies of messages the broker kept for the client's session while it was away (`queued`). */
    held(delayMs?: number): string;
    repeated(count: number, interval?: number): string;
    acksNote: string;
    arpAsk(ip: string): string;
    arpAnswer(mac: string): string;
    handshake(rttMs?: number): string;
    /** Short words for a flow-graph arrow: a CONNECT with an empty client id; a retained PUBLISH with an empty payload. */
    emptyClientId: string;
    clearsRetained: string;
    /** A run of retained PUBLISHes with empty payloads in the sequence diagram. */
    clearsRetainedMessage: string;
    flowTitle: string;
    flowMore(n: number): string;
    rateTitle: string;
    rateAxis: string;
    rateUnit(bucketSeconds: number): string;
    timeAxis: string;
  };
}

/** Lists frames the way both languages do: the first few, then how many more. */
/** An MQTT 5 DISCONNECT's reason code for a parenthesis after its frame: ", reason 0x81 Malformed Packet" ('' when absent). */
export function reasonWords(reasonCode: number | undefined): string {
  return reasonCode === undefined ? '' : `, reason 0x${reasonCode.toString(16).padStart(2, '0')} ${reasonName(reasonCode)}`;
}

export function frameList(frames: number[], and: string, more: (n: number) => string, total = frames.length): string {
  const shown = frames.slice(0, 6);
  const rest = total - shown.length;
  if (shown.length === 0) return '';
  if (rest > 0) return `${shown.join(', ')} ${more(rest)}`;
  if (shown.length === 1) return `${shown[0]}`;
  return `${shown.slice(0, -1).join(', ')} ${and} ${shown[shown.length - 1]}`;
}

/** A range "a–b" of frames when they are consecutive in a run, for compact references. */
export function frameRange(first: number, last: number): string {
  return first === last ? `${first}` : `${first}–${last}`;
}
