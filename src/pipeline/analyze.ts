/**
 * analyzeCapture: the pipeline's wiring. Capture reader → frame decoders → TCP connection table and reassembly →
 * MQTT dissectors → timeline events (streamed to `onEvent`, or collected) → summary. Every frame is counted:
 * decoded (by protocol), undecodable, or skipped by the reader. Only an unreadable input rejects (CaptureError).
 * It formats nothing (views do) and decides no exit codes (the CLI does).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { readCapture } from '../capture/reader.js';
import { CaptureError, SECRETS_TLS_KEY_LOG, type CaptureFrame, type CaptureNotice, type CaptureSummary, type DecryptionSecrets } from '../capture/types.js';
import { decodeFrame } from '../decode/frame.js';
import { dnsInfo, dnsRcodeName, dnsTypeName } from '../decode/dns.js';
import { ICMPV6_MLD2_REPORT, ICMPV6_MLD_REPORT, icmpv6Info } from '../decode/icmpv6.js';
import { IPPROTO_IGMP } from '../decode/ipproto.js';
import type { DecodedFrame, DnsMessage, IpPacket, TcpSegment, UdpDatagram } from '../decode/types.js';
import { IpDefragmenter } from '../defrag/defragment.js';
import { MqttConnectionDissector, type ConnectionProtocol, type MqttDissectorOptions } from '../mqtt/dissector.js';
import { FanoutTracer } from '../mqtt/fanout.js';
import { RequestResponseTracker } from '../mqtt/request-response.js';
import { ClientIdRegistry } from '../mqtt/takeover.js';
import { TcpConnectionTable, endpointLabel, type ConnectionEnd, type SegmentAnalysis, type TcpConnection } from '../reassembly/connections.js';
import type { ArpEvent, DnsEvent, FindingEvent, OtherEvent, TcpEvent, TimelineEvent } from '../model/events.js';
import type { AnalysisSink, AnalysisStage, NeighborMessage } from '../model/sink.js';
import { CrossInterfaceDuplicates } from '../analysis/duplicates.js';
import { makeFinding, isFindingCode, type FindingCode } from '../model/findings.js';
import { LazyTcpEvent, describeTcp, flagNames, sharedFlagNames, tcpType } from '../analysis/tcp-events.js';
import { connectionEnded, connectionOpened } from '../analysis/lifecycle.js';
import { KeyLog, loadKeyLog } from '../tls/keylog.js';
import { SummaryBuilder, type AnalysisSummary, type HostSummary } from '../analysis/summary.js';
import type { TunnelSummary } from '../model/summary.js';
import { FindingFolder } from '../analysis/finding-fold.js';
import { TunnelTable, eventTunnels } from '../analysis/tunnels.js';
import { DualStackLinker, MachineBook } from '../model/machine.js';
import { BUDGET_DROPS, BUDGET_STATES, DEFAULT_MEMORY_BUDGET, MemoryBudget, formatBytes } from '../model/budget.js';

export interface AnalyzeOptions {
  /** Extra TCP ports carrying MQTT (1883 always does). */
  ports?: number[];
  /** Ports where TLS is MQTT over TLS (default 8883); with a key log, any port whose session it holds. */
  tlsPorts?: number[];
  /**
   * TLS session secrets (NSS key log, docs/tls.md): a parsed KeyLog or a file path. MQTT over TLS is then decrypted.
   * A pcapng capture's Decryption Secrets Blocks (`editcap --inject-secrets tls,KEYS`) are used too, merged with it.
   */
  keyLog?: KeyLog | string;
  /** Show MQTT passwords instead of "***". */
  showSecrets?: boolean;
  /** Largest MQTT packet buffered whole (default 1 MiB); larger ones keep their head. */
  maxPacketBytes?: number;
  /** Connection table size (default 100 000); the least recently active is evicted past it. */
  maxConnections?: number;
  /** Out-of-order bytes held per direction (default 1 MiB) and in total (default 64 MiB). */
  maxBufferedBytesPerStream?: number;
  maxBufferedBytesTotal?: number;
  /** gzip input: largest decompressed/compressed ratio past 16 MiB of output (default 250); reading stops past it. */
  maxGzipRatio?: number;
  /**
   * Rows the summary lists (ended connections, sessions, hosts; default 10 000 each); past it they are counted
   * (`tcp.notListed`, `mqtt.sessionsNotListed`), not listed. A live view running for days lowers it.
   */
  maxListed?: number;
  /**
   * Seconds of capture time after which a silent TCP connection is ended (`tcp.connection-evicted`; if it speaks
   * again it is picked up as a new connection). Off by default; `watch` uses 600, so that clients that vanished
   * without a FIN do not hold their state for days.
   */
  idleConnectionSeconds?: number;
  /**
   * Memory budget in bytes (default 1 GiB) that every growing state charges (pcapng interfaces, connections, the MQTT
   * framer's carry, out-of-order segments, pending requests): past it the state drops what it would keep and one
   * `budget.exceeded` finding names it.
   */
  memoryBudget?: number;
  /**
   * Repeated findings of one code on one connection (or in the capture) past the third are folded into one finding
   * with a count (src/analysis/finding-fold.ts) for `onEvent`, the sinks and the collected events (default true);
   * the summary and the stages see every finding.
   */
  foldFindings?: boolean;
  /**
   * Only the summary is wanted (the summary output format): TCP and other-frame events are counted, not built, and
   * MQTT events carry no summary line or payload text. Much faster on large captures; `onEvent` then sees only
   * ARP, MQTT and finding events.
   */
  summaryOnly?: boolean;
  /**
   * The consumers read events' fields by name and never serialise them (the timeline table and the diagnosis): a TCP
   * data segment's event then makes its summary line only when `summary` is read (a getter: most data segments are
   * shown as the MQTT packets they completed, so their line is never read), and its `flags` array is shared with other
   * events (do not change it). Every other event is as usual.
   */
  lazyTcpSummaries?: boolean;
  /**
   * MQTT events are made without their summary line (`summary` is ''), for a consumer that writes the line itself
   * from the fields (writeMqttSummary in src/mqtt/summary.ts), as the timeline table does; set by the CLI for the
   * table only. Every other field is as usual.
   */
  omitMqttSummaries?: boolean;
  /** Receives every event as soon as it is known. When given, events are not collected unless `collect` is true. */
  onEvent?: (event: TimelineEvent) => void;
  collect?: boolean;
  /**
   * Consumers of the analysis (views, the CI check, a live view): each gets every event in emission order, then
   * `end(summary)` once (awaited). When given, events are not collected unless `collect` is true.
   */
  sinks?: AnalysisSink[];
  /**
   * Stages between the analysis and the sinks (the diagnosis): each reads every event (other stages' findings
   * included) and may emit findings, which the summary, `onEvent`, the sinks and the other stages then see like any
   * other; `finish` is called after the last lifecycle event, before the sinks end.
   */
  stages?: AnalysisStage[];
  signal?: AbortSignal;
  /** Called after each chunk of input; reading pauses until the promise it returns settles (output back-pressure). */
  afterChunk?: () => Promise<void> | undefined;
  /** Called every 4096 frames with the frames and bytes read so far (records plus their headers) and MQTT messages. */
  onProgress?: (progress: { frames: number; bytes: number; mqttMessages: number }) => void;
}

