/**
 * Session tracking of one MQTT connection: the protocol version (from CONNECT, or inferred from the packets), the
 * client's identity and keep-alive, topic aliases per direction, requests paired with their responses (latency),
 * subscriptions and the fan-out hand-off (publisher → broker → subscriber), client ids taken over, and the session's
 * started/ended lifecycle events with why it ended. It reads no bytes (the packet reader gives it events) and does
 * not decide what a connection carries (classify.ts).
 */
import { clientWords } from './empty-client-id.js';
import type {
  ConnectionEndReason, FindingEvent, MqttEvent, MqttPacketType, MqttPayload, MqttSessionEndedEvent, MqttSessionStartedEvent, SessionEndReason,
  Side, TlsEvent,
} from '../model/events.js';
import { CAPTURE_CUTS, makeFinding, type FindingCode } from '../model/findings.js';
import type { MachineBook } from '../model/machine.js';
import type { MqttConnectionEnd, MqttConnectionInfo } from './connection.js';
import type { FanoutTracer } from './fanout.js';
import type { RequestResponseTracker } from './request-response.js';
import { answeredKey, MqttSession, type Direction, type SessionClose } from './session.js';
import type { ClientIdRegistry, HeldRequest, UnackedCopy } from './takeover.js';

/** What session tracking needs of the analysis around it. */
export interface SessionContext {
  fanout: FanoutTracer;
  /** The machines addresses name (loopback, dual-stack links learned so far): the fan-out tracer's broker key. */
  machines: MachineBook;
  requests: RequestResponseTracker;
  clientIds: ClientIdRegistry;
  emit(event: MqttEvent | FindingEvent | TlsEvent | MqttSessionStartedEvent | MqttSessionEndedEvent): void;
}

/** A finding about the connection, sent by `direction`. */
export type DirectionFinding = (code: FindingCode, direction: Direction, frame: number, time: number, summary: string,
  detail?: Record<string, unknown>) => void;

/** Unacknowledged QoS 1/2 copies remembered per connection (a client has at most its Receive Maximum in flight). */
const MAX_UNACKED_COPIES = 1024;

/** The response a request awaits, by the request's packet type number (mqtt.msgtype). */
const RESPONSE_OF: ReadonlyArray<MqttPacketType | undefined> = [
  undefined, 'CONNACK', undefined, undefined, undefined, 'PUBREL', 'PUBCOMP', undefined, 'SUBACK', undefined, 'UNSUBACK',
  undefined, 'PINGRESP', undefined, undefined, undefined,
];

/** Packet types (by number) that answer a request: PUBACK, PUBREC, PUBREL, PUBCOMP, CONNACK, SUBACK, UNSUBACK, PINGRESP. */
const ANSWERS: readonly boolean[] = [
  false, false, true, false, true, true, true, true, false, true, false, true, false, true, false, false,
];

/** Packet types whose length only MQTT 5 explains (evidence for inferring the version). */
function impliesVersion5(type: number, remaining: number): boolean {
  switch (type) {
    case 2: return remaining > 2;
    case 4: case 5: case 6: case 7: return remaining > 2;
    case 11: return remaining > 2;
    case 14: return remaining > 0;
    case 15: return true;
    default: return false;
  }
}

/**
 * The payload of an MQTT 5 PUBLISH that was read as MQTT 3.1.1 (its version inferred, wrongly, without the CONNECT):
 * the bytes after its property block (a Variable Byte Integer length, then that many bytes); undefined when the
 * bytes cannot start with one.
 */
export function payloadAfterProperties(payload: Buffer): Buffer | undefined {
  let length = 0;
  for (let i = 0; i < 4 && i < payload.length; i++) {
    const b = payload[i]!;
    length += (b & 0x7f) * 128 ** i;
    if ((b & 0x80) === 0) return i + 1 + length <= payload.length ? payload.subarray(i + 1 + length) : undefined;
  }
  return undefined;
}

