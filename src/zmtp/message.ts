/** What `send()` accepts, and its normalisation to Buffer parts. */
import { Buffer } from "node:buffer";
import { bufferView } from "./wire/buffer-view.js";

/** One message part as zeromq.js accepts it. */
export type MessageLike = ArrayBufferView | ArrayBuffer | SharedArrayBuffer | string | number | null;

const EMPTY = Buffer.alloc(0);

/**
 * Parts up to this size are copied at send, as zeromq.js does, so changing
 * the caller's buffer afterwards cannot change the message. Larger parts go
 * without a copy, as zeromq.js sends them (its zero-copy threshold): they
 * must not be changed until delivered.
 */
export const COPY_LIMIT = 128;

/**
 * The key of a socket's internal send for parts the library made itself
 * (Socket's `[SEND_OWNED](parts)`): a symbol, so that the socket classes'
 * named surface stays zeromq.js's.
 */
export const SEND_OWNED: unique symbol = Symbol("purezmq.sendOwned");

/**
 * The key of the socket's `[SEND_OWNED_NOW](parts)`: {@link SEND_OWNED}
 * without a promise, for a message the pattern can queue at once.
 */
export const SEND_OWNED_NOW: unique symbol = Symbol("purezmq.sendOwnedNow");

/**
 * The key of the socket's `[RECEIVE_NOW]()`: the next message already
 * queued, without a promise (the RPC layer's receive loops drain with it).
 */
export const RECEIVE_NOW: unique symbol = Symbol("purezmq.receiveNow");

/**
 * Where small parts are copied to: 8 KiB blocks (Node's own pool size, so a
 * part kept by a receiver keeps no more than a pooled Buffer would), each
 * part a view of its block. A fresh Buffer per part cost a quarter of a
 * sender's CPU for 100-octet messages; this costs a copy and a view.
 */
const BLOCK = 8 * 1024;
let block = new ArrayBuffer(BLOCK);
let blockBytes = new Uint8Array(block);
let blockUsed = 0;

function owned(bytes: Buffer): Buffer {
  const n = bytes.length;
  if (n > COPY_LIMIT) return bytes;
  if (blockUsed + n > BLOCK) {
    block = new ArrayBuffer(BLOCK);
    blockBytes = new Uint8Array(block);
    blockUsed = 0;
  }
  const at = blockUsed;
  blockBytes.set(bytes, at);
  // Parts start on 8-octet boundaries, as in Node's pool.
  blockUsed = (at + n + 7) & ~7;
  return bufferView(block, at, n);
}

/**
 * Converts one part as zeromq.js does: the bytes of a Buffer, typed array
 * or ArrayBuffer; UTF-8 of a string; nothing for null; and the UTF-8 of
 * `String(value)` for anything else (`true`, numbers, `undefined` in an
 * array...).
 */
export function toBuffer(part: MessageLike): Buffer {
  if (part instanceof Buffer) return owned(part);
  if (typeof part === "string") return Buffer.from(part, "utf8");
  if (part === null) return EMPTY;
  if (ArrayBuffer.isView(part)) return owned(Buffer.from(part.buffer, part.byteOffset, part.byteLength));
  if (part instanceof ArrayBuffer || part instanceof SharedArrayBuffer) return owned(Buffer.from(part));
  return Buffer.from(String(part), "utf8");
}

/** Converts a message (one part or several) to parts. */
export function toParts(msg: MessageLike | MessageLike[]): Buffer[] {
  if (!Array.isArray(msg)) return [toBuffer(msg)];
  const parts = new Array<Buffer>(msg.length);
  for (let i = 0; i < msg.length; i++) parts[i] = toBuffer(msg[i]!);
  return parts;
}

/**
 * `[head, ...parts]`, as a literal for the usual one part: the spread
 * iterates, which cost ten times the literal per message.
 */
export function withHead(head: Buffer, parts: Buffer[]): Buffer[] {
  if (parts.length === 1) return [head, parts[0]!];
  const out = new Array<Buffer>(parts.length + 1);
  out[0] = head;
  for (let i = 0; i < parts.length; i++) out[i + 1] = parts[i]!;
  return out;
}

/**
 * `a.concat(b)` for two short arrays of parts (an envelope and a body),
 * without concat's generic checks (spreadable objects, species), which
 * cost it about fifteen times this loop per message.
 */
export function joinParts(a: Buffer[], b: Buffer[]): Buffer[] {
  const out = new Array<Buffer>(a.length + b.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]!;
  for (let i = 0; i < b.length; i++) out[a.length + i] = b[i]!;
  return out;
}
