/**
 * What the capture itself says: diag.no-mqtt (nothing MQTT in it: which protocols it holds instead),
 * diag.one-direction, diag.capture-started-late, diag.snaplen-cut, diag.duplicate-frames (-i any),
 * diag.nonstandard-port (Wireshark's Decode As), diag.mqtt-over-websocket, diag.mqtt-over-tls (no key log given),
 * diag.tls-not-decrypted (the key log given lacks a session's secrets). Reads packets, findings and the summary;
 * judges no session.
 */
import type { FindingEvent, MqttEvent, TimelineEvent } from '../model/events.js';
import { clientName, hostOf, isMqtt, portOf, sentBy, type ConnectionRecord } from './book.js';
import type { Detector, FinishContext } from './detector.js';
import { FrameSet } from './evidence.js';
import { makeDiagnosis } from './make.js';

/** Streams whose last cut frame is remembered (past it, a frame may be counted twice). */
const MAX_STREAMS = 100_000;

/** TCP data segments whose frame and time are remembered, the latest ones (for the time of a cut packet's first frame). */
const RECENT_SEGMENTS = 4096;

/** Copies remembered with their packet's first capture, and first captures with their copies (a bridge's copies come together). */
const RECENT_COPIES = 4096;

/** Wireshark decodes MQTT on these TCP ports by default (1883, and 8883 as MQTT over TLS). */
export const WIRESHARK_MQTT_PORTS: ReadonlySet<number> = new Set([1883, 8883]);

export class CaptureChecks implements Detector {
  /** Frames of MQTT packets cut by the snapshot length (each frame once), and how many packets were cut. */
  private readonly snaplen = new FrameSet();
  private snaplenPackets = 0;
  /**
   * Frames the snapshot length cut before any MQTT could be read: a TCP segment from or to an MQTT port (1883, 8883)
   * whose payload was cut (`capturedLen`), or a frame cut inside its headers (decode.truncated: in TCP, IP, a tunnel's
   * header; no payload behind it was captured either). With no MQTT in the capture, they, not the interface, explain it.
   */
  private readonly cutBeforePayload = new FrameSet();
  /** Frames that carried TCP payload on the wire, cut or not, or were cut inside their headers: what `cutBeforePayload` is a part of. */
  private payloadFrames = 0;
  /** The last frame counted in `payloadFrames` (a frame's decode.truncated finding comes just before its TCP segment). */
  private lastPayloadFrame = 0;
  /** Per stream and direction, the last frame counted: consecutive cut packets share a frame at most at their border. */
  private readonly snaplenLast = new Map<number, number>();
  /** Time of the snaplen evidence's first frame (the diagnosis' time). */
  private snaplenTime = 0;
  /** The latest TCP data segments' frames and times, in a ring: a cut packet's first frame is looked up there. */
  private readonly recentFrames = new Float64Array(RECENT_SEGMENTS);
  private readonly recentTimes = new Float64Array(RECENT_SEGMENTS);
  private recentNext = 0;
  private readonly duplicates = new FrameSet();
  /** Time of the first copy (the diagnosis' time). */
  private duplicatesTime = 0;
  /**
   * How many times each packet was captured: the recent copies' first capture (a copy may name another copy as its
   * original), the recent first captures' copies, and how many packets were captured n times (n: 1 + its copies) once
   * their copies are past (by first capture forgotten, RECENT_COPIES later).
   */
  private readonly copyOf = new Map<number, number>();
  private readonly copiesOf = new Map<number, number>();
  private readonly timesCaptured = new Map<number, number>();
  /** `mqtt.tls` findings per stream: their frames and time (the server is taken from the book at the end). */
  private readonly tls = new Map<number, { frames: FrameSet; time: number; dst: string }>();
  /** `tls.no-secret` findings per stream (a key log was given, without this session's secrets). */
  private readonly noSecret = new Map<number, { frames: FrameSet; time: number; dst: string }>();

  /** Every MQTT packet type (no mqttTypes): any may be cut. */
  mqtt(e: MqttEvent): void {
    // Only the head of the packet was captured. (A payload cut to the 64 KiB an event keeps is not a snaplen cut.)
    if (e.malformed === 'mqtt.incomplete') this.cut(e.stream * 2 + (e.direction === 'server' ? 1 : 0), e.frames.length > 0 ? e.frames : [e.frame], e.time);
  }

