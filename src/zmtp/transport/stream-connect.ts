/**
 * tcp:// over any duplex byte stream: the `connect` option of sockets takes
 * a function shaped like `connect()` of `cloudflare:sockets`, and each dial
 * of a tcp:// endpoint calls it instead of node:net. Its web streams are
 * wrapped in a node:stream Duplex that behaves, towards the dialer and the
 * engine, as a net.Socket does: `connect` once opened, `data`, `drain`,
 * `error`, and `close` when either side ends.
 */
import { Buffer } from "node:buffer";
import { SocketLikeDuplex } from "./socket-like-duplex.js";

/** Where to dial: the host and port of a `tcp://host:port` endpoint. */
export interface StreamAddress {
  /** The host as the endpoint names it (IPv6 without brackets). */
  hostname: string;
  port: number;
}

/**
 * The part of a web `ReadableStream` of octets that is used. Declared by
 * shape rather than as `ReadableStream<Uint8Array>`: hosts type their
 * streams differently (node:stream/web's `ReadableStream<any>` from
 * `Duplex.toWeb`, the DOM's, Workers' and Deno's), and a strict compiler
 * refuses one for another over methods this transport never calls.
 */
export interface ByteSource {
  getReader(): ByteReader;
}

/** The reader of a {@link ByteSource}. */
export interface ByteReader {
  read(): Promise<{ done: boolean; value?: unknown }>;
  cancel(reason?: unknown): Promise<void>;
}

/** The part of a web `WritableStream` of octets that is used (see {@link ByteSource}). */
export interface ByteSink {
  getWriter(): ByteWriter;
}

/** The writer of a {@link ByteSink}. */
export interface ByteWriter {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort(reason?: unknown): Promise<void>;
}

/**
 * One connection as `connect()` of `cloudflare:sockets` returns it: web
 * streams of octets, and promises for its opening and its end.
 */
export interface StreamSocket {
  /** Octets from the peer: a `ReadableStream` of `Uint8Array`. */
  readonly readable: ByteSource;
  /** Octets to the peer: a `WritableStream` of `Uint8Array`. */
  readonly writable: ByteSink;
  /** Settles when the connection is made (rejects when it cannot be); absent: open at once. */
  readonly opened?: Promise<unknown>;
  /** Settles when the connection has ended; a rejection ends it with that error. */
  readonly closed?: Promise<unknown>;
  /** Ends the connection. */
  close(): unknown;
}

/**
 * Opens a byte stream to `address`. Given as a socket's `connect` option,
 * it carries every tcp:// endpoint the socket connects to: it is called
 * again for each reconnection. It may throw, or reject `opened`, to refuse;
 * the socket then retries after `reconnectInterval`, as with node:net.
 * Whether an open connection keeps the process alive is up to the streams
 * it returns (purezmq's own node:net connections do not).
 */
export type StreamConnect = (address: StreamAddress) => StreamSocket;

/** What `connect` function a constructor option holds; throws a TypeError for anything else. */
export function checkStreamConnect(value: unknown): StreamConnect | undefined {
  if (value === undefined || typeof value === "function") return value as StreamConnect | undefined;
  throw new TypeError("Option value must be a function: connect({ hostname, port }) => { readable, writable, close() }");
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}

function noop(): void {}

/**
 * A {@link StreamSocket} as a node:stream Duplex. Reading pulls from the
 * readable only while node:stream wants more, so pausing the Duplex (the
 * engine's back-pressure) stops the reads and pushes back on the peer
 * through the web stream. Half-open is off: when the peer ends its side,
 * ours ends too, as for the engine's net.Socket.
 */
export class WebStreamDuplex extends SocketLikeDuplex {
  readonly #socket: StreamSocket | undefined;
  readonly #reader: ByteReader | undefined;
  readonly #writer: ByteWriter | undefined;
  #pulling = false;

  /** Calls `connect`; a throw from it becomes this stream's `error` event. */
  constructor(connect: StreamConnect, address: StreamAddress) {
    super({ allowHalfOpen: false });
    let socket: StreamSocket;
    try {
      // Kept before its streams are taken: a socket whose streams are
      // missing is still closed, by _destroy.
      socket = this.#socket = connect(address);
      this.#reader = socket.readable.getReader();
      this.#writer = socket.writable.getWriter();
    } catch (err) {
      // Asynchronously, as net.connect reports its failures.
      queueMicrotask(() => this.destroy(asError(err)));
      return;
    }
    Promise.resolve(socket.opened).then(
      () => {
        if (!this.destroyed) this.emit("connect");
      },
      (err: unknown) => this.destroy(asError(err)),
    );
    // A clean end shows as the end of the readable; only a failure needs this.
    socket.closed?.catch((err: unknown) => this.destroy(asError(err)));
  }

  override _read(): void {
    if (this.#pulling || !this.#reader) return;
    this.#pulling = true;
    void this.#pull(this.#reader);
  }

  async #pull(reader: ByteReader): Promise<void> {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (this.destroyed) return;
        if (done) {
          this.push(null);
          return;
        }
        if (!(value instanceof Uint8Array)) throw new TypeError("the connect option's readable gave a chunk that is not a Uint8Array");
        if (value.byteLength === 0) continue;
        if (!this.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength))) break;
      }
      this.#pulling = false;
    } catch (err) {
      this.destroy(asError(err));
    }
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#send(chunk, callback);
  }

  /** What was written while corked goes out as one chunk. */
  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    this.#send(Buffer.concat(chunks.map((c) => c.chunk)), callback);
  }

  #send(chunk: Uint8Array, callback: (error?: Error | null) => void): void {
    this.#writer!.write(chunk).then(() => callback(), (err: unknown) => callback(asError(err)));
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#writer!.close().then(() => callback(), (err: unknown) => callback(asError(err)));
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#reader?.cancel(error ?? undefined).catch(noop);
    this.#writer?.abort(error ?? undefined).catch(noop);
    try {
      Promise.resolve(this.#socket?.close()).catch(noop);
    } catch {
      /* a close that throws: the connection is being dropped anyway */
    }
    callback(error);
  }
}
