/**
 * NSS key log files (SSLKEYLOGFILE format, as written by browsers, curl, Node's `keylog` event, Python's
 * `keylog_filename` and OpenSSL's keylog callback): one `LABEL <client random hex> <secret hex>` per line, `#`
 * comments. Parses the text into a lookup by label and client random. The secrets stay inside this object: it has
 * no accessor that lists them, and it prints (toJSON, util.inspect, String) as counts only, so an event, a log line
 * or an output can never carry key material by accident. It does not read the environment (see loadKeyLog's caller).
 */
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';

/** The labels this project uses; others (EXPORTER_SECRET...) are counted and ignored. */
export type KeyLogLabel =
  | 'CLIENT_RANDOM'
  | 'CLIENT_EARLY_TRAFFIC_SECRET'
  | 'CLIENT_HANDSHAKE_TRAFFIC_SECRET'
  | 'SERVER_HANDSHAKE_TRAFFIC_SECRET'
  | 'CLIENT_TRAFFIC_SECRET_0'
  | 'SERVER_TRAFFIC_SECRET_0';

const LABELS: ReadonlySet<string> = new Set<KeyLogLabel>([
  'CLIENT_RANDOM', 'CLIENT_EARLY_TRAFFIC_SECRET', 'CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET',
  'CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0',
]);

const HEX = /^[0-9a-fA-F]+$/;

export class KeyLog {
  /** label → client random (lower-case hex) → secret. */
  readonly #secrets = new Map<string, Map<string, Buffer>>();
  readonly #randoms = new Set<string>();
  #malformed = 0;

  private constructor(text: string) {
    this.add(text);
  }

  static parse(text: string): KeyLog {
    return new KeyLog(text);
  }

  /**
   * A new key log holding this one's secrets and those of `text` (e.g. a capture's Decryption Secrets Block merged with
   * a --keylog file); this one is not changed.
   */
  merged(text: string): KeyLog {
    const log = new KeyLog('');
    for (const [label, byRandom] of this.#secrets) log.#secrets.set(label, new Map(byRandom));
    for (const random of this.#randoms) log.#randoms.add(random);
    log.#malformed = this.#malformed;
    log.add(text);
    return log;
  }

  /**
   * Adds the entries of `text` (NSS key log lines) to this key log; a later secret for the same label and client random
   * replaces the earlier one. Returns the number of client randoms that had no secret before.
   */
  add(text: string): number {
    const before = this.#randoms.size;
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const [label, random, secret, extra] = line.split(/\s+/);
      if (label === undefined || random === undefined || secret === undefined || extra !== undefined
        || random.length !== 64 || !HEX.test(random) || secret.length % 2 !== 0 || secret.length < 32 || !HEX.test(secret)) {
        this.#malformed++;
        continue;
      }
      if (!LABELS.has(label)) continue;
      let byRandom = this.#secrets.get(label);
      if (byRandom === undefined) this.#secrets.set(label, byRandom = new Map());
      const key = random.toLowerCase();
      byRandom.set(key, Buffer.from(secret, 'hex'));
      this.#randoms.add(key);
    }
    return this.#randoms.size - before;
  }

  /** Lines that were neither comments, blank, nor a well-formed entry. */
  get malformedLines(): number {
    return this.#malformed;
  }

  /** Number of client randoms with at least one secret. */
  get sessions(): number {
    return this.#randoms.size;
  }

  /** True when the log has any secret for this client random (32 bytes). */
  has(clientRandom: Buffer): boolean {
    return this.#randoms.has(clientRandom.toString('hex'));
  }

  /** The secret logged under `label` for this client random, if any. */
  secret(label: KeyLogLabel, clientRandom: Buffer): Buffer | undefined {
    return this.#secrets.get(label)?.get(clientRandom.toString('hex'));
  }

  toJSON(): { sessions: number } {
    return { sessions: this.sessions };
  }

  toString(): string {
    return `KeyLog(${this.sessions} sessions)`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** Reads and parses a key log file; throws (with the path, never the contents) when it cannot be read. */
export function loadKeyLog(path: string): KeyLog {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch (error) {
    throw new Error(`cannot read key log ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return KeyLog.parse(text);
}
