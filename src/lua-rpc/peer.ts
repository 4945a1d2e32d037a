/**
 * The Lua RPC peer: a symmetric endpoint of one TCP connection. Either side
 * may call the other at any time; calls and responses share the connection
 * and are matched by sequence number.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { EventEmitter } from "node:events";
import * as net from "node:net";
import { WebStreamDuplex, checkStreamConnect, type StreamConnect } from "../zmtp/transport/stream-connect.js";
import { LuaReader, type DecodeOptions } from "./decoder.js";
import { LuaWriter } from "./encoder.js";
import {
  LuaRpcClosedError,
  LuaRpcConnectError,
  LuaRpcError,
  LuaRpcNoSuchProcedureError,
  LuaRpcNotCallableError,
  LuaRpcProtocolError,
  LuaRpcQueueFullError,
  LuaRpcResultNotSerializableError,
  LuaRpcStalledError,
  LuaRpcTimeoutError,
} from "./errors.js";
import { MAX_QUOTED_NAME_OCTETS, clip, sendableText } from "./error-text.js";
import { NOT_FOUND, pathStep, resolvePath } from "./exposed-paths.js";
import { FrameDecoder, MessageType, Status, writeCallFrame, writeResponseFrame, type Frame } from "./framing.js";
import { LocalObjectRef, LuaBytes, LuaFunction, LuaMulti, LuaTable, type LuaValue, RemoteObjectRef } from "./values.js";

/** Default host of {@link newClient}, {@link newServer} and {@link newMultiServer}. */
export const DEFAULT_HOST = "localhost";
/** Default port of {@link newClient}, {@link newServer} and {@link newMultiServer}. */
export const DEFAULT_PORT = 1999;
/** Default bound of the queue of calls waiting for a free sequence number. */
export const DEFAULT_MAX_QUEUED_CALLS = 100_000;

/** A function the remote peer can run through `__rpcrunexec`. */
export type LuaCallable = (...args: LuaValue[]) => unknown;

/**
 * Turns a script received by `__rpcbuildexec` into a function. The script is
 * a string (pieces sent as a table are joined first) or an opaque
 * {@link LuaFunction}. May throw to refuse the script (the caller receives a
 * status 1 error with the message). Without an evaluator every script is
 * refused: network input is never evaluated by default.
 */
export type LuaEvaluator = (script: string | LuaFunction, peer: LuaRpcPeer) => LuaCallable | Promise<LuaCallable>;

/** Options of a peer (also accepted by {@link newClient}, {@link newServer}, {@link newMultiServer}). */
export interface LuaRpcPeerOptions {
  /**
   * Root object of the procedures and values the remote peer may call and
   * evaluate, addressed with dotted paths (`"math.max"`, `"config.nested.v"`,
   * `"list.1"` for the first element of an array). Handlers receive the
   * decoded arguments (`this` is the object holding them) and may be async;
   * they return one value, `undefined` for no result, or `multi(...)` for
   * several results. A thrown error answers status 1 with its message (or
   * with the thrown value itself when it is not an `Error`).
   * Reachable: the contents of plain objects, arrays (by index), Maps and
   * LuaTables; of a class instance only the methods of its own class chain,
   * never its fields nor inherited built-in methods (see `exposed-paths.ts`).
   */
  expose?: object;
  /** Evaluator for incoming `__rpcbuildexec` scripts; absent = refused. */
  evaluator?: LuaEvaluator;
  /** Default timeout of outgoing calls in ms (0 or absent: none). */
  timeout?: number;
  /** Largest accepted frame payload (default 16 MiB). */
  maxFrameSize?: number;
  /** Bound of the FIFO of calls waiting for a free sequence number (default 100000). */
  maxQueuedCalls?: number;
  /**
   * Incoming calls served at once (default 256); more wait, unread, and the
   * peer is not read meanwhile. Responses of calls already started are
   * written whatever the backlog, so a peer that does not read its responses
   * costs at most this many responses plus 1 MiB of write backlog.
   */
  maxServing?: number;
  /**
   * What the incoming calls served at once may hold (default 16 MiB, the
   * default `maxFrameSize`): each call counts its payload octets plus 128
   * octets per value its arguments decoded into (see `decode.maxValues`),
   * since a value of one octet on the wire takes far more in memory. A
   * call that would pass it waits, unread like the others, until enough
   * finish (one call is always served, however large). With `maxServing`
   * this bounds what one peer's calls in flight hold: 256 calls of 16 MiB
   * would otherwise be 4 GiB.
   */
  maxServingBytes?: number;
  /**
   * Most execs the remote peer may build with `__rpcbuildexec` on this
   * connection (default 1000): each is kept until the connection closes,
   * as in Lua, so one more is refused with a status 1 error.
   */
  maxExecs?: number;
  /** Decoder options for received arguments and results. */
  decode?: DecodeOptions;
  /** Disable Nagle's algorithm (default true). */
  noDelay?: boolean;
}

