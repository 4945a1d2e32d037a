/**
 * Running a callback as soon as the current job ends, for the hot paths
 * (a connection's first write of a turn, an RPC client's next request).
 *
 * Node's `queueMicrotask` wraps each callback in an AsyncResource (an
 * object, a bound function and an async scope entered and left per call),
 * which made it cost about twice a promise reaction on the same queue. A
 * reaction of an already-resolved promise runs at the same place in the
 * microtask queue, in the same order.
 *
 * @module
 */

const RESOLVED = Promise.resolve();

/**
 * Runs `fn` in a microtask. What it throws surfaces as an unhandled
 * rejection (which ends the process by default, as an exception thrown
 * from `queueMicrotask` would): callers pass functions that do not throw.
 */
export function afterThisJob(fn: () => void): void {
  void RESOLVED.then(fn);
}
