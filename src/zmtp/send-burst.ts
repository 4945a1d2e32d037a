/**
 * Keeps a loop of awaited sends from holding the thread. A send() that
 * queues its message at once resolves at once; a loop of them (its peer
 * reads as fast, or a PUB, which drops instead of waiting) then runs in
 * promise jobs alone, and no other socket's input, no timer, no reader in
 * the same process runs for as long as it lasts. So after about
 * {@link SEND_BURST_BUDGET} octets queued at once with no input read in
 * between, one send() resolves only after the event loop's next check phase.
 * Counted per thread, over every socket, since that is what the thread's
 * event loop serves.
 */
import type { Message } from "./pipe.js";

/** Octets, plus {@link SEND_MESSAGE_CHARGE} per message, queued at once before a send() yields. */
const SEND_BURST_BUDGET = 64 * 1024;
/** The cost of a message of empty parts. */
const SEND_MESSAGE_CHARGE = 64;

const RESOLVED = Promise.resolve();
/** Charges of the sends queued at once since the loop last polled. */
let burst = 0;

/** The promise of a send() whose message was queued at once. */
export function queuedAtOnce(msg: Message): Promise<void> {
  let cost = SEND_MESSAGE_CHARGE;
  for (let i = 0; i < msg.length; i++) cost += msg[i]!.length;
  if ((burst += cost) <= SEND_BURST_BUDGET) return RESOLVED;
  burst = 0;
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Input was read from a connection: the event loop has just polled, so the
 * burst starts again (a request/reply exchange never has to yield).
 */
export function inputPolled(): void {
  burst = 0;
}
