/**
 * LuaOverMQ as an RPC plug-in: msgpack requests, `OK`/`ERROR` replies,
 * batches through `rpc.multicall`, many calls in flight per connection.
 *
 * @module
 */
import { CodecTransport } from "../call-transport.js";
import type { WireProtocol } from "../protocol.js";
import { luaOverMqClientCodec } from "./client.js";
import { LuaOverMqHandler, MULTICALL_DESCRIPTION } from "./server.js";

/** The LuaOverMQ protocol (the default). */
export const luaOverMqProtocol: WireProtocol = {
  name: "luaovermq",
  reserved: [MULTICALL_DESCRIPTION],
  serve: (registry, settings) => new LuaOverMqHandler(registry, settings.limits),
  connect: (endpoints, settings) => new CodecTransport(endpoints, luaOverMqClientCodec, { ...settings, envelope: settings.envelope ?? "correlated" }),
};