/** Per-call options of {@link LuaRpcPeer.callWithOptions}. */
export interface CallOptions {
  /** Timeout in ms for this call (overrides the peer's `timeout`; 0 = none). */
  timeout?: number;
  /**
   * Aborts the call: it rejects with the signal's reason. A call still
   * queued for a sequence number is never sent; one in flight gets its
   * late response ignored, as after a timeout.
   */
  signal?: AbortSignal;
}

/** Options of {@link newClient}: the peer's, a signal that aborts connecting, and how to dial. */
export interface LuaRpcClientOptions extends LuaRpcPeerOptions {
  /** Aborts connecting: the promise rejects with the signal's reason and the socket is destroyed. */
  signal?: AbortSignal;
  /**
   * Dials through this function instead of node:net: shaped like
   * `connect()` of `cloudflare:sockets`, as the sockets' `connect` option
   * (`({ hostname, port }) => { readable, writable, opened?, closed?, close() }`).
   * The peer's `socket` is then a Duplex over those web streams, with no
   * addresses of its own. A throw, or an `opened` that rejects, rejects
   * with {@link LuaRpcConnectError}.
   */
  connect?: StreamConnect;
}

/** A remote function built by {@link LuaRpcPeer.newexec}. */
export type LuaExec = ((...args: unknown[]) => Promise<LuaValue[]>) & {
  /** The exec id the remote peer returned. */
  readonly execId: LuaValue;
};

interface PendingCall {
  readonly name: string;
  readonly frame: Buffer;
  readonly resolve: (v: LuaValue[]) => void;
  readonly reject: (e: unknown) => void;
  timer: NodeJS.Timeout | undefined;
  /** -1 while queued, then the seq in use. */
  seq: number;
  settled: boolean;
  /** Stops listening to the caller's AbortSignal. */
  detach: (() => void) | undefined;
}

/**
 * Serve no new call while this much waits to be written to the peer, and
 * stop reading it: a peer that sends calls but never reads the responses is
 * pushed back through TCP instead of growing our memory.
 */
const WRITE_BUFFER_LIMIT = 1024 * 1024;
/**
 * What one decoded value of a call counts against `maxServingBytes`: an
 * empty table decoded from 3 octets holds some 44 bytes once built and
 * more while it is decoded; 128 covers the dearest small values.
 */
const DECODED_VALUE_OCTETS = 128;
/** Default of {@link LuaRpcPeerOptions.maxServingBytes}: 16 MiB. */
export const DEFAULT_MAX_SERVING_BYTES = 16 * 1024 * 1024;
/** Default of {@link LuaRpcPeerOptions.maxExecs}. */
export const DEFAULT_MAX_EXECS = 1000;
/** Default of {@link LuaRpcPeerOptions.maxServing}: a Lua peer never has more calls in flight. */
export const DEFAULT_MAX_SERVING = 256;

/**
 * Marks a seq whose call timed out: reserved until its late response
 * arrives, never reused before (a late response must not answer another
 * call). When all 256 are so held, the peer is stalled and closed.
 */
const ABANDONED = Symbol("abandoned");

type Outcome = [status: number, values: unknown[]];


/**
 * One end of a Lua RPC connection.
 *
 * Events:
 * - `'error'` `(err: LuaRpcBaseError | Error)`: the connection failed
 *   (malformed frame, socket error, {@link LuaRpcStalledError} once all 256
 *   sequence numbers are held by timed-out calls); only emitted when a
 *   listener is installed, then followed by `'close'`.
 * - `'close'` `(reason: Error | undefined)`: the connection is closed; all
 *   pending calls have been rejected.
 */
