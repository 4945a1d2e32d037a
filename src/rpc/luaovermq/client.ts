/**
 * The LuaOverMQ protocol on the client side: a call is one msgpack frame
 * `[method, ...args]`, a batch is the reserved `rpc.multicall`; a server
 * without it (the reference) gets the calls one by one.
 *
 * @module
 */
import { RpcProtocolError } from "../codec/errors.js";
import type { BatchResult, ClientCodec } from "../client-codec.js";
import { RpcError } from "../errors.js";
import { MULTICALL_METHOD } from "../invoke.js";
import * as lua from "./codec.js";

function luaError(method: string, text: string): RpcError {
  const { name, message } = lua.parseRemoteError(text);
  return new RpcError(method, message, { remoteName: name });
}

/** The LuaOverMQ client codec (batches through `rpc.multicall`). */
export const luaOverMqClientCodec: ClientCodec = {
  batchLabel: MULTICALL_METHOD,
  batchRefused(err) {
    return err instanceof RpcError && err.remoteMessage === lua.functionNotFoundMessage(MULTICALL_METHOD);
  },
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

