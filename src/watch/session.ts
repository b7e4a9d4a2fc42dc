/**
 * One run of the live view: opens the input (a capture process on an interface, standard input, or a file read as
 * fast as possible or at its own pace), streams it through the analysis into the WatchAggregator, and shows the
 * windows: a redrawn screen, or one line / JSON object per interval. Stops on end of input, on `q`/Ctrl-C, or on
 * SIGINT/SIGTERM/SIGHUP, and resolves with the analysis' final summary (the caller prints it).
 * Does not: parse command lines, print the summary, or choose exit codes (src/cli/watch-command.ts does).
 */
import { performance } from 'node:perf_hooks';
import type tty from 'node:tty';
import { CaptureError } from '../capture/types.js';
import { DiagnosisStage } from '../diagnosis/stage.js';
import type { FindingEvent, TimelineEvent } from '../model/events.js';
import type { AnalysisSummary } from '../model/summary.js';
import { startAnalysis, type AnalysisRun, type AnalyzeOptions } from '../pipeline/analyze.js';
import { WatchAggregator, factsOf } from './aggregate.js';
import { CaptureProcess, type CaptureTool } from './capture-process.js';
import { formatLine, formatNdjson, linesHeader } from './render-lines.js';
import { CLIENT_SORTS, PANELS, TOPIC_SORTS, panelRows, renderScreen, type ScreenState } from './render-screen.js';
import type { IntervalRow, WatchSnapshot } from './snapshot.js';
import { sortClients, sortTopics } from './sort.js';
import { Terminal, type Key } from './terminal.js';

export type WatchInput =
  | { kind: 'interface'; name: string; tool?: CaptureTool }
  | { kind: 'stdin' }
  | { kind: 'file'; path: string };

export const WATCH_FORMATS = ['screen', 'lines', 'ndjson'] as const;
export type WatchFormat = (typeof WATCH_FORMATS)[number];

export interface WatchOptions {
  input: WatchInput;
  /** What to dissect and the memory bounds (onEvent, collect and summaryOnly are the live view's own). */
  analysis?: Omit<AnalyzeOptions, 'onEvent' | 'collect' | 'summaryOnly' | 'afterChunk' | 'signal' | 'stages'>;
  intervalSeconds?: number;
  /** Intervals the rates cover (default 10). */
  windowIntervals?: number;
  format: WatchFormat;
  /** A file at its own pace (timestamps), instead of as fast as possible. */
  replay?: boolean;
  /** Replay speed factor (default 1). */
  speed?: number;
  color?: boolean;
  /** Where the screen or the lines go (default process.stdout). */
  output?: NodeJS.WritableStream;
}

export interface WatchResult {
  summary: AnalysisSummary;
  /** The diagnoses (`diag.*` findings) of everything seen, made when the input ended (src/diagnosis). */
  diagnoses: FindingEvent[];
  /** Why the run stopped. */
  stoppedBy: 'end-of-input' | 'quit' | 'signal';
  /** A capture process that failed after it had started (its one-line reason). */
  captureFailure?: string;
}

