/**
 * Shared pieces of the publish-subscribe RPC tests. A PUB socket tells
 * nobody when a subscription has reached it, so a test first publishes
 * probes until one arrives (a bounded poll: no event exists for it), then
 * sends what it checks. An {@link Inbox} drains an async iterable so a test
 * can wait for what it expects without a receive of its own.
 */
import { isProbe } from "../zmtp/pubsub/helpers.js";

/** Everything an async iterable yields, with a way to wait for a condition on it. */
export class Inbox<T> {
  /** Items in arrival order. */
  readonly items: T[] = [];
  /** Resolves when the source ends; rejects with its error. */
  readonly done: Promise<void>;
  #wake: (() => void) | undefined;

  constructor(source: AsyncIterable<T>) {
    this.done = (async () => {
      try {
        for await (const item of source) {
          this.items.push(item);
          this.notify();
        }
      } finally {
        this.notify();
      }
    })();
    this.done.catch(() => undefined); // a test that expects the error awaits `done` itself
  }

  /** Waits until `condition(items)` holds, up to `ms`; rechecked on each arrival and every `tick` ms. */
  async until(condition: (items: readonly T[]) => boolean, ms: number, what: string, tick = 0): Promise<void> {
    const deadline = Date.now() + ms;
    while (!condition(this.items)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${what}: not within ${ms} ms (${this.items.length} items)`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, tick > 0 ? Math.min(tick, left) : left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

/**
 * Calls `send` (a probe) until `arrived()` holds, waiting up to `tick` ms
 * between probes, for at most `ms`.
 */
export async function probeUntil(send: () => Promise<unknown>, arrived: () => boolean, what: string, ms = 5000, tick = 20): Promise<void> {
  const deadline = Date.now() + ms;
  while (!arrived()) {
    if (Date.now() > deadline) throw new Error(`${what}: no probe arrived within ${ms} ms`);
    await send();
    await new Promise((resolve) => setTimeout(resolve, tick));
  }
}

/** Waits (bounded poll) until `condition()` holds; for states that raise no event. */
export async function eventually(condition: () => boolean, what: string, ms = 5000, tick = 10): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, tick));
  }
}

/** The next message of a raw SUB socket (either library) that is not a probe of `untilSubscribed`. */
export async function nextUnprobed(sub: { receive(): Promise<Buffer[]>; receiveTimeout: number }, ms = 10_000): Promise<Buffer[]> {
  sub.receiveTimeout = ms;
  for (;;) {
    const msg = await sub.receive();
    if (!isProbe(msg)) return msg;
  }
}