export interface Analysis {
  summary: AnalysisSummary;
  /** All events in emission order (empty when streamed with onEvent and collect is false). */
  events: TimelineEvent[];
  capture: CaptureSummary;
}

export const DEFAULT_LIMITS = {
  maxPacketBytes: 1024 * 1024,
  maxConnections: 100_000,
  maxBufferedBytesPerStream: 1024 * 1024,
  maxBufferedBytesTotal: 64 * 1024 * 1024,
} as const;

const MAX_HOSTS = 10_000;

/** Bytes charged to the memory budget for each connection (TCP state, reassembly, MQTT dissector and session). */
const CONNECTION_BYTES = 8 * 1024;

/** The stream handler of a connection opened past the memory budget: its bytes are not dissected. */
const IGNORED_STREAM = { data(): void {}, gap(): void {}, end(): void {} };

export async function analyzeCapture(input: string | NodeJS.ReadableStream, options: AnalyzeOptions = {}): Promise<Analysis> {
  const { stoppedEarly: _, ...analysis } = await startAnalysis(input, options).result;
  return analysis;
}

/**
 * A running analysis (a file, standard input, a live capture's output) that can be looked at and stopped. Stopping
 * is not failing: reading ends where it is, every open connection is ended, the stages judge what was read and the
 * sinks get the final summary, as at the end of the input. (`options.signal` instead abandons the run: it rejects.)
 */
export interface AnalysisRun {
  /** The summary so far (CaptureAnalyzer.snapshot()). */
  snapshot(): AnalysisSummary;
  /** Stops reading; `result` then resolves with the analysis of what was read. Idempotent. */
  stop(): void;
  /** The analysis of the whole input, or of what was read before stop(); rejects only on unreadable input. */
  readonly result: Promise<Analysis & { stoppedEarly: boolean }>;
}

/** Starts analysing `input` (see analyzeCapture) and returns at once with a handle to look at and stop the run. */
export function startAnalysis(input: string | NodeJS.ReadableStream, options: AnalyzeOptions = {}): AnalysisRun {
  const analyzer = new CaptureAnalyzer(options);
  const stopper = new AbortController();
  const signal = options.signal !== undefined ? AbortSignal.any([options.signal, stopper.signal]) : stopper.signal;
  let stopped = false;
  const run = async (): Promise<Analysis & { stoppedEarly: boolean }> => {
    let capture: CaptureSummary;
    let stoppedEarly = false;
    try {
      capture = await readCapture(input, analyzer, {
        signal,
        ...(options.afterChunk !== undefined ? { afterChunk: options.afterChunk } : {}),
        ...(options.maxGzipRatio !== undefined ? { maxGzipRatio: options.maxGzipRatio } : {}),
        budget: analyzer.memoryBudget,
      });
    } catch (error) {
      // Stopped (not aborted by the caller's signal): what was read is analysed to the end.
      if (!stopped || options.signal?.aborted === true || (error instanceof CaptureError && error.code !== 'capture.empty')) throw error;
      capture = analyzer.readSoFar(input);
      stoppedEarly = true;
    }
    let analysis: Analysis;
    try {
      analysis = analyzer.finish(capture);
    } catch (error) {
      if (!(error instanceof CaptureError)) throw error;
      const label = typeof input !== 'string' ? '<stream>' : input === '-' ? '<stdin>' : input;
      throw new CaptureError(error.code, `${label}: ${error.message}`);
    }
    for (const sink of options.sinks ?? []) await sink.end?.(analysis.summary);
    return { ...analysis, stoppedEarly };
  };
  const result = run();
  return {
    snapshot: () => analyzer.snapshot(),
    stop: () => {
      if (stopped) return;
      stopped = true;
      stopper.abort(new Error('analysis stopped'));
      // A read pending on a stream would wait for its next bytes: end it now.
      const stream = input === '-' ? process.stdin : typeof input === 'string' ? undefined : input;
      (stream as Partial<NodeJS.ReadStream> | undefined)?.destroy?.();
    },
    result,
  };
}

/** Reasons the reader gives for packet records it did not deliver (the rest are blocks that are not packets). */
const PACKET_RECORD_SKIPS = new Set(['truncated-record', 'bad-record', 'unknown-interface']);

/** Leading frames of undecodable link types whose findings are held (a capture made only of them is unreadable). */
const MAX_HELD_UNSUPPORTED = 10_000;

