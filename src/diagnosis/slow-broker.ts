/**
 * diag.broker-slow: the broker answered its clients' requests late — CONNACK, PUBACK, PUBREC, PUBCOMP, SUBACK,
 * UNSUBACK, PINGRESP more than a second after the request they answer (the session tracker's pairing, `latencyMs`) —
 * at least twice on two connections or more, or three times on one, grouped per broker: a broker program that stalled (overloaded, blocked, paused) while its host's TCP
 * went on. Broker-side answers only (the connection book says which side is the server); waits past PLAUSIBLE_MS are
 * a hole in the capture's time (merged files), not a slow broker. Timed at its first evidence, the first slow
 * answer's request, whose time is taken from the request's own event (the latest RECENT_REQUESTS requests clients sent
 * are remembered; an older one's time is its answer's less the wait). Bounded to MAX_SLOW answers remembered.
 * A wait is the broker's only past the network's round trip to it: the quickest TCP acknowledgement of a client's data
 * by the broker's side of that connection, as seen from the capture point (a kernel's ACK, which no stalled program
 * delays); a long path (a satellite or loaded cellular link, every answer a round trip late) is no slow broker.
 *
 * diag.forwarding-includes-rtt: the same round trip, on a capture made away from the broker (the clients' side of a
 * long path), is in every broker-forwarding delay the summary gives (a publish seen going out, the broker's copy seen
 * coming back): said, with the round trip (the median over the MQTT connections of their quickest acknowledgement by
 * the broker) and what is left of the median delay for the broker itself, an estimate (the two one-way trips, the
 * publisher's to the broker and the broker's to the subscriber, are taken as half a round trip each). The figures
 * are not changed: they are what the capture shows, as Wireshark would time them.
 */
import type { FindingEvent, MqttEvent, MqttPacketType, TimelineEvent } from '../model/events.js';
import { clientName, isMqtt } from './book.js';
import type { Detector, FinishContext } from './detector.js';
import { FrameSet } from './evidence.js';
import { makeDiagnosis } from './make.js';
import { forwardingDelayMs } from '../model/forwarding.js';

/** An answer later than this (ms) is slow: a broker answers in milliseconds (synthetic captures space packets 1 s apart). */
export const SLOW_MS = 1000;
/** Longer waits than this are no broker's: the capture has a hole in time. */
const PLAUSIBLE_MS = 300_000;
/** Slow answers a broker needs to be diagnosed, on two connections or more (one alone may be a lost segment's retransmission), or on one. */
const MIN_SLOW = 2;
const MIN_SLOW_ONE_CONNECTION = 3;
const MAX_SLOW = 10_000;

const ANSWERS: readonly MqttPacketType[] = ['CONNACK', 'PUBACK', 'PUBREC', 'PUBCOMP', 'SUBACK', 'UNSUBACK', 'PINGRESP'];
/** The requests a client sends that the broker answers with one of ANSWERS. */
const REQUESTS: readonly MqttPacketType[] = ['CONNECT', 'PUBLISH', 'PUBREL', 'SUBSCRIBE', 'UNSUBSCRIBE', 'PINGREQ'];
const REQUEST_TYPES: ReadonlySet<MqttPacketType> = new Set(REQUESTS);
/** Client requests whose frame and time are remembered, the latest ones (a slow answer's request is looked up there). */
export const RECENT_REQUESTS = 16_384;

/** A round trip from the capture point to the broker this long (ms) is worth saying: a LAN's is well under 1 ms. */
export const FORWARDING_RTT_MS = 5;

/** Forwarded copies kept as evidence (with their publishes). */
const FORWARDED_KEPT = 6;

/** Connections whose round trip is measured (the first ones). */
const MAX_RTT_STREAMS = 100_000;

/**
 * Per connection, for its two sides (`a`: the sender of its first TCP packet seen, and the other): the data segment of
 * each waiting for the other's ACK (relative end, time; time -1: none), and each side's quickest acknowledgement of the
 * other's data in ms (Infinity: none yet). Plain fields, updated in place: this runs on every TCP packet.
 */
interface RoundTrips {
  a: string;
  aEnd: number; aTime: number;
  bEnd: number; bTime: number;
  ackByA: number; ackByB: number;
}

interface SlowAnswer { stream: number; frame: number; requestFrame: number; requestTime: number; time: number; type: MqttPacketType; waitMs: number }

