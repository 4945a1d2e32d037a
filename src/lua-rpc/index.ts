/**
 * `purezmq/lua-rpc`: the Mihini Lua `rpc` protocol over TCP in pure
 * TypeScript. A {@link LuaRpcPeer} talks to a real Lua peer (or to another
 * purezmq peer) octet-for-octet: both sides call each other on one
 * connection, values travel in the luatobin format (see `codec.ts` for the
 * JavaScript/Lua value mapping).
 *
 * @example
 * ```ts
 * import { newClient } from "purezmq/lua-rpc";
 * const peer = await newClient("localhost", 1999);
 * const [max] = await peer.call("math.max", 1, 2.5, -3); // 2.5
 * await peer.close();
 * ```
 *
 * @module purezmq/lua-rpc
 */

export {
  LuaRpcPeer,
  LuaRpcServer,
  newClient,
  newServer,
  newMultiServer,
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_MAX_QUEUED_CALLS,
  DEFAULT_MAX_SERVING,
  DEFAULT_MAX_SERVING_BYTES,
  DEFAULT_MAX_EXECS,
  type LuaRpcPeerOptions,
  type LuaRpcClientOptions,
  type LuaRpcServerOptions,
  type CallOptions,
  type LuaEvaluator,
  type LuaCallable,
  type LuaExec,
  type OnPeer,
} from "./peer.js";
export {
  LuaBytes,
  LuaFunction,
  LuaTable,
  LuaMulti,
  multi,
  RemoteObjectRef,
  LocalObjectRef,
  type LuaValue,
} from "./values.js";
export {
  encode,
  encodeMany,
  decode,
  decodeMany,
  LuaWriter,
  LuaReader,
  Tag,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_VALUES,
  type EncodeOptions,
  type DecodeOptions,
} from "./codec.js";
export {
  FrameDecoder,
  MessageType,
  Status,
  HEADER_SIZE,
  DEFAULT_MAX_FRAME_SIZE,
  encodeCallFrame,
  encodeResponseFrame,
  writeCallFrame,
  writeResponseFrame,
  type Frame,
  type FrameDecoderOptions,
} from "./framing.js";
export {
  LuaRpcBaseError,
  LuaEncodeError,
  LuaDecodeError,
  LuaRpcProtocolError,
  LuaRpcFrameTooLargeError,
  LuaRpcError,
  LuaRpcNoSuchProcedureError,
  LuaRpcNotCallableError,
  LuaRpcResultNotSerializableError,
  LuaRpcTimeoutError,
  LuaRpcClosedError,
  LuaRpcQueueFullError,
  LuaRpcStalledError,
  LuaRpcConnectError,
} from "./errors.js";