export class SessionTracker {
  readonly session: MqttSession;
  /** An MQTT packet was seen on the connection (the session's first frame is known). */
  private packetSeen = false;
  /** The session started: the broker accepted its CONNECT (or no CONNECT was captured: picked up at the first packet). */
  private sessionStarted = false;
  /** The broker refused the CONNECT (CONNACK with an error code): no session starts on this connection. */
  private refused = false;
  /** Requests the client's previous connection (same id, persistent session) left unanswered, awaiting answers here. */
  private resumed: HeldRequest[] | undefined;
  /**
   * The fan-out cursor this connection's copies are matched with: its own stream, or, when the broker kept the
   * client's session (CONNACK session present 1), the one of the session's earlier connection, so that its copies
   * continue from the last message delivered there instead of matching those again.
   */
  private cursor: number;
  /** Copies the broker sent here with QoS 1/2 that the client has not acknowledged yet, by packet identifier. */
  private readonly unacked = new Map<number, UnackedCopy>();
  /** The previous connection's unacknowledged copies, when the broker kept the session: resent with DUP set. */
  private redelivery: Map<number, UnackedCopy> | undefined;
  /** The Will of the session's CONNECT (topic, payload bytes, CONNECT frame), when it had one. */
  private will: { topic: string; payload: Buffer; frame: number } | undefined;
  /** The client sent a malformed packet (not one cut by the capture): the broker closes on it, reading nothing after. */
  private clientMalformed = false;
  /**
   * The directions whose end the tracker was told of (FIN, RST, or the connection's end): a FIN sent before the
   * connection's first byte is not told (no stream was there yet).
   */
  private readonly endTold = { client: false, server: false };

  constructor(private readonly connection: MqttConnectionInfo, private readonly context: SessionContext,
    private readonly finding: DirectionFinding) {
    this.session = new MqttSession(connection.index);
    this.cursor = connection.index;
    // Taken over: the broker ends this connection on the other's CONNECT, its Will going out before it closes this one.
    this.session.onTakenOver = (frame, time) => this.publishWill(time, frame);
  }

  get started(): boolean {
    return this.sessionStarted;
  }

  /**
   * The protocol version to read a packet of `type` with: a CONNECT's own level (`connectLevel`), else what the
   * session knows, else an inference from the packet (reported once).
   */
  versionFor(type: number, remainingLength: number, connectLevel: number | undefined, direction: Direction, frame: number,
    time: number): number {
    const session = this.session;
    let version: number;
    if (type === 1) {
      version = connectLevel ?? 4;
    } else if (session.version !== undefined) {
      if (session.versionInferred && session.version !== 5 && impliesVersion5(type, remainingLength)) session.version = 5;
      version = session.version;
    } else {
      session.version = impliesVersion5(type, remainingLength) ? 5 : 4;
      session.versionInferred = true;
      version = session.version;
      this.finding('mqtt.version-inferred', direction, frame, time,
        `no CONNECT captured: MQTT ${version === 5 ? '5.0' : '3.1.1'} assumed from the packets`);
    }
    return version;
  }

  /** A packet event is read: the session's bookkeeping (version, identity, pairing, aliases... fill the event). */
  packet(event: MqttEvent, direction: Direction, payload: Buffer | undefined): void {
    this.track(event, direction, payload);
  }

  /**
   * The packet's event was emitted. A session whose CONNECT was read starts when the broker accepts it: at the
   * accepting CONNACK (or, that CONNACK not captured, at the broker's first other packet; AUTH is still the
   * handshake); a refused CONNECT starts none. Without a CONNECT (the capture began later), it is picked up at its
   * first packet.
   */
  packetEmitted(event: MqttEvent, transport: 'tcp' | 'tls' | 'websocket'): void {
    if (this.sessionStarted || this.refused) return;
    const s = this.session;
    if (!this.packetSeen) {
      this.packetSeen = true;
      s.firstFrame = event.frame;
      s.firstTime = event.time;
    }
    if (s.connectFrame !== undefined) {
      if (event.direction !== 'server' || event.type === 'AUTH') return;
      if (event.type === 'CONNACK' && s.accepted === false) {
        this.refused = true;
        return;
      }
    }
    this.startSession(event.frame, event.time, transport);
  }

