/**
 * A Context groups sockets that may reach each other over `inproc://`
 * (and, with PLAIN, the ZAP handler at `inproc://zeromq.zap.01`). Sockets use
 * the default context unless given one, as in zeromq.js.
 */
import type { Options } from "./option-types.js";
import { assignOptions, checkOptionsArgument } from "./assign-options.js";
import { checkOptionType, FROM_ONE, FROM_ZERO, optionNumber } from "./option-values.js";
import { InprocRegistry } from "./transport/inproc.js";
import { defineOptionMethods } from "./option-numbers.js";

/**
 * A group of sockets that share `inproc://` names and a ZAP handler; give
 * one as the `context` option to keep sockets apart from the default group.
 *
 * It has zeromq.js's context options, with libzmq's defaults and checks (a
 * non-number is a TypeError, a value out of range EINVAL). purezmq runs in
 * the Node.js event loop and has no I/O threads: the thread options are
 * kept and reported but change nothing, and `maxSockets` is not enforced
 * (a socket that is dropped without close() would count forever). Like
 * zeromq.js's, a Context takes no other properties: assigning an unknown
 * one throws a TypeError.
 */
export class Context {
  #inproc = new InprocRegistry();
  #blocky = true;
  #ioThreads = 1;
  #maxMessageSize = 0x7fffffff;
  #maxSockets = 1023;
  #ipv6 = false;

  /**
   * @param options - context options to set, as with the properties.
   * @throws TypeError for a non-object, an unknown or read-only option, or
   *   a value of the wrong type; EINVAL for a value out of range.
   */
  constructor(options?: Options<Context>) {
    // zeromq.js's checks and texts, for callers without TypeScript.
    checkOptionsArgument(options);
    if (arguments.length > 1) throw new TypeError(`Expected 1 argument but received ${arguments.length}`);
    Object.seal(this);
    if (options !== undefined) assignOptions(this, options);
  }

  /** @internal The inproc endpoints bound in this context. */
  get inproc(): InprocRegistry {
    return this.#inproc;
  }

  // zeromq.js's protected access to options by libzmq number (defined
  // below the class, option-numbers.ts): `getBoolOption(70)` is `blocky`.
  protected declare getBoolOption: (option: number) => boolean;
  protected declare setBoolOption: (option: number, value: boolean) => void;
  protected declare getInt32Option: (option: number) => number;
  protected declare setInt32Option: (option: number, value: number) => void;

  /**
   * ZMQ_BLOCKY: when false, sockets made in this context from then on get
   * `linger` 0 instead of -1, so that queued messages never hold the
   * process at exit.
   */
  get blocky(): boolean {
    return this.#blocky;
  }
  set blocky(value: boolean) {
    checkOptionType("boolean", value);
    this.#blocky = value;
  }

  /** ZMQ_IO_THREADS: reported only (purezmq runs in the event loop); 0 or more, default 1. */
  get ioThreads(): number {
    return this.#ioThreads;
  }
  set ioThreads(value: number) {
    this.#ioThreads = optionNumber(FROM_ZERO, value);
  }

  /** ZMQ_MAX_MSGSZ: reported only (a socket's own `maxMessageSize` bounds what it accepts); 0 to 2^31-1. */
  get maxMessageSize(): number {
    return this.#maxMessageSize;
  }
  set maxMessageSize(value: number) {
    this.#maxMessageSize = optionNumber(FROM_ZERO, value);
  }

  /** ZMQ_MAX_SOCKETS: reported only, not enforced; 1 or more, default 1023. */
  get maxSockets(): number {
    return this.#maxSockets;
  }
  set maxSockets(value: number) {
    this.#maxSockets = optionNumber(FROM_ONE, value);
  }

  /** ZMQ_SOCKET_LIMIT: the largest `maxSockets` libzmq allows. */
  get maxSocketsLimit(): number {
    return 65535;
  }

  /** ZMQ_IPV6: reported only (tcp endpoints take IPv6 addresses whatever its value). */
  get ipv6(): boolean {
    return this.#ipv6;
  }
  set ipv6(value: boolean) {
    checkOptionType("boolean", value);
    this.#ipv6 = value;
  }

  /**
   * ZMQ_THREAD_PRIORITY: checked (0 or more) and ignored, there being no
   * threads; write-only, as in zeromq.js (reading gives undefined).
   */
  set threadPriority(value: number) {
    optionNumber(FROM_ZERO, value);
  }

  /** ZMQ_THREAD_SCHED_POLICY: checked (0 or more) and ignored; write-only, as in zeromq.js. */
  set threadSchedulingPolicy(value: number) {
    optionNumber(FROM_ZERO, value);
  }
}

defineOptionMethods(Context.prototype, "context");

/** The context sockets use when none is given. */
export const defaultContext = new Context();
// The default context's inproc names reach every worker thread of the process
// (see transport/inproc-thread.ts); other contexts stay within their thread.
defaultContext.inproc.shareAcrossThreads();
