/**
 * LuaOverMQ as an RPC plug-in: msgpack requests, `OK`/`ERROR` replies,
 * batches through `rpc.multicall`, many calls in flight per connection.
 * Its sockets refuse requests over 16 MiB and replies over 32 MiB unless
 * told otherwise (`socket: { maxMessageSize }`).
 *
 * @module
 */
import { CodecTransport } from "../call-transport.js";
import { DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_REPLY_BYTES, withMaxMessageSize } from "../message-size.js";
import type { WireProtocol } from "../protocol.js";
import { luaOverMqClientCodec } from "./client.js";
import { LuaOverMqHandler, MULTICALL_DESCRIPTION } from "./server.js";

/** The LuaOverMQ protocol (the default). */
export const luaOverMqProtocol: WireProtocol = {
  name: "luaovermq",
  reserved: [MULTICALL_DESCRIPTION],
  socketDefaults: { maxMessageSize: DEFAULT_MAX_MESSAGE_BYTES },
  serve: (registry, settings) => new LuaOverMqHandler(registry, settings.limits),
  connect: (endpoints, settings) => new CodecTransport(endpoints, luaOverMqClientCodec, { ...settings, socket: withMaxMessageSize(DEFAULT_MAX_REPLY_BYTES, settings.socket), envelope: settings.envelope ?? "correlated" }),
};
