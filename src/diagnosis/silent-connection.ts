/**
 * diag.silent-connection: TCP connections to an MQTT port that the client opened (handshake complete) and never sent
 * a byte on, until the broker closed them: Mosquitto waits for the CONNECT as long as for a keep-alive (about 90 s)
 * and then logs "Client <unknown> has exceeded timeout, disconnecting." Many at once from one host is a connection
 * flood holding the broker's sockets (slowloris-like); one is a program that waits for the server to speak first (SSH,
 * SMTP, a database client on the wrong port). Grouped per client host and broker. Connections another diagnosis
 * explains (a port scan's probes, the broker's connection limit) are left to it. Works from the connection book.
 */
import type { FindingEvent } from '../model/events.js';
import { handshakeOf, hostOf, isMqtt, portOf, sentBy, type ConnectionRecord } from './book.js';
import { KNOWN_MQTT_PORTS, type Detector, type FinishContext } from './detector.js';
import { FrameSet } from './evidence.js';
import { makeDiagnosis } from './make.js';

/** Silent connections of one host from which it is a flood. */
export const SILENT_FLOOD = 10;

interface SilentGroup { client: string; server: string; records: ConnectionRecord[]; frames: FrameSet; minWait: number; maxWait: number }

export class SilentConnectionDetector implements Detector {
  finish(ctx: FinishContext, emit: (finding: FindingEvent) => void): void {
    const records = [...ctx.book.all()];
    const mqttPorts = new Set([...KNOWN_MQTT_PORTS, ...records.filter(isMqtt).map((r) => portOf(r.server))]);
    const groups = new Map<string, SilentGroup>();
    for (const r of records) {
      if (ctx.explained.has(r.stream) || !mqttPorts.has(portOf(r.server))) continue;
      if (!(r.synFrames.length > 0 || r.synSeen === true) || handshakeOf(r) !== 'complete') continue;
      if (r.firstClientData !== undefined || r.mqttPackets > 0 || sentBy(r, 'server').mqtt > 0) continue;
      // Closed by the broker (FIN or RST from its side first), the client having closed nothing before.
      const fin = r.fin?.from === r.server ? r.fin : undefined;
      const rst = r.rst?.from === r.server ? r.rst : undefined;
      const close = rst !== undefined && (fin === undefined || rst.frame < fin.frame) ? rst : fin;
      if (close === undefined || (r.fin?.from === r.client && r.fin.frame < close.frame) || (r.rst?.from === r.client && r.rst.frame < close.frame)) continue;
      const key = `${hostOf(r.client)}|${r.server}`;
      let g = groups.get(key);
      if (g === undefined) {
        g = { client: hostOf(r.client), server: r.server, records: [], frames: new FrameSet(), minWait: Number.POSITIVE_INFINITY, maxWait: 0 };
        groups.set(key, g);
      }
      g.records.push(r);
      const wait = close.time - (r.firstSynTime ?? r.firstTime);
      g.minWait = Math.min(g.minWait, wait);
      g.maxWait = Math.max(g.maxWait, wait);
      if (r.synFrames.length > 0) g.frames.add(r.synFrames[0]!, r.firstSynTime);
      g.frames.add(close.frame, close.time);
      ctx.explained.add(r.stream);
    }
    for (const g of groups.values()) {
      const first = g.records[0]!;
      const opened = g.records.map((r) => r.firstSynTime ?? r.firstTime);
      const flood = g.records.length >= SILENT_FLOOD;
      emit(makeDiagnosis({
        code: 'diag.silent-connection', layer: 'tcp', frames: g.frames, time: g.frames.firstTime ?? first.firstTime, src: first.client, dst: g.server,
        ...(g.records.length === 1 ? { stream: first.stream } : {}),
        facts: {
          client: g.client, server: g.server, count: g.records.length,
          openedWithinSeconds: Number((Math.max(...opened) - Math.min(...opened)).toFixed(6)),
          minWaitSeconds: Number(g.minWait.toFixed(6)), maxWaitSeconds: Number(g.maxWait.toFixed(6)),
        },
        causes: flood ? ['connection-flood-tcp', 'server-first-client'] : ['server-first-client', 'connection-flood-tcp'],
        checks: flood ? ['which-client-program', 'limit-connections', 'broker-log'] : ['which-program', 'broker-log'],
      }));
    }
  }
}
