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
import { RpcProtocolError, asBuffer, isRecord } from "../codec/errors.js";
import { MALFORMED_MSGPACK, decodeMsgpackAt, encodeMsgpack, readArrayHead } from "../codec/msgpack.js";
import { MAX_DECODED_VALUES, msgpackValueEnd } from "../codec/nesting.js";

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
 * Values an event's header and name may decode to together: zerorpc's
 * headers hold three keys, so a thousand is room for any extension, while
 * a control event (a heartbeat, credit), taken outside the work bounds, is
 * read at a bounded cost whatever its size.
 */
export const MAX_HEAD_VALUES = 1000;

/** An event read up to its arguments, which are left undecoded. */
export interface ZeroRpcEventHead {
  /** The event's own id. */
  readonly id: MessageId;
  /** The id of the event that opened its channel; absent on that first event. */
  readonly responseTo?: MessageId;
  /** Method name, reply name or control name. */
  readonly name: string;
  /** The frame, and where its arguments start. */
  readonly frame: Buffer;
  readonly argsAt: number;
  /** Elements of the event after its arguments (zerorpc sends none; they are skipped). */
  readonly extra: number;
  /** Values the header and name decoded to. */
  readonly values: number;
}

function badShape(message: string): RpcProtocolError {
  return new RpcProtocolError(message, "BAD_SHAPE");
}

/**
 * Reads an event's header and name, not its arguments: what a control
 * event is, and which channel it is on, is known from these alone.
 *
 * @throws RpcProtocolError: `MALFORMED` msgpack, `BAD_SHAPE` when it is not
 *   `[header, name, args]` with a `message_id`, `TOO_LARGE` past
 *   {@link MAX_HEAD_VALUES}.
 */
export function decodeEventHead(frame: Uint8Array): ZeroRpcEventHead {
  const buf = asBuffer(frame);
  const array = readArrayHead(buf, 0);
  if (array === undefined || array.count < 3) throw badShape("a zerorpc event must be [header, name, args]");
  const head = decodeMsgpackAt(buf, array.end, MAX_HEAD_VALUES);
  const named = decodeMsgpackAt(buf, head.end, MAX_HEAD_VALUES - head.values);
  const header = head.value;
  if (!isRecord(header) || header instanceof Map) throw badShape("a zerorpc event header must be a map with string keys");
  const id = header.message_id;
  if (!isId(id)) throw badShape("a zerorpc event header needs a message_id (bin or str)");
  const name = named.value;
  if (typeof name !== "string") throw badShape("a zerorpc event name must be a str");
  const responseTo = header.response_to;
  if (responseTo !== undefined && responseTo !== null && !isId(responseTo)) throw badShape("a zerorpc response_to must be bin or str");
  const rest = { name, frame: buf, argsAt: named.end, extra: array.count - 3, values: head.values + named.values };
  return responseTo === undefined || responseTo === null ? { id, ...rest } : { id, responseTo, ...rest };
}

/**
 * Decodes the arguments of an event read by {@link decodeEventHead}; the
 * whole event stays within `maxValues` (default `MAX_DECODED_VALUES`).
 *
 * @throws RpcProtocolError: `MALFORMED` (bad octets, octets after the event), `TOO_LARGE`.
 */
export function decodeEventArgs(head: ZeroRpcEventHead, maxValues: number = MAX_DECODED_VALUES): unknown {
  const budget = maxValues - head.values;
  const args = decodeMsgpackAt(head.frame, head.argsAt, budget);
  let end = args.end;
  // Elements after the arguments are walked over, never built.
  for (let i = 0; i < head.extra; i++) {
    end = msgpackValueEnd(head.frame, end, budget - args.values);
    if (end < 0) throw new RpcProtocolError(`${MALFORMED_MSGPACK}the event ends inside an element`, "MALFORMED");
  }
  if (end !== head.frame.length) throw new RpcProtocolError(`${MALFORMED_MSGPACK}${head.frame.length - end} octet(s) after the event`, "MALFORMED");
  return args.value;
}

/**
 * Decodes an event.
 *
 * @throws RpcProtocolError: `MALFORMED` msgpack, `BAD_SHAPE` when it is not
 *   `[header, name, args]` with a `message_id`, `TOO_LARGE`.
 */
export function decodeEvent(frame: Uint8Array): ZeroRpcEvent {
  const head = decodeEventHead(frame);
  const args = decodeEventArgs(head);
  return head.responseTo === undefined ? { id: head.id, name: head.name, args } : { id: head.id, responseTo: head.responseTo, name: head.name, args };
}
