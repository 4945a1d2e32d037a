/**
 * Manley's zerorpc JSON protocol as an RPC plug-in. Its clients send exactly
 * a REQ envelope by default, since its servers may expect nothing else.
 *
 * @module
 */
import { CodecTransport } from "../call-transport.js";
import type { WireProtocol } from "../protocol.js";
import { manleyClientCodec } from "./client.js";
import { ManleyHandler } from "./server.js";

/** Manley's zerorpc JSON protocol. */
export const manleyProtocol: WireProtocol = {
  name: "manley",
  reserved: [],
  serve: (registry, settings) => new ManleyHandler(registry, { style: settings.jsonStyle, tracebacks: settings.tracebacks, limits: settings.limits }),
  connect: (endpoints, settings) => new CodecTransport(endpoints, manleyClientCodec(settings.jsonStyle), { ...settings, envelope: settings.envelope ?? "req" }),
};