  /** The connection ended: requests left unanswered become findings, and the session (if any) ends. */
  finish(end: MqttConnectionEnd): void {
    const { frame, time } = end;
    this.emitResumed();
    const s = this.session;
    // A persistent session's flows resume on the client's next connection: held until it answers them (or not).
    const persistent = s.cleanSession === false && s.accepted === true && s.clientId !== undefined && s.clientId !== '';
    const held: HeldRequest[] = [];
    for (const request of s.takeUnanswered()) {
      const finding = makeFinding('mqtt.unanswered', 'mqtt', request.frame, request.time,
        `${request.type}${request.packetId !== undefined ? ` (id=${request.packetId})` : ''} in frame ${request.frame} was never answered`,
        { src: this.connection.client.label, dst: this.connection.server.label, stream: this.connection.index,
          detail: { request: request.type, requestFrame: request.frame, packetId: request.packetId, endFrame: frame, endTime: time } });
      if (persistent && request.key !== undefined && request.type !== 'CONNECT') held.push({ key: request.key, finding });
      else this.context.emit(finding);
    }
    if (held.length > 0 && !this.context.clientIds.hold(this.connection.server.label, s.clientId!, held)) {
      for (const h of held) this.context.emit(h.finding);
    }
    // A session the broker may keep (clean session 0; MQTT 5, whose Session Expiry decides): its next connection,
    // if the broker says it kept it, continues its fan-out cursor and gets its unacknowledged copies again.
    if (s.accepted === true && s.clientId !== undefined && s.clientId !== '' && (s.cleanSession === false || s.version === 5)) {
      this.context.clientIds.keepSession(this.connection.server.label, s.clientId, { cursor: this.cursor, unacked: this.unacked });
    }
    if (this.packetSeen) this.endSession(end);
  }

  /**
   * One direction of the connection ended (`reason`, in `frame`): its first FIN or RST is the session's end unless a
   * DISCONNECT came before it (a DISCONNECT after it was not read: the peer had closed), and the Will goes out.
   */
  closing(direction: Direction, reason: ConnectionEndReason, frame: number, time: number): void {
    this.endTold[direction] = true;
    if (reason === 'fin' || reason === 'rst') {
      // A FIN ends its sender's direction; a RST ends both, its sender is told by the connection's end (finish).
      this.session.firstClose ??= { reset: reason === 'rst', frame, time, ...(reason === 'fin' ? { by: direction } : {}) };
    }
    this.publishWill(time);
  }

  /**
   * The connection is closing (a FIN or RST from either side, or its end), or another connection's CONNECT took its
   * client id over (`takeoverFrame`): ended without a DISCONNECT the broker read (MQTT 5: or with 0x04, "disconnect
   * with Will message"), the broker publishes the Will now, so the subscribers' copies that follow are traced to it.
   * Once.
   */
  private publishWill(time: number, takeoverFrame?: number): void {
    const will = this.will;
    const s = this.session;
    if (will === undefined || s.accepted !== true) return;
    this.will = undefined;
    if (s.disconnect?.by === 'client' && s.disconnect.reasonCode !== 0x04 && s.disconnect.afterMalformed !== true) return;
    this.context.fanout.willPublished(this.context.machines.of(this.connection.server.ip), will.topic, will.payload, will.frame, time,
      s.clientId ?? this.connection.client.label, takeoverFrame);
  }

  /** The previous connection's held requests not answered on this one: reported unanswered now. */
  private emitResumed(): void {
    const resumed = this.resumed;
    this.resumed = undefined;
    for (const h of resumed ?? []) this.context.emit(h.finding);
  }

