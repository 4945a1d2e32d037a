/**
 * Queued messages when a thread runs out of work, as in zeromq.js: there,
 * terminating the contexts at exit closes every socket, and each socket's
 * `linger` decides how long the exit waits for its queued messages (-1, the
 * default of a blocky context: until delivered); when that takes over half
 * a second it prints a warning. Here the same happens when the event loop
 * empties (`beforeExit`): sockets with messages still waiting for a peer are
 * closed, the thread stays up while closed connections linger, and the same
 * warning is printed after 500 ms. `process.exit()` skips this: the
 * messages are dropped.
 */
import { hold, release } from "../keep-alive.js";

/** A connecting endpoint that may still hold messages for its peer. */
export interface ExitDrainable {
  /** Messages wait in the pipe for a peer. */
  hasQueuedOutput(): boolean;
  /** Closes the socket, which makes its endpoints linger. */
  closeOwner(): void;
  /** Whether the socket's context is blocky (zeromq.js `context.blocky`). */
  readonly blocky: boolean;
}

/** Open endpoints, checked when the loop empties. */
const watched = new Set<ExitDrainable>();
/** Closed endpoints still delivering within their linger. */
const lingering = new Set<ExitDrainable>();
let listening = false;
let waiting = false;
let warning: NodeJS.Timeout | undefined;
let warned = false;

/** How long the exit waits quietly before saying why (zeromq.js's delay). */
const WARN_AFTER = 500;

/** Watches an open endpoint until {@link forget}. */
export function watch(endpoint: ExitDrainable): void {
  watched.add(endpoint);
  if (listening) return;
  listening = true;
  process.on("beforeExit", drain);
}

/** Stops watching an endpoint. */
export function forget(endpoint: ExitDrainable): void {
  watched.delete(endpoint);
}

/** A closed endpoint keeps delivering queued messages (until {@link lingerDone}). */
export function lingerStart(endpoint: ExitDrainable): void {
  lingering.add(endpoint);
}

/** A lingering endpoint delivered its messages or gave them up. */
export function lingerDone(endpoint: ExitDrainable): void {
  if (!lingering.delete(endpoint) || lingering.size > 0 || !waiting) return;
  waiting = false;
  clearTimeout(warning);
  release();
}

function drain(): void {
  for (const endpoint of [...watched]) if (endpoint.hasQueuedOutput()) endpoint.closeOwner();
  if (lingering.size === 0 || waiting) return;
  waiting = true;
  hold();
  if (warned) return;
  warning = setTimeout(warn, WARN_AFTER).unref();
}

function warn(): void {
  warned = true;
  const blocky = [...lingering].some((e) => e.blocky);
  process.stderr.write(`(node:${process.pid}) WARNING: Waiting for queued ZeroMQ messages to be delivered.${blocky ? " Set 'context.blocky = false' to change this behaviour." : ""}\n`);
}
