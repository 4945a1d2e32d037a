/**
 * pyzmqrpc3 on the server side: a request frame carries a typed command
 * (`base64(zlib(JSON({"_icmd_": [name, state]})))`); the command is rebuilt
 * from its registered class and handed to the one service registered for
 * it; the answer is the JSON status response (200, 400, 451, 463).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { errorMessageOf } from "../codec/errors.js";
import { ConcurrencyGate } from "../concurrency-gate.js";
import * as pz from "./codec.js";
import { BUSY_MESSAGE, type RequestHandler } from "../request-service.js";

/** A service: handles one command class, sync or async; its result is the response message. */
export type Service<C extends pz.Command = pz.Command> =
  | ((command: C) => unknown)
  | { handle(command: C): unknown };

/** Status code of the response to a request refused at the server's work bound. */
export const STATUS_BUSY = 503;

interface Binding {
  readonly run: (command: pz.Command) => unknown;
  /** The name in 463 messages (Python uses the service's class name). */
  readonly serviceName: string;
}

/** Commands inflated at once (Node's thread pool runs four by default). */
const INFLATING_AT_ONCE = 4;

/** Options of {@link CommandHandler}. */
export interface CommandHandlerOptions {
  /**
   * Largest decompressed command accepted (default
   * {@link pz.DEFAULT_MAX_COMMAND_BYTES}); a request inflating beyond it is
   * answered 400 as soon as inflating reaches the bound. Four commands are
   * inflated at once, off the event loop; others wait their turn.
   */
  readonly maxCommandBytes?: number;
}

/** Commands to services, and the request handling of pyzmqrpc3. */
export class CommandHandler implements RequestHandler {
  /** The command classes known to this server. */
  readonly commands = new pz.CommandRegistry();
  readonly #services = new Map<string, Binding>();
  readonly #decodeOptions: pz.DecodeCommandOptions;
  /** Commands inflated at once: each may hold up to `maxCommandBytes` until it is refused or parsed. */
  readonly #inflating = new ConcurrencyGate(INFLATING_AT_ONCE);
  /**
   * Settles once every command received so far is decoded. Inflating runs
   * several commands at once and they finish in any order; commands still
   * start in the order they arrived, as with pyzmqrpc3's serial server.
   */
  #decodedSoFar: Promise<unknown> = Promise.resolve();

  /** @param options - decoding bounds. */
  constructor(options: CommandHandlerOptions = {}) {
    const maxBytes = options.maxCommandBytes ?? pz.DEFAULT_MAX_COMMAND_BYTES;
    if (!(maxBytes >= 1)) throw new RangeError("maxCommandBytes must be at least 1");
    this.#decodeOptions = { maxBytes };
  }

  /**
   * Registers the service for a command class (one service per class).
   *
   * @throws Error when the class is already served or is not a valid command class.
   */
  registerService<C extends pz.Command>(commandClass: pz.CommandClass<C>, service: Service<C>): void {
    const name = pz.commandNameOf(commandClass);
    if (this.#services.has(name)) throw new Error(`a service is already registered for command "${name}"`);
    let binding: Binding;
    if (typeof service === "function") {
      binding = { run: service as (c: pz.Command) => unknown, serviceName: service.name || "Service" };
    } else if (typeof service === "object" && service !== null && typeof service.handle === "function") {
      binding = { run: (c) => service.handle(c as C), serviceName: service.constructor.name || "Service" };
    } else {
      throw new TypeError("a service is a function or an object with a handle(command) method");
    }
    if (!this.commands.has(name)) this.commands.register(commandClass as pz.CommandClass, name);
    this.#services.set(name, binding);
  }

  /** Makes a command class known without a service (e.g. for commands nested in others). */
  registerCommand(commandClass: pz.CommandClass): void {
    const name = pz.commandNameOf(commandClass);
    if (!this.commands.has(name)) this.commands.register(commandClass, name);
  }

  async handle(body: Buffer[]): Promise<Buffer[] | undefined> {
    if (body.length === 1 && pz.isHeartbeat(body[0]!)) return undefined;
    if (body.length !== 1) return [pz.badSerializationResponse(new Error(`request must be one frame, got ${body.length}`))];
    return [await this.execute(body[0]!)];
  }

  /** Runs the command in one request frame and returns the response frame. */
  async execute(frame: Buffer): Promise<Buffer> {
    let message: pz.CommandMessage;
    try {
      const decoding = this.#inflating.run(() => pz.decodeCommandAsync(frame, this.#decodeOptions));
      // Its failure is handled when its turn comes; mark it handled now,
      // as an earlier command may still be inflating when it fails.
      decoding.catch(() => undefined);
      const inTurn = this.#decodedSoFar.then(() => decoding);
      this.#decodedSoFar = inTurn.catch(() => undefined);
      message = await inTurn;
    } catch (err) {
      return pz.badSerializationResponse(err);
    }
    const binding = this.#services.get(message.name);
    if (binding === undefined) return pz.noServiceResponse(message.name);
    let command: pz.Command;
    try {
      command = this.commands.create(message.name, this.commands.revive(message.state));
    } catch (err) {
      return pz.badSerializationResponse(err);
    }
    let result: unknown;
    try {
      result = await binding.run(command);
    } catch (err) {
      return pz.serviceExceptionResponse(binding.serviceName, err);
    }
    try {
      return pz.okResponse(result);
    } catch (err) {
      return pz.serviceExceptionResponse(binding.serviceName, new Error(`result cannot be sent as JSON: ${errorMessageOf(err)}`));
    }
  }

  busy(): Buffer[] {
    return [pz.encodeResponse(STATUS_BUSY, BUSY_MESSAGE)];
  }
}
