/**
 * ZMTP commands: RFC 23 sections "Commands", "The READY Command", "The ERROR
 * Command"; RFC 37 (ZMTP 3.1) sections "The PING Command", "The PONG
 * Command", "The SUBSCRIBE Command", "The CANCEL Command".
 *
 * ```
 * command-body = command-name command-data
 * command-name = OCTET 1*255command-name-char
 * metadata     = *property
 * property     = name value
 * name         = OCTET 1*255name-char
 * value        = 4OCTET *OCTET      ; size in network byte order
 * ```
 */
import { Buffer } from "node:buffer";
import { malformed, ZmtpProtocolError } from "./errors.js";

/** A decoded command: its name and the octets after it. */
export interface Command {
  name: string;
  data: Buffer;
}

/**
 * Metadata properties. Names are compared case-insensitively (RFC 23), so
 * the map is keyed by the lower-case name.
 */
export type Metadata = Map<string, Buffer>;

/** A property to send: the name in its exact case, and its value. */
export type Property = readonly [name: string, value: Buffer | string];

/** Builds a command body. */
export function encodeCommand(name: string, data?: Uint8Array): Buffer {
  const nameLen = Buffer.byteLength(name, "latin1");
  const buf = Buffer.allocUnsafe(1 + nameLen + (data?.length ?? 0));
  buf[0] = nameLen;
  buf.write(name, 1, "latin1");
  if (data) buf.set(data, 1 + nameLen);
  return buf;
}

/** Splits a command body into name and data. */
export function decodeCommand(body: Buffer): Command {
  if (body.length < 1) throw malformed("empty command frame", "ERR_ZMTP_UNEXPECTED_COMMAND");
  const nameLen = body[0]!;
  if (nameLen === 0) throw malformed("command with an empty name", "ERR_ZMTP_UNEXPECTED_COMMAND");
  if (1 + nameLen > body.length) throw malformed("command name runs past the end of its frame", "ERR_ZMTP_UNEXPECTED_COMMAND");
  return { name: body.toString("latin1", 1, 1 + nameLen), data: body.subarray(1 + nameLen) };
}

/** Encodes metadata properties (READY, INITIATE). */
export function encodeMetadata(props: readonly Property[]): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of props) {
    const v = typeof value === "string" ? Buffer.from(value, "latin1") : value;
    const head = Buffer.allocUnsafe(1 + name.length + 4);
    head[0] = name.length;
    head.write(name, 1, "latin1");
    head.writeUInt32BE(v.length, 1 + name.length);
    parts.push(head, v);
  }
  return Buffer.concat(parts);
}

/** Decodes metadata properties; unknown names are kept, the caller ignores them. */
export function decodeMetadata(data: Buffer): Metadata {
  const props: Metadata = new Map();
  for (const [name, value] of decodeProperties(data)) props.set(name.toLowerCase(), value);
  return props;
}

/**
 * Decodes metadata properties in wire order with names in the exact case
 * sent (repeats kept), for tools that show what crossed the wire; peers
 * use {@link decodeMetadata}.
 */
export function decodeProperties(data: Buffer): Array<[name: string, value: Buffer]> {
  const props: Array<[string, Buffer]> = [];
  let pos = 0;
  while (pos < data.length) {
    const nameLen = data[pos]!;
    if (nameLen === 0) throw malformed("metadata property with an empty name", "ERR_ZMTP_INVALID_METADATA");
    if (pos + 1 + nameLen + 4 > data.length) throw malformed("metadata property truncated", "ERR_ZMTP_INVALID_METADATA");
    const name = data.toString("latin1", pos + 1, pos + 1 + nameLen);
    pos += 1 + nameLen;
    const valueLen = data.readUInt32BE(pos);
    pos += 4;
    if (valueLen > data.length - pos) throw malformed(`metadata property "${name}" value truncated`, "ERR_ZMTP_INVALID_METADATA");
    props.push([name, data.subarray(pos, pos + valueLen)]);
    pos += valueLen;
  }
  return props;
}

/** READY (RFC 23): the NULL and PLAIN handshakes' last command. */
export function encodeReady(props: readonly Property[]): Buffer {
  return encodeCommand("READY", encodeMetadata(props));
}

/** ERROR (RFC 23): a fatal error with a reason of at most 255 octets. */
export function encodeError(reason: string): Buffer {
  const r = Buffer.from(reason, "utf8").subarray(0, 255);
  const data = Buffer.allocUnsafe(1 + r.length);
  data[0] = r.length;
  r.copy(data, 1);
  return encodeCommand("ERROR", data);
}

/** Reads the reason of an ERROR command. */
export function decodeError(data: Buffer): string {
  if (data.length < 1 || 1 + data[0]! > data.length) throw malformed("malformed ERROR command", "ERR_ZMTP_MALFORMED_COMMAND_ERROR");
  return data.toString("utf8", 1, 1 + data[0]!);
}

/** Largest PING context (RFC 37). */
export const PING_CONTEXT_MAX = 16;

/** PING (RFC 37): `ttl` in tenths of a second, then up to 16 octets of context. */
export function encodePing(ttlDeciseconds: number, context: Buffer = Buffer.alloc(0)): Buffer {
  const data = Buffer.allocUnsafe(2 + context.length);
  data.writeUInt16BE(Math.min(0xffff, Math.max(0, Math.round(ttlDeciseconds))), 0);
  context.copy(data, 2);
  return encodeCommand("PING", data);
}

/**
 * Reads a PING: its TTL in tenths of a second and its context. A context
 * longer than 16 octets is cut to 16, as libzmq does, rather than refused.
 */
export function decodePing(data: Buffer): { ttl: number; context: Buffer } {
  if (data.length < 2) throw new ZmtpProtocolError("PING command too short");
  return { ttl: data.readUInt16BE(0), context: data.subarray(2, 2 + PING_CONTEXT_MAX) };
}

/** PONG (RFC 37): echoes the PING's context. */
export function encodePong(context: Buffer): Buffer {
  return encodeCommand("PONG", context);
}

/** SUBSCRIBE (RFC 37): the topic is the rest of the command. */
export function encodeSubscribe(topic: Uint8Array): Buffer {
  return encodeCommand("SUBSCRIBE", topic);
}

/** CANCEL (RFC 37): the topic is the rest of the command. */
export function encodeCancel(topic: Uint8Array): Buffer {
  return encodeCommand("CANCEL", topic);
}
