/**
 * RpcClient: calls functions of an {@link RpcServer} (or of any server that
 * speaks the same protocol, e.g. a LuaOverMQ REP server) with many calls in
 * flight on one connection, timeouts, retries of idempotent calls, several
 * endpoints with fail-over, batches and a typed proxy.
 *
 * @module
 */
import type { CallOptions, CallSettings, CallTransport } from "./call-transport.js";
import type { BatchCall, BatchResult } from "./client-codec.js";
import type { JsonStyle } from "./codec/pyjson.js";
import { METHODS_METHOD, PING_METHOD } from "./invoke.js";
import { wireProtocol, type RpcProtocol } from "./protocols.js";
import type { MethodDescription } from "./registry.js";
import { remoteProxy, type RemoteApi } from "./remote-proxy.js";
import type { EnvelopeMode } from "./request-channel.js";
import { securitySocketOptions, type CurveOptions, type PlainOptions } from "./security.js";
import type { StreamConnect } from "../zmtp/transport/stream-connect.js";
import { RpcBatch } from "./batch.js";
import { SocketEvents } from "./socket-events.js";

export type { CallOptions };

/** Options of {@link RpcClient}. */
export interface RpcClientOptions {
  /** Milliseconds a call waits for its reply (default 5000; `0` waits forever). */
  readonly timeout?: number;
  /** Resends of an idempotent call after a timeout (default 0). */
  readonly retries?: number;
  /** Wire protocol; default `"luaovermq"`. */
  readonly protocol?: RpcProtocol;
  /**
   * How requests are wrapped: `"correlated"` (many calls in flight; any ROUTER
   * or REP server) or `"req"` (exactly a REQ envelope, one call at a time).
   * Default: `"correlated"` for LuaOverMQ, `"req"` for Manley (whose servers
   * may expect exactly the REQ envelope).
   */
  readonly envelope?: EnvelopeMode;
  /** Consecutive timeouts after which the socket is recreated (default 2; always 1 in `req` mode). */
  readonly recreateAfterTimeouts?: number;
  /** Calls waiting or in flight at once (default 10,000); beyond it calls fail with `EAGAIN`. */
  readonly maxPending?: number;
  /** JSON layout of Manley requests: `"compact"` (default) or `"python"`. */
  readonly jsonStyle?: JsonStyle;
  /**
   * zerorpc: milliseconds between heartbeats on each open call (default
   * 5000); a server silent for two of them fails the call with
   * `RpcLostRemoteError`. 0 disables both.
   */
  readonly heartbeat?: number;
  /** zerorpc: stream items buffered at most per stream (default 100); the server sends no more until they are read. */
  readonly streamBuffer?: number;
  /** ZMTP PLAIN credentials. */
  readonly plain?: PlainOptions;
  /** CURVE: the server's public key, and this side's key pair if it has one (see {@link CurveOptions}); not with `plain`. */
  readonly curve?: CurveOptions;
  /**
   * Options of the underlying DEALER socket (zeromq.js names). Its
   * `maxMessageSize` bounds the replies: 32 MiB by default for LuaOverMQ
   * and Manley, 16 MiB for zerorpc events; -1 for no bound.
   */
  readonly socket?: Record<string, unknown>;
  /** Dials tcp:// endpoints through this function instead of node:net: the socket option `connect`. */
  readonly connect?: StreamConnect;
}

/** Calls remote functions. */
export class RpcClient {
  /** Default timeout of calls, in milliseconds. */
  timeout: number;
  /** Default resends of idempotent calls after a timeout. */
  retries: number;
  /** The protocol spoken. */
  readonly protocol: RpcProtocol;
  readonly #transport: CallTransport;

