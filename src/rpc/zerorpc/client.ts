/**
 * dotcloud zerorpc on the client side: a DEALER sending `["", event]`
 * exactly as zerorpc-python does. A call opens a channel named by its
 * request's `message_id`; replies are matched by `response_to`, so many
 * calls share one connection.
 *
 * - Heartbeats: every `heartbeat` ms each open channel gets `_zpc_hb [0]`;
 *   a channel from which nothing was heard for two heartbeats fails with
 *   {@link RpcLostRemoteError}. The call `timeout` is separate (for a
 *   stream: the longest wait for its next event).
 * - Streams: {@link ZeroRpcTransport.stream} gives an async iterator; credit
 *   (`_zpc_more`) is given as the consumer takes items, so at most
 *   `streamBuffer` items are ever buffered; a server sending beyond its
 *   credit fails the stream.
 * - At most once: a request is handed to the socket only while its call is
 *   still waiting; a call that times out while its request waits for a
 *   connection is withdrawn (the socket is recreated, dropping the blocked
 *   send), so it never runs later. Idempotent calls are sent again on
 *   timeout, up to `retries` times.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { Dealer, ZmqError } from "../../index.js";
import { holdUntilSettled, inBackground } from "../../zmtp/keep-alive.js";
import type { Message } from "../../zmtp/pipe.js";
import { callEach, type CallSettings, type CallTransport, type CallTransportOptions } from "../call-transport.js";
import type { BatchCall, BatchResult } from "../client-codec.js";
import { RpcProtocolError } from "../codec/errors.js";
import { DeadlineSweep } from "../deadlines.js";
import { readReplies } from "../read-replies.js";
import { trace } from "../trace.js";
import { RpcClosedError, RpcError, RpcLostRemoteError, RpcTimeoutError, isAuthError } from "../errors.js";
import { ERR, HEARTBEAT, MORE, OK, STREAM, STREAM_DONE, decodeEventArgs, decodeEventHead, encodeEvent, idKey, newMessageId, type MessageId, type ZeroRpcEvent, type ZeroRpcEventHead } from "./events.js";
import { DEFAULT_HEARTBEAT } from "./server.js";

/** Default of {@link ZeroRpcTransportOptions.streamBuffer}, as zerorpc's clients. */
export const DEFAULT_STREAM_BUFFER = 100;

/** Options of {@link ZeroRpcTransport}. */
export interface ZeroRpcTransportOptions extends CallTransportOptions {
  /** Milliseconds between heartbeats (default 5000); 0 sends none and never declares the server lost. */
  readonly heartbeat?: number;
  /** Stream items buffered at most, unconsumed or credited (default 100). */
  readonly streamBuffer?: number;
}

const EMPTY = Buffer.alloc(0);

/** One open channel: a call waiting for its reply or a stream being read. */
interface Channel {
  readonly id: MessageId;
  readonly method: string;
  readonly timeout: number;
  deadline: number;
  lastHeard: number;
  /** The request was handed to the socket. */
  sent: boolean;
  settled: boolean;
  /** Stops listening to the caller's AbortSignal. */
  detach: (() => void) | undefined;
  /** An event for this channel (OK, ERR, STREAM...; heartbeats are taken before). */
  readonly event: (event: ZeroRpcEvent) => void;
  /** The call failed (timeout, lost remote, closed). */
  readonly fail: (err: Error) => void;
}

interface Outgoing {
  readonly frames: Buffer[];
  /** The call this request opens; it is not sent once that call is over. */
  readonly opens?: Channel;
}

/** zerorpc calls and streams over a DEALER. */
export class ZeroRpcTransport implements CallTransport {
  readonly endpoints: readonly string[];
  readonly #heartbeat: number;
  readonly #streamBuffer: number;
  readonly #maxPending: number;
  readonly #socketOptions: Record<string, unknown>;
  readonly #onSocket: ((socket: Dealer) => void) | undefined;
  readonly #channels = new Map<string, Channel>();
  readonly #deadlines = new DeadlineSweep<Channel>(() => this.#channels.values(), (c) => this.expire(c));
  readonly #outbox: Outgoing[] = [];
  #socket: Dealer;
  /** The socket was refused and closed; the next call makes a new one. */
  #refused = false;
  #sending: Outgoing | undefined;
  #beat: NodeJS.Timeout | undefined;
  #recreations = 0;
  #closed = false;

