/**
 * dotcloud zerorpc on the server side. Each request event opens a channel
 * (named by its `message_id`); the reply events carry `response_to`:
 * `OK [result]`, `ERR [name, message, traceback]`, or for a handler that
 * returns a generator or an async iterable, `STREAM item`... `STREAM_DONE`.
 *
 * - Heartbeats: while a channel is open the server sends `_zpc_hb [0]` on it
 *   every `heartbeat` ms; a channel from which nothing was heard for two
 *   heartbeats is lost: its handler's result (or the rest of its stream) is
 *   dropped and the work slot is freed.
 * - Stream credit: the first item may go at once; each later one needs
 *   credit from the client's `_zpc_more [n]`. The next item is pulled from
 *   the generator only when it may be sent, so a paused consumer leaves
 *   nothing buffered on the server.
 * - Heartbeats and credit are taken at once, outside the work bounds, and
 *   told from the event's header and name alone (a credit's one number
 *   aside): their arguments are never decoded, so a heartbeat of 16 MiB
 *   costs what a small one does. An event on a channel that is not open (a
 *   late heartbeat) is dropped, as is an event whose header or name cannot
 *   be read, since it names no channel to answer on.
 * - A request's arguments are decoded when it runs, not before it waits;
 *   arguments that cannot be read are answered `ERR ProtocolError`.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { errorMessageOf, errorNameOf } from "../codec/errors.js";
import { invokeMethod, type CallOutcome } from "../invoke.js";
import type { MethodDescription, MethodRegistry } from "../registry.js";
import { BUSY_MESSAGE, type RequestHandler, type RequestPeer } from "../request-service.js";
import { trace } from "../trace.js";
import { ERR, HEARTBEAT, MORE, OK, STREAM, STREAM_DONE, decodeEventArgs, decodeEventHead, encodeEvent, idKey, idLike, type ZeroRpcEventHead } from "./events.js";

/** Default of the heartbeat period, as zerorpc's: 5 s. */
export const DEFAULT_HEARTBEAT = 5000;
/** Credit one `_zpc_more` may give at most (zerorpc's clients give 100). */
export const MAX_STREAM_CREDIT = 10_000;

/** zerorpc's reserved methods, as introspection lists them. */
export const ZERORPC_RESERVED: readonly MethodDescription[] = [
  { name: "_zerorpc_ping", arity: 0, doc: 'Answers ["pong", server name].' },
  { name: "_zerorpc_list", arity: 0, doc: "Lists the method names." },
  { name: "_zerorpc_name", arity: 0, doc: "Answers the server name." },
  { name: "_zerorpc_inspect", arity: 0, doc: "Describes the server: {name, methods: {method: {args: [{name}], doc}}}." },
];

/** Options of {@link ZeroRpcHandler}. */
export interface ZeroRpcHandlerOptions {
  /** What `_zerorpc_name` and `_zerorpc_ping` answer (default `"purezmq"`). */
  readonly name?: string;
  /** Milliseconds between heartbeats on an open channel (default 5000); 0 sends none and never declares a client lost. */
  readonly heartbeat?: number;
  /** Send a failing handler's stack as the ERR traceback (default false: it reveals file paths). */
  readonly tracebacks?: boolean;
}

/** One open channel: a request being answered. */
interface Channel {
  lastHeard: number;
  /** Events the client has allowed beyond those sent (streams). */
  credit: number;
  lost: boolean;
  /** Wakes a stream waiting for credit (or learning the channel is lost). */
  wake: (() => void) | undefined;
}

/** Answers zerorpc requests from a {@link MethodRegistry}. */
export class ZeroRpcHandler implements RequestHandler {
  readonly #name: string;
  readonly #heartbeat: number;
  readonly #tracebacks: boolean;
  readonly #channels = new Map<string, Channel>();

  /**
   * @param registry - the methods to serve.
   * @param options - name, heartbeat, tracebacks.
   */
  constructor(
    private readonly registry: MethodRegistry,
    options: ZeroRpcHandlerOptions = {},
  ) {
    this.#name = options.name ?? "purezmq";
    this.#heartbeat = options.heartbeat ?? DEFAULT_HEARTBEAT;
    this.#tracebacks = options.tracebacks ?? false;
  }

  /** Channels open now (requests being answered). */
  get openChannels(): number {
    return this.#channels.size;
  }

  control(body: Buffer[], peer: RequestPeer): boolean {
    const head = readHead(body);
    if (head?.responseTo === undefined) return false;
    const channel = this.#channels.get(channelKey(peer, head.responseTo));
    if (channel === undefined) return true;
    channel.lastHeard = performance.now();
    if (head.name === MORE) {
      const n = creditOf(head);
      if (n !== undefined) channel.credit = Math.min(channel.credit + n, MAX_STREAM_CREDIT);
      channel.wake?.();
    }
    return true;
  }

  busy(body: Buffer[]): Buffer[] | undefined {
    const head = readHead(body);
    return head && [encodeEvent(ERR, ["ServerBusy", BUSY_MESSAGE, ""], idLike(head.id), head.id)];
  }

