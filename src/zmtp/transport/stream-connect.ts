/**
 * tcp:// over any duplex byte stream: the `connect` option of sockets takes
 * a function shaped like `connect()` of `cloudflare:sockets`, and each dial
 * of a tcp:// endpoint calls it instead of node:net. Its web streams are
 * wrapped in a node:stream Duplex that behaves, towards the dialer and the
 * engine, as a net.Socket does: `connect` once opened, `data`, `drain`,
 * `error`, and `close` when either side ends.
 */
import { Buffer } from "node:buffer";
import { Duplex } from "node:stream";
import type * as web from "node:stream/web";

/** Where to dial: the host and port of a `tcp://host:port` endpoint. */
export interface StreamAddress {
  /** The host as the endpoint names it (IPv6 without brackets). */
  hostname: string;
  port: number;
}

/**
 * One connection as `connect()` of `cloudflare:sockets` returns it: web
 * streams of octets, and promises for its opening and its end.
 */
export interface StreamSocket {
  /**
   * Octets from the peer. Node's own web streams (`Duplex.toWeb`) are named
   * beside the global type: where the DOM library is in a program's types,
   * the global ReadableStream is the DOM's, which TypeScript does not take
   * Node's for.
   */
  readonly readable: ReadableStream<Uint8Array> | web.ReadableStream<Uint8Array>;
  /** Octets to the peer (a global or a Node web stream, as `readable`). */
  readonly writable: WritableStream<Uint8Array> | web.WritableStream<Uint8Array>;
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
export class WebStreamDuplex extends Duplex {
  readonly #socket: StreamSocket | undefined;
  readonly #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array> | undefined;
  #pulling = false;

  /** Calls `connect`; a throw from it becomes this stream's `error` event. */
  constructor(connect: StreamConnect, address: StreamAddress) {
    super({ allowHalfOpen: false });
    let socket: StreamSocket;
    try {
      // Kept before its streams are taken: a socket whose streams are
      // missing is still closed, by _destroy.
      socket = this.#socket = connect(address);
      // One runtime object, whichever of the two types names it.
      this.#reader = (socket.readable as ReadableStream<Uint8Array>).getReader();
      this.#writer = (socket.writable as WritableStream<Uint8Array>).getWriter();
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

  /** net.Socket's: no such setting on a web stream. */
  setNoDelay(): this {
    return this;
  }

  /** net.Socket's: end our side, then destroy once it is written. */
  destroySoon(): void {
    if (this.writable) this.end();
    if (this.writableFinished) this.destroy();
    else this.once("finish", () => this.destroy());
  }

  override _read(): void {
    if (this.#pulling || !this.#reader) return;
    this.#pulling = true;
    void this.#pull(this.#reader);
  }

  async #pull(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
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