/** The streaming core of analyzeCapture, usable as a CaptureSink on its own. */
export class CaptureAnalyzer {
  private readonly events: TimelineEvent[] = [];
  private readonly collect: boolean;
  private readonly onEvent: ((event: TimelineEvent) => void) | undefined;
  private readonly sinks: AnalysisSink[];
  private readonly stages: AnalysisStage[];
  /**
   * Findings of leading frames whose link type we cannot decode, held until a frame is decoded (then emitted), so
   * that a capture made only of them stops (exit 2) before anything is written. Past MAX_HELD_UNSUPPORTED they are
   * counted, and emitted as one finding with its evidence.
   */
  private heldUnsupported: FindingEvent[] | undefined = [];
  private heldUnsupportedOverflow: { first: number; last: number; count: number; time: number } | undefined;
  private readonly summary: SummaryBuilder;
  private readonly maxHosts: number;
  private readonly table: TcpConnectionTable;
  private readonly fanout = new FanoutTracer({ maxRemembered: 20_000, windowSeconds: 30 });
  private readonly requests = new RequestResponseTracker();
  /** Which connection holds each client id, and the requests persistent sessions left open (src/mqtt/takeover.ts). */
  private readonly clientIds = new ClientIdRegistry();
  private readonly hosts = new Map<string, HostSummary>();
  private readonly tunnels = new TunnelTable();
  private readonly duplicates = new CrossInterfaceDuplicates();
  private readonly byProtocol: Record<string, number> = {};
  private readonly linkTypes = new Set<number>();
  private decodedFrames = 0;
  /** Frames of link types we do not decode: a capture made only of them is unreadable input. */
  private unsupportedLinkFrames = 0;
  private readonly unsupportedLinkTypes = new Set<number>();
  /** Bytes of records read so far (data plus a 16-byte record header), for progress reports. */
  private recordBytes = 24;
  private undecodable = 0;
  private firstSec: number | undefined;
  private firstNsec = 0;
  private lastTime = 0;
  private latestTime = 0;
  private lastFrame = 0;
  /**
   * Events produced while a segment is processed, emitted after its TCP event, except the first `beforePacket`
   * (a connection's end forced by this segment, then the connection it opens), emitted before it.
   */
  private deferred: TimelineEvent[] = [];
  private beforePacket = 0;
  private inSegment = false;
  private readonly lean: boolean;
  /** AnalyzeOptions.lazyTcpSummaries (never on the summary-only path, which builds no TCP events). */
  private readonly lazyTcp: boolean;
  /** The stages that read IPv6 Neighbor Solicitations and Advertisements (both paths). */
  private readonly neighborStages: AnalysisStage[];
  /** The stages that read the dual-stack links the linker learns (both paths). */
  private readonly machineStages: AnalysisStage[];
  /** Which IPv6 addresses are an IPv4 address's machine, from the link layer (src/model/machine.ts). */
  private readonly linker = new DualStackLinker();
  /** The links learned so far, for the fan-out tracer's broker key. */
  private readonly machines = new MachineBook();
  /** Summary-only path: the stages that take the TCP packets it does not emit. */
  private readonly packetStages: AnalysisStage[];
  /** What each stage emits its findings through (made once, not per event). */
  private readonly stageEmits: Array<(finding: FindingEvent) => void>;
  /** Summary-only path: the TCP packet handed to the stages, refilled per segment (stagePacketOf). */
  private readonly stagePacket: TcpEvent = {
    kind: 'packet', frame: 0, time: 0, layer: 'tcp', type: 'ACK', src: '', dst: '', stream: 0, flags: [], seq: 0, ack: 0,
    relSeq: 0, relAck: 0, len: 0, window: 0, windowValue: 0, summary: '', retransmission: undefined, outOfOrder: undefined,
    duplicateAck: undefined, badChecksum: undefined, capturedLen: undefined, handshakeRttMs: undefined, handshakeFrames: undefined, duplicateOf: undefined,
  };
  /** Each connection's endpoint labels for its TCP packets (labelsOf). */
  private readonly connectionLabels = new WeakMap<TcpConnection, { fromClient: readonly [string, string]; fromServer: readonly [string, string] }>();
  private readonly budget: MemoryBudget;
  /** The memory budget every growing state charges (the capture reader's too: hand it to readCapture). */
  get memoryBudget(): MemoryBudget {
    return this.budget;
  }
  private readonly folder: FindingFolder | undefined;
  /** IP fragments held until their datagram completes (src/defrag). */
  private readonly defrag: IpDefragmenter;
  /** What each connection's MQTT dissector is made with (its key log grows with the capture's secrets blocks). */
  private readonly dissectorOptions: MqttDissectorOptions;
  /** The key log is this analysis' own (made from a path or from the capture), so secrets blocks may add to it. */
  private ownKeyLog: boolean;

  constructor(private readonly options: AnalyzeOptions = {}) {
    this.budget = new MemoryBudget(options.memoryBudget ?? DEFAULT_MEMORY_BUDGET);
    this.budget.onExceeded = (what) => this.emitFinding(makeFinding('budget.exceeded', 'capture', Math.max(1, this.lastFrame),
      this.lastTime, `memory budget of ${formatBytes(this.budget.limit)} reached by ${what}: ${BUDGET_DROPS[what]}`,
      { detail: { state: what, limit: this.budget.limit, used: this.budget.used } }));
    this.folder = options.foldFindings === false ? undefined : new FindingFolder();
    this.onEvent = options.onEvent;
    this.lean = options.summaryOnly === true;
    this.lazyTcp = !this.lean && options.lazyTcpSummaries === true;
    this.collect = options.collect ?? (options.onEvent === undefined && options.sinks === undefined);
    this.sinks = options.sinks ?? [];
    this.stages = options.stages ?? [];
    this.summary = new SummaryBuilder({ ...(options.maxListed !== undefined ? { maxListed: options.maxListed } : {}) });
    this.maxHosts = options.maxListed ?? MAX_HOSTS;
    this.packetStages = this.lean ? this.stages.filter((stage) => stage.packet !== undefined) : [];
    this.neighborStages = this.stages.filter((stage) => stage.neighbor !== undefined);
    this.machineStages = this.stages.filter((stage) => stage.machineLink !== undefined);
    this.stageEmits = this.stages.map((_, i) => (finding: FindingEvent) => this.emitFrom(finding, i));
    const mqttPorts = new Set([1883, ...(options.ports ?? [])]);
    const tlsPorts = new Set(options.tlsPorts ?? [8883]);
    const dissectorOptions: MqttDissectorOptions = {
      mqttPorts, tlsPorts, showSecrets: options.showSecrets ?? false,
      maxPacketBytes: options.maxPacketBytes ?? DEFAULT_LIMITS.maxPacketBytes,
      lean: options.summaryOnly === true,
      omitSummaries: options.omitMqttSummaries === true,
      budget: this.budget,
      ...(options.keyLog !== undefined ? { keyLog: typeof options.keyLog === 'string' ? loadKeyLog(options.keyLog) : options.keyLog } : {}),
    };
    this.dissectorOptions = dissectorOptions;
    this.defrag = new IpDefragmenter({ budget: this.budget, finding: (event) => this.emitFinding(event) });
    this.ownKeyLog = typeof options.keyLog === 'string';
    const context = {
      options: dissectorOptions,
      fanout: this.fanout,
      machines: this.machines,
      requests: this.requests,
      clientIds: this.clientIds,
      captureStart: () => this.firstSec === undefined ? undefined : this.firstSec + this.firstNsec / 1e9,
      emit: (event: TimelineEvent) => this.emitFinding(event),
    };
    this.table = new TcpConnectionTable({
      maxConnections: options.maxConnections ?? DEFAULT_LIMITS.maxConnections,
      memoryBudget: this.budget,
      maxPendingBytesPerStream: options.maxBufferedBytesPerStream ?? DEFAULT_LIMITS.maxBufferedBytesPerStream,
      maxPendingBytesTotal: options.maxBufferedBytesTotal ?? DEFAULT_LIMITS.maxBufferedBytesTotal,
      serverPorts: new Set([...mqttPorts, ...tlsPorts]),
      opened: (connection) => {
        this.emitFinding(connectionOpened(connection));
        if (this.inSegment) this.beforePacket = this.deferred.length;
      },
      // The dissector is made on the connection's first payload byte (a flood of SYNs costs no dissectors).
      // Past the memory budget a connection is still tracked by TCP, but its payload is not dissected.
      openStreams: (connection) => {
        const charged = this.budget.tryCharge(CONNECTION_BYTES, 'connections');
        if (!charged) return { toServer: IGNORED_STREAM, toClient: IGNORED_STREAM, ended: (c, end) => this.endConnection(c, end, undefined) };
        const dissector = new MqttConnectionDissector(connection, context);
        return {
          ...dissector.handlers(),
          ended: (c, end) => {
            this.budget.release(CONNECTION_BYTES, 'connections');
            this.endConnection(c, end, dissector);
          },
        };
      },
      endedWithoutStreams: (c, end) => this.emitFinding(connectionEnded(c, end, protocolOrOther(MqttConnectionDissector.protocolWithoutPayload(c, context.options)))),
      ...(options.idleConnectionSeconds !== undefined ? { idleTimeoutSeconds: options.idleConnectionSeconds } : {}),
      badChecksumDropped: (connection, toServer, frame, time, bytes, ended) => {
        const [from, to] = toServer ? [connection.client.label, connection.server.label] : [connection.server.label, connection.client.label];
        this.emitFinding(makeFinding('tcp.bad-checksum-dropped', 'tcp', frame, time,
          `segment of ${bytes} bytes with a bad TCP checksum neither sent again nor acknowledged before the ${ended === 'capture-end' ? 'capture' : 'connection'} ended: dropped by the receiver, its corrupted bytes not read`,
          { src: from, dst: to, stream: connection.index, detail: { bytes, ended } }));
      },
      onLimit: (kind, connection, frame, time) => {
        const code: FindingCode = kind === 'reassembly-cap' ? 'tcp.reassembly-cap' : 'tcp.connection-evicted';
        this.emitFinding(makeFinding(code, 'tcp', frame, time,
          kind === 'reassembly-cap' ? 'out-of-order data over the cap: hole declared lost'
            : kind === 'connection-idle' ? `connection silent for over ${options.idleConnectionSeconds ?? 0} s: ended` : 'connection table full: connection evicted',
          { src: connection.client.label, dst: connection.server.label, stream: connection.index }));
      },
    });
  }

