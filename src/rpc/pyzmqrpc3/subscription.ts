/**
 * The SUB-side frontend of pyzmqrpc3: one SUB socket (subscribed to every
 * message, as the reference's) connected to one publisher, whose command
 * frames are handed to a consumer (a server's services, or a proxy's sink).
 * Nothing is answered. Heartbeat frames and messages that are not exactly
 * one frame are skipped.
 *
 * Bound: at most `maxConcurrency` commands are being consumed at once
 * (default 1: one after the other, in order, as the reference runs them).
 * At the bound the subscription stops reading; the SUB socket's queue then
 * fills to its high-water mark and the publisher drops for this subscriber
 * beyond it, which is how PUB/SUB sheds load.
 *
 * The silence watchdog (`silenceTimeout`) recreates the socket, see
 * {@link SubscriptionChannel}. A refused PLAIN login ends the subscription;
 * the error is kept in {@link CommandSubscription.error}.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { isHeartbeat } from "./codec.js";
import { RpcClosedError } from "../errors.js";
import { SubscriptionChannel, type SubscriptionChannelOptions } from "../subscription-channel.js";
import { DEFAULT_MAX_MESSAGE_BYTES, withMaxMessageSize } from "../message-size.js";

/** Options of a {@link CommandSubscription}. */
export interface CommandSubscriptionOptions extends SubscriptionChannelOptions {
  /** Commands consumed at once (default 1: in order). */
  readonly maxConcurrency?: number;
}

/** What a subscription does with each command frame; its outcome is not sent anywhere. */
export type CommandConsumer = (frame: Buffer) => Promise<void> | void;

/** Command frames from one publisher, handed to a consumer. */
export class CommandSubscription {
  /** Resolves when the subscription has stopped (closed, or a fatal socket error; see {@link error}). */
  readonly done: Promise<void>;
  readonly #channel: SubscriptionChannel;
  readonly #consume: CommandConsumer;
  readonly #max: number;
  #running = 0;
  #slotFreed: (() => void) | undefined;
  #received = 0;
  #error: Error | undefined;

  /**
   * @param endpoint - the publisher to connect to.
   * @param consume - what runs each command frame.
   * @param options - concurrency, watchdog, PLAIN credentials and socket options.
   */
  constructor(endpoint: string, consume: CommandConsumer, options: CommandSubscriptionOptions = {}) {
    this.#max = options.maxConcurrency ?? 1;
    if (!(this.#max >= 1)) throw new RangeError("maxConcurrency must be at least 1");
    this.#consume = consume;
    this.#channel = new SubscriptionChannel({ ...options, socket: withMaxMessageSize(DEFAULT_MAX_MESSAGE_BYTES, options.socket) });
    try {
      this.#channel.subscribe();
      this.#channel.connect(endpoint);
    } catch (err) {
      this.#channel.close(); // a bad endpoint must not leave a socket open
      throw err;
    }
    this.done = this.run();
  }

  /** Command frames received (heartbeats and malformed messages not counted). */
  get received(): number {
    return this.#received;
  }

  /** How many times the silence watchdog recreated the socket. */
  get recreations(): number {
    return this.#channel.recreations;
  }

  /** The error that stopped the subscription (e.g. `EACCES`), if any. */
  get error(): Error | undefined {
    return this.#error;
  }

  /** The current SUB socket (for `events`). */
  get socket(): SubscriptionChannel["socket"] {
    return this.#channel.socket;
  }

  /** Stops receiving; commands being consumed finish on their own. */
  close(): void {
    this.#channel.close();
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#channel.closed;
  }

  private async run(): Promise<void> {
    for (;;) {
      let message: Buffer[];
      try {
        message = await this.#channel.receive();
      } catch (err) {
        if (!(err instanceof RpcClosedError)) {
          this.#error = err as Error;
          this.#channel.close();
        }
        return;
      }
      if (message.length !== 1 || isHeartbeat(message[0]!)) continue;
      this.#received++;
      while (this.#running >= this.#max) await new Promise<void>((resolve) => (this.#slotFreed = resolve));
      void this.consume(message[0]!);
    }
  }

  private async consume(frame: Buffer): Promise<void> {
    this.#running++;
    try {
      await this.#consume(frame);
    } catch {
      // A consumer reports its own failures; nobody is waiting for an answer here.
    } finally {
      this.#running--;
      const wake = this.#slotFreed;
      this.#slotFreed = undefined;
      wake?.();
    }
  }
}
