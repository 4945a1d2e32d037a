/**
 * CommandServer: pyzmqrpc3-compatible typed commands and services. Clients
 * (a pyzmqrpc3 `ZmqRpcClient` over REQ, or our {@link CommandClient}) send
 * commands; each is run by the service registered for its class and answered
 * with a JSON status response. Served over a ROUTER, so services run
 * concurrently up to `maxConcurrency` (see {@link RequestService}); unlike
 * the reference, `inproc://` endpoints work too.
 *
 * @module
 */
import type { Command, CommandClass } from "./codec/pyzmqrpc.js";
import { CommandHandler, type Service } from "./command-handler.js";
import { RequestService, type RequestServiceOptions } from "./request-service.js";
import { plainSocketOptions, type PlainOptions } from "./security.js";

/** Options of {@link CommandServer}. */
export interface CommandServerOptions extends RequestServiceOptions {
  /** Require ZMTP PLAIN credentials from clients. */
  readonly plain?: PlainOptions;
}

/** Serves typed commands. */
export class CommandServer {
  /** Commands, services and request handling (shared with subscription-driven serving). */
  readonly handler = new CommandHandler();
  readonly #service: RequestService;

  /** @param options - work bounds, security and socket options. */
  constructor(options: CommandServerOptions = {}) {
    const socket = { ...plainSocketOptions(options.plain, "server"), ...options.socket };
    this.#service = new RequestService(this.handler, { ...options, socket });
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

  /** The last endpoint bound, with the real port. */
  get endpoint(): string | null {
    return this.#service.socket.lastEndpoint;
  }

  /** The ROUTER socket, for `events`. */
  get socket(): RequestService["socket"] {
    return this.#service.socket;
  }

  /** Stops serving. */
  close(): void {
    this.#service.close();
  }
}