  /** Both streams have ended: the MQTT session ends, then the connection. */
  private endConnection(c: TcpConnection, end: ConnectionEnd, dissector: MqttConnectionDissector | undefined): void {
    dissector?.finish(end);
    this.emitFinding(connectionEnded(c, end, protocolOrOther(dissector?.protocol)));
  }

  /** CaptureSink: one record. */
  frame(frame: CaptureFrame): void {
    if (this.firstSec === undefined) {
      this.firstSec = frame.tsSec;
      this.firstNsec = frame.tsNsec;
    }
    // Whole nanoseconds divided once: the double nearest the exact decimal, so a µs capture's times print with at most
    // 6 decimals and a ns capture's with 9, never float noise (exact up to 2^53 ns, 104 days).
    const time = ((frame.tsSec - this.firstSec) * 1e9 + (frame.tsNsec - this.firstNsec)) / 1e9;
    this.lastTime = time;
    // Timestamps may go backwards (capture.time-backwards): the duration is the latest time seen, never negative.
    if (time > this.latestTime) this.latestTime = time;
    this.lastFrame = frame.frame;
    this.recordBytes += frame.data.length + 16;
    if ((frame.frame & 4095) === 0 && this.options.onProgress !== undefined) {
      this.options.onProgress({ frames: frame.frame, bytes: this.recordBytes, mqttMessages: this.summary.mqttCount });
    }
    this.linkTypes.add(frame.linkType);
    let decoded = decodeFrame(frame);
    if (decoded.error !== undefined && decoded.link === undefined && decoded.tunnels.length === 0) {
      this.undecodable++;
      const finding = makeFinding(findingCodeOf(decoded.error.code), 'frame', frame.frame, time,
        `${decoded.error.layer}: ${decoded.error.message}`, { detail: { layer: decoded.error.layer, linkType: frame.linkType } });
      if (decoded.error.code === 'decode.unsupported-link') {
        this.unsupportedLinkFrames++;
        this.unsupportedLinkTypes.add(frame.linkType);
        if (this.heldUnsupported !== undefined) {
          // Only undecodable link types so far: held (see heldUnsupported).
          if (this.heldUnsupported.length < MAX_HELD_UNSUPPORTED) this.heldUnsupported.push(finding);
          else if (this.heldUnsupportedOverflow === undefined) this.heldUnsupportedOverflow = { first: frame.frame, last: frame.frame, count: 1, time };
          else { this.heldUnsupportedOverflow.last = frame.frame; this.heldUnsupportedOverflow.count++; }
          return;
        }
      } else this.releaseUnsupported();
      this.emitFinding(finding);
      return;
    }
    if (this.heldUnsupported !== undefined) this.releaseUnsupported();
    this.decodedFrames++;
    this.countHost(decoded, time);
    if (decoded.ip?.fragmentPayload !== undefined && (decoded.error === undefined || !IP_LAYERS.has(decoded.error.layer))) {
      // An IP fragment: held until its datagram completes (src/defrag), whose payload is then read at this frame.
      const whole = this.defrag.add(decoded, time);
      if (whole === undefined) {
        this.onFragment(decoded, decoded.ip, time);
        return;
      }
      decoded = whole.decoded;
    }
    if (decoded.tunnels.length > 0) this.onTunnelled(decoded, time);
    if (decoded.error !== undefined) {
      this.emitFinding(makeFinding(findingCodeOf(decoded.error.code), layerOf(decoded.error.layer), frame.frame, time,
        `${decoded.error.layer}: ${decoded.error.message}`, {
          src: decoded.ip?.src ?? decoded.link?.srcMac ?? '', dst: decoded.ip?.dst ?? decoded.link?.dstMac ?? '',
          detail: { layer: decoded.error.layer },
        }));
    }
    if (decoded.arp !== undefined) {
      this.count('arp');
      this.onArp(decoded, time);
    } else if (decoded.tcp !== undefined && decoded.ip !== undefined) {
      this.count('tcp');
      this.onTcp(decoded, decoded.tcp, time);
    } else {
      // A frame whose inner packet could not be decoded at all (an IP-in-IP packet cut in its inner header) is named by its tunnel.
      const name = decoded.other ?? (decoded.udp !== undefined ? 'udp' : decoded.ip !== undefined ? `ipv${decoded.ip.version}`
        : decoded.link?.kind ?? decoded.tunnels[decoded.tunnels.length - 1]?.kind ?? 'unknown');
      this.count(decoded.error !== undefined ? `${name} (malformed)` : name);
      if (decoded.dns !== undefined && decoded.udp !== undefined && decoded.ip !== undefined) {
        // DNS: its own event (the summary-only path hands it to the stages only, as it does TCP packets).
        const dns = dnsEvent(frame.frame, time, decoded.ip, decoded.udp, decoded.dns);
        if (decoded.tunnels.length > 0) dns.tunnels = eventTunnels(decoded.tunnels);
        if (this.lean) { if (this.packetStages.length > 0) this.toPacketStages(dns); }
        else this.emit(dns);
        return;
      }
      const nd = decoded.icmpv6;
      if (nd !== undefined && nd.target !== undefined && (nd.type === 135 || nd.type === 136) && decoded.ip !== undefined && this.neighborStages.length > 0) {
        const message: NeighborMessage = {
          frame: frame.frame, time, type: nd.type === 135 ? 'solicitation' : 'advertisement', src: decoded.ip.src, dst: decoded.ip.dst, target: nd.target,
        };
        for (const stage of this.neighborStages) stage.neighbor!(message);
      }
      if (this.lean) return;
      const other: OtherEvent = {
        kind: 'packet', frame: frame.frame, time, layer: decoded.ip !== undefined ? 'ip' : 'frame', type: name,
        src: decoded.udp !== undefined ? endpointLabel(decoded.ip!.src, decoded.udp.srcPort) : decoded.ip?.src ?? decoded.link?.srcMac ?? '',
        dst: decoded.udp !== undefined ? endpointLabel(decoded.ip!.dst, decoded.udp.dstPort) : decoded.ip?.dst ?? decoded.link?.dstMac ?? '',
        summary: decoded.udp !== undefined ? `UDP ${decoded.udp.srcPort} → ${decoded.udp.dstPort} len=${Math.max(0, decoded.udp.length - 8)}`
          : decoded.icmpv6 !== undefined ? icmpv6Info(decoded.icmpv6, decoded.ip?.ttl ?? 0) : name.toUpperCase(),
      };
      if (decoded.tunnels.length > 0) other.tunnels = eventTunnels(decoded.tunnels);
      this.emit(other);
    }
  }

