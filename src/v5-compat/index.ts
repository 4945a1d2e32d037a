/**
 * `purezmq/v5-compat`: the callback API of zeromq.js v5, as zeromq.js v6
 * offers it in `zeromq/v5-compat`, over purezmq's sockets, so that code
 * written for it switches by changing its import:
 * `zmq.socket("req")`, `bind(address, callback)`, `bindSync`, `connect`,
 * `send(message, flags, callback)`, `on("message", ...)`, `monitor()`,
 * options by short name and ZMQ_* number, and the ZMQ_* constants.
 *
 * @module purezmq/v5-compat
 */
import "../zmtp/socket/by-type.js";
import { curveKeyPair } from "../zmtp/security/curve-keys.js";
import { Socket } from "./socket.js";
import type { SocketType } from "./socket-types.js";

export { version } from "../zmtp/capability.js";
export * from "./constants.js";
export { Context } from "./context.js";
export { shortOptions as options, type OptionName } from "./option-names.js";
export { proxy } from "./proxy.js";
export { Socket, type Callback } from "./socket.js";
export type { SocketType } from "./socket-types.js";

/**
 * A new socket of type `type` (`"req"`, `"rep"`, `"pub"`, `"sub"`,
 * `"push"`, `"pull"`, `"dealer"`, `"router"`, `"pair"`, `"xpub"`,
 * `"xsub"`, and the old names `"xreq"`, `"xrep"`), with each own property
 * of `options` set on it (short option names, such as `identity` or
 * `linger`).
 *
 * ```js
 * const sock = zmq.socket("dealer", { identity: "worker-1", linger: 0 })
 * ```
 *
 * @throws Error "Invalid socket type: ..." for an unknown type.
 */
export function createSocket(type: SocketType, options: { [key: string]: any } = {}): Socket {
  const sock = new Socket(type);
  for (const key of Object.keys(options)) sock[key] = options[key];
  return sock;
}

export { createSocket as socket };

/** A new CURVE key pair, Z85-encoded, under the v5 API's names. */
export function curveKeypair(): { public: string; secret: string } {
  const { publicKey, secretKey } = curveKeyPair();
  return { public: publicKey, secret: secretKey };
}