export class SlowBrokerDetector implements Detector {
  readonly mqttTypes = [...ANSWERS, ...REQUESTS];
  private readonly slow: SlowAnswer[] = [];
  /** The latest client requests' frames and times, in a ring. */
  private readonly requestFrames = new Float64Array(RECENT_REQUESTS);
  private readonly requestTimes = new Float64Array(RECENT_REQUESTS);
  private requestNext = 0;
  private readonly roundTrips = new Map<number, RoundTrips>();
  /** The first forwarded copies (and their publishes) whose delay measures the broker's forwarding. */
  private readonly forwarded = new FrameSet();

  readonly reads = ['tcp'] as const;

  /**
   * TCP round trips (Karn's rule: a segment sent again is not timed): a side's data segment, timed until the first ACK
   * from the other side that covers it.
   */
  event(e: TimelineEvent): void {
    if (e.kind !== 'packet' || e.layer !== 'tcp' || e.duplicateOf !== undefined || e.badChecksum === true) return;
    let rt = this.roundTrips.get(e.stream);
    if (rt === undefined) {
      if (e.len === 0 || this.roundTrips.size >= MAX_RTT_STREAMS) return;
      rt = { a: e.src, aEnd: 0, aTime: -1, bEnd: 0, bTime: -1, ackByA: Number.POSITIVE_INFINITY, ackByB: Number.POSITIVE_INFINITY };
      this.roundTrips.set(e.stream, rt);
    }
    const fromA = e.src === rt.a;
    if (e.flags.includes('ACK')) {
      if (fromA) {
        if (rt.bTime >= 0 && e.relAck - rt.bEnd >= 0) {
          rt.ackByA = Math.min(rt.ackByA, (e.time - rt.bTime) * 1000);
          rt.bTime = -1;
        }
      } else if (rt.aTime >= 0 && e.relAck - rt.aEnd >= 0) {
        rt.ackByB = Math.min(rt.ackByB, (e.time - rt.aTime) * 1000);
        rt.aTime = -1;
      }
    }
    if (e.len > 0) {
      if (fromA) {
        if (e.retransmission === true) rt.aTime = -1;
        else if (rt.aTime < 0) { rt.aEnd = e.relSeq + e.len; rt.aTime = e.time; }
      } else if (e.retransmission === true) rt.bTime = -1;
      else if (rt.bTime < 0) { rt.bEnd = e.relSeq + e.len; rt.bTime = e.time; }
    }
  }

  /** The quickest acknowledgement by `side` (an endpoint) of its peer's data on `stream`, in ms; 0 when none was timed. */
  private quickestAckMs(stream: number, side: string): number {
    const rt = this.roundTrips.get(stream);
    if (rt === undefined) return 0;
    const ms = side === rt.a ? rt.ackByA : rt.ackByB;
    return Number.isFinite(ms) ? ms : 0;
  }

  mqtt(event: MqttEvent): void {
    if (event.direction === 'client') {
      // A client's acknowledgements of the broker's deliveries are no requests; a QoS 0 PUBLISH is answered by nothing.
      if (REQUEST_TYPES.has(event.type) && (event.type !== 'PUBLISH' || (event.qos ?? 0) > 0)) this.request(event);
      return;
    }
    // The first copies that measure the broker's forwarding: the evidence of diag.forwarding-includes-rtt.
    if (event.type === 'PUBLISH' && this.forwarded.count < FORWARDED_KEPT && event.sourceFrame !== undefined && forwardingDelayMs(event) !== undefined) {
      this.forwarded.add(event.sourceFrame, event.time - (event.forwardDelayMs ?? 0) / 1000).add(event.frame, event.time);
    }
    const waitMs = event.latencyMs;
    // Answers the broker sent (not a client's PUBACK to a PUBLISH the broker delivered).
    if (event.direction !== 'server' || waitMs === undefined || waitMs <= SLOW_MS || waitMs > PLAUSIBLE_MS || event.requestFrame === undefined) return;
    if (this.slow.length >= MAX_SLOW) return;
    const asked = event.time - waitMs / 1000;
    const requestTime = this.timeOf(event.requestFrame, asked) ?? asked;
    this.slow.push({ stream: event.stream, frame: event.frame, requestFrame: event.requestFrame, requestTime, time: event.time, type: event.type, waitMs });
  }

  private request(event: MqttEvent): void {
    const i = this.requestNext;
    this.requestFrames[i] = event.frame;
    this.requestTimes[i] = event.time;
    this.requestNext = i + 1 === RECENT_REQUESTS ? 0 : i + 1;
  }

