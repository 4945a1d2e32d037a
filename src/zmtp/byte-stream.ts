/**
 * The byte stream a ZMTP connection runs over, as far as the engine uses
 * it: a node:net Socket for tcp:// and ipc://, or a {@link WebStreamDuplex}
 * over the web streams of a `connect` option (transport/stream-connect.ts).
 * Naming only what the engine calls keeps it from growing a dependence on
 * anything that only node:net has.
 */
import type { Buffer } from "node:buffer";
import type { ZmtpProtocolError } from "./wire/index.js";

/** A duplex byte stream with node:stream's events and flow control. */
export interface ByteStream {
  on(event: "data", listener: (chunk: Buffer) => void): this;
  on(event: "error", listener: (err: Error) => void): this;
  on(event: "close" | "drain", listener: () => void): this;
  /** Queues `chunk`; `written` is called once it has been handed on (or failed). */
  write(chunk: Uint8Array, written?: (err?: Error | null) => void): boolean;
  cork(): void;
  uncork(): void;
  /** Octets written but not yet handed on. */
  readonly writableLength: number;
  pause(): this;
  resume(): this;
  /** Ends the connection at once, dropping what is still buffered. */
  destroy(): this;
  /** Ends the connection once what is buffered has been written. */
  destroySoon(): void;
  setNoDelay(noDelay?: boolean): this;
  /**
   * Why the engine refuses the peer, told just before it ends the stream:
   * a stream that can tell the peer (a WebSocket's close code) does so.
   */
  refused?(error: ZmtpProtocolError): void;
}
