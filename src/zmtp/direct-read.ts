/**
 * Reading a node:net stream into buffers of our choosing, so that a large
 * frame body is read straight into its final buffer.
 *
 * node:net reads each chunk into a buffer of its own (64 KiB at most); a
 * body larger than that was gathered from the chunks and copied into one
 * buffer, which for 1 MiB messages was a fifth of the receiver's time.
 * node:net's `onread` option reads into a buffer the caller supplies
 * instead, asked for again after every read: the rest of a large body can
 * then be read into the body itself. `onread` is an option of
 * `net.connect()` and `new net.Socket()` only, and a listener's accepted
 * sockets (where a binding ROUTER or PULL receives) have no way to pass
 * it; so the three fields `onread` sets are set here on the socket at
 * hand, found by identity on probe sockets built with the option, and its
 * handle is told to read into the first buffer (`useUserBuffer`), which is
 * all `onread` itself does (Deno's node:net has the same fields). Where
 * the runtime lacks any of it (Bun, or a later Node), nothing changes:
 * chunks keep arriving as "data" events.
 *
 * A stream switches when its first large body starts, or once the engine
 * finds it busy (BUSY_READS in engine.ts: node:net's own reads cost an
 * allocation and a stream event each); a connection that has read little
 * keeps node:net's reads, which hold no buffer while it is idle. It
 * switches only while nothing waits in the stream's own buffer and it is
 * flowing, so no octet can overtake another, and stays switched for good
 * (node:net has no way back). Between bodies it reads into blocks of its
 * own, handing out each block's rest to the next read, so frames that are
 * views of earlier reads stay intact. A read that fills its buffer means
 * more is waiting: the next block is 64 KiB, as node:net reads. Any other
 * read (the peer's octets are all in) or a body's end gets a fresh 4 KiB
 * block unless the current one is that small, so what a connection holds
 * for its next read while idle is at most 4 KiB.
 */
import { Buffer } from "node:buffer";
import * as net from "node:net";
import type { ByteStream } from "./byte-stream.js";

/** What a direct reader feeds: the engine's decoder, through the engine. */
export interface DirectSink {
  /** Where the next read should go, or undefined for a buffer of the reader's. */
  directTarget(): Buffer | undefined;
  /** `n` octets were read into the last buffer directTarget() gave. */
  filled(n: number): void;
  /** Octets read into a buffer of the reader's, as a "data" event would give them. */
  received(chunk: Buffer): void;
}

/** The socket fields node:net's `onread` option sets. */
interface OnreadFields {
  buffer: symbol;
  callback: symbol;
  generate: symbol;
}

/** The symbol under which `probe` holds `value`, if exactly one. */
function fieldHolding(probe: object, value: unknown): symbol | undefined {
  const found = Object.getOwnPropertySymbols(probe).filter((s) => (probe as Record<symbol, unknown>)[s] === value);
  return found.length === 1 ? found[0] : undefined;
}

function probeFields(): OnreadFields | undefined {
  try {
    const fixed = Buffer.alloc(1);
    const callback = (): void => undefined;
    const generate = (): Buffer => fixed;
    // `onread` is a documented option of the constructor its typings lack.
    const withBuffer = new net.Socket({ onread: { buffer: fixed, callback } } as net.SocketConstructorOpts);
    const withGenerator = new net.Socket({ onread: { buffer: generate, callback } } as net.SocketConstructorOpts);
    const fields = {
      buffer: fieldHolding(withBuffer, fixed),
      callback: fieldHolding(withBuffer, callback),
      generate: fieldHolding(withGenerator, generate),
    };
    withBuffer.destroy();
    withGenerator.destroy();
    return fields.buffer && fields.callback && fields.generate ? (fields as OnreadFields) : undefined;
  } catch {
    return undefined;
  }
}

/** Found on first use: a process none of whose connections gets busy or reads a large body never probes. */
let fields: OnreadFields | undefined | null = null;

interface HandleWithUserBuffer {
  useUserBuffer(buffer: Uint8Array): void;
}

/** The stream's handle if it can read into a buffer of ours. */
function userBufferHandle(stream: ByteStream): HandleWithUserBuffer | undefined {
  if (!(stream instanceof net.Socket)) return undefined;
  const handle = (stream as unknown as { _handle?: Partial<HandleWithUserBuffer> | null })._handle;
  return typeof handle?.useUserBuffer === "function" ? (handle as HandleWithUserBuffer) : undefined;
}

/** True if `stream` can be switched by {@link readDirect}, as far as can be told before trying. */
export function canReadDirect(stream: ByteStream): boolean {
  return stream instanceof net.Socket && userBufferHandle(stream) !== undefined;
}

/** Size of the blocks read into while octets keep coming. */
const BLOCK = 64 * 1024;
/** Size of the blocks read into once they stop: what an idle connection holds. */
const IDLE_BLOCK = 4 * 1024;
/** A block with less room than this left is replaced for the next read. */
const MIN_READ = 1024;
const EMPTY = Buffer.alloc(0);

/** Octets read straight into bodies, over the thread's life (tests). */
let directOctets = 0;
/** Streams switched to reading into our buffers, over the thread's life (tests). */
let switchedStreams = 0;

/** Octets read straight into frame bodies so far, by every connection of the thread. */
export function directlyRead(): number {
  return directOctets;
}

/** How many streams of this thread have switched to reading into our buffers so far. */
export function streamsSwitched(): number {
  return switchedStreams;
}

/**
 * Switches `stream` to reading where `sink` says. Returns false, changing
 * nothing, when the stream cannot switch now (octets waiting in its buffer,
 * paused) or ever (the runtime lacks what it takes).
 */
export function readDirect(stream: ByteStream, sink: DirectSink): boolean {
  const handle = userBufferHandle(stream);
  if (handle === undefined) return false;
  const socket = stream as net.Socket;
  if (socket.readableLength !== 0 || socket.readableFlowing !== true || socket.destroyed) return false;
  if (fields === null) fields = probeFields();
  if (fields === undefined) return false;
  /** The rest of the current block, and the size the block was made with. */
  let block: Buffer = EMPTY;
  let blockSize = 0;
  /** The last read filled its buffer: more octets are waiting. */
  let flowing = false;
  /** The last buffer handed out, when it was a body's. */
  let target: Buffer | undefined;
  const next = (): Buffer => {
    target = sink.directTarget();
    if (target !== undefined) return target;
    if (block.length < MIN_READ || (!flowing && blockSize > IDLE_BLOCK)) {
      blockSize = flowing ? BLOCK : IDLE_BLOCK;
      block = Buffer.allocUnsafeSlow(blockSize);
    }
    return block;
  };
  const onRead = (n: number, buf: Buffer): void => {
    if (buf === target) {
      // A body's end is where a connection goes quiet, if anywhere.
      flowing = false;
      directOctets += n;
      sink.filled(n);
      return;
    }
    flowing = n === buf.length;
    const chunk = buf.subarray(0, n);
    block = buf.subarray(n);
    sink.received(chunk);
  };
  const first = next();
  const record = socket as unknown as Record<symbol, unknown>;
  record[fields.buffer] = first;
  record[fields.callback] = onRead;
  record[fields.generate] = next;
  handle.useUserBuffer(first);
  switchedStreams++;
  return true;
}
