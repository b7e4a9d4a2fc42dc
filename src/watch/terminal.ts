/**
 * The terminal side of the live view: the alternate screen with the cursor hidden, whole-screen redraws without
 * flicker, keys read from the terminal itself (/dev/tty, as `less` does, so that a capture can arrive on standard
 * input), resize notifications, and the terminal restored on every way out (quit, end of input, error, signal, exit).
 * Does not: decide what is drawn.
 */
import { openSync, writeSync } from 'node:fs';
import tty from 'node:tty';

export type Key = 'quit' | 'pause' | 'sort' | 'panel' | 'redraw';

const ENTER = '\u001b[?1049h\u001b[?25l\u001b[H\u001b[2J';
const LEAVE = '\u001b[0m\u001b[?25h\u001b[?1049l';

export class Terminal {
  private keysInput: tty.ReadStream | undefined;
  private restored = false;
  private readonly onExit = (): void => this.restore();

  constructor(private readonly output: tty.WriteStream, private readonly fd = 1) {}

  get width(): number {
    return this.output.columns ?? 80;
  }

  get height(): number {
    return this.output.rows ?? 24;
  }

  /** Switches to the alternate screen; from now on the terminal is restored whatever happens. */
  enter(): void {
    process.on('exit', this.onExit);
    this.output.write(ENTER);
  }

  /** Draws a whole screen: each line over the old one, the rest of the screen cleared. */
  draw(lines: readonly string[]): void {
    if (this.restored) return;
    this.output.write(`\u001b[H${lines.map((l) => `${l}\u001b[K`).join('\r\n')}\u001b[J`);
  }

  /** Calls back on every resize (SIGWINCH). */
  onResize(callback: () => void): void {
    this.output.on('resize', callback);
  }

  /**
   * Reads keys from the controlling terminal (raw mode): q or Ctrl-C quit, p pause, s sort, tab panel, Ctrl-L
   * redraw. Returns false when there is no terminal to read keys from.
   */
  readKeys(callback: (key: Key) => void): boolean {
    let input: tty.ReadStream;
    try {
      input = new tty.ReadStream(openSync('/dev/tty', 'r'));
    } catch {
      return false;
    }
    this.keysInput = input;
    input.setRawMode(true);
    input.setEncoding('utf8');
    input.on('data', (text: string) => {
      for (const ch of text) {
        const key: Key | undefined = ch === 'q' || ch === 'Q' || ch === '\u0003' ? 'quit'
          : ch === 'p' || ch === 'P' || ch === ' ' ? 'pause'
            : ch === 's' || ch === 'S' ? 'sort'
              : ch === '\t' ? 'panel'
                : ch === '\u000c' ? 'redraw' : undefined;
        if (key !== undefined) callback(key);
      }
    });
    return true;
  }

  /** Leaves the alternate screen, shows the cursor, gives the keyboard back. Safe to call more than once. */
  restore(): void {
    if (this.restored) return;
    this.restored = true;
    process.removeListener('exit', this.onExit);
    if (this.keysInput !== undefined) {
      try {
        this.keysInput.setRawMode(false);
      } catch {
        // the terminal is gone
      }
      this.keysInput.destroy();
    }
    // Synchronous, so that it is written even from an 'exit' handler.
    try {
      writeSync(this.fd, LEAVE);
    } catch {
      this.output.write(LEAVE);
    }
  }
}
