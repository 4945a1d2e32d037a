/**
 * How an {@link RpcClient} puts calls and batches on the wire and reads the
 * replies back, one implementation per protocol, over the sans-I/O codecs.
 * Remote failures become {@link RpcError}; a reply the protocol does not
 * allow throws the codec's RpcProtocolError.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { RpcProtocolError } from "./codec/errors.js";
import * as lua from "./codec/luaovermq.js";
import * as manley from "./codec/manley.js";
import { RpcError } from "./errors.js";
import { MULTICALL_METHOD } from "./invoke.js";

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
}

function luaError(method: string, text: string): RpcError {
  const { name, message } = lua.parseRemoteError(text);
  return new RpcError(method, message, { remoteName: name });
}

/** The LuaOverMQ client codec (batches through `rpc.multicall`). */
export const luaOverMqClientCodec: ClientCodec = {
  batchLabel: MULTICALL_METHOD,
  encodeCall(method, args) {
    return [lua.encodeRequest(method, args)];
  },
  decodeCall(method, reply) {
    const r = lua.decodeReply(reply);
    if (r.ok) return r.value;
    throw luaError(method, r.message);
  },
  encodeBatch(calls) {
    return [lua.encodeRequest(MULTICALL_METHOD, [calls.map((c) => [c.method, [...c.args]])])];
  },
  decodeBatch(calls, reply) {
    const value = this.decodeCall(MULTICALL_METHOD, reply);
    if (!Array.isArray(value) || value.length !== calls.length) {
      throw new RpcProtocolError(`${MULTICALL_METHOD} reply must be a list of ${calls.length} entries`, "BAD_SHAPE");
    }
    return value.map((entry: unknown, i): BatchResult => {
      if (!Array.isArray(entry) || typeof entry[0] !== "boolean") {
        throw new RpcProtocolError(`${MULTICALL_METHOD} reply entry ${i} must be [ok, value]`, "BAD_SHAPE");
      }
      if (entry[0]) return { ok: true, value: entry[1] };
      return { ok: false, error: luaError(calls[i]!.method, typeof entry[1] === "string" ? entry[1] : String(entry[1])) };
    });
  },
};

function manleyError(method: string, entry: manley.ManleyErrorEntry): RpcError {
  return new RpcError(method, entry.message, { remoteName: entry.error_type, remoteTraceback: entry.traceback });
}

/** Manley's zerorpc client codec (a batch is the protocol's own MultiCall). */
export function manleyClientCodec(style: manley.JsonStyle = "compact"): ClientCodec {
  return {
    batchLabel: "multicall",
    encodeCall(method, args) {
      return [manley.encodeRequest([{ name: method, args }], { style })];
    },
    decodeCall(method, reply) {
      const [result] = this.decodeBatch([{ method, args: [] }], reply);
      if (result!.ok) return result!.value;
      throw result!.error;
    },
    encodeBatch(calls) {
      return [manley.encodeRequest(calls.map((c) => ({ name: c.method, args: c.args })), { style })];
    },
    decodeBatch(calls, reply) {
      if (reply.length !== 1) throw new RpcProtocolError(`reply must be one frame, got ${reply.length}`, "BAD_FRAMES");
      return manley.decodeResponse(reply[0]!, calls.length).map((e, i): BatchResult =>
        e.success ? { ok: true, value: e.result } : { ok: false, error: manleyError(calls[i]!.method, e) },
      );
    },
  };
}
