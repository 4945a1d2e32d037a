/**
 * One raw connection of a STREAM socket (libzmq's raw engine): no
 * greeting, no frames. Each chunk read from the peer is one message of the
 * pipe; each message of the pipe is written as it is, and an empty one
 * ends the connection once what came before it is written (how a STREAM
 * closes a peer). The connection counts as handshaken at once.
 *
 * Bounds: reading stops while the pipe is at its receive high-water mark
 * (so a peer can make us hold at most that many chunks, each at most what
 * one read returns, 64 KiB for node:net), and moving from the pipe to the
 * stream stops while the stream holds {@link RAW_WRITE_LIMIT} octets.
 */
import { Buffer } from "node:buffer";
import type { ByteStream } from "./byte-stream.js";
import type { EngineHost, EngineOptions } from "./engine.js";
import type { Pipe, PipeDriver } from "./pipe.js";
import { afterThisJob } from "./microtask.js";

/** Stop pulling from the pipe while this much waits in the stream. */
export const RAW_WRITE_LIMIT = 256 * 1024;

/** Runs one raw connection. */
export class RawEngine implements PipeDriver {
  private pipe: Pipe | undefined;
  private closed = false;
  private ending = false;
  private waitingDrain = false;
  private lingerTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly stream: ByteStream,
    readonly options: EngineOptions,
    private readonly host: EngineHost,
  ) {
    stream.setNoDelay(true);
    stream.on("error", () => {
      /* the close event that follows ends the engine */
    });
    stream.on("close", () => this.close());
    stream.on("drain", () => {
      this.waitingDrain = false;
      this.flush();
    });
    // Ready once the transport holds this engine (it learns of it when the constructor returns).
    queueMicrotask(() => this.start());
  }

  private start(): void {
    if (this.closed) return;
    const result = this.host.engineReady(this, { socketType: "STREAM", identity: Buffer.alloc(0), minor: 1 });
    if (typeof result === "string") {
      this.close();
      this.stream.destroy();
      return;
    }
    this.pipe = result;
    result.driver = this;
    this.stream.on("data", (chunk: Buffer) => {
      if (this.pipe && !this.pipe.deliver([chunk])) this.stream.pause();
    });
    this.flush();
  }

  kick(): void {
    afterThisJob(() => this.flush());
  }

  resume(): void {
    if (!this.closed) this.stream.resume();
  }

  /** Ends the connection after what is queued is written, or after `linger` ms (0: at once). */
  shutdown(linger: number): void {
    if (this.closed) return;
    if (linger === 0) {
      this.close();
      this.stream.destroy();
      return;
    }
    this.ending = true;
    if (linger > 0) {
      this.lingerTimer = setTimeout(() => {
        this.close();
        this.stream.destroy();
      }, linger).unref();
    }
    this.flush();
  }

  private flush(): void {
    const pipe = this.pipe;
    if (this.closed || !pipe || this.waitingDrain) return;
    let msg;
    while (this.stream.writableLength < RAW_WRITE_LIMIT && (msg = pipe.takeOut()) !== undefined) {
      const data = msg[0]!;
      if (data.length === 0) {
        // An empty message closes the peer, after what was queued before it.
        this.ending = true;
        pipe.clearOut();
        break;
      }
      this.stream.write(data);
    }
    if (pipe.outLength > 0 && !this.ending) this.waitingDrain = true;
    else if (this.ending) this.stream.destroySoon();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.lingerTimer);
    const pipe = this.pipe;
    this.pipe = undefined;
    if (pipe?.driver === this) pipe.driver = undefined;
    this.host.engineClosed(this, undefined, true);
  }
}