  /** A fragment held for reassembly (its datagram not complete yet): counted, and one row with tshark's words. */
  private onFragment(decoded: DecodedFrame, ip: IpPacket, time: number): void {
    const name = `ipv${ip.version}-fragment`;
    this.count(name);
    if (this.lean) return;
    const protocol = ip.fragmentPayload?.protocol ?? ip.protocol;
    const id = (ip.id ?? 0).toString(16);
    const other: OtherEvent = {
      kind: 'packet', frame: decoded.frame, time, layer: 'ip', type: name, src: ip.src, dst: ip.dst,
      summary: ip.version === 4
        ? `Fragmented IP protocol (proto=${ipProtocolLabel(protocol)} ${protocol}, off=${ip.fragmentOffset}, ID=${id.padStart(4, '0')})`
        : `IPv6 fragment (off=${ip.fragmentOffset} more=${ip.moreFragments ? 'y' : 'n'} ident=0x${id.padStart(8, '0')} nxt=${protocol})`,
    };
    this.emit(other);
  }

  /** CaptureSink: a remark about the file. */
  notice(notice: CaptureNotice): void {
    const code: FindingCode = isFindingCode(notice.code) ? notice.code : 'capture.notice';
    this.emitFinding(makeFinding(code, 'capture', notice.frame ?? this.lastFrame + 1, this.lastTime, notice.message,
      { detail: { notice: notice.code } }));
  }

  /**
   * CaptureSink: a pcapng Decryption Secrets Block. A TLS key log is used as if given with --keylog (merged with it)
   * for the TLS connections classified from here on (and the sessions already decrypting, which look their secrets
   * up as they need them); its size is charged to the memory budget ('key-log'). Other secrets types are noted only.
   */
  secrets(secrets: DecryptionSecrets): void {
    const frame = secrets.frame;
    if (secrets.secretsType !== SECRETS_TLS_KEY_LOG) {
      this.emitFinding(makeFinding('capture.decryption-secrets', 'capture', frame, this.lastTime,
        `pcapng decryption secrets block of type ${secrets.typeName} (${secrets.length} bytes): not a TLS key log, not used`,
        { detail: { secretsType: secrets.typeName, bytes: secrets.length, used: false } }));
      return;
    }
    if (!this.budget.tryCharge(secrets.length, 'key-log')) return;
    const text = secrets.text();
    const current = this.dissectorOptions.keyLog;
    let added: number;
    let sessions: number;
    if (current === undefined) {
      const keyLog = KeyLog.parse(text);
      this.dissectorOptions.keyLog = keyLog;
      this.ownKeyLog = true;
      added = sessions = keyLog.sessions;
    } else if (this.ownKeyLog) {
      added = current.add(text);
      sessions = current.sessions;
    } else {
      // The caller's KeyLog object is not changed: this analysis continues with its own copy.
      const keyLog = current.merged(text);
      this.dissectorOptions.keyLog = keyLog;
      this.ownKeyLog = true;
      added = keyLog.sessions - current.sessions;
      sessions = keyLog.sessions;
    }
    const merged = current !== undefined ? `, merged with the key log given: ${sessions} in all` : '';
    this.emitFinding(makeFinding('capture.decryption-secrets', 'capture', frame, this.lastTime,
      `pcapng decryption secrets block: a TLS key log with secrets for ${added} TLS session${added === 1 ? '' : 's'}${merged}, used to decrypt MQTT over TLS`,
      { detail: { secretsType: secrets.typeName, bytes: secrets.length, used: true, sessions: added } }));
  }

