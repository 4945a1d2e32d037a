/**
 * A Context groups sockets that may reach each other over `inproc://`
 * (and, with PLAIN, the ZAP handler at `inproc://zeromq.zap.01`). Sockets use
 * the default context unless given one, as in zeromq.js.
 */
import { InprocRegistry } from "./transport/inproc.js";

/**
 * A group of sockets that share `inproc://` names and a ZAP handler; give
 * one as the `context` option to keep sockets apart from the default group.
 */
export class Context {
  /** @internal The inproc endpoints bound in this context. */
  readonly inproc = new InprocRegistry();
}

/** The context sockets use when none is given. */
export const defaultContext = new Context();
// The default context's inproc names reach every worker thread of the process
// (see transport/inproc-thread.ts); other contexts stay within their thread.
defaultContext.inproc.shareAcrossThreads();
