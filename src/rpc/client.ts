/**
 * RpcClient: calls functions of an {@link RpcServer} (or of any server that
 * speaks the same protocol, e.g. a LuaOverMQ REP server) with many calls in
 * flight on one connection, timeouts, retries of idempotent calls, several
 * endpoints with fail-over, batches and a typed proxy.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { JsonStyle } from "./codec/manley.js";
import { luaOverMqClientCodec, manleyClientCodec, type BatchCall, type BatchResult, type ClientCodec } from "./client-codec.js";
import { RpcError } from "./errors.js";
import { METHODS_METHOD, MULTICALL_METHOD, PING_METHOD } from "./invoke.js";
import type { MethodDescription } from "./registry.js";
import { remoteProxy, type RemoteApi } from "./remote-proxy.js";
import { RequestChannel, type EnvelopeMode } from "./request-channel.js";
import { plainSocketOptions, type PlainOptions } from "./security.js";
import type { StreamConnect } from "../zmtp/transport/stream-connect.js";
import type { RpcProtocol } from "./server.js";
import { RpcBatch } from "./batch.js";

/** Per-call options of {@link RpcClient.invoke}. */
export interface CallOptions {
  /** Milliseconds to wait for the reply; default the client's `timeout`. */
  readonly timeout?: number;
  /**
   * The call may safely run twice: after a timeout it is sent again, up to
   * `retries` times. Calls not marked idempotent are never resent.
   */
  readonly idempotent?: boolean;
  /** Resends after a timeout (idempotent calls only); default the client's `retries`. */
  readonly retries?: number;
}

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
  /** ZMTP PLAIN credentials. */
  readonly plain?: PlainOptions;
  /** Options of the underlying DEALER socket (zeromq.js names). */
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
  readonly #channel: RequestChannel;
  readonly #codec: ClientCodec;

  /**
   * @param endpoints - one endpoint, or several: calls go round-robin over
   *   those connected, and away from one that died.
   * @param options - timeouts, retries, protocol, security.
   */
  constructor(endpoints: string | readonly string[], options: RpcClientOptions = {}) {
    this.timeout = options.timeout ?? 5000;
    this.retries = options.retries ?? 0;
    this.protocol = options.protocol ?? "luaovermq";
    if (this.protocol === "luaovermq") this.#codec = luaOverMqClientCodec;
    else if (this.protocol === "manley") this.#codec = manleyClientCodec(options.jsonStyle);
    else throw new TypeError(`unknown RPC protocol "${String(this.protocol)}"`);
    this.#channel = new RequestChannel(endpoints, {
      envelope: options.envelope ?? (this.protocol === "manley" ? "req" : "correlated"),
      recreateAfterTimeouts: options.recreateAfterTimeouts,
      maxPending: options.maxPending,
      socket: { ...plainSocketOptions(options.plain, "client"), connect: options.connect, ...options.socket },
    });
  }

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
  async invoke<T = unknown>(method: string, args: readonly unknown[] = [], options: CallOptions = {}): Promise<T> {
    if (typeof method !== "string") throw new TypeError("method must be a string");
    const frames = this.#codec.encodeCall(method, args);
    const reply = await this.request(frames, method, options);
    return this.#codec.decodeCall(method, reply) as T;
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
  async sendBatch(calls: readonly BatchCall[], options: CallOptions): Promise<BatchResult[]> {
    const reply = await this.request(this.#codec.encodeBatch(calls), this.#codec.batchLabel, options);
    try {
      return this.#codec.decodeBatch(calls, reply);
    } catch (err) {
      // A LuaOverMQ server that is not ours has no rpc.multicall: fall back to one call each.
      if (err instanceof RpcError && err.remoteMessage === `function '${MULTICALL_METHOD}' not found`) {
        return Promise.all(
          calls.map((c) =>
            this.invoke(c.method, c.args, options).then(
              (value): BatchResult => ({ ok: true, value }),
              (error: Error): BatchResult => ({ ok: false, error }),
            ),
          ),
        );
      }
      throw err;
    }
  }

  /** Endpoints this client connects to. */
  get endpoints(): readonly string[] {
    return this.#channel.endpoints;
  }

  /** How many times the socket was recreated after timeouts. */
  get recreations(): number {
    return this.#channel.recreations;
  }

  /** Calls waiting or in flight. */
  get pending(): number {
    return this.#channel.pending;
  }

  /** The current DEALER socket (for `events`); replaced when recreated. */
  get socket(): RequestChannel["socket"] {
    return this.#channel.socket;
  }

  /** Fails outstanding calls with RpcClosedError and closes the connection. */
  close(): void {
    this.#channel.close();
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#channel.closed;
  }

  private request(frames: Buffer[], label: string, options: CallOptions): Promise<Buffer[]> {
    const retries = options.idempotent ? (options.retries ?? this.retries) : 0;
    return this.#channel.requestWithRetries(frames, options.timeout ?? this.timeout, retries, label);
  }
}
