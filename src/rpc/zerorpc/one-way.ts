/**
 * dotcloud zerorpc's one-way forms: events without replies, as
 * zerorpc-python's `Pusher`/`Puller` (PUSH/PULL) and
 * `Publisher`/`Subscriber` (PUB/SUB) send them. Each message is ONE frame,
 * the msgpack event `[{message_id, v: 3}, method, args]` (no delimiter, no
 * channel, no heartbeat); the receiving side runs the method and answers
 * nothing.
 *
 * The receiver runs events one at a time, in order, so a sender that is
 * faster than the methods is held back by the socket's high-water mark, not
 * by our memory; events are bounded in size by `maxMessageSize` (16 MiB
 * unless set). An event that cannot be read, names no registered method or
 * whose method fails is reported to `onError` and the next one is served.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { Publisher, Pull, Push, Subscriber } from "../../index.js";
import { RpcProtocolError, errorMessageOf } from "../codec/errors.js";
import { readReplies } from "../read-replies.js";
import { invokeMethod } from "../invoke.js";
import { SocketEndpoint } from "../publisher-endpoint.js";
import { MethodRegistry, type RegisterOptions, type RpcHandler } from "../registry.js";
import { notify } from "../trace.js";
import { decodeEvent, encodeEvent, newMessageId } from "./events.js";
import { DEFAULT_MAX_EVENT_BYTES } from "./protocol.js";
import { ownOption } from "../../zmtp/closed-options.js";

/** Options of the senders. */
export interface ZeroRpcSenderOptions {
  /** Options of the underlying socket (zeromq.js names). */
  readonly socket?: Record<string, unknown>;
}

/** Options of the receivers. */
export interface ZeroRpcReceiverOptions extends ZeroRpcSenderOptions {
  /** Told of each event that could not be run: unreadable, unknown method, or the method failed. */
  readonly onError?: (error: Error) => void;
}

type SendingSocket = Push | Publisher;
type ReceivingSocket = Pull | Subscriber;

/** What both senders share: emit an event (bind, connect and close come from {@link SocketEndpoint}). */
class EventSender<S extends SendingSocket> extends SocketEndpoint<S> {
  /** @param socket - the socket, made by the subclass. */
  constructor(socket: S) {
    super(socket);
  }

  /** Sends `method(...args)` as one event; resolves when the socket took it. */
  emit(method: string, ...args: unknown[]): Promise<void> {
    if (typeof method !== "string") return Promise.reject(new TypeError("method must be a string"));
    return this.socket.send(encodeEvent(method, args, newMessageId()));
  }
}

/** What both receivers share: a registry of methods run for each event received. */
class EventReceiver<S extends ReceivingSocket> {
  /** The socket, for `events` and options. */
  readonly socket: S;
  readonly #registry = new MethodRegistry();
  readonly #onError: ((error: Error) => void) | undefined;
  #loop: Promise<void> | undefined;

  constructor(socket: S, options: ZeroRpcReceiverOptions) {
    this.socket = socket;
    this.#onError = options.onError;
  }

  /** Makes a function (or an object's methods, as `name.<method>`) runnable by events; see {@link RpcServer.register}. */
  register(name: string, target: RpcHandler | object, options?: RegisterOptions): this {
    this.#registry.register(name, target, options);
    return this;
  }

  /** Listens (tcp, ipc, inproc) and starts running events. */
  async bind(address: string): Promise<void> {
    await this.socket.bind(address);
    this.#loop ??= this.run();
  }

  /** Connects to a sender and starts running events. */
  connect(address: string): void {
    this.socket.connect(address);
    this.#loop ??= this.run();
  }

  /** The last endpoint bound, with the real port (after close() too). */
  get endpoint(): string | null {
    return ownOption(this.socket, "lastEndpoint");
  }

  /** Stops receiving; a method running now finishes on its own. */
  close(): void {
    this.socket.close();
  }

  private run(): Promise<void> {
    return readReplies(
      this.socket,
      async (frames) => {
        const error = await this.runEvent(frames);
        if (error !== undefined) notify(this.#onError, error);
      },
      // A refused socket stays refused: report it; the loop has stopped.
      (err) => notify(this.#onError, err),
    );
  }

  /** Runs one event; the error to report, if any. */
  private async runEvent(frames: Buffer[]): Promise<Error | undefined> {
    let name: string;
    let args: unknown;
    try {
      if (frames.length !== 1) throw new RpcProtocolError(`a zerorpc event is one frame, got ${frames.length}`, "BAD_FRAMES");
      ({ name, args } = decodeEvent(frames[0]!));
      if (!Array.isArray(args)) throw new RpcProtocolError("the arguments of an event must be an array", "BAD_SHAPE");
    } catch (err) {
      return err as Error;
    }
    const outcome = await invokeMethod(this.#registry, name, args);
    if (outcome.ok) return undefined;
    if (outcome.notFound) return new RpcProtocolError(`no method '${name}' for this event`, "BAD_SHAPE");
    return outcome.error instanceof Error ? outcome.error : new Error(errorMessageOf(outcome.error));
  }
}

function bounded(options: ZeroRpcSenderOptions): Record<string, unknown> {
  return { maxMessageSize: DEFAULT_MAX_EVENT_BYTES, ...options.socket };
}

/** Sends events over PUSH, each to one puller (zerorpc-python's `Pusher`). */
export class ZeroRpcPusher extends EventSender<Push> {
  /** @param options - socket options. */
  constructor(options: ZeroRpcSenderOptions = {}) {
    super(new Push(options.socket));
  }
}

/** Sends events over PUB, to every subscriber (zerorpc-python's `Publisher`). */
export class ZeroRpcPublisher extends EventSender<Publisher> {
  /** @param options - socket options. */
  constructor(options: ZeroRpcSenderOptions = {}) {
    super(new Publisher(options.socket));
  }
}

/** Runs the events pushed to it over PULL (zerorpc-python's `Puller`). */
export class ZeroRpcPuller extends EventReceiver<Pull> {
  /** @param options - socket options, error observer. */
  constructor(options: ZeroRpcReceiverOptions = {}) {
    super(new Pull(bounded(options)), options);
  }
}

/** Runs every event published to it over SUB (zerorpc-python's `Subscriber`). */
export class ZeroRpcSubscriber extends EventReceiver<Subscriber> {
  /** @param options - socket options, error observer. */
  constructor(options: ZeroRpcReceiverOptions = {}) {
    const socket = new Subscriber(bounded(options));
    socket.subscribe();
    super(socket, options);
  }
}
