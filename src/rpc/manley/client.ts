/**
 * Manley's zerorpc JSON protocol on the client side: a call is a one-entry
 * MultiCall, a batch the protocol's own MultiCall.
 *
 * @module
 */
import { RpcProtocolError } from "../codec/errors.js";
import type { BatchResult, ClientCodec } from "../client-codec.js";
import { RpcError } from "../errors.js";
import * as manley from "./codec.js";

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
