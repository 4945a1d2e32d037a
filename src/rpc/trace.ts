/**
 * `NODE_DEBUG=purezmq` tracing of the RPC layer (Node's `util.debuglog`):
 * the rare events worth a line when something goes wrong: refusals, handler
 * failures, timeouts, withdrawn requests, recreated sockets, lost remotes.
 * Nothing is traced per successful call.
 *
 * @module
 */
import { debuglog } from "node:util";

/** Writes one line to stderr when `NODE_DEBUG` names `purezmq`; otherwise does nothing. */
export const trace: (format: string, ...args: unknown[]) => void = debuglog("purezmq");

/** Calls an application's observer without letting it break the server. */
export function notify<A extends unknown[]>(observer: ((...args: A) => void) | undefined, ...args: A): void {
  if (observer === undefined) return;
  try {
    observer(...args);
  } catch (err) {
    trace("an RPC observer threw: %s", err);
  }
}