export class LuaRpcPeer extends EventEmitter {
  /** The underlying socket. */
  readonly socket: net.Socket;
  private exposed: object;
  private readonly evaluator: LuaEvaluator | undefined;
  private readonly defaultTimeout: number;
  private readonly maxQueued: number;
  private readonly decodeOptions: DecodeOptions;
  private readonly decoder: FrameDecoder;
  private readonly writer = new LuaWriter(1024);
  private readonly slots: Array<PendingCall | typeof ABANDONED | undefined> = new Array(256).fill(undefined);
  private inflight = 0;
  /** Seqs held by timed-out calls still waiting for their late response. */
  private abandoned = 0;
  private nextSeq = 0;
  private queue: PendingCall[] = [];
  private queueHead = 0;
  private queuedLive = 0;
  private readonly execs = new Map<number, LuaCallable>();
  private execCounter = 0;
  private readonly maxExecs: number;
  /** Execs whose script the evaluator is turning into a function: they count against maxExecs already. */
  private buildingExecs = 0;
  private readonly objects = new Map<number, object>();
  private readonly objectIds = new Map<object, number>();
  private objectCounter = 0;
  private corked = false;
  private readPaused = false;
  /** Incoming calls read but not yet served; reading pauses while any wait. */
  private waitingCalls: Frame[] = [];
  private serving = 0;
  private readonly maxServing: number;
  /** Payload octets of the calls being served (their arguments live that long). */
  private servingBytes = 0;
  private readonly maxServingBytes: number;
  private isClosed = false;
  private reason: Error | undefined;
  private closeEmitted = false;