  finish(capture: CaptureSummary): Analysis {
    if (this.unsupportedLinkFrames > 0 && this.unsupportedLinkFrames === this.decodedFrames + this.undecodable) {
      throw new CaptureError('capture.unsupported-link',
        `unsupported link type ${[...this.unsupportedLinkTypes].join(', ')}: no frame can be decoded (supported: Ethernet 1, Linux cooked 113/276, NULL/LOOP 0/108, raw IP 12/14/101/228/229)`);
    }
    this.releaseUnsupported();
    this.inSegment = false;
    this.defrag.finish();
    this.table.finishAll(this.lastFrame, this.lastTime);
    // Requests persistent sessions left open, whose client never connected again in the capture.
    for (const finding of this.clientIds.takeAllHeld()) this.emitFinding(finding);
    for (const what of BUDGET_STATES) {
      const refused = this.budget.refusals(what);
      if (refused > 1) {
        this.emit(makeFinding('budget.exceeded', 'capture', Math.max(1, this.lastFrame), this.lastTime,
          `memory budget of ${formatBytes(this.budget.limit)}: ${refused} charges of ${what} refused in all`,
          { detail: { state: what, limit: this.budget.limit, refused } }));
      }
    }
    this.folder?.finish((event) => this.deliver(event));
    if (this.stages.length > 0) {
      const sofar = this.buildSummary(capture);
      this.stages.forEach((stage, i) => stage.finish((finding) => this.emitFrom(finding, i), sofar));
    }
    return { summary: this.buildSummary(capture), events: this.events, capture };
  }

  /**
   * The summary so far, at any moment (a live view refreshing while a capture streams in). Cheap: nothing is
   * walked but the bounded tables. Connections are listed once ended; sessions still open are listed without `end`.
   * The reader's facts are not known yet: `capture.format` says "pcap", `gzip` false, `bytes` the records read.
   */
  snapshot(): AnalysisSummary {
    return this.buildSummary({
      format: 'pcap', gzip: false, frames: this.lastFrame, bytes: this.recordBytes, interfaces: [], skipped: {},
    }, true);
  }

  /**
   * What is known of an input abandoned before its end (a stopped run): the frames and bytes read, and its format
   * from its first bytes when it is a file.
   */
  readSoFar(input: string | NodeJS.ReadableStream): CaptureSummary {
    let format: CaptureSummary['format'] = 'pcap';
    let gzip = false;
    if (typeof input === 'string' && input !== '-') {
      try {
        const fd = openSync(input, 'r');
        const head = Buffer.alloc(4);
        readSync(fd, head, 0, 4, 0);
        closeSync(fd);
        gzip = head[0] === 0x1f && head[1] === 0x8b;
        if (head.readUInt32LE(0) === 0x0a0d0d0a) format = 'pcapng';
      } catch {
        // keep the defaults
      }
    }
    return { format, gzip, frames: this.lastFrame, bytes: this.recordBytes, interfaces: [], skipped: {} };
  }

  private buildSummary(capture: CaptureSummary, live = false): AnalysisSummary {
    // Every packet record the reader did not deliver as a frame (cut off, bad, unknown interface) was still read; pcapng
    // blocks that are not packets (statistics, name resolution, unknown types...) are not frames, as tshark counts.
    const skipped: Record<string, number> = {};
    const blocks: Record<string, number> = {};
    for (const [reason, count] of Object.entries(capture.skipped)) {
      if (PACKET_RECORD_SKIPS.has(reason)) skipped[reason] = count;
      else blocks[reason] = count;
    }
    const recordsSkipped = Object.values(skipped).reduce((a, b) => a + b, 0);
    return {
      capture: {
        format: capture.format, gzip: capture.gzip, bytes: capture.bytes, linkTypes: [...this.linkTypes],
        ...(this.firstSec !== undefined ? { startEpoch: this.firstSec + this.firstNsec / 1e9 } : {}),
        durationSeconds: this.latestTime,
      },
      frames: {
        read: this.decodedFrames + this.undecodable + recordsSkipped,
        decoded: this.decodedFrames, undecodable: this.undecodable, skipped, byProtocol: this.byProtocol,
        ...(Object.keys(blocks).length > 0 ? { otherBlocks: blocks } : {}),
      },
      hosts: [...this.hosts.values()].sort((a, b) => b.frames - a.frames),
      ...tunnelsPart(this.tunnels.list()),
      tcp: {
        connections: this.summary.connectionsOpened, listed: this.summary.tcpListed(),
        ...(this.summary.tcpNotListed > 0 ? { notListed: this.summary.tcpNotListed } : {}),
        retransmissions: this.summary.retransmissions, outOfOrder: this.summary.outOfOrder,
        duplicateAcks: this.summary.duplicateAcks, lostSegments: this.summary.lostSegments,
        duplicatesAcrossInterfaces: this.summary.duplicatesAcrossInterfaces,
      },
      mqtt: this.summary.mqttPart(live),
      findings: this.summary.findingsPart(),
    };
  }

  /** Emits the events held while a segment was processed: those before its TCP event, the event, the rest. */
  private flushDeferred(packet: TcpEvent | undefined): void {
    const deferred = this.deferred;
    const before = this.beforePacket;
    this.beforePacket = 0;
    if (deferred.length > 0) this.deferred = [];
    for (let i = 0; i < before; i++) this.emit(deferred[i]!);
    if (packet !== undefined) {
      if (this.lean) this.toPacketStages(packet);
      else this.emit(packet);
    }
    for (let i = before; i < deferred.length; i++) this.emit(deferred[i]!);
  }

  /** Summary-only path: the TCP or DNS packet it does not emit, to the stages that judge them (AnalysisStage.packet). */
  private toPacketStages(packet: TcpEvent | DnsEvent): void {
    for (const stage of this.packetStages) stage.packet!(packet);
  }

  private emit(event: TimelineEvent): void {
    this.emitFrom(event, -1);
  }

  /**
   * Hands an event to the summary, then (repeated findings folded, see FindingFolder) the collection, `onEvent` and
   * the sinks, then the stages (but `from`, its maker), which see every finding.
   */
  private emitFrom(event: TimelineEvent, from: number): void {
    this.summary.add(event);
    if (this.folder !== undefined) this.folder.admit(event, this.deliver);
    else this.deliver(event);
    for (let i = 0; i < this.stages.length; i++) {
      if (i !== from) this.stages[i]!.event(event, this.stageEmits[i]!);
    }
  }

  /** The collection, `onEvent` and the sinks. */
  private readonly deliver = (event: TimelineEvent): void => {
    if (this.collect) this.events.push(event);
    this.onEvent?.(event);
    for (const sink of this.sinks) sink.event(event);
  };

  /** A frame was decoded: the held findings of undecodable leading frames are emitted, and no more are held. */
  private releaseUnsupported(): void {
    const held = this.heldUnsupported;
    if (held === undefined) return;
    this.heldUnsupported = undefined;
    for (const finding of held) this.emit(finding);
    const o = this.heldUnsupportedOverflow;
    if (o !== undefined) {
      this.emit(makeFinding('decode.unsupported-link', 'frame', o.first, o.time,
        `${o.count} more frames of a link type we do not decode`, { evidence: { firstFrame: o.first, lastFrame: o.last, count: o.count } }));
    }
  }

