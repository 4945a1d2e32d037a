/**
 * Bounds the work a server has in progress and shares it fairly between
 * clients: at most `maxConcurrency` tasks run at once, at most
 * `maxRunningPerClient` of them one client's, so one client cannot hold
 * every slot; waiting tasks queue per client and are started round robin,
 * one per client in turn, so a client that queues a thousand requests
 * delays another client's one request by at most one task of each waiting
 * client, not by a thousand.
 *
 * What waits is bounded by count and by octets, per client and in total;
 * a task counts as many as its weight (a batch: its calls), so one request
 * carrying a thousand calls takes the room of a thousand requests.
 * At a bound a task is refused at once (the caller answers "busy") rather
 * than held: the client learns of the overload now, not at its timeout.
 * A client that has gone away (see the `isPresent` port) loses its waiting
 * tasks: nobody is left to answer, so they are dropped, not run.
 *
 * @module
 */

/** The bounds of a {@link WorkLimit}. */
export interface WorkBounds {
  /** Tasks allowed to run at once (>= 1, may be Infinity). */
  readonly maxConcurrency: number;
  /**
   * Tasks of one client allowed to run at once (>= 1, may be Infinity);
   * default {@link defaultMaxRunningPerClient} of `maxConcurrency`. Its
   * further tasks wait in its line, even while slots are free.
   */
  readonly maxRunningPerClient?: number;
  /** Tasks allowed to wait, all clients together (>= 0, may be Infinity). */
  readonly maxQueue: number;
  /** Tasks one client may have waiting (>= 0, may be Infinity). */
  readonly maxQueuePerClient: number;
  /** Octets of waiting requests, all clients together (>= 0, may be Infinity). */
  readonly maxQueuedBytes: number;
  /** Octets of one client's waiting requests (>= 0, may be Infinity). */
  readonly maxQueuedBytesPerClient: number;
}

/** Default of {@link WorkBounds.maxRunningPerClient}: a quarter of the slots, at least one. */
export function defaultMaxRunningPerClient(maxConcurrency: number): number {
  return Math.max(1, Math.floor(maxConcurrency / 4));
}

/** A piece of work: a promise while it runs on, nothing when it ended at once. */
export type Task = () => Promise<void> | void;

interface Waiting {
  readonly task: Task;
  readonly bytes: number;
  readonly weight: number;
}

/** One client's waiting line. */
class ClientLine {
  readonly tasks: Waiting[] = [];
  head = 0;
  bytes = 0;
  /** The weights of the waiting tasks, summed (what the count bounds see). */
  weight = 0;

  get length(): number {
    return this.tasks.length - this.head;
  }

  shift(): Waiting {
    const w = this.tasks[this.head]!;
    this.tasks[this.head++] = undefined as unknown as Waiting; // let the request go
    this.bytes -= w.bytes;
    this.weight -= w.weight;
    if (this.head > 64 && this.head * 2 > this.tasks.length) {
      this.tasks.splice(0, this.head); // a client that always has work waiting must not grow the array forever
      this.head = 0;
    }
    return w;
  }
}

/** Concurrency limit with bounded, per-client, round-robin waiting lines. */
export class WorkLimit {
  #running = 0;
  #queued = 0;
  #queuedBytes = 0;
  readonly #perClient: number;
  /** Tasks running per client; a client with none has no entry. */
  readonly #runningOf = new Map<string, number>();
  /** Clients with waiting tasks, in round-robin order (a Map keeps insertion order). */
  readonly #lines = new Map<string, ClientLine>();