  readonly reads = ['tcp', 'other'] as const;

  event(e: TimelineEvent): void {
    if (e.kind === 'packet' && e.layer === 'tcp') {
      if ((e.len > 0 || e.capturedLen !== undefined) && e.frame !== this.lastPayloadFrame) {
        this.payloadFrames++;
        this.lastPayloadFrame = e.frame;
        if (e.capturedLen !== undefined && (WIRESHARK_MQTT_PORTS.has(portOf(e.src)) || WIRESHARK_MQTT_PORTS.has(portOf(e.dst)))) {
          this.cutBeforePayload.add(e.frame, e.time);
        }
      }
      if (e.len > 0) {
        const i = this.recentNext;
        this.recentFrames[i] = e.frame;
        this.recentTimes[i] = e.time;
        this.recentNext = i + 1 === RECENT_SEGMENTS ? 0 : i + 1;
      }
      if (e.duplicateOf !== undefined) {
        if (this.duplicates.count === 0 || e.frame < this.duplicates.firstFrame) this.duplicatesTime = e.time;
        this.duplicates.add(e.frame);
        this.copy(e.frame, e.duplicateOf);
      }
    } else if (e.kind === 'finding' && e.code === 'decode.truncated' && e.frame !== this.lastPayloadFrame) {
      this.payloadFrames++;
      this.lastPayloadFrame = e.frame;
      this.cutBeforePayload.add(e.frame, e.time);
    } else if (e.kind === 'finding' && (e.code === 'mqtt.tls' || e.code === 'tls.no-secret') && e.stream !== undefined) {
      const streams = e.code === 'mqtt.tls' ? this.tls : this.noSecret;
      const t = streams.get(e.stream) ?? { frames: new FrameSet(), time: e.time, dst: e.dst };
      t.frames.add(e.frame, e.time);
      streams.set(e.stream, t);
    }
  }

  /** A copy (`frame`) of the packet first captured as `original`, or as the first capture `original` is a copy of. */
  private copy(frame: number, original: number): void {
    const first = this.copyOf.get(original) ?? original;
    this.copyOf.set(frame, first);
    if (this.copyOf.size > RECENT_COPIES) this.copyOf.delete(this.copyOf.keys().next().value!);
    this.copiesOf.set(first, (this.copiesOf.get(first) ?? 0) + 1);
    if (this.copiesOf.size > RECENT_COPIES) {
      const [oldest, copies] = this.copiesOf.entries().next().value!;
      this.copiesOf.delete(oldest);
      this.timesCaptured.set(copies + 1, (this.timesCaptured.get(copies + 1) ?? 0) + 1);
    }
  }

  /** How many packets were captured n times, for every n (the recent ones counted too, nothing changed). */
  private multiplicity(): Map<number, number> {
    const times = new Map(this.timesCaptured);
    for (const copies of this.copiesOf.values()) times.set(copies + 1, (times.get(copies + 1) ?? 0) + 1);
    return times;
  }

  /** An MQTT packet cut by the snaplen: every frame that carried its bytes was cut (counted once). */
  private cut(key: number, frames: readonly number[], time: number): void {
    this.snaplenPackets++;
    let last = this.snaplenLast.get(key) ?? 0;
    for (const f of frames) {
      if (f <= last) continue;
      if (this.snaplen.count === 0 || f < this.snaplen.firstFrame) this.snaplenTime = this.timeOf(f, time);
      this.snaplen.add(f);
      last = f;
    }
    if (this.snaplenLast.size < MAX_STREAMS || this.snaplenLast.has(key)) this.snaplenLast.set(key, last);
  }

  /** The time of data segment `frame` when it is among the latest ones remembered, else `otherwise` (the packet's). */
  private timeOf(frame: number, otherwise: number): number {
    for (let n = 1; n <= RECENT_SEGMENTS; n++) {
      const i = (this.recentNext - n + RECENT_SEGMENTS) % RECENT_SEGMENTS;
      if (this.recentFrames[i] === frame) return this.recentTimes[i]!;
      if (this.recentFrames[i]! < frame) break;
    }
    return otherwise;
  }