/** Runs the live view until the input ends or the user quits; rejects with CaptureError or CaptureProcessError. */
export async function runWatch(options: WatchOptions): Promise<WatchResult> {
  const output = options.output ?? process.stdout;
  const intervalSeconds = options.intervalSeconds ?? 1;
  const intervalMs = intervalSeconds * 1000;
  const format = options.format;
  const input = options.input;
  const live = input.kind !== 'file';
  const replay = options.replay === true && input.kind === 'file';
  const speed = options.speed ?? 1;

  const write = (text: string): void => {
    output.write(text);
  };
  let headerDone = false;
  const onInterval = format === 'screen' ? undefined : (row: IntervalRow): void => {
    const stamped = live || replay ? { ...row, at: new Date().toISOString() } : row;
    if (format === 'ndjson') {
      write(`${formatNdjson(stamped)}\n`);
    } else {
      if (!headerDone) write(`${linesHeader()}\n`);
      headerDone = true;
      write(`${formatLine(stamped)}\n`);
    }
  };
  // The analysis' own figures (totals, open connections, connected clients) come from its snapshot.
  let run: AnalysisRun | undefined;
  const aggregator = new WatchAggregator({
    intervalSeconds, ...(options.windowIntervals !== undefined ? { windowIntervals: options.windowIntervals } : {}),
    ...(onInterval !== undefined ? { onInterval } : {}),
    facts: () => factsOf(run !== undefined ? run.snapshot() : emptySummary),
  });

  // ---- the clock: capture time of "now", for live input and replays (a fast file moves it by its events alone).
  let liveOffset: number | undefined;
  let replayStartWall: number | undefined;
  let replayFirstTime = 0;
  const wallSeconds = (): number => performance.now() / 1000;
  const captureNow = (): number | undefined => {
    if (replay) return replayStartWall === undefined ? undefined : replayFirstTime + (performance.now() - replayStartWall) / 1000 * speed;
    if (live) return liveOffset === undefined ? undefined : wallSeconds() - liveOffset;
    return undefined;
  };

  // ---- replay: events of one chunk are queued and let through at their own pace (reading waits meanwhile).
  const queue: TimelineEvent[] = [];
  let stopped = false;
  let wake: (() => void) | undefined;
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => {
    const timer = setTimeout(() => { wake = undefined; resolve(); }, ms);
    wake = () => { clearTimeout(timer); wake = undefined; resolve(); };
  });
  const drain = async (): Promise<void> => {
    let i = 0;
    while (i < queue.length && !stopped) {
      const e = queue[i]!;
      if (replayStartWall === undefined) {
        replayStartWall = performance.now();
        replayFirstTime = e.time;
      }
      const wait = replayStartWall + (e.time - replayFirstTime) / speed * 1000 - performance.now();
      if (wait > 0) {
        await sleep(Math.min(wait, intervalMs));
        continue;
      }
      aggregator.add(e);
      i++;
    }
    queue.length = 0;
  };

  // The diagnosis is a stage of the analysis: asked for its diagnoses so far at every tick (shown as they appear);
  // its final ones come through the analysis at the end like any finding.
  const diagnosis = new DiagnosisStage();
  const diagnoses: FindingEvent[] = [];
  const onEvent = (e: TimelineEvent): void => {
    if (e.kind === 'finding' && e.code.startsWith('diag.')) diagnoses.push(e);
    if (replay) {
      queue.push(e);
      return;
    }
    if (live && liveOffset === undefined) liveOffset = wallSeconds() - e.time;
    aggregator.add(e);
  };

  // ---- the screen
  const terminal = format === 'screen' ? new Terminal(output as tty.WriteStream) : undefined;
  const source = input.kind === 'interface' ? input.name : input.kind === 'stdin' ? 'stdin' : input.path;
  const state: Omit<ScreenState, 'width' | 'height'> = {
    panel: 'topics', topicSort: 'messages', clientSort: 'messages', paused: false, source: `${source}${replay ? ' (replay)' : ''}`,
    color: options.color ?? false,
  };
  let frozen: WatchSnapshot | undefined;
  const draw = (): void => {
    if (terminal === undefined) return;
    const height = terminal.height;
    let snapshot: WatchSnapshot;
    if (state.paused && frozen !== undefined) {
      snapshot = { ...frozen, topics: [...frozen.topics], clients: [...frozen.clients] };
      sortTopics(snapshot.topics, state.topicSort);
      sortClients(snapshot.clients, state.clientSort);
    } else {
      snapshot = aggregator.snapshot({ topicSort: state.topicSort, clientSort: state.clientSort, topics: panelRows(height), clients: panelRows(height) });
    }
    terminal.draw(renderScreen(snapshot, { ...state, width: terminal.width, height }));
  };

  // ---- input
  let capture: CaptureProcess | undefined;
  let source$: string | NodeJS.ReadableStream;
  if (input.kind === 'interface') {
    capture = await CaptureProcess.start(input.name, options.analysis?.ports ?? [], input.tool);
    source$ = capture.stdout;
    if (format !== 'screen') process.stderr.write(`mqtt-pcap: capturing on ${input.name} with ${capture.tool} (${capture.filter})\n`);
  } else {
    source$ = input.kind === 'stdin' ? '-' : input.path;
  }
  let stoppedBy: WatchResult['stoppedBy'] = 'end-of-input';
  const stop = (why: 'quit' | 'signal'): void => {
    if (stopped) return;
    stopped = true;
    stoppedBy = why;
    wake?.();
    // A capture process is stopped and its output read to the end; other input is abandoned where it is.
    if (capture !== undefined) void capture.stop();
    else run?.stop();
  };
  const onKey = (key: Key): void => {
    switch (key) {
      case 'quit': stop('quit'); return;
      case 'pause':
        state.paused = !state.paused;
        frozen = state.paused ? aggregator.snapshot({ topicSort: state.topicSort, clientSort: state.clientSort }) : undefined;
        break;
      case 'sort':
        if (state.panel === 'topics') state.topicSort = next(TOPIC_SORTS, state.topicSort);
        else if (state.panel === 'clients') state.clientSort = next(CLIENT_SORTS, state.clientSort);
        break;
      case 'panel': state.panel = next(PANELS, state.panel); break;
      case 'redraw': break;
    }
    draw();
  };
  const onSignal = (): void => {
    if (stopped) process.exit(130);
    stop('signal');
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  const killCapture = (): void => {
    if (capture !== undefined) void capture.stop();
  };
  process.on('exit', killCapture);

  if (terminal !== undefined) {
    terminal.enter();
    terminal.readKeys(onKey);
    terminal.onResize(draw);
    draw();
  }
  const timer = setInterval(() => {
    const now = captureNow();
    if (now !== undefined) aggregator.advance(now);
    if (run !== undefined) aggregator.showDiagnoses(diagnosis.judgeSoFar(run.snapshot()));
    if (!state.paused) draw();
  }, intervalMs);

  run = startAnalysis(source$, {
    // Hours of traffic: the final summary lists the first 200 ended connections and sessions, and counts the rest.
    maxListed: WATCH_MAX_LISTED, idleConnectionSeconds: WATCH_IDLE_CONNECTION_SECONDS, ...options.analysis, onEvent, collect: false, stages: [diagnosis],
    ...(replay ? { afterChunk: () => drain() } : {}),
  });
  let summary: AnalysisSummary;
  try {
    try {
      summary = (await run.result).summary;
    } catch (error) {
      if (!(error instanceof CaptureError && error.code === 'capture.empty' && capture !== undefined)) throw error;
      // Stopped before the capture process wrote anything.
      const failure = await capture.result();
      if (failure !== undefined) throw new CaptureError('capture.process', failure);
      summary = run.snapshot();
    }
    // The events of the end (connections and sessions settled, the diagnoses) are shown too.
    if (replay) for (const e of queue.splice(0)) aggregator.add(e);
    aggregator.flush();
    if (!state.paused) draw();
  } finally {
    clearInterval(timer);
    stopped = true;
    wake?.();
    for (const s of signals) process.removeListener(s, onSignal);
    terminal?.restore();
    if (capture !== undefined) await capture.stop();
    process.removeListener('exit', killCapture);
    if (input.kind === 'stdin') process.stdin.destroy();
  }
  const failure = await capture?.result();
  return { summary, diagnoses, stoppedBy, ...(failure !== undefined ? { captureFailure: failure } : {}) };
}

/** Ended connections and sessions the final summary of a live view lists (the rest are counted). */
export const WATCH_MAX_LISTED = 200;
/** A connection silent this long (capture seconds) is ended: peers that vanish without a FIN hold nothing for days. */
export const WATCH_IDLE_CONNECTION_SECONDS = 600;

function next<T>(values: readonly T[], current: T): T {
  return values[(values.indexOf(current) + 1) % values.length]!;
}

/** The figures before the analysis has started. */
const emptySummary: AnalysisSummary = {
  capture: { format: 'pcap', gzip: false, bytes: 0, linkTypes: [], durationSeconds: 0 },
  frames: { read: 0, decoded: 0, undecodable: 0, skipped: {}, byProtocol: {} },
  hosts: [],
  tcp: { connections: 0, listed: [], retransmissions: 0, outOfOrder: 0, duplicateAcks: 0, lostSegments: 0, duplicatesAcrossInterfaces: 0 },
  mqtt: { messages: 0, byType: {}, sessions: [], topics: [], latency: {}, forwarded: 0 },
  findings: { total: 0, byCode: {}, bySeverity: {} },
};
