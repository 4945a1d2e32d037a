/**
 * At most `limit` holders at once; the others wait their turn in arrival
 * order. Used where each holder holds memory the bound should count once per
 * slot (a command being inflated holds up to its size bound), not once per
 * request in progress.
 *
 * @module
 */

/** A counting gate. */
export class ConcurrencyGate {
  #inside = 0;
  readonly #waiting: Array<() => void> = [];

  /** @param limit - holders allowed at once (>= 1). */
  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError("limit must be at least 1");
  }

  /** Runs `work` once a place is free, and frees the place when it settles. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#inside >= this.limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#inside++;
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next !== undefined) next(); // the place passes straight to the next holder
      else this.#inside--;
    }
  }
}