  /**
   * Wraps a connected socket. Usually obtained from {@link newClient},
   * {@link newServer} or {@link newMultiServer}; use directly for sockets you
   * connected yourself.
   * @param socket - a connected TCP (or compatible duplex) socket.
   * @param options - peer options.
   */
  constructor(socket: net.Socket, options: LuaRpcPeerOptions = {}) {
    super();
    this.socket = socket;
    this.exposed = options.expose ?? {};
    this.evaluator = options.evaluator;
    this.defaultTimeout = options.timeout ?? 0;
    this.maxQueued = options.maxQueuedCalls ?? DEFAULT_MAX_QUEUED_CALLS;
    this.maxServing = options.maxServing ?? DEFAULT_MAX_SERVING;
    this.maxExecs = options.maxExecs ?? DEFAULT_MAX_EXECS;
    this.maxServingBytes = options.maxServingBytes ?? DEFAULT_MAX_SERVING_BYTES;
    this.decodeOptions = options.decode ?? {};
    this.decoder = new FrameDecoder({ maxFrameSize: options.maxFrameSize });
    if (options.noDelay !== false && typeof socket.setNoDelay === "function") socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (err: Error) => this.fail(err));
    socket.on("close", () => this.onSocketClose());
    socket.on("drain", () => this.serveWaiting());
    if (socket.destroyed) queueMicrotask(() => this.onSocketClose());
  }

  /** True once the connection is closed or closing. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** Number of outgoing calls waiting for a response or for a sequence number. */
  get pendingCalls(): number {
    let n = this.queuedLive;
    for (const s of this.slots) if (s !== undefined && s !== ABANDONED) n++;
    return n;
  }

  /**
   * Replaces the root object of exposed procedures and values.
   * @param obj - new root object (see {@link LuaRpcPeerOptions.expose}).
   */
  expose(obj: object): this {
    this.exposed = obj;
    return this;
  }

  /**
   * Registers an object so it can be sent to the remote peer by reference
   * (the returned ref encodes as "my object n"); the remote peer calls its
   * methods with `__rpcinvoke`. Registering the same object twice returns
   * the same id.
   * @param obj - the object.
   */
  registerObject(obj: object): LocalObjectRef {
    let id = this.objectIds.get(obj);
    if (id === undefined) {
      id = ++this.objectCounter;
      this.objectIds.set(obj, id);
      this.objects.set(id, obj);
    }
    return new LocalObjectRef(id);
  }

  /**
   * Forgets a registered object; later invocations fail with status 1.
   * @param ref - reference returned by {@link registerObject}.
   */
  unregisterObject(ref: LocalObjectRef): void {
    const obj = this.objects.get(ref.id);
    if (obj !== undefined) {
      this.objects.delete(ref.id);
      this.objectIds.delete(obj);
    }
  }

  /**
   * Calls a procedure of the remote peer.
   * @param name - procedure name, a dotted path on a Lua peer (`"math.max"`).
   * @param args - arguments (see the value mapping).
   * @returns the array of results (nil results are `null`).
   * @throws (rejects with) {@link LuaRpcError} (status 1),
   * {@link LuaRpcNoSuchProcedureError} (2), {@link LuaRpcNotCallableError} (3),
   * {@link LuaRpcResultNotSerializableError} (4), {@link LuaRpcTimeoutError},
   * {@link LuaRpcClosedError}, {@link LuaRpcQueueFullError},
   * {@link LuaEncodeError} when an argument cannot be serialized.
   */
  call(name: string, ...args: unknown[]): Promise<LuaValue[]> {
    return this.callWithOptions(name, args, {});
  }

  /**
   * {@link call} with per-call options.
   * @param name - procedure name.
   * @param args - arguments.
   * @param options - call options (timeout).
   */
  callWithOptions(name: string, args: readonly unknown[], options: CallOptions = {}): Promise<LuaValue[]> {
    if (this.isClosed) return Promise.reject(new LuaRpcClosedError("Lua RPC connection is closed", this.reason));
    const { signal } = options;
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    let frame: Buffer;
    try {
      writeCallFrame(this.writer, 0, name, args);
      frame = this.writer.result();
    } catch (e) {
      return Promise.reject(e);
    } finally {
      this.writer.reset();
    }
    return new Promise<LuaValue[]>((resolve, reject) => {
      const pc: PendingCall = { name, frame, resolve, reject, timer: undefined, seq: -1, settled: false, detach: undefined };
      const timeout = options.timeout ?? this.defaultTimeout;
      if (this.queuedLive === 0 && this.inflight < 256) {
        this.send(pc);
      } else if (this.queuedLive >= this.maxQueued) {
        reject(new LuaRpcQueueFullError(this.maxQueued));
        return;
      } else {
        this.queue.push(pc);
        this.queuedLive++;
      }
      if (timeout > 0) pc.timer = setTimeout(() => this.giveUp(pc, new LuaRpcTimeoutError(pc.name, timeout)), timeout);
      if (signal !== undefined) {
        const aborted = (): void => this.giveUp(pc, signal.reason);
        signal.addEventListener("abort", aborted, { once: true });
        pc.detach = () => signal.removeEventListener("abort", aborted);
      }
    });
  }

  /**
   * Reads a value of the remote peer (`__rpceval`), like `client:eval`.
   * @param path - dotted path (`"config.nested.v"`).
   * @returns the value (`null` for nil).
   */
  async eval(path: string): Promise<LuaValue> {
    const r = await this.call("__rpceval", path);
    return r[0] ?? null;
  }

  /**
   * Sends a script to the remote peer (`__rpcbuildexec`) and returns a
   * function running it there (`__rpcrunexec(execid, ...)`), like
   * `client:newexec`. A Lua peer compiles the script; a purezmq peer needs an
   * evaluator.
   * @param script - Lua source, an array of source pieces, or a LuaFunction.
   */
  async newexec(script: string | readonly string[] | LuaFunction): Promise<LuaExec> {
    const r = await this.call("__rpcbuildexec", script);
    const execId = r[0] ?? null;
    const f = (...args: unknown[]) => this.call("__rpcrunexec", execId, ...args);
    return Object.assign(f, { execId });
  }

  /**
   * Calls a method of a remote object (`__rpcinvoke(obj, method, ...)`).
   * @param ref - reference received from the remote peer.
   * @param method - method name.
   * @param args - arguments.
   */
  invoke(ref: RemoteObjectRef, method: string, ...args: unknown[]): Promise<LuaValue[]> {
    return this.call("__rpcinvoke", ref, method, ...args);
  }

  /**
   * Closes the connection gracefully: pending and queued calls are rejected
   * with {@link LuaRpcClosedError}, written data is flushed, then the socket
   * is ended.
   * @returns resolves when the socket is closed.
   */
  async close(): Promise<void> {
    if (!this.isClosed) {
      this.isClosed = true;
      this.rejectAll(new LuaRpcClosedError("Lua RPC connection closed locally"));
      this.socket.end(() => this.socket.destroy());
    }
    if (!this.closeEmitted) await new Promise<void>((resolve) => this.once("close", () => resolve()));
  }

  /**
   * Closes the connection at once.
   * @param reason - reason reported to pending calls and to `'close'`.
   */
  destroy(reason?: Error): void {
    if (reason) this.fail(reason);
    else if (!this.isClosed) {
      this.isClosed = true;
      this.rejectAll(new LuaRpcClosedError("Lua RPC connection destroyed"));
      this.socket.destroy();
    }
  }

  // ---- outgoing calls ----

  private send(pc: PendingCall): void {
    let seq = this.nextSeq;
    while (this.slots[seq] !== undefined) seq = (seq + 1) & 0xff;
    this.nextSeq = (seq + 1) & 0xff;
    this.slots[seq] = pc;
    this.inflight++;
    pc.seq = seq;
    pc.frame[1] = seq;
    this.write(pc.frame);
  }

  private pump(): void {
    while (this.queuedLive > 0 && this.inflight < 256) {
      const pc = this.queue[this.queueHead]!;
      this.queue[this.queueHead++] = undefined as unknown as PendingCall;
      if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.queueHead);
        this.queueHead = 0;
      }
      if (pc.settled) continue;
      this.queuedLive--;
      this.send(pc);
    }
    if (this.queuedLive === 0 && this.queueHead > 0) {
      this.queue = [];
      this.queueHead = 0;
    }
  }

  /** A call that stopped waiting (timeout, abort): a queued one is never sent, an in-flight one's seq is abandoned. */
  private giveUp(pc: PendingCall, err: unknown): void {
    if (!this.settle(pc)) return;
    if (pc.seq < 0) this.queuedLive--;
    else {
      this.slots[pc.seq] = ABANDONED;
      this.abandoned++;
    }
    pc.reject(err);
    // Every seq waits for a response the peer never sent: no call can ever go out again.
    if (this.abandoned === 256) this.fail(new LuaRpcStalledError());
  }

  private settle(pc: PendingCall): boolean {
    if (pc.settled) return false;
    pc.settled = true;
    if (pc.timer) clearTimeout(pc.timer);
    pc.detach?.();
    return true;
  }

  private onResponse(frame: Frame): void {
    const pc = this.slots[frame.seq];
    if (pc === undefined) return; // unsolicited response: ignored, as a Lua peer does
    this.slots[frame.seq] = undefined;
    this.inflight--;
    if (pc === ABANDONED) this.abandoned--;
    else this.settle(pc);
    const p = frame.payload;
    const status = p[0]!;
    let values: LuaValue[];
    try {
      if (status > Status.NOT_SERIALIZABLE) throw new LuaRpcProtocolError(`unknown response status ${status}`);
      values = new LuaReader(p, 1, p.length, this.decodeOptions).readAll();
    } catch (e) {
      const err = e instanceof LuaRpcProtocolError ? e : new LuaRpcProtocolError(`malformed response: ${(e as Error).message}`, { cause: e });
      if (pc !== ABANDONED) pc.reject(err);
      this.fail(err);
      return;
    }
    if (pc !== ABANDONED) {
      switch (status) {
        case Status.OK:
          pc.resolve(values);
          break;
        case Status.ERROR:
          pc.reject(new LuaRpcError(pc.name, values[0] ?? null));
          break;
        case Status.NO_SUCH_PROCEDURE:
          pc.reject(new LuaRpcNoSuchProcedureError(pc.name));
          break;
        case Status.NOT_CALLABLE:
          pc.reject(new LuaRpcNotCallableError(pc.name));
          break;
        default:
          pc.reject(new LuaRpcResultNotSerializableError(pc.name, values[0] ?? null));
      }
    }
    this.pump();
  }

  // ---- incoming calls ----

  private onCall(frame: Frame): void {
    const p = frame.payload;
    let name: LuaValue;
    let args: LuaValue[];
    let weight: number;
    try {
      const r = new LuaReader(p, 0, p.length, this.decodeOptions);
      name = r.done ? null : r.readValue();
      args = r.readAll();
      weight = p.length + r.valueCount * DECODED_VALUE_OCTETS;
    } catch (e) {
      this.fail(new LuaRpcProtocolError(`malformed call: ${(e as Error).message}`, { cause: e }));
      return;
    }
    // Counted from now on: the next waiting call is started against it.
    this.servingBytes += weight - p.length;
    this.dispatch(name, args)
      .then(
        ([status, values]) => this.respond(weight, frame.seq, status, values),
        (e: unknown) => this.respond(weight, frame.seq, Status.ERROR, [errorValue(e)]),
      )
      // Answering failed (a thrown value that cannot even be described, a
      // socket that throws): that connection ends, never the process.
      .catch((e: unknown) => this.fail(asError(e, "answering a call failed")));
  }

  private respond(weight: number, seq: number, status: number, values: unknown[]): void {
    this.serving--;
    this.servingBytes -= weight;
    if (this.isClosed) return;
    const w = this.writer;
    try {
      writeResponseFrame(w, seq, status, values);
    } catch {
      if (status === Status.ERROR) {
        // The error value itself cannot be sent: send its description instead.
        writeResponseFrame(w, seq, Status.ERROR, [sendableText(describeError(values[0]))]);
      } else writeResponseFrame(w, seq, Status.NOT_SERIALIZABLE, ["Cannot serialize result"]);
    }
    const frame = w.result();
    w.reset();
    this.write(frame);
    this.serveWaiting();
  }

  private async dispatch(name: LuaValue, args: LuaValue[]): Promise<Outcome> {
    if (typeof name !== "string") return [Status.NO_SUCH_PROCEDURE, []];
    switch (name) {
      case "__rpceval": {
        if (typeof args[0] !== "string") return [Status.ERROR, ["__rpceval: the path must be a string"]];
        const found = resolvePath(this.exposed, args[0]);
        return [Status.OK, [found.value === NOT_FOUND ? null : found.value]];
      }
      case "__rpcbuildexec":
        return this.buildExec(args[0] ?? null);
      case "__rpcrunexec": {
        const fn = typeof args[0] === "number" ? this.execs.get(args[0]) : undefined;
        if (!fn) return [Status.ERROR, ["Undefined exec call"]];
        return invokeFunction(fn as (...a: unknown[]) => unknown, undefined, args.slice(1));
      }
      case "__rpcinvoke":
        return this.invokeObject(args);
      case "__call0":
        return [Status.ERROR, ["Not implemented"]];
    }
    const found = resolvePath(this.exposed, name);
    if (found.value === NOT_FOUND || found.value === null || found.value === undefined) return [Status.NO_SUCH_PROCEDURE, []];
    if (typeof found.value !== "function") return [Status.NOT_CALLABLE, []];
    return invokeFunction(found.value as (...a: unknown[]) => unknown, found.parent, args);
  }

  private async buildExec(script: LuaValue): Promise<Outcome> {
    if (!this.evaluator) return [Status.ERROR, ["__rpcbuildexec refused: no evaluator installed on this peer"]];
    let source: string | LuaFunction;
    if (typeof script === "string" || script instanceof LuaFunction) source = script;
    else if (script instanceof LuaBytes) source = script.toString("latin1");
    else if (Array.isArray(script) && script.every((s) => typeof s === "string")) source = script.join("");
    else return [Status.ERROR, ["__rpcbuildexec: the script must be a string, a table of strings or a function"]];
    if (this.execs.size + this.buildingExecs >= this.maxExecs) {
      return [Status.ERROR, [`__rpcbuildexec refused: this connection holds maxExecs ${this.maxExecs} execs already`]];
    }
    let fn: unknown;
    this.buildingExecs++;
    try {
      fn = await this.evaluator(source, this);
    } catch (e) {
      return [Status.ERROR, [errorValue(e)]];
    } finally {
      this.buildingExecs--;
    }
    if (typeof fn !== "function") return [Status.ERROR, ["__rpcbuildexec: the evaluator did not return a function"]];
    const id = ++this.execCounter;
    this.execs.set(id, fn as LuaCallable);
    return [Status.OK, [id]];
  }

  /**
   * `__rpcinvoke(obj, method, ...)`: `obj` is one of our registered objects
   * (`3F n`) or a path into the exposed object. A value the caller built
   * itself (a table) is not a target: its methods would be the language's.
   */
  private async invokeObject(args: LuaValue[]): Promise<Outcome> {
    const [obj, method] = args;
    let target: unknown;
    if (obj instanceof LocalObjectRef) {
      target = this.objects.get(obj.id);
      if (target === undefined) return [Status.ERROR, [`__rpcinvoke: unknown object ${obj.id}`]];
    } else if (typeof obj === "string") {
      const found = resolvePath(this.exposed, obj);
      target = found.value === NOT_FOUND ? undefined : found.value;
    }
    if (typeof method !== "string") return [Status.ERROR, ["__rpcinvoke: the method name must be a string"]];
    const fn = target !== null && (typeof target === "object" || typeof target === "function") ? pathStep(target, method) : NOT_FOUND;
    if (typeof fn !== "function") return [Status.ERROR, [`attempt to call method '${clip(method, MAX_QUOTED_NAME_OCTETS)}' (a ${fn === NOT_FOUND || fn == null ? "nil" : typeof fn} value)`]];
    return invokeFunction(fn as (...a: unknown[]) => unknown, target, args.slice(2));
  }

  // ---- I/O ----

  private write(buf: Buffer): void {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(buf);
    if (this.socket.writableLength > WRITE_BUFFER_LIMIT) this.updateReading();
  }

  /** Starts the waiting calls that the bounds allow. */
  private serveWaiting(): void {
    while (
      this.waitingCalls.length > 0 && this.serving < this.maxServing && !this.isClosed &&
      (this.serving === 0 || this.servingBytes + this.waitingCalls[0]!.payload.length <= this.maxServingBytes) &&
      this.socket.writableLength <= WRITE_BUFFER_LIMIT
    ) {
      this.serving++;
      this.servingBytes += this.waitingCalls[0]!.payload.length;
      this.onCall(this.waitingCalls.shift()!);
    }
    this.updateReading();
  }

  /** Reads from the peer only while no call waits and the write backlog is small. */
  private updateReading(): void {
    if (this.isClosed) return;
    const stop = this.waitingCalls.length > 0 || this.socket.writableLength > WRITE_BUFFER_LIMIT;
    if (stop === this.readPaused) return;
    this.readPaused = stop;
    if (stop) this.socket.pause();
    else this.socket.resume();
  }

  private onData(chunk: Buffer): void {
    if (this.isClosed) return;
    let frames: Frame[];
    try {
      frames = this.decoder.push(chunk);
    } catch (e) {
      this.fail(e as Error);
      return;
    }
    for (const f of frames) {
      if (this.isClosed) return;
      if (f.type === MessageType.CALL) this.waitingCalls.push(f);
      else this.onResponse(f);
    }
    this.serveWaiting();
  }

  private rejectAll(err: LuaRpcClosedError): void {
    for (let s = 0; s < 256; s++) {
      const pc = this.slots[s];
      this.slots[s] = undefined;
      if (pc !== undefined && pc !== ABANDONED && this.settle(pc)) pc.reject(err);
    }
    this.inflight = 0;
    this.abandoned = 0;
    for (let i = this.queueHead; i < this.queue.length; i++) {
      const pc = this.queue[i]!;
      if (this.settle(pc)) pc.reject(err);
    }
    this.queue = [];
    this.queueHead = 0;
    this.queuedLive = 0;
  }

  private fail(err: Error): void {
    if (this.reason === undefined && !this.closeEmitted) this.reason = err;
    if (this.isClosed) {
      if (!this.socket.destroyed) this.socket.destroy();
      return;
    }
    this.isClosed = true;
    this.rejectAll(new LuaRpcClosedError(`Lua RPC connection closed: ${err.message}`, err));
    this.socket.destroy();
  }

  private onSocketClose(): void {
    if (this.closeEmitted) return;
    if (!this.isClosed) {
      this.isClosed = true;
      this.rejectAll(new LuaRpcClosedError("Lua RPC connection closed by the remote peer"));
    }
    this.closeEmitted = true;
    const reason = this.reason;
    if (reason && this.listenerCount("error") > 0) this.emit("error", reason);
    this.emit("close", reason);
  }
}

