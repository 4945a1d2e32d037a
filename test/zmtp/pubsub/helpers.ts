/**
 * Helpers of the publish-subscribe tests. A publisher learns subscriptions
 * asynchronously and tells nobody (PUB), so `untilSubscribed` publishes
 * numbered probes until one arrives; receivers then skip any late probe.
 */
import type { Message } from "../../../src/zmtp/pipe.js";

/** The publishing side as both libraries expose it. */
export interface Pub {
  send(msg: unknown): Promise<void>;
}

/** The receiving side as both libraries expose it. */
export interface Sub {
  receive(): Promise<Message | Buffer[]>;
  receiveTimeout: number;
}

const PROBE = "\u0000probe";

/** True for a probe message sent by {@link untilSubscribed}. */
export function isProbe(msg: Buffer[]): boolean {
  return msg.length === 2 && msg[1]!.toString() === PROBE;
}

/**
 * Publishes `[topic, probe]` until `sub` receives one (the subscription to
 * a prefix of `topic` has reached the publisher), up to `ms`.
 */
export async function untilSubscribed(pub: Pub, sub: Sub, topic: string | Buffer, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  const saved = sub.receiveTimeout;
  sub.receiveTimeout = 25;
  try {
    while (Date.now() < deadline) {
      await pub.send([topic, PROBE]);
      try {
        const msg = (await sub.receive()) as Buffer[];
        if (isProbe(msg)) return;
      } catch (err) {
        if ((err as { code?: string }).code !== "EAGAIN") throw err;
      }
    }
    throw new Error(`no subscription to ${String(topic)} reached the publisher within ${ms} ms`);
  } finally {
    sub.receiveTimeout = saved;
  }
}

/** The next message that is not a probe, as strings. */
export async function next(sub: Sub): Promise<string[]> {
  for (;;) {
    const msg = (await sub.receive()) as Buffer[];
    if (!isProbe(msg)) return msg.map((p) => Buffer.from(p).toString("latin1"));
  }
}
