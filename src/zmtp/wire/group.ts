/**
 * The wire forms of RFC 48 (RADIO/DISH) as libzmq 4.3 speaks them.
 *
 * Over ZMTP 3.1 a DISH sends `JOIN` and `LEAVE` commands whose data is the
 * group's octets, and a RADIO sends each message as two frames: the group
 * (with MORE) and the body. Over UDP one datagram carries one message:
 *
 * ```
 * datagram = group-size group body
 * group-size = OCTET               ; 0 to 255
 * ```
 *
 * RFC 48 limits a group to 15 octets; libzmq 4.3 raised its
 * ZMQ_GROUP_MAX_LENGTH to 255 and so does purezmq, to interoperate.
 */
import { Buffer } from "node:buffer";
import { decodeCommand, encodeCommand } from "./command.js";
import { ZmtpProtocolError } from "./errors.js";

/** Longest group name, in octets (libzmq's ZMQ_GROUP_MAX_LENGTH). */
export const GROUP_MAX_LENGTH = 255;

/** A JOIN or LEAVE command body. */
export function encodeGroupCommand(join: boolean, group: Uint8Array): Buffer {
  return encodeCommand(join ? "JOIN" : "LEAVE", group);
}

/**
 * Reads a JOIN or LEAVE command body: undefined for any other command.
 * @throws ZmtpProtocolError for a group longer than {@link GROUP_MAX_LENGTH}
 */
export function decodeGroupCommand(body: Buffer): { join: boolean; group: Buffer } | undefined {
  const cmd = decodeCommand(body);
  if (cmd.name !== "JOIN" && cmd.name !== "LEAVE") return undefined;
  if (cmd.data.length > GROUP_MAX_LENGTH) {
    throw new ZmtpProtocolError(`${cmd.name} for a group of ${cmd.data.length} octets; at most ${GROUP_MAX_LENGTH} are allowed`);
  }
  return { join: cmd.name === "JOIN", group: cmd.data };
}

/** One UDP datagram of a RADIO: the group's size, the group, the body. */
export function encodeGroupDatagram(group: Uint8Array, body: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(1 + group.length + body.length);
  out[0] = group.length;
  out.set(group, 1);
  out.set(body, 1 + group.length);
  return out;
}

/**
 * Splits a RADIO datagram into group and body (views into it); undefined
 * for a datagram too short for the group size it announces, which libzmq
 * drops.
 */
export function decodeGroupDatagram(datagram: Buffer): { group: Buffer; body: Buffer } | undefined {
  if (datagram.length < 1) return undefined;
  const size = datagram[0]!;
  if (datagram.length < 1 + size) return undefined;
  return { group: datagram.subarray(1, 1 + size), body: datagram.subarray(1 + size) };
}
