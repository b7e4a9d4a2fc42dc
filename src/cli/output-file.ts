/**
 * Where a command's output goes (`-o FILE`, or standard output), written the way careful tools write files.
 *
 * Does: prepareOutput() checks the target before any analysis and refuses what cannot work (an empty name, a name
 * ending in "/", a directory, a missing directory, a block device or socket, the input capture itself) with an
 * OutputError. A regular file (or a new one) is written to a temporary file created exclusively (O_CREAT|O_EXCL|
 * O_NOFOLLOW, mode 0600) under an unpredictable name in the target's directory, given the target's mode (0600 when
 * secrets are shown; a new file: 0666 less the umask) and renamed over the target by commit(); a symbolic link given
 * as the target is followed to the file it names. A FIFO or character device (/dev/null, /dev/stdout, a pipe) is
 * written through, never replaced. "-" or no target: standard output. The temporary file is removed by abort(),
 * and on SIGINT/SIGTERM (then the process exits 130/143). Write errors (a full disk, EIO) are kept, not thrown:
 * commit() rejects with an OutputError naming the target and the cause, which the CLI reports with exit code 4.
 * Does not: format anything, or decide what is written.
 */
import { constants, createWriteStream, fchmodSync, fchownSync, fstatSync, lstatSync, openSync, realpathSync, renameSync, rmSync, statSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { escapeTerminal } from '../views/escape.js';

/** The output cannot be written: a bad target, a write error, a full disk. Exit code 4. */
export class OutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}

export const EXIT_WRITE_ERROR = 4;

export interface OutputOptions {
  /** The input captures ("-" for stdin): never overwritten. */
  inputs?: string[];
  /** Passwords are shown: the file is made 0600. */
  secrets?: boolean;
}

export interface Output {
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** True when the output goes to standard output. */
  toStdout: boolean;
  /** Flushes, checks for write errors and (for a file) renames the temporary file over the target. */
  commit(): Promise<void>;
  /** Drops the output: removes the temporary file. */
  abort(): void;
  /** Called once, at the first write error (the caller may stop working: nothing more can be written). */
  onError(listener: (error: OutputError) => void): void;
}

const WHY: Record<string, string> = {
  ENOSPC: 'no space left on the device (disk full)',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOENT: 'no such directory',
  ENOTDIR: 'a path component is not a directory',
  EISDIR: 'is a directory',
  EPIPE: 'the reader went away',
  ENXIO: 'no reader on the FIFO',
};

function why(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string') return WHY[code] !== undefined ? `${WHY[code]} (${code})` : code;
  return error instanceof Error ? error.message : String(error);
}

function fail(target: string, reason: string): OutputError {
  return new OutputError(`cannot write ${escapeTerminal(target)}: ${reason}`);
}

function statOrUndefined(file: string, follow: boolean): Stats | undefined {
  try {
    return follow ? statSync(file) : lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

interface ErrorWatch {
  error: () => unknown;
  onError: (listener: (error: OutputError) => void) => void;
}

/** Write errors of a stream, remembered (a stream without an 'error' listener would crash the process). */
function watchErrors(stream: NodeJS.WritableStream, target: string): ErrorWatch {
  let first: unknown;
  const listeners: ((error: OutputError) => void)[] = [];
  stream.on('error', (error: unknown) => {
    if (first !== undefined) return;
    first = error;
    if ((error as NodeJS.ErrnoException).code === 'EPIPE' && target === 'standard output') return;
    for (const listener of listeners) listener(fail(target, why(error)));
  });
  return { error: () => first, onError: (listener) => listeners.push(listener) };
}

/** Ends the stream and waits until it is closed (finished, or failed). */
function closed(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise<void>((resolve) => {
    stream.once('close', () => resolve());
    stream.end();
  });
}

/** Waits until everything written so far has been handed to the system, or the stream failed. */
function drained(stream: NodeJS.WritableStream): Promise<unknown> {
  return new Promise((resolve) => {
    try {
      stream.write('', (error?: Error | null) => resolve(error ?? undefined));
    } catch (error) {
      resolve(error);
    }
  });
}

/** Standard output, with write errors kept for commit(). */
export function stdoutOutput(): Output {
  const watch = watchErrors(process.stdout, 'standard output');
  return {
    stream: process.stdout,
    toStdout: true,
    onError: watch.onError,
    async commit() {
      const error = (await drained(process.stdout)) ?? watch.error();
      if (error !== undefined && (error as NodeJS.ErrnoException).code !== 'EPIPE') throw fail('standard output', why(error));
    },
    abort() {},
  };
}

/**
 * Checks the target and opens it (a temporary file next to it, or the special file itself). Throws OutputError for
 * a target that cannot be written, before any analysis runs.
 */
export function prepareOutput(target: string | undefined, options: OutputOptions = {}): Output {
  if (target === undefined || target === '-') return stdoutOutput();
  if (target === '') throw new OutputError('cannot write to an empty file name (-o "")');
  if (target.endsWith('/') || target.endsWith(`${path.sep}.`) || target === '.' || target === '..') {
    throw fail(target, 'names a directory, not a file');
  }
  let real: string;
  let existing: Stats | undefined;
  try {
    existing = statOrUndefined(target, true);
    // A symbolic link given as the target is followed (as /dev/stdout must be); a dangling one is refused.
    if (existing === undefined && statOrUndefined(target, false) !== undefined) throw fail(target, 'a symbolic link to nothing');
    real = existing !== undefined ? realpathSync(target) : path.join(realpathSync(path.dirname(path.resolve(target))), path.basename(target));
  } catch (error) {
    if (error instanceof OutputError) throw error;
    throw fail(target, why(error));
  }
  if (existing?.isDirectory() === true) throw fail(target, 'is a directory');
  if (existing?.isBlockDevice() === true || existing?.isSocket() === true) throw fail(target, 'a block device or socket; refused');
  for (const name of existing !== undefined ? options.inputs ?? [] : []) {
    const input = name === '-' ? undefined : statOrUndefined(name, true);
    if (input !== undefined && input.dev === existing!.dev && input.ino === existing!.ino) {
      throw fail(target, 'it is the input capture; refused (it would be overwritten)');
    }
  }
  if (existing?.isFIFO() === true || existing?.isCharacterDevice() === true) return writeThrough(target, real);
  return viaTemporaryFile(target, real, existing, options.secrets === true);
}

/** A FIFO or character device: opened and written as it is (no temporary file, nothing renamed). */
function writeThrough(target: string, real: string): Output {
  let fd: number;
  try {
    fd = openSync(real, constants.O_WRONLY | constants.O_APPEND);
  } catch (error) {
    throw fail(target, why(error));
  }
  const stream = createWriteStream('', { fd });
  const watch = watchErrors(stream, target);
  return {
    stream,
    toStdout: false,
    onError: watch.onError,
    async commit() {
      const error = (await drained(stream)) ?? watch.error();
      await closed(stream);
      const late = error ?? watch.error();
      if (late !== undefined) throw fail(target, why(late));
    },
    abort() {
      stream.destroy();
    },
  };
}

const cleanups = new Set<() => void>();
let handlersInstalled = false;

/** On SIGINT/SIGTERM: remove every temporary file still open, then exit as the signal would (130/143). */
function installSignalHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      for (const cleanup of cleanups) cleanup();
      cleanups.clear();
      process.exit(code);
    });
  }
}

