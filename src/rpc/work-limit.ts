/**
 * Bounds the work a server has in progress: at most `maxConcurrency` tasks
 * run at once, at most `maxQueue` more wait their turn in arrival order.
 * At the bound a task is refused at once (the caller answers "busy") rather
 * than held: the client learns of the overload now, not at its timeout.
 *
 * @module
 */

/** Concurrency limit with a bounded waiting line. */
export class WorkLimit {
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  /**
   * @param maxConcurrency - tasks allowed to run at once (>= 1, may be Infinity).
   * @param maxQueue - tasks allowed to wait (>= 0, may be Infinity).
   */
  constructor(
    readonly maxConcurrency: number,
    readonly maxQueue: number,
  ) {
    if (!(maxConcurrency >= 1)) throw new RangeError("maxConcurrency must be at least 1");
    if (!(maxQueue >= 0)) throw new RangeError("maxQueue must be at least 0");
  }

  /** Tasks running now. */
  get running(): number {
    return this.#running;
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.#waiting.length;
  }

  /**
   * Runs `task` now or once a slot frees. Returns false, without running it,
   * when both the slots and the waiting line are full.
   */
  tryRun(task: () => Promise<void>): boolean {
    if (this.#running < this.maxConcurrency) {
      this.start(task);
      return true;
    }
    if (this.#waiting.length >= this.maxQueue) return false;
    this.#waiting.push(() => this.start(task));
    return true;
  }

  private start(task: () => Promise<void>): void {
    this.#running++;
    let done: Promise<void>;
    try {
      done = task();
    } catch {
      done = Promise.resolve();
    }
    void done.then(this.#finished, this.#finished);
  }

  /** One bound callback for every task's end, whatever its outcome. */
  readonly #finished = (): void => {
    this.#running--;
    this.#waiting.shift()?.();
  };
}