  /**
   * The time of request `frame` when it is among the latest ones remembered, looked for from the latest back to a
   * second before `about` (its time by the wait, within rounding).
   */
  private timeOf(frame: number, about: number): number | undefined {
    for (let n = 1; n <= RECENT_REQUESTS; n++) {
      const i = (this.requestNext - n + RECENT_REQUESTS) % RECENT_REQUESTS;
      const f = this.requestFrames[i]!;
      if (f === frame) return this.requestTimes[i];
      if (f === 0 || this.requestTimes[i]! < about - 1) return undefined;
    }
    return undefined;
  }

  finish(ctx: FinishContext, emit: (finding: FindingEvent) => void): void {
    const byBroker = new Map<string, Array<SlowAnswer & { client: string }>>();
    for (const a of this.slow) {
      const r = ctx.book.get(a.stream);
      if (r === undefined || ctx.explained.has(a.stream)) continue;
      // The network's round trip to the broker takes its share of the wait first.
      if (a.waitMs - this.quickestAckMs(a.stream, r.server) <= SLOW_MS) continue;
      const list = byBroker.get(r.server) ?? [];
      list.push({ ...a, client: clientName(r) });
      byBroker.set(r.server, list);
    }
    for (const [server, list] of byBroker) {
      const streams = new Set(list.map((a) => a.stream));
      if (list.length < (streams.size > 1 ? MIN_SLOW : MIN_SLOW_ONE_CONNECTION)) continue;
      const frames = new FrameSet();
      for (const a of list) frames.add(a.requestFrame, a.requestTime).add(a.frame, a.time);
      const firstAsked = frames.firstTime ?? Math.min(...list.map((a) => a.requestTime));
      const lastAnswered = Math.max(...list.map((a) => a.time));
      emit(makeDiagnosis({
        code: 'diag.broker-slow', layer: 'mqtt', frames, time: firstAsked, dst: server,
        facts: {
          server, count: list.length, connections: streams.size, clients: [...new Set(list.map((a) => a.client))].slice(0, 10),
          answers: [...new Set(list.map((a) => a.type))], maxWaitSeconds: Number((Math.max(...list.map((a) => a.waitMs)) / 1000).toFixed(3)),
          from: Number(firstAsked.toFixed(6)), until: Number(lastAnswered.toFixed(6)),
        },
        confidence: streams.size > 1 ? 'high' : 'medium',
        causes: ['broker-stalled', 'packet-loss'], checks: ['broker-load', 'broker-log'],
      }));
    }
    this.forwardingRoundTrip(ctx, emit);
  }

  /** diag.forwarding-includes-rtt: the forwarding delays hold the capture point's round trip to the broker. */
  private forwardingRoundTrip(ctx: FinishContext, emit: (finding: FindingEvent) => void): void {
    const forwarding = ctx.summary.mqtt.forwarding;
    if (forwarding === undefined || forwarding.count === 0) return;
    const trips: number[] = [];
    const servers: string[] = [];
    let first: { stream: number; client: string; server: string } | undefined;
    for (const r of ctx.book.all()) {
      if (!isMqtt(r)) continue;
      const ms = this.quickestAckMs(r.stream, r.server);
      if (ms <= 0) continue;
      trips.push(ms);
      first ??= { stream: r.stream, client: r.client, server: r.server };
      if (!servers.includes(r.server) && servers.length < 10) servers.push(r.server);
    }
    if (first === undefined) return;
    trips.sort((a, b) => a - b);
    const mid = trips.length >> 1;
    const roundTripMs = trips.length % 2 === 1 ? trips[mid]! : (trips[mid - 1]! + trips[mid]!) / 2;
    if (roundTripMs < FORWARDING_RTT_MS) return;
    const brokerMs = forwarding.medianMs - roundTripMs;
    const rounded = (x: number): number => Number(x.toFixed(3));
    emit(makeDiagnosis({
      code: 'diag.forwarding-includes-rtt', layer: 'mqtt', frames: this.forwarded, time: this.forwarded.firstTime ?? 0, stream: first.stream, dst: first.server,
      facts: {
        servers, forwardedCount: forwarding.count, medianForwardingMs: rounded(forwarding.medianMs), roundTripMs: rounded(roundTripMs),
        minRoundTripMs: rounded(trips[0]!), maxRoundTripMs: rounded(trips[trips.length - 1]!), connections: trips.length,
        // Less than a tenth of the round trip left (or less than nothing): within the round trip's own spread.
        ...(brokerMs > roundTripMs / 10 ? { brokerMs: rounded(brokerMs) } : {}),
      },
      causes: ['capture-away-from-broker'], checks: ['capture-at-broker'],
    }));
  }
}