// ---- helpers for incoming calls ----

async function invokeFunction(fn: (...a: unknown[]) => unknown, self: unknown, args: unknown[]): Promise<Outcome> {
  try {
    const out = await fn.apply(self, args);
    if (out instanceof LuaMulti) return [Status.OK, [...out.values]];
    return [Status.OK, out === undefined ? [] : [out]];
  } catch (e) {
    return [Status.ERROR, [errorValue(e)]];
  }
}

function errorValue(e: unknown): unknown {
  if (e instanceof LuaRpcError) return e.value;
  if (e instanceof Error) return e.message;
  return e ?? null;
}

function describeError(v: unknown): string {
  if (v instanceof Error) return v.message;
  return String(v);
}

/** `e` itself when it is an Error, else an Error of `what` caused by it (String(e) may throw). */
function asError(e: unknown, what: string): Error {
  return e instanceof Error ? e : new Error(what, { cause: e });
}

// ---- connection helpers ----

/** Options of {@link newServer}. */
export interface LuaRpcServerOptions extends LuaRpcPeerOptions {
  /** Called once the listening socket is bound (useful with port 0). */
  onListening?: (address: net.AddressInfo) => void;
}

function listen(server: net.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(new LuaRpcConnectError(`cannot listen on ${host}:${port}: ${e.message}`, e));
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

/**
 * Connects to a Lua RPC peer, like `rpc.newclient(address, port)`.
 * @param host - host name or address (default `"localhost"`).
 * @param port - TCP port (default 1999).
 * @param options - peer options.
 * @returns the connected peer.
 * @throws (rejects with) {@link LuaRpcConnectError}.
 */
export function newClient(host: string = DEFAULT_HOST, port: number = DEFAULT_PORT, options: LuaRpcClientOptions = {}): Promise<LuaRpcPeer> {
  const { signal, connect, ...peerOptions } = options;
  if (signal?.aborted === true) return Promise.reject(signal.reason);
  const dial = checkStreamConnect(connect);
  return new Promise((resolve, reject) => {
    // A Duplex over web streams behaves towards the peer as a net.Socket does
    // (stream-connect.ts); it has no addresses, which the peer never reads.
    const socket = dial ? new WebStreamDuplex(dial, { hostname: host, port }) as unknown as net.Socket : net.connect({ host, port });
    // The signal aborts connecting only: once connected, the peer's life is its own.
    const aborted = (): void => {
      socket.destroy();
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", aborted, { once: true });
    const onError = (e: Error) => {
      signal?.removeEventListener("abort", aborted);
      reject(new LuaRpcConnectError(`cannot connect to ${host}:${port}: ${e.message}`, e));
    };
    socket.once("error", onError);
    socket.once("connect", () => {
      signal?.removeEventListener("abort", aborted);
      socket.off("error", onError);
      resolve(new LuaRpcPeer(socket, peerOptions));
    });
  });
}

/**
 * Listens, waits for ONE peer to connect, then stops listening, like
 * `rpc.newserver(address, port)`.
 * @param host - address to bind (default `"localhost"`).
 * @param port - TCP port (default 1999; 0 picks a free port, see `onListening`).
 * @param options - peer options plus `onListening`.
 * @returns the connected peer.
 * @throws (rejects with) {@link LuaRpcConnectError} when listening fails.
 */
export async function newServer(host: string = DEFAULT_HOST, port: number = DEFAULT_PORT, options: LuaRpcServerOptions = {}): Promise<LuaRpcPeer> {
  const server = net.createServer();
  const first = new Promise<net.Socket>((resolve) => {
    server.once("connection", (s: net.Socket) => {
      server.on("connection", (extra: net.Socket) => extra.destroy());
      server.close();
      resolve(s);
    });
  });
  await listen(server, host, port);
  options.onListening?.(server.address() as net.AddressInfo);
  return new LuaRpcPeer(await first, options);
}

/** Callback receiving each peer of a {@link LuaRpcServer}. */
export type OnPeer = (peer: LuaRpcPeer) => void | Promise<void>;

/**
 * A listening socket accepting any number of peers, like Lua's
 * `newserveronly`. Obtained from {@link newMultiServer}.
 *
 * Events: `'peer'` `(peer)` for each connection, `'error'` `(err)` when a
 * peer callback throws (only when a listener is installed).
 */
export class LuaRpcServer extends EventEmitter {
  /** The underlying server. */
  readonly server: net.Server;
  /** Peers currently connected. */
  readonly peers = new Set<LuaRpcPeer>();

  /**
   * @param server - a listening `net.Server`.
   * @param onPeer - callback for each new peer.
   * @param options - options of every peer.
   */
  constructor(server: net.Server, onPeer: OnPeer, options: LuaRpcPeerOptions) {
    super();
    this.server = server;
    server.on("connection", (socket: net.Socket) => {
      const peer = new LuaRpcPeer(socket, options);
      this.peers.add(peer);
      peer.once("close", () => this.peers.delete(peer));
      this.emit("peer", peer);
      const report = (e: unknown) => {
        if (this.listenerCount("error") > 0) this.emit("error", e);
        peer.destroy(asError(e, "the peer callback failed"));
      };
      try {
        const r = onPeer(peer);
        if (r && typeof (r as Promise<void>).then === "function") (r as Promise<void>).then(undefined, report);
      } catch (e) {
        report(e);
      }
    });
  }

  /** The bound address. */
  address(): net.AddressInfo {
    return this.server.address() as net.AddressInfo;
  }

  /** The bound port (the real one when 0 was requested). */
  get port(): number {
    return this.address().port;
  }

  /**
   * Stops listening and, unless `closePeers` is false, closes every peer.
   * @param closePeers - also close connected peers and resolve once they are
   * closed (default true); with false, resolves as soon as listening stops.
   */
  async close(closePeers = true): Promise<void> {
    if (!closePeers) {
      // Stops accepting at once; the callback would wait for the peers.
      this.server.close();
      return;
    }
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all([...this.peers].map((p) => p.close()));
    await done;
  }
}

/**
 * Listens for any number of peers (in parallel or one after the other).
 * @param host - address to bind (default `"localhost"`).
 * @param port - TCP port (default 1999; 0 picks a free port, read it from `.port`).
 * @param onPeer - called with each connected peer.
 * @param options - options of every peer.
 * @returns the server, once it is listening.
 * @throws (rejects with) {@link LuaRpcConnectError} when listening fails.
 */
export async function newMultiServer(
  host: string | undefined,
  port: number | undefined,
  onPeer: OnPeer,
  options: LuaRpcPeerOptions = {},
): Promise<LuaRpcServer> {
  const server = net.createServer();
  const s = new LuaRpcServer(server, onPeer, options);
  await listen(server, host ?? DEFAULT_HOST, port ?? DEFAULT_PORT);
  return s;
}