  private startSession(frame: number, time: number, transport: 'tcp' | 'tls' | 'websocket'): void {
    this.sessionStarted = true;
    const s = this.session;
    const { client, server } = this.connection;
    const event: MqttSessionStartedEvent = {
      kind: 'lifecycle', frame, time, layer: 'mqtt', type: 'session-started', src: client.label, dst: server.label, summary: '',
      stream: this.connection.index,
      transport,
    };
    setSessionIdentity(event, s);
    if (s.cleanSession !== undefined) event.cleanSession = s.cleanSession;
    if (s.username !== undefined) event.username = s.username;
    if (s.willTopic !== undefined) event.willTopic = s.willTopic;
    event.summary = s.clientId !== undefined
      ? `MQTT session of ${clientWords(s.clientId, s.version, s.cleanSession)} started (${versionWords(s.version)}${s.keepAlive !== undefined ? `, keep-alive ${s.keepAlive} s` : ''})`
      : `MQTT session picked up without its CONNECT (${versionWords(s.version)} inferred)`;
    this.context.emit(event);
  }

  private endSession(end: MqttConnectionEnd): void {
    const s = this.session;
    const { client, server } = this.connection;
    let close = s.firstClose;
    let disconnect = s.disconnect;
    if (end.reason !== 'rst' && end.closedBy !== undefined && !this.endTold[end.closedBy]) {
      // The first FIN came before the connection carried a byte (no stream was there to tell): it came before all.
      close = { reset: false, by: end.closedBy, frame: 0, time: s.firstTime };
      disconnect = undefined;
    } else if (close?.reset === true && close.by === undefined && end.reason === 'rst' && end.closedBy !== undefined) {
      // A RST's sender is the connection's.
      close = { ...close, by: end.closedBy };
    }
    const { reason, closedBy } = sessionEndReason(disconnect, s.takenOverBy, end, close);
    if (s.clientId !== undefined) this.context.clientIds.ended(server.label, s.clientId, s);
    this.publishWill(end.time);
    const event: MqttSessionEndedEvent = {
      kind: 'lifecycle', frame: end.frame, time: end.time, layer: 'mqtt', type: 'session-ended', src: client.label, dst: server.label,
      summary: '', stream: this.connection.index, reason, packets: s.packets, firstFrame: s.firstFrame,
      durationSeconds: Math.max(0, end.time - s.firstTime),
    };
    if (closedBy !== undefined) event.closedBy = closedBy;
    if (disconnect?.reasonCode !== undefined && (reason === 'disconnect' || reason === 'broker-disconnect' || reason === 'taken-over')) {
      event.reasonCode = disconnect.reasonCode;
    }
    if (reason === 'taken-over' && s.takenOverBy !== undefined) event.takenOverBy = s.takenOverBy;
    setSessionIdentity(event, s);
    if (s.accepted !== undefined) event.accepted = s.accepted;
    if (s.connackCode !== undefined) event.connackCode = s.connackCode;
    if (!this.sessionStarted) {
      // No session-started came (refused, or never answered): what it would have said of the CONNECT is said here.
      event.notStarted = this.refused ? 'refused' : 'unanswered';
      if (s.cleanSession !== undefined) event.cleanSession = s.cleanSession;
      if (s.username !== undefined) event.username = s.username;
      if (s.willTopic !== undefined) event.willTopic = s.willTopic;
    }
    const never = this.sessionStarted ? ''
      : this.refused ? ` refused by the broker (CONNACK ${s.version === 5 ? 'reason' : 'return'} code ${codeWords(s.connackCode, s.version)}), so it never started; the connection`
        : ' never started (its CONNECT got no CONNACK); the connection';
    event.summary = `MQTT session${s.clientId !== undefined ? ` of ${clientWords(s.clientId, s.version, s.cleanSession, s.accepted)}` : ''}${never} ended: ${SESSION_END_WORDS[reason]}`
      + `${event.reasonCode !== undefined ? ` (reason 0x${event.reasonCode.toString(16).padStart(2, '0')})` : ''}`
      + `${event.takenOverBy !== undefined ? ` by stream ${event.takenOverBy.stream} (frame ${event.takenOverBy.frame})` : ''}`
      + `, ${s.packets} packets in ${event.durationSeconds.toFixed(3)} s`;
    this.context.emit(event);
  }

