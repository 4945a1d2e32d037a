/**
 * Manley's zerorpc JSON protocol as an RPC plug-in. Its clients send exactly
 * a REQ envelope by default, since its servers may expect nothing else.
 * Its sockets refuse requests over 16 MiB and replies over 32 MiB unless
 * told otherwise (`socket: { maxMessageSize }`).
 *
 * @module
 */
import { CodecTransport } from "../call-transport.js";
import { DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_REPLY_BYTES, withMaxMessageSize } from "../message-size.js";
import type { WireProtocol } from "../protocol.js";
import { manleyClientCodec } from "./client.js";
import { ManleyHandler } from "./server.js";

/** Manley's zerorpc JSON protocol. */
export const manleyProtocol: WireProtocol = {
  name: "manley",
  reserved: [],
  socketDefaults: { maxMessageSize: DEFAULT_MAX_MESSAGE_BYTES },
  serve: (registry, settings) => new ManleyHandler(registry, { style: settings.jsonStyle, tracebacks: settings.tracebacks, limits: settings.limits }),
  connect: (endpoints, settings) => new CodecTransport(endpoints, manleyClientCodec(settings.jsonStyle), { ...settings, socket: withMaxMessageSize(DEFAULT_MAX_REPLY_BYTES, settings.socket), envelope: settings.envelope ?? "req" }),
};
