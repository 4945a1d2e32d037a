/**
 * The client side of request-reply RPC: requests out over a DEALER, replies
 * matched back to their callers, per-call timeouts, and socket recreation
 * (the "lazy pirate" pattern) when the connection looks dead.
 *
 * Envelopes:
 * - `correlated` (default): each request goes as `[id, "", ...body]`, `id`
 *   four octets unique to the call. A ROUTER server echoes the envelope and
 *   a REP server (libzmq's too) puts everything up to the empty frame back on
 *   its reply, so the id comes back either way. Many calls are in flight at
 *   once; a reply whose id is no longer waited for (its call timed out) is
 *   dropped, never given to another call.
 * - `req`: `["", ...body]` exactly as a REQ socket sends, for servers that
 *   expect nothing else before the delimiter. One call in flight at a time;
 *   since a late reply could not be told from the next one, every timeout
 *   recreates the socket.
 *
 * Recreation in `correlated` mode happens after `recreateAfterTimeouts`
 * consecutive timeouts of calls that were sent (no reply in between): a
 * timeout alone proves nothing (a slow handler), but repeated silence means
 * the connection may be half-open, and a new socket dials afresh.
 * The DEALER uses `immediate`, so requests go only to connected peers: with
 * several endpoints, calls go round-robin over the live ones and a dead one
 * gets nothing once its disconnection is seen.
 *
 * Authentication: when a PLAIN server refuses the credentials, every
 * outstanding call fails at once with the socket's `EACCES` error (instead
 * of timing out, as the seed systems do) and the next call dials afresh.
 *
 * Bounds: at most `maxPending` calls wait or are in flight; beyond it a call
 * fails at once with `EAGAIN`.
 *
 * At most once: a request is handed to the socket only while its call still
 * waits. A call that times out before its request was written (no server
 * connected yet) is withdrawn: if its send is blocked inside the socket, the
 * socket is recreated, which drops that send, so the request never reaches
 * a server that comes up later. A call that timed out after its request was
 * written may still have run; only idempotent calls are sent again.
 *
 * Process lifetime: a call keeps the process alive until it settles; an idle
 * channel does not (its socket's pending receive for replies runs in the
 * background), as an idle zeromq.js socket does not.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { Dealer, ZmqError } from "../index.js";
import { hold, inBackground, release } from "../zmtp/keep-alive.js";
import { SEND_OWNED, SEND_OWNED_NOW, joinParts, withHead } from "../zmtp/message.js";
import type { Message } from "../zmtp/pipe.js";
import { afterThisJob } from "../zmtp/microtask.js";
import { DeadlineSweep } from "./deadlines.js";
import { readReplies } from "./read-replies.js";
import { RpcClosedError, RpcTimeoutError, isAuthError } from "./errors.js";
import { trace } from "./trace.js";

/** How requests are wrapped on the wire; see the module comment. */
export type EnvelopeMode = "correlated" | "req";

/** Options of a {@link RequestChannel}. */
export interface RequestChannelOptions {
  /** Envelope mode; default `"correlated"`. */
  readonly envelope?: EnvelopeMode;
  /** Consecutive timeouts after which the socket is recreated (`correlated` mode); default 2. */
  readonly recreateAfterTimeouts?: number;
  /** Calls waiting or in flight at once; default 10,000. */
  readonly maxPending?: number;
  /** Options of the underlying DEALER socket (zeromq.js names), e.g. security or HWM options. */
  readonly socket?: Record<string, unknown>;
  /** Told of each socket made, the first and every replacement. */
  readonly onSocket?: (socket: Dealer) => void;
}

interface Call {
  readonly id: number;
  readonly frames: Buffer[];
  readonly label: string;
  /** Turns the reply body into the call's result (may throw). */
  readonly decode: (reply: Buffer[]) => unknown;
  readonly resolve: (result: unknown) => void;
  readonly reject: (err: Error) => void;
  /** When the call times out (`performance.now()` ms); Infinity for never. */
  readonly deadline: number;
  /** The timeout asked for, for the error message. */
  readonly timeout: number;
  /** Socket generation the request was handed to; -1 while unsent. */
  generation: number;
  settled: boolean;
  /** Stops listening to the caller's AbortSignal. */
  detach: (() => void) | undefined;
}

