/** What `send()` accepts, and its normalisation to Buffer parts. */
import { Buffer } from "node:buffer";

/** One message part as zeromq.js accepts it. */
export type MessageLike = ArrayBufferView | ArrayBuffer | SharedArrayBuffer | string | number | null;

const EMPTY = Buffer.alloc(0);

/** Converts one part without copying where the bytes are already binary. */
export function toBuffer(part: MessageLike): Buffer {
  if (part instanceof Buffer) return part;
  if (typeof part === "string") return Buffer.from(part, "utf8");
  if (part === null) return EMPTY;
  if (typeof part === "number") return Buffer.from(String(part), "utf8");
  if (ArrayBuffer.isView(part)) return Buffer.from(part.buffer, part.byteOffset, part.byteLength);
  return Buffer.from(part);
}

/** Converts a message (one part or several) to parts. */
export function toParts(msg: MessageLike | MessageLike[]): Buffer[] {
  if (!Array.isArray(msg)) return [toBuffer(msg)];
  const parts = new Array<Buffer>(msg.length);
  for (let i = 0; i < msg.length; i++) parts[i] = toBuffer(msg[i]!);
  return parts;
}
