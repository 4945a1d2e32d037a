/**
 * RpcServer: functions and objects served by name over ZeroMQ, in the
 * LuaOverMQ protocol (default), Manley's zerorpc JSON protocol or dotcloud
 * zerorpc (protocol v3, with streams and heartbeats).
 *
 * It listens with a ROUTER, so requests from many clients are handled
 * concurrently (a slow async handler delays only its own caller) while REQ
 * clients, such as the LuaOverMQ Python connector, still get their reply
 * with their envelope. At most `maxConcurrency` requests run at once; the
 * others wait per client, round robin, bounded per client and in total by
 * count and octets (see `request-service.ts`); beyond a bound a request is
 * answered at once with a "server busy" error. Batches are bounded in
 * length and reply size (`batch-limits.ts`). Every request gets an answer: unknown methods, bad
 * requests, throwing handlers and unencodable results all produce an error
 * reply, and the server keeps serving.
 *
 * Reserved methods: `rpc.ping` (answers `"pong"`), `rpc.methods` (list of
 * `{name, arity, doc}`), and in the LuaOverMQ protocol `rpc.multicall`
 * (a batch; see `luaovermq/server.ts`).
 *
 * @module
 */
import { batchLimits, type BatchLimitOptions } from "./batch-limits.js";
import type { JsonStyle } from "./codec/pyjson.js";
import { describeAll } from "./invoke.js";
import type { WireProtocol } from "./protocol.js";
import { wireProtocol, type RpcProtocol } from "./protocols.js";
import { MethodRegistry, type MethodDescription, type RegisterOptions, type RpcHandler } from "./registry.js";
import { RequestService, type RequestServiceOptions } from "./request-service.js";
import { securitySocketOptions, type CurveOptions, type PlainOptions } from "./security.js";
import { ownOption } from "../zmtp/closed-options.js";

export type { RpcProtocol };

/** Options of {@link RpcServer}. */
export interface RpcServerOptions extends RequestServiceOptions, BatchLimitOptions {
  /**
   * Options of the underlying ROUTER socket (zeromq.js names). Its
   * `maxMessageSize` bounds the requests: 16 MiB by default in every
   * protocol; -1 for no bound.
   */
  readonly socket?: RequestServiceOptions["socket"];
  /** Wire protocol; default `"luaovermq"`. */
  readonly protocol?: RpcProtocol;
  /** JSON layout of Manley responses: `"compact"` (default, as ujson) or `"python"` (json.dumps). */
  readonly jsonStyle?: JsonStyle;
  /** Require ZMTP PLAIN credentials from clients (see {@link PlainOptions}). */
  readonly plain?: PlainOptions;
  /** CURVE: encrypt and authenticate every frame (see {@link CurveOptions}); not with `plain`. */
  readonly curve?: CurveOptions;
  /**
   * Milliseconds a client connection may stay silent before it is closed
   * (the socket's `idleTimeout`); default 0: never. Clients that call
   * rarely should set heartbeats to stay connected.
   */
  readonly idleTimeout?: number;
  /** Manley and zerorpc: send a failing handler's stack as the traceback (default false: it reveals file paths). */
  readonly tracebacks?: boolean;
  /** zerorpc: the server's name, as `_zerorpc_name` and `_zerorpc_ping` tell it (default `"purezmq"`). */
  readonly name?: string;
  /**
   * zerorpc: milliseconds between heartbeats on each open call (default
   * 5000); a client silent for two of them is lost and its call dropped.
   * 0 disables both.
   */
  readonly heartbeat?: number;
  /**
   * Told of each error a handler throws or rejects with (for logs and
   * metrics); the caller gets its error reply as usual. An observer that
   * throws is ignored.
   */
  readonly onHandlerError?: (method: string, error: unknown) => void;
}

/** Serves registered functions over ZeroMQ. */
export class RpcServer {
  /** The protocol this server speaks. */
  readonly protocol: RpcProtocol;
  readonly #wire: WireProtocol;
  readonly #registry: MethodRegistry;
  readonly #service: RequestService;

  /** @param options - protocol, work bounds, security and socket options. */
  constructor(options: RpcServerOptions = {}) {
    this.protocol = options.protocol ?? "luaovermq";
    this.#wire = wireProtocol(this.protocol);
    this.#registry = new MethodRegistry(options.onHandlerError);
    const handler = this.#wire.serve(this.#registry, { ...options, limits: batchLimits(options) });
    const idle = options.idleTimeout === undefined ? {} : { idleTimeout: options.idleTimeout };
    const socket = { ...this.#wire.socketDefaults, ...securitySocketOptions(options, "server"), ...idle, ...options.socket };
    this.#service = new RequestService(handler, { ...options, socket });
  }

  /**
   * Makes a function callable as `name`, or each method of an object callable
   * as `name.<method>`. Handlers may be sync or async; what they return (or
   * resolve to) is the reply, what they throw is sent back as the error.
   *
   * @throws TypeError for a malformed or reserved (`rpc.`) name.
   */
  register(name: string, target: RpcHandler | object, options?: RegisterOptions): this {
    this.#registry.register(name, target, options);
    return this;
  }

  /** Removes a method or a whole namespace; returns how many methods went. */
  unregister(name: string): number {
    return this.#registry.unregister(name);
  }

  /** What `rpc.methods` answers: every callable method with its arity and doc. */
  methods(): MethodDescription[] {
    return describeAll(this.#registry, this.#wire.reserved);
  }

  /** Starts listening (tcp, ipc, inproc). `tcp://127.0.0.1:0` picks a free port; see {@link endpoint}. */
  async bind(address: string): Promise<void> {
    await this.#service.bind(address);
  }

  /** Stops listening on one endpoint. */
  async unbind(address: string): Promise<void> {
    await this.#service.unbind(address);
  }

  /** Serves over an outgoing connection too (e.g. to a broker's DEALER side). */
  connect(address: string): void {
    this.#service.connect(address);
  }

  /** The last endpoint bound, with the real port (after close() too). */
  get endpoint(): string | null {
    return ownOption(this.#service.socket, "lastEndpoint");
  }

  /** The ROUTER socket, for `events` and advanced options. */
  get socket(): RequestService["socket"] {
    return this.#service.socket;
  }

  /** Requests being handled now. */
  get running(): number {
    return this.#service.running;
  }

  /** Requests waiting for a slot. */
  get queued(): number {
    return this.#service.queued;
  }

  /** Stops serving. Replies still being computed are dropped. */
  close(): void {
    this.#service.close();
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#service.closed;
  }
}
