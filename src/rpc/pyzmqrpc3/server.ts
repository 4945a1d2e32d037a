/**
 * CommandServer: pyzmqrpc3-compatible typed commands and services. Clients
 * (a pyzmqrpc3 `ZmqRpcClient` over REQ, or our {@link CommandClient}) send
 * commands; each is run by the service registered for its class and answered
 * with a JSON status response. Served over a ROUTER, so services run
 * concurrently up to `maxConcurrency` (see {@link RequestService}); unlike
 * the reference, `inproc://` endpoints work too.
 *
 * Commands also arrive over PUB/SUB: {@link CommandServer.subscribe}
 * connects a SUB socket to a publisher (a {@link CommandPublisher}, a
 * pyzmqrpc3 PUB, a proxy) and runs every command received, answering none.
 *
 * @module
 */
import { RemoteCallError } from "../codec/errors.js";
import { decodeResponse, defineCommand, responseResult, type Command, type CommandClass } from "./codec.js";
import { CommandHandler, type Service } from "./handler.js";
import { CommandSubscription, type CommandSubscriptionOptions } from "./subscription.js";
import { RpcClosedError } from "../errors.js";
import { RequestService, type RequestServiceOptions } from "../request-service.js";
import { securitySocketOptions, type CurveOptions, type PlainOptions } from "../security.js";
import { ownOption } from "../../zmtp/closed-options.js";
import { DEFAULT_MAX_MESSAGE_BYTES, withMaxMessageSize } from "../message-size.js";

/** Options of {@link CommandServer}. */
export interface CommandServerOptions extends RequestServiceOptions {
  /** Require ZMTP PLAIN credentials from clients. */
  readonly plain?: PlainOptions;
  /** CURVE: encrypt and authenticate every frame (see {@link CurveOptions}); not with `plain`. */
  readonly curve?: CurveOptions;
  /**
   * Largest decompressed command accepted, in octets. Default: the socket's
   * `maxMessageSize` when the application sets one (a command may inflate
   * to what the server would accept uncompressed), else 4 MiB (the socket's
   * own default, 16 MiB, bounds the compressed message). Beyond it the request is
   * answered 400, refused while inflating.
   */
  readonly maxCommandBytes?: number;
  /**
   * Serve pyzmqrpc3's built-in {@link ShutdownServer} command: it is
   * answered (200, no result), then the server closes. Default false: any
   * client that can reach the server could stop it.
   */
  readonly shutdownCommand?: boolean;
}

/** pyzmqrpc3's built-in command that stops the server (no state); served only with `shutdownCommand: true`. */
export const ShutdownServer = defineCommand("ShutdownServer", {});

/** How long a server stopped by {@link ShutdownServer} still tries to deliver its last replies, in ms. */
const SHUTDOWN_LINGER = 1000;

/** Options of {@link CommandServer.subscribe}. */
export interface CommandSubscribeOptions extends CommandSubscriptionOptions {
  /**
   * Called for each received command that did not succeed (no service, the
   * service threw, undecodable), with the error a client would have got.
   * Over PUB/SUB nobody else learns of it.
   */
  readonly onError?: (error: RemoteCallError) => void;
}

/** Serves typed commands. */
export class CommandServer {
  /** Commands, services and request handling (shared with subscription-driven serving). */
  readonly handler: CommandHandler;
  readonly #service: RequestService;
  readonly #subscriptions = new Set<CommandSubscription>();

  /** @param options - work bounds, security and socket options. */
  constructor(options: CommandServerOptions = {}) {
    const socket = withMaxMessageSize(DEFAULT_MAX_MESSAGE_BYTES, { ...securitySocketOptions(options, "server"), ...options.socket });
    // The application's own bound, not the default: a command inflates to 4 MiB unless told more.
    const maxMessageSize = options.socket?.maxMessageSize ?? -1;
    this.handler = new CommandHandler({ maxCommandBytes: options.maxCommandBytes ?? (maxMessageSize > 0 ? maxMessageSize : undefined) });
    this.#service = new RequestService(this.handler, { ...options, socket });
    if (options.shutdownCommand === true) {
      this.registerService(ShutdownServer, () => {
        // After this turn the reply is on its way; the linger lets it leave before the socket goes.
        setImmediate(() => {
          // Closed meanwhile (by the application), its options are gone.
          if (!this.#service.socket.closed) this.#service.socket.linger = SHUTDOWN_LINGER;
          this.close();
        });
      });
    }
  }

  /**
   * Registers the service run for every command of `commandClass`
   * (`register_service(command_class, service)` in pyzmqrpc3).
   */
  registerService<C extends Command>(commandClass: CommandClass<C>, service: Service<C>): this {
    this.handler.registerService(commandClass, service);
    return this;
  }

  /** Starts listening (tcp, ipc, inproc). */
  async bind(address: string): Promise<void> {
    await this.#service.bind(address);
  }

  /** Serves over an outgoing connection too. */
  connect(address: string): void {
    this.#service.connect(address);
  }

  /**
   * Runs the commands a publisher sends (pyzmqrpc3's `zmq_sub_connect_addresses`):
   * a SUB socket connects to `endpoint`, subscribed to everything, and each
   * command is executed with no response. Call once per publisher; each
   * subscription has its own socket and silence watchdog.
   *
   * @param endpoint - the publisher (tcp, ipc, inproc).
   * @param options - silence watchdog (`silenceTimeout`), concurrency
   *   (default 1: in order), PLAIN credentials, failure callback.
   * @returns the subscription (counters, `close()`); closed with the server.
   * @throws RpcClosedError when the server is closed; ZmqError for a malformed endpoint.
   */
  subscribe(endpoint: string, options: CommandSubscribeOptions = {}): CommandSubscription {
    if (this.#service.closed) throw new RpcClosedError("server");
    const { onError } = options;
    const subscription = new CommandSubscription(
      endpoint,
      async (frame) => {
        const response = await this.handler.execute(frame);
        if (onError === undefined) return;
        try {
          responseResult(decodeResponse(response));
        } catch (err) {
          if (err instanceof RemoteCallError) onError(err);
        }
      },
      options,
    );
    this.#subscriptions.add(subscription);
    void subscription.done.then(() => this.#subscriptions.delete(subscription));
    return subscription;
  }

  /** The last endpoint bound, with the real port (after close() too). */
  get endpoint(): string | null {
    return ownOption(this.#service.socket, "lastEndpoint");
  }

  /** The ROUTER socket, for `events`. */
  get socket(): RequestService["socket"] {
    return this.#service.socket;
  }

  /** True once closed (by {@link close} or by a served {@link ShutdownServer}). */
  get closed(): boolean {
    return this.#service.closed;
  }

  /** Stops serving, on its endpoints and its subscriptions. */
  close(): void {
    this.#service.close();
    for (const subscription of this.#subscriptions) subscription.close();
  }
}
