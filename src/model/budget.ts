/**
 * The memory budget (issue #15): one byte count that every growing state of the analysis charges before it grows
 * (pcapng interfaces, the key logs of pcapng decryption secrets blocks, IP fragments awaiting reassembly,
 * connections, the MQTT framer's carry, out-of-order segments held by reassembly, pending requests), and releases when it shrinks. Fixed-size tables (the fan-out tracer's 20 000 publishes, the summary's
 * 10 000 hosts and topics) are bounded by their own caps and not charged. When a charge would pass the limit it is refused: the state
 * drops what it was about to keep (each state says what), and the first refusal of each state is reported once
 * through `onExceeded` (the pipeline makes it a `budget.exceeded` finding). Estimates, not a heap measurement: each
 * state charges what it knows it holds, so the budget is reached well before the process runs out of memory.
 * It does not allocate, measure the heap or decide what is dropped.
 */

/** The states that charge the budget (the names the `budget.exceeded` finding gives). */
export type BudgetState = 'interfaces' | 'key-log' | 'ip-fragments' | 'connections' | 'framer-carry' | 'reassembly' | 'pending-requests';

export const BUDGET_STATES: readonly BudgetState[] = ['interfaces', 'key-log', 'ip-fragments', 'connections', 'framer-carry', 'reassembly', 'pending-requests'];

/** What each state drops when the budget refuses it (the finding's words). */
export const BUDGET_DROPS: Readonly<Record<BudgetState, string>> = {
  interfaces: 'later pcapng interface blocks and their packets are skipped',
  'key-log': 'the TLS key log of later pcapng decryption secrets blocks is not used',
  'ip-fragments': 'an IP datagram whose fragment does not fit is given up (ip.fragment-incomplete)',
  connections: 'new TCP connections are counted but their payload is not dissected',
  'framer-carry': 'an MQTT packet being reassembled keeps its head, the rest is skipped',
  reassembly: 'out-of-order segments are not held: the hole before them is declared lost',
  'pending-requests': 'new requests are not tracked for their response',
};

/**
 * Default budget: 1 GiB, which fits next to Node's own heap overhead on a 2-core machine with a few GB of memory,
 * and holds the default connection table (100 000 connections) with room for buffers.
 */
export const DEFAULT_MEMORY_BUDGET = 1024 * 1024 * 1024;

export class MemoryBudget {
  private usedBytes = 0;
  private peakBytes = 0;
  private readonly byState: Record<BudgetState, number> = zeroes();
  private readonly refusedByState: Record<BudgetState, number> = zeroes();
  /** Called on the first refusal of each state (later ones are counted: `refusals`). */
  onExceeded: ((what: BudgetState, bytes: number) => void) | undefined;

  constructor(readonly limit: number = DEFAULT_MEMORY_BUDGET) {}

  /** Charges `bytes` to `what` and returns true, or returns false (charging nothing) when the limit would be passed. */
  tryCharge(bytes: number, what: BudgetState): boolean {
    if (bytes <= 0) return true;
    if (this.usedBytes + bytes > this.limit) {
      if (this.refusedByState[what]++ === 0) this.onExceeded?.(what, bytes);
      return false;
    }
    this.usedBytes += bytes;
    this.byState[what] += bytes;
    if (this.usedBytes > this.peakBytes) this.peakBytes = this.usedBytes;
    return true;
  }

  /** Gives back bytes charged earlier to `what`. */
  release(bytes: number, what: BudgetState): void {
    if (bytes <= 0) return;
    this.usedBytes -= bytes;
    this.byState[what] -= bytes;
  }

  get used(): number {
    return this.usedBytes;
  }

  get peak(): number {
    return this.peakBytes;
  }

  get available(): number {
    return Math.max(0, this.limit - this.usedBytes);
  }

  usedBy(what: BudgetState): number {
    return this.byState[what];
  }

  /** How many charges of `what` were refused. */
  refusals(what: BudgetState): number {
    return this.refusedByState[what];
  }
}

function zeroes(): Record<BudgetState, number> {
  return { interfaces: 0, 'key-log': 0, 'ip-fragments': 0, connections: 0, 'framer-carry': 0, reassembly: 0, 'pending-requests': 0 };
}

/** Human words for a byte count: "1 GiB", "512 MiB", "300 KiB". */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} B`;
}