  /**
   * MQTT 5 request/response: a client's PUBLISH to a Response Topic a request named, with its Correlation Data, is
   * that request's response (the responder may speak any MQTT version); a PUBLISH with a Response Topic is a request.
   */
  private requestResponse(event: MqttEvent, topic: string, broker: string, frame: number, time: number): void {
    const properties = event.properties;
    const correlation = typeof properties?.correlationData === 'string' ? properties.correlationData : '';
    const match = this.context.requests.response(broker, topic, correlation, time);
    if (match !== undefined) {
      event.respondsTo = match.requestFrame;
      event.responseMs = match.responseMs;
    }
    if (typeof properties?.responseTopic === 'string') this.context.requests.request(broker, properties.responseTopic, correlation, frame, time);
  }

  /** A copy sent with QoS 1/2 awaits the client's acknowledgement (bounded: packet identifiers are 16 bits). */
  private unackedCopy(packetId: number, copy: UnackedCopy): void {
    if (this.unacked.size < MAX_UNACKED_COPIES || this.unacked.has(packetId)) this.unacked.set(packetId, copy);
  }

  /** Session bookkeeping: version, identity, aliases, pairing, keep-alive, subscriptions, fan-out. */
  private track(event: MqttEvent, direction: Direction, payload: Buffer | undefined): void {
    const session = this.session;
    const { time, frame } = event;
    session.packets++;
    if (direction === 'client') {
      if (event.malformed !== undefined && !CAPTURE_CUTS.has(event.malformed)) this.clientMalformed = true;
      const keepAlive = session.keepAlive;
      const last = session.lastClientPacketTime;
      if (keepAlive !== undefined && keepAlive > 0 && last !== undefined && time - last > keepAlive * 1.5) {
        this.finding('mqtt.keepalive-exceeded', direction, frame, time,
          `client silent for ${(time - last).toFixed(1)} s, keep-alive is ${keepAlive} s`, { silentSeconds: time - last, keepAlive });
      }
      session.lastClientPacketTime = time;
    }
    switch (event.type) {
      case 'CONNECT':
        // Read whole, or its head captured, or a level refused, or malformed after its client id (what could be read is still the session's).
        if ((event.protocolName !== undefined && event.malformed === undefined)
          || (event.malformed === 'mqtt.incomplete' && event.protocolVersion !== undefined)
          || (event.malformed === 'mqtt.bad-protocol' && event.protocolVersion !== undefined)
          // Malformed after its client id (an overlong MQTT 5 Property Length): whose session it was is known.
          || (event.malformed !== undefined && event.protocolVersion !== undefined && event.clientId !== undefined)) {
          session.version = event.protocolVersion;
          session.versionInferred = false;
          delete event.versionInferred;
          session.clientId = event.clientId;
          session.username = event.username;
          session.keepAlive = event.keepAlive;
          session.cleanSession = event.cleanSession;
          session.willTopic = event.will?.topic;
          session.bridge = event.bridge === true;
          this.will = event.will !== undefined ? willBytes(event.will.topic, event.will.payload, frame) : undefined;
          session.connectFrame = frame;
          session.connectTime = time;
          if (event.clientId !== undefined) {
            this.context.clientIds.connected(this.connection.server.label, event.clientId, session, frame, time);
            // The client's previous connection left requests open: answered here, or lost with a clean session.
            this.emitResumed();
            this.resumed = this.context.clientIds.resume(this.connection.server.label, event.clientId);
            if (event.cleanSession === true) this.emitResumed();
          }
        }
        break;
      case 'DISCONNECT':
        // One that follows the connection's first FIN or RST came too late to end the session. The broker's after the
        // client's: the broker did not take the client's as its goodbye (it closed on a packet the client sent before
        // it, in the same write, or refused it), so the broker ended the session.
        if (session.firstClose === undefined
          && (session.disconnect === undefined || (session.disconnect.by === 'client' && direction === 'server'))) {
          session.disconnect = {
            by: direction, frame, ...(event.reasonCode !== undefined ? { reasonCode: event.reasonCode } : {}),
            ...(direction === 'client' && this.clientMalformed ? { afterMalformed: true as const } : {}),
          };
        }
        break;
      case 'CONNACK': {
        const code = event.reasonCode ?? event.returnCode;
        session.connackCode = code;
        session.accepted = event.accepted;
        const serverKeepAlive = event.properties?.['serverKeepAlive'];
        if (typeof serverKeepAlive === 'number') session.keepAlive = serverKeepAlive;
        // MQTT 5: a client that CONNECTed with an empty client id is known by the one the broker assigned.
        const assigned = event.properties?.['assignedClientIdentifier'];
        if (typeof assigned === 'string' && assigned !== '' && session.clientId === '') {
          session.clientId = assigned;
          this.context.clientIds.connected(this.connection.server.label, assigned, session, frame, time);
        }
        if (event.accepted === false) {
          this.finding('mqtt.connect-refused', direction, frame, time, `connection refused (code ${code})`, { code });
        }
        if (direction === 'server' && session.clientId !== undefined && session.clientId !== '') {
          const kept = this.context.clientIds.takeSession(this.connection.server.label, session.clientId);
          if (kept !== undefined && event.accepted === true && event.sessionPresent === true) {
            this.cursor = kept.cursor;
            this.redelivery = kept.unacked;
          }
        }
        break;
      }
      case 'PUBLISH': {
        this.resolveAlias(event, direction);
        if (event.qos === 1) this.expect(direction, 'PUBACK', event);
        else if (event.qos === 2) this.expect(direction, 'PUBREC', event);
        if (event.topic !== undefined && payload !== undefined && event.malformed === undefined) {
          const broker = this.context.machines.of(this.connection.server.ip);
          if (direction === 'client') {
            this.context.fanout.published(broker, event.topic, payload, frame, time);
            this.requestResponse(event, event.topic, broker, frame, time);
          } else {
            const subscribedAt = session.subscribedAt(event.topic);
            const resent = event.dup === true && event.packetId !== undefined ? this.redelivery?.get(event.packetId) : undefined;
            if (resent !== undefined && event.packetId !== undefined) {
              // A copy the session's previous connection got and never acknowledged, resent with DUP set (MQTT-4.4.0-1).
              this.redelivery!.delete(event.packetId);
              event.sourceFrame = resent.frame;
              event.forwardDelayMs = (time - resent.time) * 1000;
              if (resent.willOf !== undefined) event.willOf = resent.willOf;
              else event.queued = true;
              if (event.qos === 1 || event.qos === 2) this.unackedCopy(event.packetId, resent);
            } else if (subscribedAt !== null) {
              // Members of a shared subscription share one cursor (each message goes to one of them).
              const shared = session.sharedFilterFor(event.topic);
              const cursor = shared === undefined ? this.cursor : this.context.fanout.sharedGroup(broker, shared);
              let match = this.context.fanout.forwarded(broker, event.topic, payload, event.retain === true,
                cursor, subscribedAt, time);
              // A version inferred as 3.1.1 from version-neutral packets (PINGREQ) may be MQTT 5: the copy is then
              // read with its property block in the payload, as tshark reads it; the message after it is traced.
              if (match === undefined && session.versionInferred && session.version !== 5) {
                const rest = payloadAfterProperties(payload);
                if (rest !== undefined) {
                  match = this.context.fanout.forwarded(broker, event.topic, rest, event.retain === true, cursor, subscribedAt, time);
                }
              }
              // Overlapping filters: the broker may send one copy per matching subscription.
              if (match === undefined && shared === undefined) {
                const filters = session.matchingFilters(event.topic);
                if (filters > 1) match = this.context.fanout.forwardedAgain(broker, event.topic, payload, cursor, filters, time);
              }
              if (match !== undefined) {
                event.sourceFrame = match.sourceFrame;
                event.forwardDelayMs = match.forwardDelayMs;
                if (match.willOf !== undefined) event.willOf = match.willOf;
                // Published before this connection's CONNECT: the broker held it for the client's session while the
                // client was away, and delivers it now (a persistent session resumed). A retained copy sent on
                // subscription is older than the connection for another reason: the broker kept it for the topic.
                else if (event.retain !== true && session.connectTime !== undefined && match.sourceTime < session.connectTime) event.queued = true;
                const takeover = match.willOf !== undefined ? this.context.fanout.willTakeoverFrame() : undefined;
                if (takeover !== undefined) event.willTakeoverFrame = takeover;
                if ((event.qos === 1 || event.qos === 2) && event.packetId !== undefined) {
                  this.unackedCopy(event.packetId, { frame: match.sourceFrame, time: match.sourceTime, willOf: match.willOf });
                }
              }
            }
            // A bridge (a broker connected as a client, bridge bit in its CONNECT) hands what it receives to its own
            // broker, which forwards it to its subscribers: a publish to the broker at the client's address.
            if (session.bridge) this.context.fanout.published(this.context.machines.of(this.connection.client.ip), event.topic, payload, frame, time);
          }
        }
        break;
      }
      case 'PUBACK': case 'PUBREC':
        // The client acknowledged a copy: the broker will not send it again.
        if (direction === 'client' && event.packetId !== undefined) this.unacked.delete(event.packetId);
        break;
      case 'SUBSCRIBE':
        for (const s of event.subscriptions ?? []) session.subscribe(s.topic, time);
        break;
      case 'UNSUBSCRIBE':
        for (const t of event.unsubscriptions ?? []) session.unsubscribe(t);
        break;
      default:
        break;
    }
    // Pairing: this packet may answer an earlier request, and may itself await a response.
    if (ANSWERS[event.msgtype] === true) {
      if (this.resumed !== undefined) {
        const key = answeredKey(direction, event.type, pairingId(event));
        const i = this.resumed.findIndex((h) => h.key === key);
        if (i >= 0) this.resumed.splice(i, 1);
      }
      const pairing = session.answer(direction, event.type, pairingId(event), time);
      if (pairing !== undefined) {
        event.requestFrame = pairing.requestFrame;
        event.latencyMs = pairing.latencyMs;
      }
    }
    const response = RESPONSE_OF[event.msgtype];
    if (response !== undefined && event.malformed === undefined) this.expect(direction, response, event);
  }