  /** Emits now, or after the TCP event of the segment being processed. */
  private emitFinding(event: TimelineEvent): void {
    if (this.inSegment) this.deferred.push(event);
    else this.emit(event);
  }

  private count(protocol: string): void {
    this.byProtocol[protocol] = (this.byProtocol[protocol] ?? 0) + 1;
  }

  private countHost(decoded: DecodedFrame, time: number): void {
    const ip = decoded.ip;
    const arp = decoded.arp;
    const src = ip?.src ?? arp?.senderIp;
    if (src === undefined) return;
    let host = this.hosts.get(src);
    if (host === undefined) {
      if (this.hosts.size >= this.maxHosts) return;
      host = { ip: src, frames: 0 };
      this.hosts.set(src, host);
    }
    host.frames++;
    const mac = arp?.senderMac ?? decoded.link?.srcMac;
    if (mac !== undefined && host.mac === undefined && mac !== '00:00:00:00:00:00') {
      host.mac = mac;
      const icmpType = decoded.icmpv6?.type;
      const links = this.linker.learn(src, mac, arp !== undefined ? undefined : ip?.ttl, decoded.frame, time,
        icmpType === ICMPV6_MLD_REPORT || icmpType === ICMPV6_MLD2_REPORT || (ip?.version === 4 && ip.protocol === IPPROTO_IGMP));
      if (links !== undefined) {
        for (const link of links) {
          this.machines.link(link);
          const linked = this.hosts.get(link.ip);
          if (linked !== undefined) linked.sameMachineAs = link.machine;
          for (const stage of this.machineStages) stage.machineLink!(link);
        }
      }
    }
  }

  /** A tunnelled frame: its tunnels counted for the summary, a finding for each header that broke its rules. */
  private onTunnelled(decoded: DecodedFrame, time: number): void {
    this.tunnels.add(decoded.tunnels);
    for (const t of decoded.tunnels) {
      if (t.kind !== 'vxlan' || t.malformed === undefined) continue;
      this.emitFinding(makeFinding('decode.bad-tunnel-header', 'frame', decoded.frame, time, `${t.kind}: ${t.malformed}`, {
        src: t.ip.src, dst: t.ip.dst, detail: { layer: t.kind, vni: t.vni, flags: t.flags },
      }));
    }
  }

  private onArp(decoded: DecodedFrame, time: number): void {
    const arp = decoded.arp!;
    const request = arp.opcode === 1;
    const reply = arp.opcode === 2;
    const event: ArpEvent = {
      kind: 'packet', frame: decoded.frame, time, layer: 'arp', type: request ? 'who-has' : reply ? 'is-at' : 'arp',
      src: arp.senderMac, dst: request ? (decoded.link?.dstMac ?? 'ff:ff:ff:ff:ff:ff') : arp.targetMac,
      summary: request
        ? (arp.senderIp === arp.targetIp ? `ARP Announcement for ${arp.senderIp}` : `Who has ${arp.targetIp}? Tell ${arp.senderIp}`)
        : reply ? `${arp.senderIp} is at ${arp.senderMac}` : `ARP opcode ${arp.opcode}`,
      opcode: arp.opcode, senderMac: arp.senderMac, senderIp: arp.senderIp, targetMac: arp.targetMac, targetIp: arp.targetIp,
    };
    if (decoded.tunnels.length > 0) event.tunnels = eventTunnels(decoded.tunnels);
    this.emit(event);
  }

  private onTcp(decoded: DecodedFrame, tcp: TcpSegment, time: number): void {
    const ip = decoded.ip!;
    const duplicateOf = this.duplicates.check(decoded, tcp, time);
    if (duplicateOf !== undefined) {
      this.summary.duplicatesAcrossInterfaces++;
      if (!this.lean) this.emit(this.duplicateEvent(decoded, tcp, time, duplicateOf));
      else if (this.packetStages.length > 0) this.toPacketStages(this.duplicateEvent(decoded, tcp, time, duplicateOf));
      return;
    }
    this.inSegment = true;
    let analysis: SegmentAnalysis;
    try {
      analysis = this.table.process(ip.src, ip.dst, tcp, decoded.frame, time);
    } finally {
      this.inSegment = false;
    }
    this.summary.countSegment(analysis);
    let event: TcpEvent | undefined;
    if (this.lean && this.packetStages.length > 0) event = this.stagePacketOf(decoded.frame, time, tcp, analysis);
    else if (this.lazyTcp && tcp.payloadLength > 0 && tcpType(tcp.flags, tcp.payloadLength) === 'DATA') {
      const labels = this.labelsOf(analysis);
      const lazy = new LazyTcpEvent(decoded.frame, time, 'DATA', labels[0], labels[1], analysis.connection.index,
        sharedFlagNames(tcp.flags), tcp.seq, tcp.ack, analysis.relSeq, analysis.relAck, tcp.payloadLength, analysis.window,
        tcp.window, tcp, analysis.keepAlive, analysis.lostSegment);
      if (analysis.retransmission) lazy.retransmission = true;
      if (analysis.outOfOrder) lazy.outOfOrder = true;
      if (analysis.duplicateAck) lazy.duplicateAck = true;
      if (analysis.badChecksum) lazy.badChecksum = true;
      if (tcp.payload.length < tcp.payloadLength) lazy.capturedLen = tcp.payload.length;
      const c = analysis.connection;
      if (analysis.handshakeCompleted && c.handshakeRttMs !== undefined) {
        lazy.handshakeRttMs = c.handshakeRttMs;
        lazy.handshakeFrames = [c.synFrame ?? decoded.frame, c.synAckFrame ?? decoded.frame];
      }
      if (decoded.tunnels.length > 0) lazy.tunnels = eventTunnels(decoded.tunnels);
      event = lazy;
    } else if (!this.lean) {
      const labels = this.labelsOf(analysis);
      event = {
        kind: 'packet', frame: decoded.frame, time, layer: 'tcp', type: tcpType(tcp.flags, tcp.payloadLength),
        src: labels[0], dst: labels[1], stream: analysis.connection.index, flags: flagNames(tcp.flags),
        seq: tcp.seq, ack: tcp.ack, relSeq: analysis.relSeq, relAck: analysis.relAck, len: tcp.payloadLength,
        window: analysis.window, windowValue: tcp.window, summary: '',
      };
      if (analysis.retransmission) event.retransmission = true;
      if (analysis.outOfOrder) event.outOfOrder = true;
      if (analysis.duplicateAck) event.duplicateAck = true;
      if (analysis.badChecksum) event.badChecksum = true;
      if (tcp.payload.length < tcp.payloadLength) event.capturedLen = tcp.payload.length;
      const c = analysis.connection;
      if (analysis.handshakeCompleted && c.handshakeRttMs !== undefined) {
        event.handshakeRttMs = c.handshakeRttMs;
        event.handshakeFrames = [c.synFrame ?? decoded.frame, c.synAckFrame ?? decoded.frame];
      }
      event.summary = describeTcp(event, tcp, analysis.keepAlive, analysis.lostSegment);
      if (decoded.tunnels.length > 0) event.tunnels = eventTunnels(decoded.tunnels);
    }
    this.flushDeferred(event);
  }

