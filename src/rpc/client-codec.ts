/**
 * How a request-reply protocol puts calls and batches on the wire and reads
 * the replies back (each protocol folder has one), over its sans-I/O codec.
 * Remote failures become {@link RpcError}; a reply the protocol does not
 * allow throws the codec's RpcProtocolError.
 *
 * @module
 */
import type { Buffer } from "node:buffer";

/** One call of a batch. */
export interface BatchCall {
  /** Method name. */
  readonly method: string;
  /** Positional arguments. */
  readonly args: readonly unknown[];
}

/** The result of one batch entry: its value, or the error it raised. */
export type BatchResult<T = unknown> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: Error };

/** Encoding and decoding of one protocol, client side. */
export interface ClientCodec {
  /** Request frames for one call. */
  encodeCall(method: string, args: readonly unknown[]): Buffer[];
  /** The result of a call, or throws its RpcError. */
  decodeCall(method: string, reply: Buffer[]): unknown;
  /** Request frames for a batch (one round trip). */
  encodeBatch(calls: readonly BatchCall[]): Buffer[];
  /** Each entry's outcome, index aligned; throws RpcError when the whole batch failed. */
  decodeBatch(calls: readonly BatchCall[], reply: Buffer[]): BatchResult[];
  /** Name of the batch request, for timeouts and errors. */
  readonly batchLabel: string;
  /**
   * True when a batch failed only because the server cannot take batches:
   * the calls are then sent one by one instead.
   */
  batchRefused?(err: unknown): boolean;
}
