/**
 * A progress line on stderr for long runs: bytes read of the file size, frames, MQTT messages and rate, redrawn in
 * place at most five times a second, shown only after the first second, erased at the end. The CLI turns it on when
 * stderr is a terminal and CI is not set, or with --progress. Formatting and timing only.
 */

export interface ProgressSample {
  frames: number;
  bytes: number;
  mqttMessages: number;
}

function human(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

export class ProgressLine {
  private readonly started = Date.now();
  private lastDraw = 0;
  private drawn = false;

  constructor(private readonly stream: NodeJS.WritableStream, private readonly totalBytes: number | undefined) {}

  update(sample: ProgressSample): void {
    const now = Date.now();
    if (now - this.started < 1000 || now - this.lastDraw < 200) return;
    this.lastDraw = now;
    const seconds = (now - this.started) / 1000;
    const rate = sample.bytes / seconds;
    let bar = '';
    if (this.totalBytes !== undefined && this.totalBytes > 0) {
      const fraction = Math.min(1, sample.bytes / this.totalBytes);
      const width = 20;
      const filled = Math.round(fraction * width);
      bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${human(sample.bytes)}B/${human(this.totalBytes)}B  `;
    } else {
      bar = `${human(sample.bytes)}B  `;
    }
    this.stream.write(`\r${bar}${human(sample.frames)} frames  ${human(sample.mqttMessages)} MQTT  ${human(rate)}B/s \u001b[K`);
    this.drawn = true;
  }

  end(): void {
    if (this.drawn) this.stream.write('\r\u001b[K');
  }
}
