/**
 * dotcloud zerorpc (protocol v3) as an RPC plug-in: msgpack events on
 * channels, heartbeats, streams. Its sockets refuse messages over 16 MiB
 * unless told otherwise (`socket: { maxMessageSize }`), so one event
 * cannot make a peer buffer more.
 *
 * @module
 */
import type { WireProtocol } from "../protocol.js";
import { ZeroRpcTransport } from "./client.js";
import { ZERORPC_RESERVED, ZeroRpcHandler } from "./server.js";

/** Largest event accepted by default, in octets. */
export const DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024;

/** The zerorpc protocol. */
export const zeroRpcProtocol: WireProtocol = {
  name: "zerorpc",
  reserved: ZERORPC_RESERVED,
  socketDefaults: { maxMessageSize: DEFAULT_MAX_EVENT_BYTES },
  serve: (registry, settings) => new ZeroRpcHandler(registry, settings),
  connect: (endpoints, settings) =>
    new ZeroRpcTransport(endpoints, { ...settings, socket: { maxMessageSize: DEFAULT_MAX_EVENT_BYTES, ...settings.socket } }),
};