  /**
   * @param endpoints - where zerorpc servers listen.
   * @param options - heartbeat, stream buffer, bounds and socket options.
   */
  constructor(endpoints: readonly string[], options: ZeroRpcTransportOptions = {}) {
    this.endpoints = [...endpoints];
    this.#heartbeat = options.heartbeat ?? DEFAULT_HEARTBEAT;
    this.#streamBuffer = Math.max(1, options.streamBuffer ?? DEFAULT_STREAM_BUFFER);
    this.#maxPending = options.maxPending ?? 10_000;
    this.#socketOptions = options.socket ?? {};
    this.#onSocket = options.onSocket;
    this.#socket = this.open();
  }

  get socket(): Dealer {
    return this.#socket;
  }

  get recreations(): number {
    return this.#recreations;
  }

  get pending(): number {
    return this.#channels.size;
  }

  get closed(): boolean {
    return this.#closed;
  }

  async call(method: string, args: readonly unknown[], settings: CallSettings): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.callOnce(method, args, settings);
      } catch (err) {
        if (!(err instanceof RpcTimeoutError) || attempt >= settings.retries) throw err;
      }
    }
  }

  /** zerorpc has no batches: the calls go at once, each on its own channel. */
  batch(calls: readonly BatchCall[], settings: CallSettings): Promise<BatchResult[]> {
    return callEach(calls, (c) => this.call(c.method, c.args, settings));
  }

  /** Calls a streaming method; its items come as the iterator is read. */
  async *stream(method: string, args: readonly unknown[], settings: CallSettings): AsyncGenerator<unknown, void, undefined> {
    const items: unknown[] = [];
    let done = false;
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    /** Items the server may send: one at first (zerorpc's rule), then what `_zpc_more` gave. */
    let credit = 1;
    const channel = this.openChannel(method, args, settings, (event) => {
      if (event.name === STREAM) {
        if (--credit < 0) failure = new RpcProtocolError(`the server sent more stream items than its credit (${this.#streamBuffer})`, "TOO_LARGE");
        else items.push(event.args);
      } else if (event.name === STREAM_DONE) done = true;
      else if (event.name === OK) {
        items.push(Array.isArray(event.args) ? event.args[0] : event.args);
        done = true;
      } else failure = remoteError(method, event);
      if (failure !== undefined || done) this.finish(channel);
      wake?.();
    }, (err) => {
      failure = err;
      wake?.();
    });
    try {
      for (;;) {
        if (items.length > 0) {
          // The timeout bounds the server's silence, not the reader's pauses.
          channel.deadline = Infinity;
          const item = items.shift();
          const room = this.#streamBuffer - items.length - credit;
          if (!done && failure === undefined && room >= Math.ceil(this.#streamBuffer / 2)) {
            credit += room;
            this.enqueue({ frames: this.frames(MORE, [room], channel.id) });
          }
          yield item;
          continue;
        }
        if (failure !== undefined) throw failure;
        if (done) return;
        if (channel.deadline === Infinity && Number.isFinite(deadlineOf(channel.timeout))) {
          channel.deadline = deadlineOf(channel.timeout);
          this.#deadlines.watch(channel.deadline);
        }
        await holdUntilSettled(new Promise<void>((resolve) => (wake = resolve)), this);
        wake = undefined;
      }
    } finally {
      this.finish(channel);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#deadlines.stop();
    clearInterval(this.#beat);
    for (const channel of [...this.#channels.values()]) this.fail(channel, new RpcClosedError());
    this.#outbox.length = 0;
    this.#socket.close();
  }

  private callOnce(method: string, args: readonly unknown[], settings: CallSettings): Promise<unknown> {
    return holdUntilSettled(
      new Promise<unknown>((resolve, reject) => {
        const channel = this.openChannel(method, args, settings, (event) => {
          this.finish(channel);
          if (event.name === OK) resolve(Array.isArray(event.args) ? event.args[0] : undefined);
          else if (event.name === ERR) reject(remoteError(method, event));
          else reject(new RpcProtocolError(`'${method}' answered ${JSON.stringify(event.name)}: use stream() for streaming methods`, "BAD_SHAPE"));
        }, reject);
      }),
      this,
    );
  }

  /** Opens a channel by queueing its request; failures (closed, too many calls) come through `fail`. */
  private openChannel(method: string, args: readonly unknown[], settings: CallSettings, event: Channel["event"], fail: Channel["fail"]): Channel {
    const { timeout, signal } = settings;
    const id = newMessageId();
    const channel: Channel = { id, method, timeout, deadline: deadlineOf(timeout), lastHeard: 0, sent: false, settled: false, detach: undefined, event, fail };
    if (this.#closed || signal?.aborted === true) {
      channel.settled = true;
      queueMicrotask(() => fail(this.#closed ? new RpcClosedError() : (signal!.reason as Error)));
      return channel;
    }
    if (signal !== undefined) {
      const aborted = (): void => this.abandon(channel, signal.reason as Error);
      signal.addEventListener("abort", aborted, { once: true });
      channel.detach = () => signal.removeEventListener("abort", aborted);
    }
    if (this.#channels.size >= this.#maxPending) {
      channel.settled = true;
      queueMicrotask(() => fail(new ZmqError("EAGAIN", `too many calls in progress (${this.#maxPending})`)));
      return channel;
    }
    this.#channels.set(idKey(id), channel);
    this.#deadlines.watch(channel.deadline);
    this.enqueue({ frames: this.frames(method, [...args], undefined, id), opens: channel });
    return channel;
  }

  private frames(name: string, args: unknown, responseTo: MessageId | undefined, id: MessageId = newMessageId()): Buffer[] {
    return [EMPTY, encodeEvent(name, args, id, responseTo)];
  }

  private open(): Dealer {
    const socket = inBackground(new Dealer({ linger: 0, ...this.#socketOptions, immediate: true }));
    for (const ep of this.endpoints) socket.connect(ep);
    this.#onSocket?.(socket);
    // A refusal fails the calls; the next call dials anew.
    void readReplies(socket, (msg) => this.deliver(msg), (err) => this.authRefused(socket, err));
    return socket;
  }

  private enqueue(out: Outgoing): void {
    this.#outbox.push(out);
    void this.pump();
  }

  /** Hands queued events to the socket one at a time (a socket takes one send at a time). */
  private async pump(): Promise<void> {
    if (this.#sending !== undefined) return;
    while (!this.#closed && this.#outbox.length > 0) {
      const out = this.#outbox.shift()!;
      if (out.opens?.settled === true) continue; // withdrawn: its call is over
      if (this.#refused) this.recreate();
      const socket = this.#socket;
      this.#sending = out;
      try {
        await socket.send(out.frames);
      } catch (err) {
        // Refused, or the socket was recreated under this send (the call behind it timed out) or closed.
        this.#sending = undefined;
        if (isAuthError(err)) this.authRefused(socket, err as Error);
        continue;
      }
      this.#sending = undefined;
      if (out.opens !== undefined) {
        out.opens.sent = true;
        out.opens.lastHeard = performance.now();
        this.startHeartbeats();
      }
    }
  }

  private deliver(msg: Message): void {
    if (msg.length > 2 || (msg.length === 2 && msg[0]!.length !== 0)) return; // not a zerorpc event
    let head: ZeroRpcEventHead;
    try {
      head = decodeEventHead(msg[msg.length - 1]!);
    } catch {
      return; // unreadable: it names no call
    }
    const responseTo = head.responseTo;
    if (responseTo === undefined) return;
    const channel = this.#channels.get(idKey(responseTo));
    // A channel whose opening send has not settled yet counts as sent: over
    // inproc its reply can be delivered before the pump resumes.
    if (channel === undefined || (!channel.sent && this.#sending?.opens !== channel)) return;
    channel.lastHeard = performance.now();
    // Heartbeats, and events for no call, are told from the head: their arguments are never decoded.
    if (head.name === HEARTBEAT || head.name === MORE) return;
    let event: ZeroRpcEvent;
    try {
      event = { id: head.id, responseTo, name: head.name, args: decodeEventArgs(head) };
    } catch (err) {
      this.fail(channel, err as Error);
      return;
    }
    if (Number.isFinite(channel.deadline)) {
      channel.deadline = deadlineOf(channel.timeout);
      this.#deadlines.watch(channel.deadline);
    }
    channel.event(event);
  }

  private startHeartbeats(): void {
    if (this.#beat !== undefined || !(this.#heartbeat > 0)) return;
    this.#beat = setInterval(() => this.heartbeat(), this.#heartbeat).unref();
  }

  private heartbeat(): void {
    const now = performance.now();
    let open = 0;
    for (const channel of [...this.#channels.values()]) {
      if (!channel.sent) continue;
      if (now - channel.lastHeard > 2 * this.#heartbeat) {
        trace("zerorpc client: lost the server during %s", channel.method);
        this.fail(channel, new RpcLostRemoteError(channel.method, this.#heartbeat));
        continue;
      }
      open++;
      this.enqueue({ frames: this.frames(HEARTBEAT, [0], channel.id) });
    }
    if (open === 0) {
      clearInterval(this.#beat);
      this.#beat = undefined;
    }
  }

  private expire(channel: Channel): void {
    if (channel.deadline > performance.now()) {
      this.#deadlines.watch(channel.deadline); // pushed back by an event since
      return;
    }
    this.abandon(channel, new RpcTimeoutError(channel.method, channel.timeout));
  }

  /** Fails a call that gave up (timeout, abort); a request still waiting inside the socket is withdrawn. */
  private abandon(channel: Channel, err: Error): void {
    const blocked = this.#sending?.opens === channel;
    this.fail(channel, err);
    trace("zerorpc client: %s gave up (%s)%s", channel.method, err.message, blocked ? ", its unsent request withdrawn" : "");
    // Its request waits for a connection inside the socket: only a new socket takes it back.
    if (blocked && !this.#closed) this.recreate();
  }

  /** The server refused the handshake: every call fails with why, and the socket is made again by the next call only. */
  private authRefused(socket: Dealer, err: Error): void {
    if (socket !== this.#socket || this.#refused) return;
    trace("zerorpc client: refused by the server (%s)", err.message);
    this.#refused = true;
    for (const channel of [...this.#channels.values()]) this.fail(channel, err);
    this.#outbox.length = 0;
    socket.close();
  }

  private recreate(): void {
    this.#refused = false;
    this.#recreations++;
    const old = this.#socket;
    this.#socket = this.open();
    old.close();
  }

  /** Forgets a channel; false if it already was. */
  private finish(channel: Channel): boolean {
    if (channel.settled) return false;
    channel.settled = true;
    channel.detach?.();
    this.#channels.delete(idKey(channel.id));
    return true;
  }

  private fail(channel: Channel, err: Error): void {
    if (this.finish(channel)) channel.fail(err);
  }
}

function deadlineOf(timeout: number): number {
  return timeout > 0 && Number.isFinite(timeout) ? performance.now() + timeout : Infinity;
}

function remoteError(method: string, event: ZeroRpcEvent): RpcError {
  if (event.name !== ERR) return new RpcError(method, `unexpected reply event ${JSON.stringify(event.name)}`, { remoteName: "ProtocolError" });
  const [name, message, traceback] = Array.isArray(event.args) ? event.args : [];
  return new RpcError(method, typeof message === "string" ? message : String(message), {
    remoteName: typeof name === "string" ? name : undefined,
    remoteTraceback: typeof traceback === "string" && traceback !== "" ? traceback : undefined,
  });
}
