/**
 * Which connection holds each MQTT client id at each broker, so that a session taken over (another connection
 * CONNECTs with the same client id to the same broker, and the broker then closes the first) can be named as such.
 * Bounded by the open sessions: an entry is dropped when its session ends. Also holds the requests a persistent
 * session (clean session 0 / clean start 0) left unanswered when its connection ended, until the client's next
 * connection with the same id answers them or not (MQTT-4.4.0-1: QoS 1 and 2 flows resume on the next connection).
 * And what the fan-out tracer needs to carry a session on to the client's next connection when the broker says it
 * kept it (CONNACK session present 1): the cursor its copies were matched with, and the copies it had not
 * acknowledged (resent with DUP set on the next connection, MQTT-4.4.0-1).
 * It reads no bytes and emits nothing: it hands the held findings back.
 */
import type { FindingEvent } from '../model/events.js';

/** An unanswered request held for the client's next connection: the answer's key, and its finding if none comes. */
export interface HeldRequest { key: number; finding: FindingEvent }

/** Client ids with held requests, and held requests in all, at most (past either, requests are reported unanswered at once). */
const MAX_HELD_CLIENTS = 10_000;
const MAX_HELD_REQUESTS = 65_536;

/** A copy the broker sent and the client had not acknowledged: the publish it copies (a Will's: its client id). */
export interface UnackedCopy { frame: number; time: number; willOf: string | undefined }

/**
 * What a session's next connection continues, when the broker kept the session: the fan-out cursor its copies were
 * matched with (the first connection's stream), and its unacknowledged copies by packet identifier.
 */
export interface SessionContinuation { cursor: number; unacked: Map<number, UnackedCopy> }

export interface SessionHolder {
  stream: number;
  /** Set on the holder when another connection CONNECTs with its client id. */
  takenOverBy?: { stream: number; frame: number };
  /** Called once, when another connection CONNECTs with its client id, with that CONNECT's frame and time. */
  onTakenOver?: ((frame: number, time: number) => void) | undefined;
}

export class ClientIdRegistry {
  private readonly holders = new Map<string, SessionHolder>();

  /**
   * `holder` CONNECTed with `clientId` to `broker` in `frame` at `time`: the previous holder, if any, is marked taken
   * over and told.
   */
  connected(broker: string, clientId: string, holder: SessionHolder, frame: number, time: number): void {
    if (clientId === '') return;
    const key = `${broker}|${clientId}`;
    const previous = this.holders.get(key);
    if (previous !== undefined && previous !== holder && previous.takenOverBy === undefined) {
      previous.takenOverBy = { stream: holder.stream, frame };
      previous.onTakenOver?.(frame, time);
    }
    this.holders.set(key, holder);
  }

  private readonly held = new Map<string, HeldRequest[]>();
  private heldRequests = 0;

  /** Holds `requests` for the next connection of `clientId` to `broker`; false when it cannot (then report them). */
  hold(broker: string, clientId: string, requests: HeldRequest[]): boolean {
    if (clientId === '' || this.heldRequests + requests.length > MAX_HELD_REQUESTS) return false;
    const key = `${broker}|${clientId}`;
    const list = this.held.get(key);
    if (list === undefined && this.held.size >= MAX_HELD_CLIENTS) return false;
    if (list !== undefined) list.push(...requests);
    else this.held.set(key, requests);
    this.heldRequests += requests.length;
    return true;
  }

  /** The requests held for `clientId` at `broker` (now taken), when it connects again. */
  resume(broker: string, clientId: string): HeldRequest[] | undefined {
    const key = `${broker}|${clientId}`;
    const list = this.held.get(key);
    if (list !== undefined) {
      this.held.delete(key);
      this.heldRequests -= list.length;
    }
    return list;
  }

  private readonly continuations = new Map<string, SessionContinuation>();

  /** The connection of `clientId` to `broker` ended: what its next connection continues if the broker kept the session. */
  keepSession(broker: string, clientId: string, continuation: SessionContinuation): void {
    if (clientId === '') return;
    const key = `${broker}|${clientId}`;
    if (!this.continuations.has(key) && this.continuations.size >= MAX_HELD_CLIENTS) {
      const oldest = this.continuations.keys().next();
      if (oldest.done !== true) this.continuations.delete(oldest.value);
    }
    this.continuations.delete(key);
    this.continuations.set(key, continuation);
  }

  /** What the previous connection of `clientId` to `broker` left to continue (now taken), if any. */
  takeSession(broker: string, clientId: string): SessionContinuation | undefined {
    const key = `${broker}|${clientId}`;
    const c = this.continuations.get(key);
    this.continuations.delete(key);
    return c;
  }

  /** At the end of the capture: the findings of every request still held (no next connection came), by frame. */
  takeAllHeld(): FindingEvent[] {
    const all = [...this.held.values()].flat().map((h) => h.finding).sort((a, b) => a.frame - b.frame);
    this.held.clear();
    this.heldRequests = 0;
    return all;
  }

  /** The session of `holder` ended: it no longer holds the client id. */
  ended(broker: string, clientId: string, holder: SessionHolder): void {
    const key = `${broker}|${clientId}`;
    if (this.holders.get(key) === holder) this.holders.delete(key);
  }
}
