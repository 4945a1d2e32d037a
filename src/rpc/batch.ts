/**
 * A batch of calls sent in ONE round trip (Manley's MultiCall): calls run on
 * the server in order, and each gets its own result or error, in order.
 *
 * @module
 */
import type { BatchCall, BatchResult } from "./client-codec.js";
import { remoteProxy, type RemoteApi } from "./remote-proxy.js";

/** Sends a batch; supplied by the client. */
export type BatchSender = (calls: readonly BatchCall[], options: { timeout?: number; signal?: AbortSignal }) => Promise<BatchResult[]>;

/** Calls collected with {@link add} (or through {@link proxy}) and sent with {@link send}. */
export class RpcBatch {
  readonly #calls: BatchCall[] = [];
  readonly #send: BatchSender;
  #sent = false;

  /**
   * @internal Made by {@link RpcClient.batch}.
   * @param send - how the batch travels (given by the client).
   */
  constructor(send: BatchSender) {
    this.#send = send;
  }

  /** Adds a call; returns its index in the results. */
  add(method: string, ...args: unknown[]): number {
    if (this.#sent) throw new Error("this batch was already sent");
    if (typeof method !== "string") throw new TypeError("method must be a string");
    this.#calls.push({ method, args });
    return this.#calls.length - 1;
  }

  /**
   * A proxy that adds calls: `batch.proxy().my.namespace.mult(2, 2)` adds
   * `my.namespace.mult(2, 2)` and returns its index (as a number, not a promise).
   */
  proxy<T = Record<string, unknown>>(): RemoteApi<T> {
    return remoteProxy<T>((method, args) => this.add(method, ...args));
  }

  /** Number of calls added. */
  get size(): number {
    return this.#calls.length;
  }

  /**
   * Sends every call in one request. Resolves with one entry per call, in
   * order: `{ok: true, value}` or `{ok: false, error}`. Rejects only when the
   * batch as a whole failed (timeout, closed client, bad reply).
   */
  async send(options: { timeout?: number; signal?: AbortSignal } = {}): Promise<BatchResult[]> {
    if (this.#sent) throw new Error("this batch was already sent");
    this.#sent = true;
    if (this.#calls.length === 0) return [];
    return this.#send(this.#calls, options);
  }

  /**
   * Sends the batch and returns the values in order, throwing the error of
   * the first failed call (what a MultiCall loop in the reference client does
   * when it reaches that entry).
   */
  async values(options: { timeout?: number; signal?: AbortSignal } = {}): Promise<unknown[]> {
    const results = await this.send(options);
    return results.map((r) => {
      if (r.ok) return r.value;
      throw r.error;
    });
  }
}
