/**
 * Messages from a benchmark's other end (a forked worker process, a
 * worker_thread, or a receiver in the same thread), awaited by type: a
 * message nobody waits for yet is kept for the next() that asks for it.
 */

/** A message between the runner and a receiving end. */
export interface WorkerMessage {
  type: string;
  [key: string]: unknown;
}

/** Reports awaited by type; once failed, every wait fails with the same error. */
export class Mailbox {
  private readonly arrived: WorkerMessage[] = [];
  private waiters: Array<{ type: string; resolve: (m: WorkerMessage) => void; reject: (e: Error) => void }> = [];
  private failure: Error | undefined;

  constructor(private readonly who: string) {}

  /** Hands a message to its waiter, or keeps it. */
  readonly post = (m: WorkerMessage): void => {
    const i = this.waiters.findIndex((w) => w.type === m.type);
    if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(m);
    else this.arrived.push(m);
  };

  /** The other end is gone: every wait, now and later, fails with `err` (the first one given). */
  fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w.reject(err);
  }

  /** The error it failed with, if it has. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** True when a message of that type has arrived and was not taken yet. */
  has(type: string): boolean {
    return this.arrived.some((m) => m.type === type);
  }

  /** Waits for the next message of a type. */
  next(type: string, timeoutMs = 30_000): Promise<WorkerMessage> {
    const i = this.arrived.findIndex((m) => m.type === type);
    if (i >= 0) return Promise.resolve(this.arrived.splice(i, 1)[0]!);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<WorkerMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`${this.who}: no "${type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = {
        type,
        resolve: (m: WorkerMessage) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters.push(waiter);
    });
  }
}