/** node:crypto, loaded only for `-o FILE` (about 5 ms at start-up: every command imports this module). */
const loadCrypto = (): typeof import('node:crypto') => createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');

function viaTemporaryFile(target: string, real: string, existing: Stats | undefined, secrets: boolean): Output {
  const { randomBytes } = loadCrypto();
  const dir = path.dirname(real);
  const base = path.basename(real);
  let temporary = '';
  let fd = -1;
  for (let attempt = 0; fd < 0; attempt++) {
    temporary = path.join(dir, `.${base.slice(0, 200)}.${randomBytes(9).toString('base64url')}.tmp`);
    try {
      fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && attempt < 5) continue;
      throw fail(target, why(error));
    }
  }
  // The final mode, given just before the rename (the temporary file stays 0600 while it is written): the existing
  // file's, 0600 when secrets are shown, or 0666 less the umask for a new file.
  const mode = secrets ? 0o600 : existing !== undefined ? existing.mode & 0o7777 : 0o666 & ~process.umask();
  const finalMode = (): void => {
    fchmodSync(fd, mode);
    const own = fstatSync(fd);
    if (existing !== undefined && (existing.uid !== own.uid || existing.gid !== own.gid)) {
      try {
        fchownSync(fd, existing.uid, existing.gid);
      } catch {
        // Only root may give a file away: the file then belongs to whoever ran the command.
      }
    }
  };
  installSignalHandlers();
  const remove = (): void => {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Nothing more can be done.
    }
  };
  cleanups.add(remove);
  const stream = createWriteStream('', { fd });
  const watch = watchErrors(stream, target);
  let settled = false;
  return {
    stream,
    toStdout: false,
    onError: watch.onError,
    async commit() {
      if (settled) return;
      settled = true;
      let error = (await drained(stream)) ?? watch.error();
      if (error === undefined) {
        try {
          finalMode();
        } catch (modeError) {
          error = modeError;
        }
      }
      await closed(stream);
      const late = error ?? watch.error();
      if (late !== undefined) {
        remove();
        cleanups.delete(remove);
        throw fail(target, why(late));
      }
      try {
        renameSync(temporary, real);
      } catch (renameError) {
        remove();
        throw fail(target, why(renameError));
      } finally {
        cleanups.delete(remove);
      }
    },
    abort() {
      if (settled) return;
      settled = true;
      stream.destroy();
      remove();
      cleanups.delete(remove);
    },
  };
}

/** Writes `text` as a whole file (or to standard output for "-"/undefined) the careful way; OutputError on failure. */
export async function writeWholeFile(target: string | undefined, text: string, options: OutputOptions = {}): Promise<void> {
  const output = prepareOutput(target, options);
  try {
    output.stream.write(text);
    await output.commit();
  } finally {
    output.abort();
  }
}