  /**
   * @param bounds - the bounds (see {@link WorkBounds}).
   * @param isPresent - whether a client is still connected; a gone client's
   *   waiting tasks are dropped. Default: every client is present.
   */
  constructor(
    readonly bounds: WorkBounds,
    private readonly isPresent: (client: string) => boolean = () => true,
  ) {
    if (!(bounds.maxConcurrency >= 1)) throw new RangeError("maxConcurrency must be at least 1");
    this.#perClient = bounds.maxRunningPerClient ?? defaultMaxRunningPerClient(bounds.maxConcurrency);
    if (!(this.#perClient >= 1)) throw new RangeError("maxRunningPerClient must be at least 1");
    for (const key of ["maxQueue", "maxQueuePerClient", "maxQueuedBytes", "maxQueuedBytesPerClient"] as const) {
      if (!(bounds[key] >= 0)) throw new RangeError(`${key} must be at least 0`);
    }
  }

  /** Tasks running now. */
  get running(): number {
    return this.#running;
  }

  /** Tasks waiting for a slot, each counted by its weight. */
  get queued(): number {
    return this.#queued;
  }

  /** Octets of the requests waiting for a slot. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /**
   * Runs `task` now, or queues it behind `client`'s earlier tasks. Returns
   * false, without running it, when it would pass a bound.
   *
   * @param client - who asked (the key fairness and per-client bounds use).
   * @param bytes - the size of the request the task holds while it waits.
   * @param task - the work.
   * @param weightOf - what the task counts as against the count bounds (a
   *   batch: its calls; default 1), asked only when the task would wait.
   */
  tryRun(client: string, bytes: number, task: Task, weightOf?: () => number): boolean {
    if (this.#running < this.bounds.maxConcurrency && this.runningOf(client) < this.#perClient && !this.#lines.has(client)) {
      this.start(client, task);
      return true;
    }
    const weight = weightOf?.() ?? 1;
    if (!this.fits(client, bytes, weight)) {
      // Room held by clients that have gone is reclaimed before refusing anyone.
      this.dropGone();
      if (!this.fits(client, bytes, weight)) return false;
    }
    let line = this.#lines.get(client);
    if (line === undefined) this.#lines.set(client, (line = new ClientLine()));
    line.tasks.push({ task, bytes, weight });
    line.bytes += bytes;
    line.weight += weight;
    this.#queued += weight;
    this.#queuedBytes += bytes;
    return true;
  }

  private fits(client: string, bytes: number, weight: number): boolean {
    const b = this.bounds;
    const line = this.#lines.get(client);
    return (
      this.#queued + weight <= b.maxQueue &&
      this.#queuedBytes + bytes <= b.maxQueuedBytes &&
      (line?.weight ?? 0) + weight <= b.maxQueuePerClient &&
      (line?.bytes ?? 0) + bytes <= b.maxQueuedBytesPerClient
    );
  }

  private runningOf(client: string): number {
    return this.#runningOf.get(client) ?? 0;
  }

  /** Runs a task in a slot; the slot is free again when the task ends. */
  private start(client: string, task: Task): void {
    this.#running++;
    this.#runningOf.set(client, this.runningOf(client) + 1);
    let done: Promise<void> | void;
    try {
      done = task();
    } catch {
      done = undefined;
    }
    if (done instanceof Promise) {
      const finished = (): void => this.finished(client);
      void done.then(finished, finished);
    }
    // Ended at once: its slot is free again, and whatever waits for one
    // (this client's next task, a task of a client at its own bound) is
    // started by the loop that started this one, or by the next end.
    else this.release(client);
  }

  private release(client: string): void {
    this.#running--;
    const mine = this.runningOf(client) - 1;
    if (mine > 0) this.#runningOf.set(client, mine);
    else this.#runningOf.delete(client);
  }

  /**
   * A task's end, whatever its outcome: starts waiting tasks in the freed
   * slot, one after another while they end at once (a loop, not recursion,
   * however many wait).
   */
  private finished(client: string): void {
    this.release(client);
    while (this.#running < this.bounds.maxConcurrency) {
      const next = this.next();
      if (next === undefined) return;
      this.start(next.client, next.task);
    }
  }

  /**
   * The next task in round-robin order, skipping clients that have gone
   * and passing over those at their own bound (they keep their place).
   */
  private next(): { client: string; task: Task } | undefined {
    for (const [client, line] of this.#lines) {
      if (!this.isPresent(client)) {
        this.#lines.delete(client);
        this.forget(line);
        continue;
      }
      if (this.runningOf(client) >= this.#perClient) continue;
      this.#lines.delete(client);
      const w = line.shift();
      this.#queued -= w.weight;
      this.#queuedBytes -= w.bytes;
      if (line.length > 0) this.#lines.set(client, line); // to the back of the round
      return { client, task: w.task };
    }
    return undefined;
  }

  private dropGone(): void {
    for (const [client, line] of this.#lines) {
      if (this.isPresent(client)) continue;
      this.#lines.delete(client);
      this.forget(line);
    }
  }

  private forget(line: ClientLine): void {
    this.#queued -= line.weight;
    this.#queuedBytes -= line.bytes;
  }
}
