/**
 * The socket type names of the v5 API and the purezmq socket each makes.
 * `xreq` and `xrep` are the old names of DEALER and ROUTER; `stream` is a
 * STREAM socket (raw TCP peers, each message `[routingId, data]`), as in
 * zeromq.js v6's v5 API.
 */
import { Dealer } from "../zmtp/socket/dealer.js";
import { Pair } from "../zmtp/socket/pair.js";
import { Publisher } from "../zmtp/socket/pub.js";
import { Pull } from "../zmtp/socket/pull.js";
import { Push } from "../zmtp/socket/push.js";
import { Reply } from "../zmtp/socket/rep.js";
import { Request } from "../zmtp/socket/req.js";
import { Router } from "../zmtp/socket/router.js";
import { Stream } from "../zmtp/socket/stream.js";
import type { Socket as CoreSocket } from "../zmtp/socket/socket.js";
import { Subscriber } from "../zmtp/socket/sub.js";
import { XPublisher } from "../zmtp/socket/xpub.js";
import { XSubscriber } from "../zmtp/socket/xsub.js";

/** The socket types of the v5 API that purezmq provides. */
export type SocketType =
  | "pair"
  | "req"
  | "rep"
  | "pub"
  | "sub"
  | "dealer"
  | "xreq"
  | "router"
  | "xrep"
  | "pull"
  | "push"
  | "xpub"
  | "xsub"
  | "stream";

const MAKERS: Readonly<Record<SocketType, () => CoreSocket>> = {
  pair: () => new Pair(),
  req: () => new Request(),
  rep: () => new Reply(),
  pub: () => new Publisher(),
  sub: () => new Subscriber(),
  dealer: () => new Dealer(),
  xreq: () => new Dealer(),
  router: () => new Router(),
  xrep: () => new Router(),
  pull: () => new Pull(),
  push: () => new Push(),
  xpub: () => new XPublisher(),
  xsub: () => new XSubscriber(),
  // Its `[routingId, data]` tuples are messages like any other's to the v5 socket.
  stream: () => new Stream() as unknown as CoreSocket,
};

/**
 * A new socket of the v5 type `type`.
 * @throws Error "Invalid socket type: ..." for a name the v5 API does not know.
 */
export function makeSocket(type: string): CoreSocket {
  const make = Object.prototype.hasOwnProperty.call(MAKERS, type) ? MAKERS[type as SocketType] : undefined;
  if (!make) throw new Error(`Invalid socket type: ${type}`);
  return make();
}

/** Whether sockets of `type` never receive (the v5 API reads no messages for them). */
export function sendsOnly(type: SocketType): boolean {
  return type === "pub" || type === "push";
}

/** Whether sockets of `type` alternate between receiving and sending (REQ and REP). */
export function alternates(type: SocketType): boolean {
  return type === "req" || type === "rep";
}
