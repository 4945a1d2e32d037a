/**
 * Fan-out of one message to several pipes (RFC 29 "SHALL ... send to each
 * subscriber"): the same parts go to every target, whole. A target over its
 * send high-water mark is skipped (the message is dropped for that peer
 * only, never split and never blocking the others), unless `noDrop` asks for
 * all-or-wait.
 */
import type { Message, Pipe } from "../pipe.js";

/**
 * Writes `msg` to each of `targets`. With `noDrop`, writes nothing and
 * returns false when any target is full (the caller waits for room);
 * otherwise full targets are skipped and it returns true.
 */
export function distribute(targets: readonly Pipe[], msg: Message, noDrop: boolean): boolean {
  if (noDrop) {
    for (const pipe of targets) if (!pipe.writable) return false;
  }
  let first = true;
  for (const pipe of targets) {
    if (!pipe.writable) continue;
    // Each peer gets its own array of the shared parts: a receiver in this
    // thread (inproc) may change its array without touching the others'.
    pipe.write(first ? msg : msg.slice());
    first = false;
  }
  return true;
}

/** True when every target can take one more message. */
export function allWritable(targets: Iterable<Pipe>): boolean {
  for (const pipe of targets) if (!pipe.writable) return false;
  return true;
}
