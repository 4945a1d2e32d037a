/**
 * Buffer views over received chunks, made as cheaply as the runtime allows.
 *
 * Every received frame becomes a Buffer viewing the chunk it arrived in.
 * `chunk.subarray()` reads `chunk.buffer`, a call into C++ per frame, and
 * `Buffer.from(arrayBuffer, offset, length)` re-checks its arguments each
 * time. Node publishes the constructor behind every Buffer as
 * `Buffer[Symbol.species]` (the ECMAScript species protocol, which is how
 * `buf.map()` returns Buffers); calling it directly makes the same Buffer
 * (same prototype, `Buffer.isBuffer`, deep-equal to any other) in about half
 * the time, which is a tenth of the receive path for small messages.
 * Where that constructor is missing or makes something else, Buffer.from is
 * used.
 */
// The imported Buffer, not the global one: Node defines the global as an
// accessor, which costs a call on every use in a per-frame path.
import { Buffer } from "node:buffer";

type ViewConstructor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => Buffer;

function speciesConstructor(): ViewConstructor | undefined {
  const Species = (Buffer as unknown as { [Symbol.species]?: unknown })[Symbol.species];
  if (typeof Species !== "function") return undefined;
  try {
    const probe = new (Species as ViewConstructor)(new ArrayBuffer(4), 1, 2);
    const ok = Object.getPrototypeOf(probe) === Buffer.prototype && probe.byteOffset === 1 && probe.length === 2;
    return ok ? (Species as ViewConstructor) : undefined;
  } catch {
    return undefined;
  }
}

const Species = speciesConstructor();

/**
 * A Buffer viewing `length` octets of `buffer` from `byteOffset`, no copy.
 * The caller guarantees the range lies inside the ArrayBuffer.
 */
export const bufferView: (buffer: ArrayBufferLike, byteOffset: number, length: number) => Buffer = Species
  ? (buffer, byteOffset, length) => new Species(buffer, byteOffset, length)
  : (buffer, byteOffset, length) => Buffer.from(buffer, byteOffset, length);