  async handle(body: Buffer[], peer: RequestPeer): Promise<Buffer[] | undefined> {
    const head = readHead(body);
    if (head === undefined || head.responseTo !== undefined) return undefined;
    const reply = (name: string, args: unknown): Buffer[] => [encodeEvent(name, args, idLike(head.id), head.id)];
    let args: unknown;
    try {
      args = decodeEventArgs(head);
    } catch (err) {
      return reply(ERR, ["ProtocolError", errorMessageOf(err), ""]);
    }
    if (!Array.isArray(args)) return reply(ERR, ["ProtocolError", "the arguments of a request must be an array", ""]);
    const key = channelKey(peer, head.id);
    if (this.#channels.has(key)) return reply(ERR, ["ProtocolError", "a channel with this message_id is already open", ""]);
    const channel: Channel = { lastHeard: performance.now(), credit: 1, lost: false, wake: undefined };
    this.#channels.set(key, channel);
    const beat = this.heartbeatOn(channel, () => void peer.send(reply(HEARTBEAT, [0])));
    try {
      const outcome = await this.invoke(head.name, args);
      if (channel.lost) return undefined;
      if (!outcome.ok) return reply(ERR, this.errorArgs(head.name, outcome));
      if (isStream(outcome.value)) return await this.stream(head.name, outcome.value, channel, reply, peer);
      return encodeOr(() => reply(OK, [outcome.value]), (err) => reply(ERR, unencodable(head.name, err)));
    } finally {
      clearInterval(beat);
      this.#channels.delete(key);
    }
  }

  /** Sends heartbeats on a channel and declares it lost after two silent periods. */
  private heartbeatOn(channel: Channel, send: () => void): NodeJS.Timeout | undefined {
    if (!(this.#heartbeat > 0)) return undefined;
    const timer = setInterval(() => {
      if (performance.now() - channel.lastHeard > 2 * this.#heartbeat) {
        trace("zerorpc server: lost the client of an open call (nothing heard for %d ms)", 2 * this.#heartbeat);
        channel.lost = true;
        channel.wake?.();
        clearInterval(timer);
        return;
      }
      send();
    }, this.#heartbeat);
    return timer.unref();
  }

  private async invoke(name: string, args: unknown[]): Promise<CallOutcome> {
    switch (name) {
      case "_zerorpc_ping":
        return { ok: true, value: ["pong", this.#name] };
      case "_zerorpc_name":
        return { ok: true, value: this.#name };
      case "_zerorpc_list":
        return { ok: true, value: this.registry.describe().map((d) => d.name) };
      case "_zerorpc_inspect":
        return { ok: true, value: this.inspect() };
      default:
        return invokeMethod(this.registry, name, args, ZERORPC_RESERVED);
    }
  }

  private inspect(): Record<string, unknown> {
    const methods: Record<string, unknown> = {};
    for (const d of this.registry.describe()) {
      methods[d.name] = { args: this.registry.parameters(d.name).map((name) => ({ name })), doc: d.doc };
    }
    return { name: this.#name, methods };
  }

  private errorArgs(method: string, outcome: Exclude<CallOutcome, { ok: true }>): [string, string, string] {
    if (outcome.notFound) return ["NameError", method, ""];
    const err = outcome.error;
    const traceback = this.#tracebacks && err instanceof Error ? (err.stack ?? "") : "";
    return [errorNameOf(err), errorMessageOf(err), traceback];
  }

  /** Sends a stream item by item, each under credit; resolves with the closing event. */
  private async stream(
    method: string,
    source: AsyncIterable<unknown> | Iterator<unknown>,
    channel: Channel,
    reply: (name: string, args: unknown) => Buffer[],
    peer: RequestPeer,
  ): Promise<Buffer[] | undefined> {
    const it = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source;
    try {
      for (;;) {
        while (channel.credit <= 0 && !channel.lost) await new Promise<void>((resolve) => (channel.wake = resolve));
        channel.wake = undefined;
        if (channel.lost) return undefined;
        const next = await it.next();
        if (next.done === true) return reply(STREAM_DONE, null);
        if (channel.lost) return undefined;
        const item = encodeOr<Buffer[] | Error>(() => reply(STREAM, next.value), (err) => err as Error);
        if (!Array.isArray(item)) return reply(ERR, unencodable(method, item));
        channel.credit--;
        await peer.send(item);
      }
    } catch (err) {
      this.registry.reportError(method, err);
      return reply(ERR, [errorNameOf(err), errorMessageOf(err), this.#tracebacks && err instanceof Error ? (err.stack ?? "") : ""]);
    } finally {
      // A stream cut short (lost client, failure) lets the generator run its own clean-up.
      void Promise.resolve(it.return?.()).catch(() => {});
    }
  }
}

/** The header and name of a one-frame event; `undefined` when they cannot be read (nobody to answer). */
function readHead(body: Buffer[]): ZeroRpcEventHead | undefined {
  if (body.length !== 1) return undefined;
  try {
    return decodeEventHead(body[0]!);
  } catch {
    return undefined;
  }
}

/** Values a `_zpc_more`'s arguments, `[n]`, decode to. */
const CREDIT_ARGS_VALUES = 2;

/** The credit a `_zpc_more` gives: `n` of its `[n]`, when a positive safe integer; its arguments are read only that far. */
function creditOf(head: ZeroRpcEventHead): number | undefined {
  let args: unknown;
  try {
    args = decodeEventArgs(head, head.values + CREDIT_ARGS_VALUES);
  } catch {
    return undefined;
  }
  const n = Array.isArray(args) ? args[0] : undefined;
  return typeof n === "number" && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function channelKey(peer: RequestPeer, id: Buffer | string): string {
  return `${peer.id}\0${idKey(id)}`;
}

/** A handler result sent as a stream: a generator or an async iterable (not an array, string, Map...). */
function isStream(value: unknown): value is AsyncIterable<unknown> | Iterator<unknown> {
  if (typeof value !== "object" || value === null) return false;
  if (Symbol.asyncIterator in value) return true;
  return Symbol.iterator in value && typeof (value as { next?: unknown }).next === "function";
}

function encodeOr<T>(encode: () => T, failed: (err: unknown) => T): T {
  try {
    return encode();
  } catch (err) {
    return failed(err);
  }
}

function unencodable(what: string, err: unknown): [string, string, string] {
  return ["TypeError", `the result of '${what}' cannot be sent: ${errorMessageOf(err)}`, ""];
}