  finish(ctx: FinishContext, emit: (finding: FindingEvent) => void): void {
    const records = [...ctx.book.all()].filter(isMqtt);
    const s = ctx.summary;
    // A client that never learned the broker's address (diag.name-not-resolved) explains a capture without MQTT: the
    // interface was right, so no-mqtt's wrong interface or filter would mislead.
    if (s.mqtt.messages === 0 && this.tls.size === 0 && this.noSecret.size === 0 && ctx.attempted.size === 0 && ctx.unresolvedHosts.size === 0 && s.frames.read > 0) {
      const protocols = Object.entries(s.frames.byProtocol).sort((a, b) => b[1] - a[1]).map(([name, n]) => `${name} ${n}`);
      if (s.frames.undecodable > 0) protocols.push(`undecodable ${s.frames.undecodable}`);
      const frames = new FrameSet();
      for (let f = 1; f <= Math.min(s.frames.read, 20); f++) frames.add(f);
      const tcpPorts = [...new Set([...ctx.book.all()].map((r) => portOf(r.server)).filter((p) => p > 0))].sort((a, b) => a - b).slice(0, 5);
      const cut = this.cutBeforePayload;
      // At least half of the frames that carried TCP payload: one odd truncated frame does not make the capture's story.
      if (cut.count > 0 && cut.count * 2 >= this.payloadFrames) {
        // The frames were there, cut by the snaplen before the bytes MQTT is made of: not the interface or the filter.
        emit(makeDiagnosis({
          code: 'diag.no-mqtt', layer: 'capture', frames: cut, time: cut.firstTime ?? 0,
          facts: { frames: s.frames.read, protocols, tcpPorts, cutBeforePayload: cut.count },
          causes: ['snaplen-headers-only'], checks: ['snaplen-whole'],
        }));
      } else {
        emit({ ...makeDiagnosis({
          code: 'diag.no-mqtt', layer: 'capture', frames, time: 0,
          facts: { frames: s.frames.read, protocols, tcpPorts },
          causes: ['wrong-interface', 'capture-filter', 'no-traffic-yet'],
          checks: tcpPorts.length > 0 ? ['try-port', 'bridge-interface', 'capture-filter'] : ['bridge-interface', 'capture-filter', 'clients-ran'],
        }), evidence: { firstFrame: 1, lastFrame: s.frames.read, count: s.frames.read, frames: frames.evidence().frames ?? [] } });
      }
    }
    const oneWay = records.filter((r) => {
      const c = sentBy(r, 'client');
      const sv = sentBy(r, 'server');
      return c.segments + sv.segments > 0 && ((sv.segments === 0 && c.mqtt > 0) || (c.segments === 0 && sv.mqtt > 0));
    });
    if (oneWay.length > 0) {
      const first = oneWay[0]!;
      const frames = new FrameSet();
      for (const r of oneWay) frames.add(r.firstFrame, r.firstTime);
      emit(makeDiagnosis({
        code: 'diag.one-direction', layer: 'tcp', frames, time: frames.firstTime ?? first.firstTime,
        facts: { count: oneWay.length, seen: sentBy(first, 'server').segments === 0 ? 'client' : 'server', example: `${first.client} → ${first.server}` },
        causes: ['asymmetric-capture'], checks: ['capture-point'],
      }));
    }
    // A connection the tool's own table evicted (--max-connections) and picked up again is no capture that started late.
    const late = records.filter((r) => r.connect === undefined && r.mqttPackets > 0 && r.synFrames.length === 0 && r.synSeen !== true
      && r.evictedBefore === undefined);
    if (late.length > 0) {
      const frames = new FrameSet();
      for (const r of late) frames.add(r.firstFrame, r.firstTime);
      emit(makeDiagnosis({
        code: 'diag.capture-started-late', layer: 'mqtt', frames, time: frames.firstTime ?? late[0]!.firstTime,
        facts: { count: late.length, clients: late.map((r) => `${r.client} → ${r.server}`) },
        causes: ['capture-started-late'], checks: ['start-capture-first'],
      }));
    }
    if (this.snaplen.count > 0) {
      emit(makeDiagnosis({
        code: 'diag.snaplen-cut', layer: 'capture', frames: this.snaplen, time: this.snaplenTime,
        facts: { count: this.snaplen.count, packets: this.snaplenPackets },
        causes: ['small-snaplen'], checks: ['snaplen'],
      }));
    }
    if (this.duplicates.count > 0) {
      // Each packet captured once per interface it crossed: twice across two bridge ports, three times when the
      // bridge device is promiscuous too (the most common number is said; the most, when some differ).
      const times = [...this.multiplicity()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
      const packets = times.reduce((n, [, k]) => n + k, 0);
      const most = Math.max(...times.map(([n]) => n));
      const least = Math.min(...times.map(([n]) => n));
      emit(makeDiagnosis({
        code: 'diag.duplicate-frames', layer: 'capture', frames: this.duplicates, time: this.duplicatesTime,
        facts: {
          count: Math.max(this.duplicates.count, s.tcp.duplicatesAcrossInterfaces), packets, times: times[0]![0],
          ...(most !== least ? { maxTimes: most } : {}),
        },
        causes: most >= 3 ? ['capture-any', 'bridge-promiscuous'] : ['capture-any'], checks: ['capture-one-interface'],
      }));
    }
    this.ports(records, emit);
    this.encrypted(ctx, emit);
  }

  private ports(records: ConnectionRecord[], emit: (finding: FindingEvent) => void): void {
    const byServer = new Map<string, { ws: boolean; frames: FrameSet; count: number; example: string }>();
    for (const r of records) {
      if (r.mqttPackets === 0) continue;
      const ws = r.websocket || r.session?.transport === 'websocket' || r.end?.protocol === 'mqtt-ws';
      if (!ws && WIRESHARK_MQTT_PORTS.has(portOf(r.server))) continue;
      const key = `${ws ? 'ws' : 'tcp'}|${r.server}`;
      const g = byServer.get(key) ?? { ws, frames: new FrameSet(), count: 0, example: clientName(r) };
      g.count++;
      // The evidence is each connection's CONNECT (its first frame when none was captured), timed as its event was.
      if (r.connect !== undefined) g.frames.add(r.connect.frame, r.connect.time);
      else g.frames.add(r.firstFrame, r.firstTime);
      byServer.set(key, g);
    }
    for (const [key, g] of byServer) {
      const server = key.slice(key.indexOf('|') + 1);
      const port = portOf(server);
      emit(makeDiagnosis({
        code: g.ws ? 'diag.mqtt-over-websocket' : 'diag.nonstandard-port', layer: 'mqtt', frames: g.frames, time: g.frames.firstTime ?? 0, dst: server,
        facts: { server, host: hostOf(server), port, count: g.count },
        causes: g.ws ? ['websocket-listener'] : ['custom-port'], checks: g.ws ? ['decode-as-websocket'] : ['decode-as'],
      }));
    }
  }

  private encrypted(ctx: FinishContext, emit: (finding: FindingEvent) => void): void {
    for (const [server, g] of this.byServer(ctx, this.tls)) {
      emit(makeDiagnosis({
        code: 'diag.mqtt-over-tls', layer: 'tls', frames: g.frames, time: g.frames.firstTime ?? g.time, dst: server,
        facts: { server, port: portOf(server), count: g.count },
        causes: ['tls-listener'], checks: ['tls-keys', 'keylog-paho', 'keylog-mosquitto'],
      }));
    }
    for (const [server, g] of this.byServer(ctx, this.noSecret)) {
      emit(makeDiagnosis({
        code: 'diag.tls-not-decrypted', layer: 'tls', frames: g.frames, time: g.frames.firstTime ?? g.time, dst: server,
        facts: { server, port: portOf(server), count: g.count },
        causes: ['keylog-other-run', 'keylog-not-written'], checks: ['keylog-same-run', 'keylog-paho', 'keylog-mosquitto'],
      }));
    }
  }

  /** TLS findings per server ("ip:port" of the connection's server): their frames, connections and first time. */
  private byServer(ctx: FinishContext, streams: Map<number, { frames: FrameSet; time: number; dst: string }>): Map<string, { frames: FrameSet; count: number; time: number }> {
    const byServer = new Map<string, { frames: FrameSet; count: number; time: number }>();
    for (const [stream, t] of streams) {
      const server = ctx.book.get(stream)?.server ?? t.dst;
      const g = byServer.get(server) ?? { frames: new FrameSet(), count: 0, time: t.time };
      g.frames.merge(t.frames);
      g.count++;
      g.time = Math.min(g.time, t.time);
      byServer.set(server, g);
    }
    return byServer;
  }
}
