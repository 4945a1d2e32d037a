/**
 * What a Duplex standing in for a net.Socket needs beyond node:stream, so
 * that the dialer and the engine (byte-stream.ts) drive it as they drive
 * TCP: the web-streams duplex of the `connect` option and the WebSocket
 * duplex of ws:// both extend it.
 */
import { Duplex } from "node:stream";

/** A Duplex with net.Socket's `setNoDelay` and `destroySoon`. */
export abstract class SocketLikeDuplex extends Duplex {
  /** net.Socket's: no such setting on these streams. */
  setNoDelay(): this {
    return this;
  }

  /** net.Socket's: end our side, then destroy once it is written. */
  destroySoon(): void {
    if (this.writable) this.end();
    if (this.writableFinished) this.destroy();
    else this.once("finish", () => this.destroy());
  }
}