  /**
   * Summary-only path: the TCP packet the stages judge (AnalysisStage.packet), one object refilled per segment, with
   * every key always present (absent flags undefined): the stages read it during the call and keep none of it.
   */
  private stagePacketOf(frame: number, time: number, tcp: TcpSegment, analysis: SegmentAnalysis): TcpEvent {
    const p = this.stagePacket;
    const labels = this.labelsOf(analysis);
    const c = analysis.connection;
    p.frame = frame;
    p.time = time;
    p.type = tcpType(tcp.flags, tcp.payloadLength);
    p.src = labels[0];
    p.dst = labels[1];
    p.stream = c.index;
    p.flags = sharedFlagNames(tcp.flags);
    p.seq = tcp.seq;
    p.ack = tcp.ack;
    p.relSeq = analysis.relSeq;
    p.relAck = analysis.relAck;
    p.len = tcp.payloadLength;
    p.window = analysis.window;
    p.windowValue = tcp.window;
    p.retransmission = analysis.retransmission ? true : undefined;
    p.outOfOrder = analysis.outOfOrder ? true : undefined;
    p.duplicateAck = analysis.duplicateAck ? true : undefined;
    p.badChecksum = analysis.badChecksum ? true : undefined;
    p.capturedLen = tcp.payload.length < tcp.payloadLength ? tcp.payload.length : undefined;
    const handshake = analysis.handshakeCompleted && c.handshakeRttMs !== undefined;
    p.handshakeRttMs = handshake ? c.handshakeRttMs : undefined;
    p.handshakeFrames = handshake ? [c.synFrame ?? frame, c.synAckFrame ?? frame] : undefined;
    return p;
  }

  /**
   * [sender, receiver] labels of a segment (the same text as endpointLabel of its addresses and ports), made once per
   * connection: the same two strings for every segment of a connection.
   */
  private labelsOf(analysis: SegmentAnalysis): readonly [string, string] {
    const c = analysis.connection;
    let labels = this.connectionLabels.get(c);
    if (labels === undefined) {
      labels = { fromClient: [c.client.label, c.server.label], fromServer: [c.server.label, c.client.label] };
      this.connectionLabels.set(c, labels);
    }
    return analysis.fromClient ? labels.fromClient : labels.fromServer;
  }

  /** The second copy of a packet in an `-i any` capture: shown, not analysed again. */
  private duplicateEvent(decoded: DecodedFrame, tcp: TcpSegment, time: number, duplicateOf: number): TcpEvent {
    const ip = decoded.ip!;
    const flags = flagNames(tcp.flags);
    const event: TcpEvent = {
      kind: 'packet', frame: decoded.frame, time, layer: 'tcp', type: tcpType(tcp.flags, tcp.payloadLength),
      src: endpointLabel(ip.src, tcp.srcPort), dst: endpointLabel(ip.dst, tcp.dstPort), stream: -1, flags,
      seq: tcp.seq, ack: tcp.ack, relSeq: 0, relAck: 0, len: tcp.payloadLength, window: tcp.window, windowValue: tcp.window, duplicateOf,
      summary: `[same packet as #${duplicateOf}, seen on another interface] ${tcp.srcPort} → ${tcp.dstPort} [${flags.join(', ')}]`,
    };
    if (decoded.tunnels.length > 0) event.tunnels = eventTunnels(decoded.tunnels);
    return event;
  }

}

/** The summary's `tunnels` key, present only when frames were tunnelled (so other summaries keep their shape). */
function tunnelsPart(list: TunnelSummary[] | undefined): { tunnels?: TunnelSummary[] } {
  return list === undefined ? {} : { tunnels: list };
}

function findingCodeOf(code: string): FindingCode {
  return isFindingCode(code) ? code : 'decode.error';
}

/** The decoders' layers up to IP: an error above them (the TCP header of a first fragment) does not stop reassembly. */
const IP_LAYERS: ReadonlySet<string> = new Set(['link', 'ipv4', 'ipv6']);

/** tshark's short name of an IP protocol in "Fragmented IP protocol (proto=TCP 6, ...)". */
function ipProtocolLabel(protocol: number): string {
  return protocol === 6 ? 'TCP' : protocol === 17 ? 'UDP' : protocol === 1 ? 'ICMP' : protocol === 58 ? 'ICMPv6' : String(protocol);
}

function layerOf(layer: string): FindingEvent['layer'] {
  if (layer === 'tcp' || layer === 'udp') return 'tcp';
  if (layer === 'ipv4' || layer === 'ipv6' || layer === 'arp') return 'ip';
  return 'frame';
}

/** A connection's protocol for its ended event: 'other' when it was never decided (or never dissected). */
function protocolOrOther(protocol: ConnectionProtocol | undefined): Exclude<ConnectionProtocol, 'undecided'> {
  return protocol === undefined || protocol === 'undecided' ? 'other' : protocol;
}

/** A DNS message's event: tshark's Info line as summary, the header's fields and the answered addresses. */
function dnsEvent(frame: number, time: number, ip: IpPacket, udp: UdpDatagram, m: DnsMessage): DnsEvent {
  const addresses: string[] = [];
  for (const r of m.records) if (r.section === 'answer' && (r.type === 1 || r.type === 28) && r.data !== undefined) addresses.push(r.data);
  return {
    kind: 'packet', frame, time, layer: 'ip', type: 'dns',
    src: endpointLabel(ip.src, udp.srcPort), dst: endpointLabel(ip.dst, udp.dstPort), summary: dnsInfo(m),
    dns: {
      id: m.id, response: m.response, opcode: m.opcode, rcode: m.rcode, rcodeName: dnsRcodeName(m.rcode),
      questions: m.questions, answers: m.answers,
      ...(m.name !== undefined ? { name: m.name } : {}),
      ...(m.qtype !== undefined ? { qtype: m.qtype, qtypeName: dnsTypeName(m.qtype) } : {}),
      addresses, ...(m.malformed ? { malformed: true as const } : {}),
    },
  };
}