  private expect(direction: Direction, response: MqttPacketType, event: MqttEvent): void {
    const ok = this.session.expect(direction, response, pairingId(event), event.type, event.frame, event.time, event.packetId);
    if (!ok) this.finding('mqtt.pending-cap', direction, event.frame, event.time, 'too many requests awaiting responses; not tracked');
  }

  private resolveAlias(event: MqttEvent, direction: Direction): void {
    const alias = event.topicAlias;
    if (alias === undefined) return;
    const aliases = this.session.aliases[direction];
    if (event.topic !== undefined && event.topic !== '') {
      if (aliases.size < 65536) aliases.set(alias, event.topic);
    } else {
      const topic = aliases.get(alias);
      if (topic !== undefined) event.topic = topic;
      else this.finding('mqtt.unknown-topic-alias', direction, event.frame, event.time, `topic alias ${alias} was never set`, { alias });
    }
  }
}

function pairingId(event: MqttEvent): number | undefined {
  return event.type === 'CONNECT' || event.type === 'CONNACK' ? undefined : event.packetId;
}

const SESSION_END_WORDS: Record<SessionEndReason, string> = {
  'disconnect': 'the client sent DISCONNECT',
  'broker-disconnect': 'the broker sent DISCONNECT',
  'broker-closed': 'the broker closed the connection',
  'client-closed': 'the client closed the connection without DISCONNECT',
  'reset': 'the connection was reset',
  'capture-end': 'still open when the capture ended',
  'taken-over': 'taken over by another connection with the same client id',
  'evicted': 'connection evicted from the table',
  'port-reused': 'its ports were reused by a new connection',
};

