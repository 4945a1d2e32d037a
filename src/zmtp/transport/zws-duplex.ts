/**
 * ws:// and wss:// connections (RFC 45): one WebSocket, as a node:stream
 * Duplex of ZMTP octets that behaves, towards the dialer, the listener and
 * the engine, as a net.Socket does (`connect` once open, `data`, `drain`,
 * `close`). The translation itself is sans-I/O (wire/zws.ts); this file
 * only moves messages. It uses the standard WebSocket interface
 * (`addEventListener`, `send`, `bufferedAmount`), which browsers, Deno,
 * Bun, Workers, Node 22 and the `ws` package all have.
 */
import { Buffer } from "node:buffer";
import { SocketLikeDuplex } from "./socket-like-duplex.js";
import { ZmtpProtocolError, type SocketTypeName } from "../wire/index.js";
import { ZwsInbound, ZwsOutbound, ZwsSession } from "../wire/zws.js";

/** The part of a standard WebSocket that is used. */
export interface WebSocketLike {
  binaryType: string;
  readonly protocol: string;
  readonly bufferedAmount: number;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (event: WebSocketEvent) => void): void;
  /** The `ws` package's flow control; standard WebSockets have none. */
  pause?(): void;
  resume?(): void;
  /** The `ws` package's end without a closing handshake, dropping what is unsent; standard WebSockets have none. */
  terminate?(): void;
}

/** What the listeners read of `message`, `close` and `error` events. */
export interface WebSocketEvent {
  readonly data?: unknown;
  readonly code?: number;
  readonly reason?: string;
  readonly message?: string;
  readonly error?: unknown;
}

/** WebSocket.OPEN, WebSocket.CLOSING (not read from a class a runtime may lack). */
const OPEN = 1;
const CLOSING = 2;
/** RFC 6455 close codes (7.4.1). */
const CLOSE_NORMAL = 1000;
const CLOSE_PROTOCOL = 1002;
const CLOSE_POLICY = 1008;
const CLOSE_TOO_BIG = 1009;
const CLOSE_INTERNAL = 1011;
/**
 * A write is done once the WebSocket holds at most this much unsent: the
 * engine's own bound on unwritten octets then pushes back on the pipe.
 */
const BUFFERED_LIMIT = 256 * 1024;
/** How often a write waiting on `bufferedAmount` looks again: standard WebSockets have no drain event. */
const BUFFERED_POLL_MS = 5;
/**
 * How long a refused peer has to answer our close frame (the closing
 * handshake, RFC 6455 7.1.2) before the connection is dropped: not the 30 s
 * a graceful end waits, which a peer that never answers would hold it for.
 */
const REFUSED_CLOSE_GRACE_MS = 1000;

function asBuffer(data: unknown): Buffer | undefined {
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  // The `ws` package gives a fragmented message as its fragments when binaryType is "fragments"; never set here.
  return undefined;
}

/**
 * The close code that tells a refused peer why (RFC 6455 7.4.1): too big
 * for a message over a size bound; policy for a bound or rule it went past
 * that is not about its octets (time, subscriptions, authentication);
 * internal error for a failure of ours; protocol error for the rest.
 */
export function closeCodeOf(error: ZmtpProtocolError): number {
  switch (error.code) {
    case "EMSGSIZE":
      return CLOSE_TOO_BIG;
    case "ETIMEDOUT":
    case "ENOBUFS":
    case "EACCES":
      return CLOSE_POLICY;
    case "EINTERNAL":
      return CLOSE_INTERNAL;
    default:
      return CLOSE_PROTOCOL;
  }
}

/** A timer that does not keep the process alive (connections do not, see keep-alive.ts). */
function backgroundTimer(fn: () => void, ms: number): void {
  const timer = setTimeout(fn, ms) as { unref?: () => void };
  timer.unref?.();
}

/** One ZWS connection as a Duplex of ZMTP octets. */
export class ZwsDuplex extends SocketLikeDuplex {
  #session: ZwsSession | undefined;
  #inbound: ZwsInbound | undefined;
  #outbound: ZwsOutbound | undefined;
  #greeted = false;
  /** The close code and reason of a refused peer (the first refusal's). */
  #refusal: { code: number; reason: string } | undefined;

  /**
   * @param ws - the WebSocket: connecting (a dial; `connect` is emitted
   *   once it opens) or open (accepted by a listener)
   * @param socketType - our socket type (ZWS without a mechanism never tells the peer's)
   */
  #ws: WebSocketLike | undefined;

  constructor(ws: WebSocketLike | Promise<WebSocketLike>, private readonly socketType: SocketTypeName) {
    super({ allowHalfOpen: false });
    if (ws instanceof Promise) {
      ws.then((socket) => {
        if (this.destroyed) closeQuietly(socket, CLOSE_NORMAL, "");
        else this.#attach(socket);
      }, (err: unknown) => this.destroy(err instanceof Error ? err : new Error(String(err))));
    } else {
      this.#attach(ws);
    }
  }

