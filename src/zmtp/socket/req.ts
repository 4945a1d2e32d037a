/**
 * REQ (RFC 28 section "The REQ Socket Type"): one request in flight, sent
 * round-robin with an empty delimiter frame in front; the reply is taken
 * only from the peer the request went to, and only with that delimiter.
 * `correlate` adds a request id frame before the delimiter and `relaxed`
 * allows a new request before the reply (ZMQ_REQ_CORRELATE/RELAXED).
 */
import { Buffer } from "node:buffer";
import { ZmqError } from "../errors.js";
import { joinParts, withHead } from "../message.js";
import type { Message, Pipe } from "../pipe.js";
import { BalancedSocket } from "./dealer.js";
import { checkOptionType } from "../option-values.js";
import type { SocketOptions } from "./socket.js";

/** Options of a Request socket. */
export interface RequestOptions extends SocketOptions {
  correlate?: boolean;
  relaxed?: boolean;
}

const EMPTY = Buffer.alloc(0);

/** A REQ socket. */
export class Request extends BalancedSocket {
  readonly socketType = "REQ";
  #correlate: boolean = false;
  /** ZMQ_REQ_CORRELATE: match replies to requests by a request id frame; write-only, as in zeromq.js. */
  set correlate(value: boolean) {
    checkOptionType("boolean", value);
    this.#correlate = value;
  }
  #relaxed: boolean = false;
  /** ZMQ_REQ_RELAXED: allow a new request while a reply is outstanding; write-only, as in zeromq.js. */
  set relaxed(value: boolean) {
    checkOptionType("boolean", value);
    this.#relaxed = value;
  }
  private waiting = false;
  private replyPipe: Pipe | undefined;
  private requestId = Math.floor(Math.random() * 0xffffffff);
  private requestIdFrame = EMPTY;

  constructor(options?: RequestOptions) {
    super(options);
    this.setOptions(options);
  }

  /** A request is out and its reply not yet received: no new one until it is (unless relaxed). */
  private get awaitingReply(): boolean {
    return this.waiting && !this.#relaxed;
  }

  protected override xsend(msg: Message): boolean {
    // Not writable until the reply is in, as in libzmq: a send waits for it
    // (zeromq.js's second send of a burst goes once the first reply is read).
    if (this.awaitingReply) return false;
    const pipe = this.lb.pick();
    if (!pipe) return false;
    if (this.#correlate) {
      this.requestId = (this.requestId + 1) >>> 0;
      this.requestIdFrame = Buffer.allocUnsafe(4);
      this.requestIdFrame.writeUInt32BE(this.requestId, 0);
      pipe.write(joinParts([this.requestIdFrame, EMPTY], msg));
    } else {
      pipe.write(withHead(EMPTY, msg));
    }
    this.waiting = true;
    this.replyPipe = pipe;
    return true;
  }

  protected override xrecv(): Message | undefined {
    if (!this.waiting) {
      throw new ZmqError("EFSM");
    }
    let msg: Message | undefined;
    while ((msg = this.fq.recv()) !== undefined) {
      if (this.fq.lastPipe !== this.replyPipe) continue; // a stray reply from another peer
      const body = this.unwrap(msg);
      if (body === undefined) continue; // malformed, or the reply to an older request
      this.waiting = false;
      this.replyPipe = undefined;
      // A send that waited for this reply goes next, once the reply is handed over.
      if (this.sendPending) queueMicrotask(() => this.trySend());
      return body;
    }
    return undefined;
  }

  /** A send that could not wait (sendTimeout 0) or waited in vain for the reply: EFSM, as libzmq's zmq_send says. */
  protected override xsendError(msg: Message): ZmqError {
    return this.awaitingReply ? new ZmqError("EFSM") : super.xsendError(msg);
  }

  protected override xreadable(): boolean {
    return this.waiting && this.fq.hasMessages;
  }

  protected override xwritable(): boolean {
    return !this.awaitingReply && this.lb.hasRoom;
  }

  private unwrap(msg: Message): Message | undefined {
    if (this.#correlate) {
      if (msg.length < 2 || !msg[0]!.equals(this.requestIdFrame) || msg[1]!.length !== 0) return undefined;
      return msg.slice(2);
    }
    if (msg.length < 1 || msg[0]!.length !== 0) return undefined;
    return msg.slice(1);
  }
}
