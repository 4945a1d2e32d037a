/**
 * One connection of the conformance probe: a raw `node:net` socket to the
 * peer under test, read with the wire layer's greeting reader and frame
 * decoder. Everything the peer sends is bounded (frame and message sizes,
 * frames queued), and every wait has a deadline: a silent or flooding peer
 * ends a check with "timeout" or "error", never a hung or swollen probe.
 */
import { Buffer } from "node:buffer";
import * as net from "node:net";
import {
  FLAG_COMMAND, FrameDecoder, GreetingReader, encodeFrame, type FrameCipher, type Greeting,
} from "../../zmtp/wire/index.js";
import { dialTarget } from "../reach.js";

/** Largest frame or command body the probe accepts from a peer: its checks need no more. */
export const PROBE_FRAME_LIMIT = 64 * 1024;
/** Frames held unread before the probe gives up on the connection (a peer flooding it). */
const QUEUE_LIMIT = 256;

/** A frame the peer sent, opened when the connection is sealed (CURVE). */
export interface ProbeFrame {
  body: Buffer;
  /** ZMTP flags (MORE, COMMAND) of the frame, or of the sealed frame inside. */
  flags: number;
}

/** What a wait for the peer ended with. */
export type Outcome<T> =
  | { kind: "ok"; value: T }
  /** The peer closed (or reset) the connection. */
  | { kind: "closed" }
  /** Nothing came before the deadline. */
  | { kind: "timeout" }
  /** The peer sent something unreadable (a broken greeting or frame, a frame over the limit). */
  | { kind: "error"; message: string };

/** A connection to the peer under test. */
export class ProbeConnection {
  private readonly socket: net.Socket;
  private readonly greetingReader = new GreetingReader();
  private readonly decoder = new FrameDecoder({ onFrame: (body, flags) => this.onFrame(body, flags) }, PROBE_FRAME_LIMIT);
  private greeting: Greeting | undefined;
  /** The peer's 64 greeting octets as received, for the checks of its padding and filler. */
  private readonly rawGreeting = Buffer.alloc(64);
  private rawFilled = 0;
  private readonly frames: ProbeFrame[] = [];
  private ended: Outcome<never> | undefined;
  private wake: (() => void) | undefined;
  /** Opens frames once a CURVE handshake is done. */
  cipher: FrameCipher | undefined;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", () => this.end({ kind: "closed" }));
    socket.on("close", () => this.end({ kind: "closed" }));
  }

  /** Dials `endpoint` (tcp:// or ipc://) within `ms`. */
  static open(endpoint: string, ms: number): Promise<ProbeConnection> {
    const socket = net.connect(dialTarget(endpoint));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(Object.assign(new Error(`no connection to ${endpoint} within ${ms} ms`), { code: "ETIMEDOUT" }));
      }, ms);
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.removeAllListeners("error");
        resolve(new ProbeConnection(socket));
      });
      socket.once("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  /** Writes octets at once. */
  send(data: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(data);
  }

  /** Writes a command frame (sealed when the connection is). */
  sendCommand(body: Buffer): void {
    this.send(this.cipher ? encodeFrame(this.cipher.seal(body, FLAG_COMMAND), 0) : encodeFrame(body, FLAG_COMMAND));
  }

  /** Writes a message frame by frame (sealed when the connection is). */
  sendMessage(parts: readonly Buffer[]): void {
    parts.forEach((p, i) => {
      const more = i < parts.length - 1 ? 1 : 0;
      this.send(this.cipher ? encodeFrame(this.cipher.seal(p, more), 0) : encodeFrame(p, more));
    });
  }

  /**
   * Writes `data` one octet per write, each write waiting for the last to
   * leave: the peer sees a split at every offset (TCP may still merge
   * some; loopback rarely does with Nagle off).
   */
  async sendOctetByOctet(data: Buffer): Promise<void> {
    for (let i = 0; i < data.length && !this.socket.destroyed; i++) {
      await new Promise<void>((resolve) => this.socket.write(data.subarray(i, i + 1), () => resolve()));
    }
  }

  /** The peer's greeting, once whole. */
  nextGreeting(ms: number): Promise<Outcome<{ greeting: Greeting; raw: Buffer }>> {
    return this.waitFor(ms, () => (this.greeting ? { greeting: this.greeting, raw: this.rawGreeting } : undefined));
  }

  /** The peer's next frame. */
  nextFrame(ms: number): Promise<Outcome<ProbeFrame>> {
    return this.waitFor(ms, () => this.frames.shift());
  }

  /** The next command the peer sends, skipping message frames. */
  async nextCommand(ms: number): Promise<Outcome<ProbeFrame>> {
    const deadline = Date.now() + ms;
    for (;;) {
      const f = await this.nextFrame(Math.max(0, deadline - Date.now()));
      if (f.kind !== "ok" || (f.value.flags & FLAG_COMMAND) !== 0) return f;
    }
  }

  /** Resolves "closed" when the peer closes within `ms`, else "timeout" (frames it sends meanwhile are dropped). */
  async closedWithin(ms: number): Promise<Outcome<never>> {
    const deadline = Date.now() + ms;
    for (;;) {
      const f = await this.nextFrame(Math.max(0, deadline - Date.now()));
      if (f.kind !== "ok") return f;
    }
  }

  /** True once the peer closed or the connection failed. */
  get isClosed(): boolean {
    return this.ended !== undefined;
  }

  /** Closes our side at once. */
  destroy(): void {
    this.socket.destroy();
  }

  private waitFor<T>(ms: number, take: () => T | undefined): Promise<Outcome<T>> {
    return new Promise((resolve) => {
      const attempt = (): boolean => {
        const v = take();
        if (v !== undefined) resolve({ kind: "ok", value: v });
        else if (this.ended) resolve(this.ended);
        else return false;
        return true;
      };
      if (attempt()) return;
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve({ kind: "timeout" });
      }, ms);
      this.wake = () => {
        if (!attempt()) return;
        clearTimeout(timer);
        this.wake = undefined;
      };
    });
  }

  private onData(chunk: Buffer): void {
    if (this.ended) return;
    try {
      if (!this.greeting) {
        const take = Math.min(64 - this.rawFilled, chunk.length);
        chunk.copy(this.rawGreeting, this.rawFilled, 0, take);
        this.rawFilled += take;
        const done = this.greetingReader.push(chunk);
        if (!done) return this.wake?.();
        this.greeting = done.greeting;
        chunk = done.rest;
      }
      this.decoder.push(chunk);
    } catch (err) {
      this.end({ kind: "error", message: err instanceof Error ? err.message : String(err) });
      this.socket.destroy();
      return;
    }
    this.wake?.();
  }

  private onFrame(body: Buffer, flags: number): void {
    if (this.frames.length >= QUEUE_LIMIT) throw new Error(`the peer sent more than ${QUEUE_LIMIT} frames the probe did not ask for`);
    if (this.cipher) {
      // Copied: the opened frame must not depend on the cipher's buffers.
      const opened = Buffer.from(this.cipher.open(body));
      this.frames.push({ body: opened, flags: this.cipher.flags });
    } else {
      // Copied, so that a frame held does not pin the receive chunk.
      this.frames.push({ body: Buffer.from(body), flags });
    }
  }

  private end(outcome: Outcome<never>): void {
    this.ended ??= outcome;
    this.wake?.();
  }
}
