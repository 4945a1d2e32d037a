/**
 * Keeps a loop of awaited sends or receives from holding the thread. A
 * send() that queues its message at once, or a receive() that finds one
 * queued, resolves at once; a loop of them (a peer that reads as fast, a
 * PUB, which drops instead of waiting, a backlog to drain) then runs in
 * promise jobs alone, and no other socket's input, no timer, no reader in
 * the same process runs for as long as it lasts. So after
 * {@link TURN_OPERATIONS} such calls, or about {@link TURN_BUDGET} octets
 * sent, with no input read in between, one call resolves only after the
 * event loop's next check phase (zeromq.js, likewise, makes one in 512 of
 * its calls that complete at once wait for the event loop). Counted per
 * thread, over every socket, since that is what the thread's event loop
 * serves.
 */
import type { Message } from "./pipe.js";

/** Octets, plus {@link MESSAGE_CHARGE} per message, completed at once before a call yields. */
const TURN_BUDGET = 64 * 1024;
/** Calls completed at once before one yields. */
const TURN_OPERATIONS = 512;
/** The cost of a message of empty parts (and of each message received). */
const MESSAGE_CHARGE = 64;

const RESOLVED = Promise.resolve();
/** Charges and calls completed at once since the loop last polled. */
let burst = 0;
let operations = 0;

/** Charges one call that completed at once; false when the turn is used up and this call must yield. */
function charge(cost: number): boolean {
  if ((burst += cost) <= TURN_BUDGET && ++operations < TURN_OPERATIONS) return true;
  burst = 0;
  operations = 0;
  return false;
}

/** The promise of a send() whose message was queued at once. */
export function queuedAtOnce(msg: Message): Promise<void> {
  let cost = MESSAGE_CHARGE;
  for (let i = 0; i < msg.length; i++) cost += msg[i]!.length;
  return charge(cost) ? RESOLVED : new Promise((resolve) => setImmediate(resolve));
}

/**
 * The promise of a receive() that found its message queued: `value` at
 * once, or after the next check phase when the turn is used up. The
 * octets are not counted (they are in memory already), the calls are.
 */
export function takenAtOnce<T>(value: T): Promise<T> {
  return charge(MESSAGE_CHARGE) ? Promise.resolve(value) : new Promise((resolve) => setImmediate(resolve, value));
}

/**
 * Input was read from a connection: the event loop has just polled, so the
 * turn starts again (a request/reply exchange never has to yield).
 */
export function inputPolled(): void {
  burst = 0;
  operations = 0;
}
