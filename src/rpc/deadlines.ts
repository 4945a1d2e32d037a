/**
 * Deadlines of many outstanding calls on ONE timer. A timer per call costs a
 * Timeout object, a timer-list insertion and a removal for every call; here
 * a call only records its deadline. The timer is armed for the earliest
 * deadline and, when it fires, sweeps the calls still pending: with the
 * usual single timeout value later calls never re-arm it, so a sequential
 * client touches the timer about once per timeout period, not per call.
 *
 * The timer is unref'd: a pending call does not by itself keep the process
 * alive (its socket does while it is connected or reconnecting).
 *
 * @module
 */

/** Something with a deadline (ms on the `performance.now()` clock). */
export interface Expiring {
  /** When it expires; Infinity for never. */
  readonly deadline: number;
}

/** Fires `expire` for each entry of `pending()` whose deadline has passed. */
export class DeadlineSweep<T extends Expiring> {
  #timer: NodeJS.Timeout | undefined;
  /** The deadline the timer is armed for (Infinity when not armed). */
  #armedFor = Infinity;

  /**
   * @param pending - the entries that may expire (a live view, read at each sweep).
   * @param expire - called for each expired entry; it must remove the entry from `pending()`.
   */
  constructor(
    private readonly pending: () => Iterable<T>,
    private readonly expire: (entry: T) => void,
  ) {}

  /** Makes sure the timer fires no later than `deadline`. */
  watch(deadline: number): void {
    if (deadline >= this.#armedFor) return;
    this.arm(deadline);
  }

  /** Stops the timer (entries are forgotten by their owner). */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedFor = Infinity;
  }

  private arm(deadline: number): void {
    clearTimeout(this.#timer);
    this.#armedFor = deadline;
    this.#timer = deadline === Infinity ? undefined : setTimeout(this.sweep, Math.max(0, Math.ceil(deadline - performance.now()))).unref();
  }

  private readonly sweep = (): void => {
    this.#timer = undefined;
    this.#armedFor = Infinity;
    const now = performance.now();
    const expired: T[] = [];
    let next = Infinity;
    for (const entry of this.pending()) {
      if (entry.deadline <= now) expired.push(entry);
      else if (entry.deadline < next) next = entry.deadline;
    }
    // Expire after the scan: `expire` changes the collection being scanned.
    for (const entry of expired) this.expire(entry);
    if (next < this.#armedFor) this.arm(next);
  };
}
