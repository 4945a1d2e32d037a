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
  // Connections share the one array (an array per peer was most of a wide
  // fan-out's garbage); an inproc peer in this thread, which may change the
  // array it receives, gets its own unless it is the only target.
  const alone = targets.length === 1;
  for (const pipe of targets) {
    if (!pipe.writable) continue;
    pipe.write(alone || !pipe.handsOnArrays ? msg : msg.slice());
  }
  return true;
}

/** True when every target can take one more message. */
export function allWritable(targets: Iterable<Pipe>): boolean {
  for (const pipe of targets) if (!pipe.writable) return false;
  return true;
}
