/**
 * What an {@link RpcClient} asks of a protocol's client side: a call, a
 * batch, optionally a stream, over connections the transport owns. The
 * request-reply protocols share {@link CodecTransport} (a {@link ClientCodec}
 * over a {@link RequestChannel}); a protocol with its own channel model
 * (zerorpc's events, heartbeats and streams) brings its own transport.
 *
 * @module
 */
import type { Dealer } from "../index.js";
import type { BatchCall, BatchResult, ClientCodec } from "./client-codec.js";
import { RequestChannel, type EnvelopeMode } from "./request-channel.js";

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
  /**
   * Aborts the call: it rejects with the signal's reason. A call whose
   * request was not written yet is withdrawn and never sent.
   */
  readonly signal?: AbortSignal;
}

/** A call's options with the client's defaults applied. */
export interface CallSettings {
  /** Milliseconds to wait; `<= 0` or Infinity waits forever. */
  readonly timeout: number;
  /** Resends after a timeout (0 unless the call is idempotent). */
  readonly retries: number;
  /** Aborts the call. */
  readonly signal?: AbortSignal;
}

/** Connection options every transport takes. */
export interface CallTransportOptions {
  /** How requests are wrapped (request-reply protocols); each protocol has its default. */
  readonly envelope?: EnvelopeMode;
  /** Consecutive timeouts after which the socket is recreated. */
  readonly recreateAfterTimeouts?: number;
  /** Calls waiting or in flight at once. */
  readonly maxPending?: number;
  /** Options of the underlying DEALER socket (zeromq.js names). */
  readonly socket?: Record<string, unknown>;
  /** Told of each socket made, the first and every replacement. */
  readonly onSocket?: (socket: Dealer) => void;
}

/** A protocol's client side, bound to its endpoints. */
export interface CallTransport {
  /** One call; resolves with its result, rejects with its RpcError. */
  call(method: string, args: readonly unknown[], settings: CallSettings): Promise<unknown>;
  /** Several calls in one round trip where the protocol allows it. */
  batch(calls: readonly BatchCall[], settings: CallSettings): Promise<BatchResult[]>;
  /** A call whose reply is a stream of items (protocols with streams only). */
  stream?(method: string, args: readonly unknown[], settings: CallSettings): AsyncIterable<unknown>;
  /** Endpoints connected to. */
  readonly endpoints: readonly string[];
  /** Times the socket was recreated. */
  readonly recreations: number;
  /** Calls waiting or in flight. */
  readonly pending: number;
  /** The current DEALER socket. */
  readonly socket: Dealer;
  /** True once closed. */
  readonly closed: boolean;
  /** Fails outstanding calls and closes the connection. */
  close(): void;
}

/** Runs each call of a batch on its own, at once; each result or error in order. */
export function callEach(calls: readonly BatchCall[], call: (c: BatchCall) => Promise<unknown>): Promise<BatchResult[]> {
  return Promise.all(
    calls.map((c) =>
      call(c).then(
        (value): BatchResult => ({ ok: true, value }),
        (error: Error): BatchResult => ({ ok: false, error }),
      ),
    ),
  );
}

/** A request-reply protocol's client side: its codec over a {@link RequestChannel}. */
export class CodecTransport implements CallTransport {
  readonly #channel: RequestChannel;
  readonly #codec: ClientCodec;

  /**
   * @param endpoints - where servers listen.
   * @param codec - the protocol's coding of calls and batches.
   * @param options - envelope, recovery and socket options.
   */
  constructor(endpoints: readonly string[], codec: ClientCodec, options: CallTransportOptions) {
    this.#codec = codec;
    this.#channel = new RequestChannel(endpoints, options);
  }

  call(method: string, args: readonly unknown[], settings: CallSettings): Promise<unknown> {
    const codec = this.#codec;
    let body: Buffer[];
    try {
      body = codec.encodeCall(method, args);
    } catch (err) {
      return Promise.reject(err);
    }
    // Decoded as the reply arrives: the call's promise is the channel's, no second one.
    return this.#channel.requestWithRetries(body, settings.timeout, settings.retries, method, settings.signal, (reply) => codec.decodeCall(method, reply));
  }

  async batch(calls: readonly BatchCall[], settings: CallSettings): Promise<BatchResult[]> {
    const codec = this.#codec;
    const reply = await this.#channel.requestWithRetries(codec.encodeBatch(calls), settings.timeout, settings.retries, codec.batchLabel, settings.signal);
    try {
      return codec.decodeBatch(calls, reply);
    } catch (err) {
      if (codec.batchRefused?.(err) !== true) throw err;
      return callEach(calls, (c) => this.call(c.method, c.args, settings));
    }
  }

  get endpoints(): readonly string[] {
    return this.#channel.endpoints;
  }

  get recreations(): number {
    return this.#channel.recreations;
  }

  get pending(): number {
    return this.#channel.pending;
  }

  get socket(): Dealer {
    return this.#channel.socket;
  }

  get closed(): boolean {
    return this.#channel.closed;
  }

  close(): void {
    this.#channel.close();
  }
}
