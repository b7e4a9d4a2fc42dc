/**
 * `watch -i IFACE`: a real capture process (tcpdump, or dumpcap when tcpdump is missing) on one interface, filtered
 * to the MQTT ports, writing pcap to its standard output packet by packet (`-U -w -`), which the live view reads as
 * it comes. Stopped with SIGTERM (the tool flushes and exits, so the capture ends on a record boundary). When the
 * tool is missing or may not capture, the failure is one line that says how to fix it.
 * Does not: parse the capture (the pipeline does) or pick the interface.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';

export type CaptureTool = 'tcpdump' | 'dumpcap';

/** The capture could not be started or stopped with an error: one line for stderr (exit code 2). */
export class CaptureProcessError extends Error {}

/** BPF filter for the MQTT ports: 1883, 8883 and the extra ones. */
export function portFilter(ports: readonly number[]): string {
  const all = [...new Set([1883, 8883, ...ports])].sort((a, b) => a - b);
  return all.map((p) => `tcp port ${p}`).join(' or ');
}

export function captureArgs(tool: CaptureTool, iface: string, filter: string): string[] {
  return tool === 'tcpdump'
    ? ['-i', iface, '-n', '-s', '0', '-U', '--immediate-mode', '-w', '-', filter]
    : ['-i', iface, '-f', filter, '-s', '0', '-P', '-q', '-w', '-'];
}

export class CaptureProcess {
  readonly stdout: Readable;
  private readonly child: ChildProcess;
  private stderr = '';
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private stopping = false;

  private constructor(readonly tool: CaptureTool, readonly iface: string, readonly filter: string, child: ChildProcess) {
    this.child = child;
    this.stdout = child.stdout!;
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      // Only the end matters (the reason of a failure); the start says "listening on ...".
      this.stderr = (this.stderr + text).slice(-4096);
    });
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /**
   * Starts the tool (tcpdump first, dumpcap when tcpdump is not installed, or the one named) and waits until it
   * captures or fails. Rejects with CaptureProcessError.
   */
  static async start(iface: string, ports: readonly number[], tool?: CaptureTool): Promise<CaptureProcess> {
    const tools: CaptureTool[] = tool !== undefined ? [tool] : ['tcpdump', 'dumpcap'];
    const filter = portFilter(ports);
    for (const name of tools) {
      const child = spawn(name, captureArgs(name, iface, filter), { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      const started = await new Promise<'spawned' | 'missing'>((resolve, reject) => {
        child.once('spawn', () => resolve('spawned'));
        child.once('error', (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') resolve('missing');
          else reject(new CaptureProcessError(`cannot start ${name}: ${error.message}`));
        });
      });
      if (started === 'missing') continue;
      const capture = new CaptureProcess(name, iface, filter, child);
      await capture.ready();
      return capture;
    }
    throw new CaptureProcessError(tool !== undefined
      ? `${tool} not found: install it (${tool === 'tcpdump' ? 'apt-get install tcpdump' : 'apt-get install wireshark-common'}) or read a capture from a file or from standard input`
      : 'neither tcpdump nor dumpcap is installed: apt-get install tcpdump (or wireshark-common for dumpcap), or read a capture from a file or from standard input');
  }

  /** Resolves once the tool reports that it listens (or after a short while); rejects when it exits first. */
  private async ready(): Promise<void> {
    const listening = new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (/listening on|Capturing on/i.test(this.stderr)) {
          clearInterval(poll);
          resolve();
        }
      }, 20);
      setTimeout(() => {
        clearInterval(poll);
        resolve();
      }, 3000).unref();
    });
    const failed = this.exited.then(({ code, signal }) => {
      throw new CaptureProcessError(this.failure(code, signal));
    });
    failed.catch(() => undefined);
    await Promise.race([listening, failed]);
  }

  /** Why the tool stopped, with what to do about it; undefined when it was stopped by us or ended cleanly. */
  async result(): Promise<string | undefined> {
    const { code, signal } = await this.exited;
    if (this.stopping || code === 0) return undefined;
    return this.failure(code, signal);
  }

  private failure(code: number | null, signal: NodeJS.Signals | null): string {
    const said = this.stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^listening on/i.test(l) && !/^\(.*\)$/.test(l)).pop() ?? '';
    const how = code !== null ? `exit status ${code}` : `signal ${signal ?? '?'}`;
    let fix = '';
    if (/permission|not permitted|privilege/i.test(said)) {
      fix = `; capturing needs root or the capture capability (sudo setcap cap_net_raw,cap_net_admin=eip "$(command -v ${this.tool})")`;
    } else if (/no such device|doesn't exist|not exist|no suitable device|unknown interface/i.test(said)) {
      fix = '; list the interfaces with "ip link" (an interface inside a network namespace needs "ip netns exec NS")';
    }
    return `cannot capture on ${this.iface} with ${this.tool} (${how})${said !== '' ? `: ${said}` : ''}${fix}`;
  }

  /** Stops the capture (SIGTERM to its process group); resolves when it has exited. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.stopping = true;
    try {
      process.kill(-this.child.pid!, 'SIGTERM');
    } catch {
      this.child.kill('SIGTERM');
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(timer);
  }
}
