/**
 * The one interface a wire protocol implements to plug into
 * {@link RpcServer} and {@link RpcClient}: how a request and its reply are
 * framed and coded, what the server answers to bad input or when busy, and
 * what the client sends for a call, a batch or a stream. Each protocol lives
 * in its own folder (`luaovermq/`, `manley/`, `zerorpc/`) and is listed in
 * `protocols.ts`; the shared core (server loop, client channel, registry,
 * deadlines, work limits, batches) never names one.
 *
 * @module
 */
import type { BatchLimits } from "./batch-limits.js";
import type { CallOptions, CallTransport, CallTransportOptions } from "./call-transport.js";
import type { JsonStyle } from "./codec/pyjson.js";
import type { MethodDescription, MethodRegistry } from "./registry.js";
import type { RequestHandler } from "./request-service.js";

/** What a server side is told when it is made. */
export interface ServerSettings {
  /** Bounds of batch requests. */
  readonly limits: BatchLimits;
  /** JSON layout of replies (JSON protocols). */
  readonly jsonStyle?: JsonStyle;
  /** Send a failing handler's stack to the caller (default false: it reveals file paths). */
  readonly tracebacks?: boolean;
  /** The server's name, where the protocol tells it (zerorpc's `_zerorpc_name`). */
  readonly name?: string;
  /** Milliseconds between heartbeats on an open call, where the protocol has them; 0 disables. */
  readonly heartbeat?: number;
}

/** What a client side is told when it is made. */
export interface ClientSettings extends CallTransportOptions {
  /** JSON layout of requests (JSON protocols). */
  readonly jsonStyle?: JsonStyle;
  /** Milliseconds between heartbeats on an open call, where the protocol has them; 0 disables. */
  readonly heartbeat?: number;
  /** Stream items buffered at most (protocols with streams). */
  readonly streamBuffer?: number;
}

/** A wire protocol, both sides. */
export interface WireProtocol {
  /** The name given as the `protocol` option. */
  readonly name: string;
  /** Methods the protocol reserves besides `rpc.ping` and `rpc.methods`, as introspection lists them. */
  readonly reserved: readonly MethodDescription[];
  /** Socket options the protocol's sockets get unless the application sets them (bounds). */
  readonly socketDefaults?: Readonly<Record<string, unknown>>;
  /** The server side: answers each request from the registry. */
  serve(registry: MethodRegistry, settings: ServerSettings): RequestHandler;
  /** The client side: puts calls on the wire and gives their results back. */
  connect(endpoints: readonly string[], settings: ClientSettings): CallTransport;
}

export type { CallOptions };
