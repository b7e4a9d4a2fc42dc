/**
 * diag.keepalive-dropped: a client that sent no MQTT packet (not even PINGREQ) for 1.5 × its keep-alive, found when
 * the broker closes the connection and, for a session still open, at the end of the capture. Works from the
 * connection book (CONNECT keep-alive, the client's last packet, how the session ended), names the client's Will
 * when the broker delivered it (the copies whose `willOf` traces them to its CONNECT), and says when the client never
 * answered the broker's close, not even with a TCP ACK: its host or network was gone, not only its program's loop.
 * A client whose last packets the broker never acknowledged (TCP) was not silent: it sent, and its packets stopped
 * reaching the broker (a firewall, a broken path); said so, with when they stopped.
 */
import type { FindingEvent, MqttEvent } from '../model/events.js';
import { UNDELIVERED_SECONDS, clientName, sentBy, sessionEndOf, type ConnectionRecord } from './book.js';
import type { Detector, FinishContext } from './detector.js';
import { FrameSet } from './evidence.js';
import { makeDiagnosis } from './make.js';

/** MQTT: the broker may drop a client silent for one and a half times its keep-alive. */
export const KEEPALIVE_FACTOR = 1.5;
/** A client silent more than this many times its limit while the broker never closed: the capture has a gap. */
export const PLAUSIBLE_FACTOR = 10;

/**
 * Did the broker close this session at `closeTime` after its client had been silent for 1.5 × its keep-alive? The
 * broker checks now and then: it closes at that limit or somewhat later, never earlier. Said of a session the broker
 * ended; the broker-stop detector (reachability.ts) asks it too, so that clients dropped for silence in one sweep of
 * the broker are no stopped broker.
 */
export function silentPastKeepAlive(r: ConnectionRecord, closeTime: number): boolean {
  const keepAlive = r.session?.keepAlive ?? r.connect?.keepAlive;
  if (keepAlive === undefined || keepAlive <= 0 || r.connect === undefined) return false;
  const last = r.lastClientPacket ?? r.connect;
  return closeTime - last.time >= keepAlive * KEEPALIVE_FACTOR * 0.98;
}

/** A close the client has not answered this long after (the capture going on) was not seen by it: the client was gone. */
export const GONE_SECONDS = 0.5;


/** Will deliveries remembered, at most (by the CONNECT frame that set the Will). */
const MAX_WILLS = 10_000;

export class KeepAliveDetector implements Detector {
  /** Will copies are PUBLISHes. */
  readonly mqttTypes = ['PUBLISH'] as const;
  /** Will copies the broker delivered, by the CONNECT frame of the client that left the Will. */
  private readonly wills = new Map<number, { topic: string; copies: number; frame: number }>();

  mqtt(event: MqttEvent): void {
    if (event.willOf === undefined || event.sourceFrame === undefined) return;
    const will = this.wills.get(event.sourceFrame);
    if (will !== undefined) will.copies++;
    else if (this.wills.size < MAX_WILLS) this.wills.set(event.sourceFrame, { topic: event.topic ?? '', copies: 1, frame: event.frame });
  }

  finish(ctx: FinishContext, emit: (finding: FindingEvent) => void): void {
    for (const r of ctx.book.all()) {
      const keepAlive = r.session?.keepAlive ?? r.connect?.keepAlive;
      if (keepAlive === undefined || keepAlive <= 0 || r.connect === undefined || ctx.explained.has(r.stream)) continue;
      if (r.connack !== undefined && !r.connack.accepted) continue;
      const last = r.lastClientPacket ?? { frame: r.connect.frame, time: r.connect.time };
      const limit = keepAlive * KEEPALIVE_FACTOR;
      const end = sessionEndOf(r);
      let brokerClosed: boolean;
      let silent: number;
      let closeFrame: number | undefined;
      if (end === undefined) {
        silent = ctx.captureEnd - last.time;
        brokerClosed = false;
        // Only when the broker's side is in the capture, and the silence is not so long that the capture must have
        // a hole in time (merged files) rather than a broker that never checked; and only when the broker was heard
        // after the client's last packet (at least its ACK): a client whose last packet (a PINGREQ sent again and
        // again) the broker never answered was not silent, the broker was gone.
        const server = sentBy(r, 'server');
        if (silent <= limit || server.mqtt === 0 || silent > limit * PLAUSIBLE_FACTOR || server.lastTime < last.time) continue;
      } else {
        const byBroker = end.reason === 'broker-closed' || (end.reason === 'reset' && end.closedBy === 'server')
          || (end.reason === 'broker-disconnect' && (end.reasonCode === undefined || end.reasonCode === 0x8d));
        silent = end.time - last.time;
        if (!byBroker || !silentPastKeepAlive(r, end.time)) continue;
        brokerClosed = true;
        closeFrame = end.frame;
      }
      // The client's kernel answers a close at once (ACK, FIN or RST) while its host is up: a client that sent
      // nothing after it, with the capture going on, was gone with its host or network (a link lost, a cable pulled).
      const clientGone = brokerClosed && end !== undefined && sentBy(r, 'client').lastTime < end.time
        && ctx.captureEnd - end.time >= GONE_SECONDS;
      // The client's last MQTT packet (and what it sent after) the broker never acknowledged, though it went on
      // sending on this connection (its ACK of the close, at least): the client's packets stopped reaching it.
      const since = sentBy(r, 'client').unackedSince;
      const judged = end !== undefined ? end.time : ctx.captureEnd;
      const undelivered = since !== undefined && since <= last.time + 1e-6 && judged - since >= UNDELIVERED_SECONDS;
      const frames = new FrameSet().add(last.frame, last.time);
      if (closeFrame !== undefined && end !== undefined) frames.add(closeFrame, end.time);
      const will = this.wills.get(r.connect.frame);
      if (will !== undefined) frames.add(will.frame);
      ctx.explained.add(r.stream);
      emit(makeDiagnosis({
        code: 'diag.keepalive-dropped', layer: 'mqtt', frames, time: frames.firstTime ?? last.time, src: r.client, dst: r.server, stream: r.stream,
        facts: {
          client: clientName(r), keepAlive, limitSeconds: limit, silentSeconds: Number(silent.toFixed(3)), brokerClosed,
          lastPacketAt: Number(last.time.toFixed(6)),
          ...(will !== undefined ? { willTopic: will.topic, willCopies: will.copies } : {}),
          ...(clientGone ? { clientGone } : {}),
          ...(undelivered ? { undeliveredSince: Number(since.toFixed(6)) } : {}),
        },
        causes: undelivered ? ['path-blocked', 'client-network-lost'] : clientGone ? ['client-network-lost', 'client-loop-stopped'] : ['client-loop-stopped', 'keepalive-too-short'],
        checks: undelivered ? ['firewall-path', 'client-network'] : clientGone ? ['client-network', 'client-loop'] : ['client-loop', 'keepalive-value'],
      }));
    }
  }
}