/** A CONNACK code as MQTT 5 writes reason codes (0x87) and MQTT 3.1.x return codes (5). */
function codeWords(code: number | undefined, version: number | undefined): string {
  if (code === undefined) return '?';
  return version === 5 ? `0x${code.toString(16).padStart(2, '0')}` : String(code);
}

function versionWords(version: number | undefined): string {
  return version === 5 ? 'MQTT 5.0' : version === 3 ? 'MQTT 3.1' : version === 4 ? 'MQTT 3.1.1'
    : version !== undefined ? `MQTT protocol level ${version}` : 'MQTT';
}

/**
 * Why a session ended: whatever came first on the wire of its first DISCONNECT (one sent before the connection's
 * first FIN or RST: a later one was never read) and that first FIN or RST (`firstClose`; without it, the TCP end's
 * reason and `closedBy`), or else the capture's end, eviction, port reuse. A takeover (another connection CONNECTed
 * with the client id, in `takenOverBy.frame`) is the reason when the broker acted first after it (its DISCONNECT, FIN
 * or RST).
 */
export function sessionEndReason(
  disconnect: { by: Side; frame: number } | undefined, takenOverBy: { stream: number; frame: number } | undefined, end: MqttConnectionEnd,
  firstClose?: Omit<SessionClose, 'time'>,
): { reason: SessionEndReason; closedBy?: Side } {
  if (disconnect?.by === 'client') return { reason: 'disconnect', closedBy: 'client' };
  const close = firstClose ?? closeOfEnd(end);
  // What the broker did first: its DISCONNECT (always before the first FIN or RST, or it would not be kept), or its FIN or RST.
  const brokerActedIn = disconnect?.by === 'server' ? disconnect.frame : close?.by === 'server' ? close.frame : undefined;
  if (takenOverBy !== undefined && brokerActedIn !== undefined && takenOverBy.frame <= brokerActedIn) return { reason: 'taken-over', closedBy: 'server' };
  if (disconnect?.by === 'server') return { reason: 'broker-disconnect', closedBy: 'server' };
  if (close !== undefined) {
    const by = close.by;
    if (close.reset) return { reason: 'reset', ...(by !== undefined ? { closedBy: by } : {}) };
    return { reason: by === 'server' ? 'broker-closed' : 'client-closed', ...(by !== undefined ? { closedBy: by } : {}) };
  }
  // No FIN or RST: still open at the capture's end, evicted, or its ports reused.
  return { reason: end.reason === 'evicted' || end.reason === 'port-reused' ? end.reason : 'capture-end' };
}