const EMPTY = Buffer.alloc(0);

/** The decode of a call whose result is its reply body. */
const same = (reply: Buffer[]): unknown => reply;

/** Requests over a DEALER with replies matched to callers. */
export class RequestChannel {
  readonly #endpoints: readonly string[];
  readonly #mode: EnvelopeMode;
  readonly #recreateAfter: number;
  readonly #maxPending: number;
  readonly #socketOptions: Record<string, unknown>;
  readonly #onSocket: ((socket: Dealer) => void) | undefined;
  readonly #calls = new Map<number, Call>();
  /** One timer for every call's timeout, instead of one per call. */
  readonly #deadlines = new DeadlineSweep<Call>(() => this.#calls.values(), (call) => this.timedOut(call));
  readonly #outbox: Call[] = [];
  #socket: Dealer | undefined;
  #generation = 0;
  #nextId = (Math.random() * 0x100000000) >>> 0;
  #silentTimeouts = 0;
  #pumping = false;
  /** The call whose send is in progress (blocked while no peer is connected). */
  #sending: Call | undefined;
  #closed = false;

  /**
   * @param endpoints - where servers listen; calls go round-robin over the connected ones.
   * @param options - envelope, recovery and socket options.
   */
  constructor(endpoints: string | readonly string[], options: RequestChannelOptions = {}) {
    this.#endpoints = typeof endpoints === "string" ? [endpoints] : [...endpoints];
    if (this.#endpoints.length === 0) throw new TypeError("at least one endpoint is needed");
    this.#mode = options.envelope ?? "correlated";
    if (this.#mode !== "correlated" && this.#mode !== "req") throw new TypeError(`unknown envelope mode "${String(this.#mode)}"`);
    this.#recreateAfter = this.#mode === "req" ? 1 : Math.max(1, options.recreateAfterTimeouts ?? 2);
    this.#maxPending = options.maxPending ?? 10_000;
    this.#socketOptions = options.socket ?? {};
    this.#onSocket = options.onSocket;
    this.#socket = this.open();
  }

  /** The endpoints this channel connects to. */
  get endpoints(): readonly string[] {
    return this.#endpoints;
  }

  /** The current DEALER socket (replaced on recreation; opened again after a refused authentication). */
  get socket(): Dealer {
    return (this.#socket ??= this.open());
  }

  /** How many times the socket was recreated (after timeouts or a refused authentication). */
  get recreations(): number {
    return this.#generation;
  }

  /** Calls waiting or in flight. */
  get pending(): number {
    return this.#calls.size;
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sends a request body and resolves with the reply body (the frames after
   * the envelope), or with what `decode` makes of it.
   *
   * @param body - request frames, sent as they are (without the copy a
   *   socket's send() makes of small parts): do not change them until the
   *   call settles.
   * @param timeout - milliseconds to wait for the reply; `<= 0` or Infinity waits forever.
   * @param label - the method name, for error messages.
   * @param signal - aborts the call: it rejects with the signal's reason and,
   *   if its request was not written yet, is withdrawn as on a timeout.
   * @param decode - turns the reply body into the result as it arrives (what
   *   it throws rejects the call), sparing the caller a promise of its own.
   * @throws RpcTimeoutError, RpcClosedError, ZmqError (`EAGAIN` at the pending bound), the signal's reason.
   */
  request(body: Buffer[], timeout: number, label: string, signal?: AbortSignal): Promise<Buffer[]>;
  request<T>(body: Buffer[], timeout: number, label: string, signal: AbortSignal | undefined, decode: (reply: Buffer[]) => T): Promise<T>;
  request(body: Buffer[], timeout: number, label: string, signal?: AbortSignal, decode?: (reply: Buffer[]) => unknown): Promise<unknown> {
    if (this.#closed) return Promise.reject(new RpcClosedError());
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    if (this.#calls.size >= this.#maxPending) {
      return Promise.reject(new ZmqError("EAGAIN", `too many calls in progress (${this.#maxPending})`));
    }
    return new Promise<unknown>((resolve, reject) => {
      this.#socket ??= this.open();
      const id = this.#nextId;
      this.#nextId = (this.#nextId + 1) >>> 0;
      const deadline = timeout > 0 && Number.isFinite(timeout) ? performance.now() + timeout : Infinity;
      const call: Call = { id, frames: this.wrap(id, body), label, decode: decode ?? same, resolve, reject, deadline, timeout, generation: -1, settled: false, detach: undefined };
      if (signal !== undefined) {
        const aborted = (): void => void this.abandon(call, signal.reason);
        signal.addEventListener("abort", aborted, { once: true });
        call.detach = () => signal.removeEventListener("abort", aborted);
      }
      // A call keeps the process alive until it settles (settle() releases).
      hold();
      this.#deadlines.watch(deadline);
      this.#calls.set(id, call);
      // Nothing queued before it: hand it to the socket now if it takes it at once.
      if (!this.#pumping && this.#outbox.length === 0 && this.sendNow(call)) return;
      this.#outbox.push(call);
      void this.pump();
    });
  }

  /**
   * {@link request}, sent again after each timeout up to `retries` times
   * (for idempotent calls; each attempt gets a new id, so a late reply to an
   * earlier attempt is dropped).
   */
  requestWithRetries(body: Buffer[], timeout: number, retries: number, label: string, signal?: AbortSignal): Promise<Buffer[]>;
  requestWithRetries<T>(body: Buffer[], timeout: number, retries: number, label: string, signal: AbortSignal | undefined, decode: (reply: Buffer[]) => T): Promise<T>;
  requestWithRetries(body: Buffer[], timeout: number, retries: number, label: string, signal?: AbortSignal, decode?: (reply: Buffer[]) => unknown): Promise<unknown> {
    const decoded = decode ?? same;
    // The usual call has no retries: no extra async frame around it.
    return retries > 0 ? this.retrying(body, timeout, retries, label, signal, decoded) : this.request(body, timeout, label, signal, decoded);
  }

  private async retrying(body: Buffer[], timeout: number, retries: number, label: string, signal: AbortSignal | undefined, decode: (reply: Buffer[]) => unknown): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.request(body, timeout, label, signal, decode);
      } catch (err) {
        if (!(err instanceof RpcTimeoutError) || attempt >= retries) throw err;
      }
    }
  }

  /** Fails every outstanding call with {@link RpcClosedError} and closes the socket. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#deadlines.stop();
    this.#socket?.close();
    const err = new RpcClosedError();
    for (const call of this.#calls.values()) this.settle(call)?.reject(err);
    this.#outbox.length = 0;
  }

  private wrap(id: number, body: Buffer[]): Buffer[] {
    if (this.#mode === "req") return withHead(EMPTY, body);
    const idFrame = Buffer.allocUnsafe(4);
    idFrame.writeUInt32BE(id, 0);
    // The usual one-frame body as a literal, without the envelope array joinParts() takes.
    return body.length === 1 ? [idFrame, EMPTY, body[0]!] : joinParts([idFrame, EMPTY], body);
  }

  private open(): Dealer {
    const socket = inBackground(new Dealer({ linger: 0, ...this.#socketOptions, immediate: true }));
    for (const ep of this.#endpoints) socket.connect(ep);
    this.#onSocket?.(socket);
    const generation = this.#generation;
    void readReplies(socket, (msg) => this.deliver(msg, generation), (err) => this.authRefused(socket, err));
    return socket;
  }

  private recreate(): void {
    trace("rpc client: recreating the socket to %s", this.#endpoints.join(", "));
    this.#generation++;
    this.#silentTimeouts = 0;
    const old = this.#socket;
    this.#socket = this.open();
    old?.close(); // a send blocked on it rejects; the pump re-queues that call
  }

  /** The server refused our credentials: fail everything now; the next call opens a new socket. */
  private authRefused(socket: Dealer, err: Error): void {
    if (socket !== this.#socket) return;
    this.#generation++;
    this.#silentTimeouts = 0;
    this.#socket = undefined;
    socket.close();
    for (const call of this.#calls.values()) this.settle(call)?.reject(err);
    this.#outbox.length = 0;
  }

  /**
   * Hands a call to the socket if it takes it at once: the usual call, on
   * a connected socket with nothing waiting, then costs no promise and no
   * turn of the pump. False (nothing sent) leaves it to {@link pump}, which
   * also reports a refusal.
   */
  private sendNow(call: Call): boolean {
    if (this.#mode === "req" && this.inFlight()) return false;
    // Counted as sent first, as in pump(): over inproc the reply may come back inside the send.
    call.generation = this.#generation;
    try {
      if (this.#socket![SEND_OWNED_NOW](call.frames)) return true;
    } catch {
      // The pump's send meets the same refusal and settles the call with it.
    }
    if (!call.settled) call.generation = -1;
    return false;
  }

  /** Hands outbox calls to the socket in order, one blocking send at a time. */
  private async pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (!this.#closed && this.#outbox.length > 0) {
        if (this.#mode === "req" && this.inFlight()) return; // one at a time, like REQ
        const call = this.#outbox[0]!;
        if (call.settled) {
          this.#outbox.shift();
          continue;
        }
        const socket = this.socket;
        const generation = this.#generation;
        this.#sending = call;
        // Counted as sent before the send settles: over inproc the reply can
        // be delivered before this function resumes, and must not be taken
        // for the late reply of a call never sent.
        call.generation = generation;
        try {
          await socket[SEND_OWNED](call.frames);
        } catch (err) {
          this.#sending = undefined;
          if (!call.settled) call.generation = -1;
          if (this.#closed) return;
          if (socket !== this.#socket) continue; // recreated under us: retry the same call on the new one
          if (isAuthError(err)) this.authRefused(socket, err as Error);
          else this.settle(call)?.reject(err as Error);
          continue;
        }
        this.#sending = undefined;
        this.#outbox.shift();
      }
    } finally {
      this.#pumping = false;
    }
  }

  private inFlight(): boolean {
    for (const call of this.#calls.values()) if (call.generation >= 0) return true;
    return false;
  }

  private deliver(msg: Message, generation: number): void {
    let call: Call | undefined;
    let body: Buffer[];
    if (this.#mode === "req") {
      if (msg.length < 1 || msg[0]!.length !== 0) return;
      for (const c of this.#calls.values()) if (c.generation === generation) call = c;
      body = msg.slice(1);
    } else {
      if (msg.length < 2 || msg[0]!.length !== 4 || msg[1]!.length !== 0) return; // not a reply of ours
      call = this.#calls.get(msg[0]!.readUInt32BE(0));
      body = msg.slice(2);
    }
    if (call === undefined || call.generation < 0) return; // late reply to a call that timed out
    this.#silentTimeouts = 0;
    if (this.settle(call) === undefined) return;
    let result: unknown;
    try {
      result = call.decode(body);
    } catch (err) {
      call.reject(err as Error);
      return;
    }
    call.resolve(result);
  }

  private timedOut(call: Call): void {
    if (!this.abandon(call, new RpcTimeoutError(call.label, call.timeout))) return;
    // Only silence on the current socket counts: calls sent on an older one were already written off.
    if (call.generation === this.#generation && !this.#closed) {
      this.#silentTimeouts++;
      if (this.#silentTimeouts >= this.#recreateAfter) this.recreate();
    }
    if (this.#mode === "req") void this.pump();
  }

  /**
   * Fails a call that gave up (timeout, abort). A call whose send is still
   * blocked inside the socket is withdrawn: only a new socket takes that
   * send back. False when nothing more is to be done for it.
   */
  private abandon(call: Call, err: unknown): boolean {
    const c = this.settle(call);
    if (c === undefined) return false;
    c.reject(err as Error);
    const withdrawn = c === this.#sending && !this.#closed;
    trace("rpc client: %s gave up (%s), request %s", c.label, (err as Error)?.message, withdrawn ? "withdrawn unsent" : c.generation >= 0 ? "was sent" : "never sent");
    if (!withdrawn) return true;
    this.recreate();
    return false;
  }

  /** Marks a call finished and forgets it; undefined if it already was. */
  private settle(call: Call): Call | undefined {
    if (call.settled) return undefined;
    call.settled = true;
    release();
    call.detach?.();
    this.#calls.delete(call.id);
    if (this.#mode === "req") afterThisJob(() => void this.pump());
    return call;
  }
}