  #attach(ws: WebSocketLike): void {
    this.#ws = ws;
    ws.binaryType = "arraybuffer";
    ws.addEventListener("message", (event) => this.#message(event.data));
    ws.addEventListener("close", (event) => this.#closed(event));
    ws.addEventListener("error", (event) => this.#error(event));
    if (ws.readyState === OPEN) this.#open();
    else ws.addEventListener("open", () => this.#open());
  }

  #open(): void {
    if (this.destroyed) return;
    try {
      this.#session = new ZwsSession(this.#ws!.protocol, this.socketType);
    } catch (err) {
      this.destroy(err as Error);
      return;
    }
    this.#inbound = new ZwsInbound(this.#session);
    this.#outbound = new ZwsOutbound(this.#session);
    this.emit("connect");
  }

  #message(data: unknown): void {
    if (this.destroyed) return;
    try {
      const inbound = this.#inbound;
      if (!inbound || !this.#greeted) throw new ZmtpProtocolError("WebSocket message before the connection was set up");
      const message = asBuffer(data);
      if (message === undefined) throw new ZmtpProtocolError("text WebSocket message: ZWS messages are binary");
      let more = true;
      for (const piece of inbound.push(message)) more = this.push(piece);
      if (!more) this.#ws?.pause?.();
    } catch (err) {
      this.#fail(err);
    }
  }

  /** Bad input from the peer: the engine ends the connection with this error, the peer gets a close code. */
  #fail(err: unknown): void {
    const error = err instanceof ZmtpProtocolError ? err
      : new ZmtpProtocolError(`internal error while handling a ZWS message: ${String(err)}`, "EINTERNAL", { cause: err });
    this.destroy(error);
  }

  /** The engine refuses the peer: the close that follows tells it why. */
  refused(error: ZmtpProtocolError): void {
    this.#refusal ??= { code: closeCodeOf(error), reason: error.message };
  }

  #closed(event: WebSocketEvent): void {
    if (this.destroyed) return;
    // A close the peer sent because of what we sent is not our peer's
    // fault; a message over our own bound shows as the `error` before it.
    this.destroy(this.#session ? undefined : new Error(`WebSocket closed before it opened (code ${event.code ?? "?"})`));
  }

  #error(event: WebSocketEvent): void {
    if (this.destroyed) return;
    const cause = event.error;
    const message = cause instanceof Error ? cause.message : event.message ?? "WebSocket error";
    // The `ws` package's maxPayload: a message over the size bound.
    if ((cause as { code?: string } | undefined)?.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") {
      this.destroy(new ZmtpProtocolError(`WebSocket message over the size bound: ${message}`, "EMSGSIZE", { cause }));
      return;
    }
    // Before it opens, a failed dial (retried); after, a broken connection.
    if (this.#session) this.destroy(new ZmtpProtocolError(`WebSocket failed: ${message}`, "EPROTO", { cause }));
    else this.destroy(new Error(`WebSocket connection failed: ${message}`, { cause }));
  }

  override _read(): void {
    this.#ws?.resume?.();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#send(chunk);
    this.#whenSent(callback);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    for (const { chunk } of chunks) this.#send(chunk);
    this.#whenSent(callback);
  }

  #send(chunk: Buffer): void {
    const outbound = this.#outbound;
    const ws = this.#ws;
    if (!outbound || ws?.readyState !== OPEN) return;
    // Copies: the engine reuses its buffer once the write returns.
    for (const message of outbound.push(chunk)) ws.send(message);
    if (!this.#greeted && this.#session?.asServer !== undefined) {
      // Our greeting went out (dropped): the engine now gets the peer's, made up.
      this.#greeted = true;
      this.push(this.#inbound!.greeting());
    }
  }

  #whenSent(callback: (error?: Error | null) => void): void {
    const ws = this.#ws;
    // A refused peer is not waited on: one that never reads would hold the end for ever.
    if (!ws || ws.bufferedAmount <= BUFFERED_LIMIT || ws.readyState !== OPEN || this.#refusal || this.destroyed) callback();
    else backgroundTimer(() => this.#whenSent(callback), BUFFERED_POLL_MS);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#close();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (error instanceof ZmtpProtocolError) this.refused(error);
    const ws = this.#ws;
    // Octets still unsent at a refusal or an abrupt end would wait on the
    // peer reading them, holding the connection and its buffers until the
    // closing handshake times out: they are dropped. An end after all was
    // written (finished) keeps what is in flight, under that timeout.
    if (ws?.terminate && ws.bufferedAmount > 0 && (this.#refusal || !this.writableFinished)) ws.terminate();
    else {
      this.#close(error ? CLOSE_PROTOCOL : CLOSE_NORMAL);
      // Everything, the close frame among it, may sit in the kernel's
      // buffers: the peer still owes its close, and a refused one is not
      // waited on for it. (Terminating a closed WebSocket does nothing.)
      if (this.#refusal && ws?.terminate) backgroundTimer(() => ws.terminate!(), REFUSED_CLOSE_GRACE_MS);
    }
    callback(error);
  }

  /** Closes the WebSocket with the refusal's code and reason, else with `code`. */
  #close(code = CLOSE_NORMAL): void {
    if (this.#ws) closeQuietly(this.#ws, this.#refusal?.code ?? code, this.#refusal?.reason ?? "");
  }
}

/** Closes a WebSocket with a code and reason, or as plainly as it allows. */
function closeQuietly(ws: WebSocketLike, code: number, reason: string): void {
  // A close begun (ours, or the peer's) is not begun again.
  if (ws.readyState >= CLOSING) return;
  try {
    // A reason is at most 123 octets (RFC 6455 5.5).
    ws.close(code, Buffer.from(reason).subarray(0, 123).toString().replace(/\uFFFD+$/, ""));
  } catch {
    // Standard WebSockets let a client send only 1000 and 3000-4999.
    try {
      ws.close();
    } catch {
      /* already closing: nothing more to do */
    }
  }
}