/**
 * The first FIN or RST as the TCP end tells it, when the streams did not: the RST, or the first FIN (also of a
 * connection half-closed when the capture ended or its ports were reused).
 */
function closeOfEnd(end: MqttConnectionEnd): Omit<SessionClose, 'time'> | undefined {
  const by = end.closedBy !== undefined ? { by: end.closedBy } : {};
  if (end.reason === 'rst') return { reset: true, frame: end.frame, ...by };
  if (end.reason === 'fin' || (end.closedBy !== undefined && (end.reason === 'capture-end' || end.reason === 'port-reused'))) {
    return { reset: false, frame: end.frame, ...by };
  }
  return undefined;
}

/** The session's identity fields (client id, protocol version, keep-alive) on its started or ended event, in this order. */
function setSessionIdentity(event: MqttSessionStartedEvent | MqttSessionEndedEvent, s: MqttSession): void {
  if (s.clientId !== undefined) event.clientId = s.clientId;
  if (s.version !== undefined) event.protocolVersion = s.version;
  if (s.versionInferred) event.versionInferred = true;
  if (s.keepAlive !== undefined) event.keepAlive = s.keepAlive;
}

/** A Will's topic, payload bytes (from the event's text or hex; undefined when cut) and CONNECT frame. */
function willBytes(topic: string, payload: MqttPayload, frame: number): { topic: string; payload: Buffer; frame: number } | undefined {
  if (payload.incomplete === true) return undefined;
  const bytes = payload.hex !== undefined ? Buffer.from(payload.hex, 'hex') : Buffer.from(payload.text ?? '', 'utf8');
  return bytes.length === payload.length ? { topic, payload: bytes, frame } : undefined;
}