  /**
   * @param endpoints - one endpoint, or several: calls go round-robin over
   *   those connected, and away from one that died.
   * @param options - timeouts, retries, protocol, security.
   */
  constructor(endpoints: string | readonly string[], options: RpcClientOptions = {}) {
    this.timeout = options.timeout ?? 5000;
    this.retries = options.retries ?? 0;
    this.protocol = options.protocol ?? "luaovermq";
    const list = typeof endpoints === "string" ? [endpoints] : [...endpoints];
    if (list.length === 0) throw new TypeError("at least one endpoint is needed");
    this.#transport = wireProtocol(this.protocol).connect(list, {
      envelope: options.envelope,
      recreateAfterTimeouts: options.recreateAfterTimeouts,
      maxPending: options.maxPending,
      jsonStyle: options.jsonStyle,
      heartbeat: options.heartbeat,
      streamBuffer: options.streamBuffer,
      socket: { ...securitySocketOptions(options, "client"), connect: options.connect, ...options.socket },
      onSocket: (socket) => this.events.follow(socket),
    });
  }

  /**
   * The events of this client's socket and of every socket that replaces it
   * (after timeouts, or after a refusal), where listeners on
   * `client.socket.events` end with that socket:
   *
   * ```ts
   * client.events.on("handshake:error:auth", (e) => console.error(e.error.message, e.error.status));
   * ```
   */
  readonly events = new SocketEvents();

  /**
   * Calls `method` with `args` and resolves with its result.
   *
   * @throws RpcError (remote error: `remoteName`, `remoteMessage`),
   *   RpcTimeoutError, RpcClosedError.
   */
  call<T = unknown>(method: string, ...args: unknown[]): Promise<T> {
    return this.invoke<T>(method, args);
  }

  /** Calls `method` with per-call options (timeout, idempotent retries). */
  invoke<T = unknown>(method: string, args: readonly unknown[] = [], options: CallOptions = {}): Promise<T> {
    // Not an async function: the transport's promise is returned as it is, one promise per call.
    if (typeof method !== "string") return Promise.reject(new TypeError("method must be a string"));
    try {
      return this.#transport.call(method, args, this.settings(options)) as Promise<T>;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Calls a method whose reply is a stream (zerorpc: a generator on the
   * server) and gives its items as they arrive; the server sends more only
   * as they are read (at most `streamBuffer` wait). Breaking out of the
   * loop ends the call.
   *
   * @throws TypeError when the protocol has no streams; while iterating,
   *   the errors of {@link call} and `RpcLostRemoteError`.
   */
  stream<T = unknown>(method: string, ...args: unknown[]): AsyncIterable<T> {
    return this.streamWith<T>(method, args);
  }

  /** {@link stream} with per-call options; `timeout` bounds the wait for each item. */
  streamWith<T = unknown>(method: string, args: readonly unknown[] = [], options: CallOptions = {}): AsyncIterable<T> {
    if (typeof method !== "string") throw new TypeError("method must be a string");
    const transport = this.#transport;
    if (transport.stream === undefined) throw new TypeError(`the ${this.protocol} protocol has no streams`);
    return transport.stream(method, args, { ...this.settings(options), retries: 0 }) as AsyncIterable<T>;
  }

  /** A typed proxy: `client.proxy<Api>().my.namespace.mult(5, 7)`. */
  proxy<T = Record<string, unknown>>(): RemoteApi<T> {
    return remoteProxy<T>((method, args) => this.invoke(method, args));
  }

  /** A new batch: calls added to it travel in one round trip. */
  batch(): RpcBatch {
    return new RpcBatch((calls, options) => this.sendBatch(calls, options));
  }

  /** Round trip to the server's built-in `rpc.ping` (a server of this package); resolves with the time taken in ms. */
  async ping(options: CallOptions = {}): Promise<number> {
    const start = performance.now();
    await this.invoke(PING_METHOD, [], options);
    return performance.now() - start;
  }

  /** The server's methods with their arity and doc (built-in `rpc.methods`). */
  methods(options: CallOptions = {}): Promise<MethodDescription[]> {
    return this.invoke<MethodDescription[]>(METHODS_METHOD, [], options);
  }

  /** @internal Sends a batch in one request. */
  sendBatch(calls: readonly BatchCall[], options: CallOptions): Promise<BatchResult[]> {
    return this.#transport.batch(calls, this.settings(options));
  }

  /** Endpoints this client connects to. */
  get endpoints(): readonly string[] {
    return this.#transport.endpoints;
  }

  /** How many times the socket was recreated after timeouts. */
  get recreations(): number {
    return this.#transport.recreations;
  }

  /** Calls waiting or in flight. */
  get pending(): number {
    return this.#transport.pending;
  }

  /** The current DEALER socket (for `events`); replaced when recreated. */
  get socket(): CallTransport["socket"] {
    return this.#transport.socket;
  }

  /** Fails outstanding calls with RpcClosedError and closes the connection. */
  close(): void {
    this.#transport.close();
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#transport.closed;
  }

  private settings(options: CallOptions): CallSettings {
    return { timeout: options.timeout ?? this.timeout, retries: options.idempotent ? (options.retries ?? this.retries) : 0, signal: options.signal };
  }
}
