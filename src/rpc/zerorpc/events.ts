/**
 * dotcloud zerorpc, protocol v3: the event, sans-I/O. An event is one
 * msgpack array `[header, name, args]`; `header` holds `message_id` (32 hex
 * digits, bin from zerorpc-python 3, str from zerorpc-node), `v: 3` and,
 * on every event of a channel but the first, `response_to` (the first
 * event's id). See `spec/zerorpc.md` and zerorpc-python's `doc/protocol.md`.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { randomBytes } from "node:crypto";
import { RpcProtocolError, isRecord } from "../codec/errors.js";
import { decodeMsgpack, encodeMsgpack } from "../codec/msgpack.js";

/** The protocol version sent in every header. */
export const PROTOCOL_VERSION = 3;
/** Reply of a call that returned. */
export const OK = "OK";
/** Reply of a call that raised: args `[name, message, traceback]`. */
export const ERR = "ERR";
/** One streamed item (args: the bare item). */
export const STREAM = "STREAM";
/** End of a stream (args: nil). */
export const STREAM_DONE = "STREAM_DONE";
/** Heartbeat on an open channel (args `[0]`). */
export const HEARTBEAT = "_zpc_hb";
/** Stream credit: args `[n]`, n more events may be sent. */
export const MORE = "_zpc_more";

/** A message id as it travels: bin (zerorpc-python 3) or str (zerorpc-node). */
export type MessageId = Buffer | string;

/** A decoded event. */
export interface ZeroRpcEvent {
  /** The event's own id. */
  readonly id: MessageId;
  /** The id of the event that opened its channel; absent on that first event. */
  readonly responseTo?: MessageId;
  /** Method name, reply name or control name. */
  readonly name: string;
  /** The arguments as sent (an array for requests, OK, ERR and control events). */
  readonly args: unknown;
}

/** A fresh id of 32 hex digits, in the form given (bin by default, as zerorpc-python 3 sends). */
export function newMessageId(form: "bin" | "str" = "bin"): MessageId {
  const hex = randomBytes(16).toString("hex");
  return form === "bin" ? Buffer.from(hex, "latin1") : hex;
}

/** The id as a map key: the same text whichever form it came in. */
export function idKey(id: MessageId): string {
  return typeof id === "string" ? id : id.toString("latin1");
}

/** A fresh id in the same form (bin or str) as `like`. */
export function idLike(like: MessageId): MessageId {
  return newMessageId(typeof like === "string" ? "str" : "bin");
}

/**
 * Encodes an event. The header keys go in zerorpc-python's order:
 * `message_id`, `v`, `response_to`.
 */
export function encodeEvent(name: string, args: unknown, id: MessageId, responseTo?: MessageId): Buffer {
  const header: Record<string, unknown> = { message_id: id, v: PROTOCOL_VERSION };
  if (responseTo !== undefined) header.response_to = responseTo;
  return encodeMsgpack([header, name, args]);
}

function isId(v: unknown): v is MessageId {
  return typeof v === "string" || Buffer.isBuffer(v);
}

/**
 * Decodes an event.
 *
 * @throws RpcProtocolError: `MALFORMED` msgpack, `BAD_SHAPE` when it is not
 *   `[header, name, args]` with a `message_id`.
 */
export function decodeEvent(frame: Uint8Array): ZeroRpcEvent {
  const value = decodeMsgpack(frame);
  if (!Array.isArray(value) || value.length < 3) throw new RpcProtocolError("a zerorpc event must be [header, name, args]", "BAD_SHAPE");
  const [header, name, args] = value as [unknown, unknown, unknown];
  if (!isRecord(header) || header instanceof Map) throw new RpcProtocolError("a zerorpc event header must be a map with string keys", "BAD_SHAPE");
  const id = header.message_id;
  if (!isId(id)) throw new RpcProtocolError("a zerorpc event header needs a message_id (bin or str)", "BAD_SHAPE");
  if (typeof name !== "string") throw new RpcProtocolError("a zerorpc event name must be a str", "BAD_SHAPE");
  const responseTo = header.response_to;
  if (responseTo !== undefined && responseTo !== null && !isId(responseTo)) {
    throw new RpcProtocolError("a zerorpc response_to must be bin or str", "BAD_SHAPE");
  }
  return responseTo === undefined || responseTo === null ? { id, name, args } : { id, responseTo, name, args };
}
