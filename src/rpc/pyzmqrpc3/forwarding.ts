/**
 * The parts pyzmqrpc3's proxies are made of: where a command frame comes
 * from (a REP-style frontend that acknowledges at once, here; a SUB, see
 * `subscription.ts`) and where it goes (a request server, directly
 * or through a retrying buffer; or a PUB). Frames are forwarded as received,
 * never decoded, so a proxy carries commands it has no class for.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import * as pz from "./codec.js";
import { CommandClient, type CommandClientOptions } from "./client.js";
import type { CommandPublisher } from "./publisher.js";
import type { RequestHandler } from "../request-service.js";

/** Where a proxy puts command frames. */
export interface CommandSink {
  /** Takes a frame for forwarding; false when the sink is at its bound (the frame is not taken). */
  offer(frame: Buffer): boolean;
  /** Stops forwarding. */
  close(): void;
}

/** Message of the 482 response when a proxy cannot take a command. */
export const PROXY_FULL_MESSAGE = "Proxy cannot forward the command: its queue is full";

/**
 * A frontend handler that acknowledges each command at once with 200 (the
 * downstream result is discarded, as in the reference) after handing it to a
 * sink, or answers 482 when the sink is full.
 */
export class AckingHandler implements RequestHandler {
  /** @param sink - where the commands go. */
  constructor(private readonly sink: CommandSink) {}

  async handle(body: Buffer[]): Promise<Buffer[] | undefined> {
    if (body.length === 1 && pz.isHeartbeat(body[0]!)) return undefined;
    if (body.length !== 1) return [pz.badSerializationResponse(new Error(`request must be one frame, got ${body.length}`))];
    return [this.sink.offer(body[0]!) ? pz.okResponse() : pz.encodeResponse(pz.STATUS_PROXY_ERROR, PROXY_FULL_MESSAGE)];
  }

  busy(): Buffer[] {
    return [pz.encodeResponse(pz.STATUS_PROXY_ERROR, PROXY_FULL_MESSAGE)];
  }
}

/**
 * Forwards each frame to a request server at once, without waiting for the
 * previous one; a frame lost to a timeout is not resent. Bound: the client's
 * `maxPending` (frames in flight).
 */
export class DirectRequestSink implements CommandSink {
  readonly #client: CommandClient;
  readonly #maxPending: number;

  /**
   * @param endpoints - the downstream server(s).
   * @param options - client options (timeout, security...).
   */
  constructor(endpoints: string | readonly string[], options: CommandClientOptions = {}) {
    this.#maxPending = options.maxPending ?? 10_000;
    this.#client = new CommandClient(endpoints, options);
  }

  offer(frame: Buffer): boolean {
    if (this.#client.pending >= this.#maxPending) return false;
    this.#client.sendRaw(frame, "forward").catch(() => undefined); // the result is discarded by design
    return true;
  }

  close(): void {
    this.#client.close();
  }
}

/** Options of {@link BufferedRequestSink}. */
export interface BufferedRequestSinkOptions extends CommandClientOptions {
  /** Frames held while the downstream is unreachable (default 100,000, the reference's PUB HWM). */
  readonly maxBuffered?: number;
  /**
   * Octets of the frames held (default 64 MiB, a server's `maxQueuedBytes`):
   * frames of up to 16 MiB each, a hundred thousand of them would be more
   * than any memory.
   */
  readonly maxBufferedBytes?: number;
}

/** Default of {@link BufferedRequestSinkOptions.maxBufferedBytes}: 64 MiB. */
export const DEFAULT_MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

/**
 * Forwards frames one at a time, in order, resending each after a timeout
 * until the downstream server answers: a restart of that server loses
 * nothing (delivery is at least once: a command whose answer was lost is
 * sent again). Bound: `maxBuffered` frames and `maxBufferedBytes` octets
 * waiting; beyond either `offer` fails.
 */
export class BufferedRequestSink implements CommandSink {
  readonly #client: CommandClient;
  readonly #queue: Buffer[] = [];
  readonly #max: number;
  readonly #maxBytes: number;
  #bytes = 0;
  #running = false;
  #closed = false;
  #delivered = 0;

  /**
   * @param endpoints - the downstream server(s).
   * @param options - buffer bound and client options (the timeout sets the resend period).
   */
  constructor(endpoints: string | readonly string[], options: BufferedRequestSinkOptions = {}) {
    this.#max = options.maxBuffered ?? 100_000;
    this.#maxBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.#client = new CommandClient(endpoints, options);
  }

  /** Frames waiting to be delivered. */
  get buffered(): number {
    return this.#queue.length;
  }

  /** Octets of the frames waiting to be delivered. */
  get bufferedBytes(): number {
    return this.#bytes;
  }

  /** Frames the downstream has answered. */
  get delivered(): number {
    return this.#delivered;
  }

  offer(frame: Buffer): boolean {
    if (this.#closed || this.#queue.length >= this.#max || this.#bytes + frame.length > this.#maxBytes) return false;
    this.#queue.push(frame);
    this.#bytes += frame.length;
    void this.run();
    return true;
  }

  close(): void {
    this.#closed = true;
    this.#queue.length = 0;
    this.#bytes = 0;
    this.#client.close();
  }

  private async run(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      while (!this.#closed && this.#queue.length > 0) {
        try {
          await this.#client.sendRaw(this.#queue[0]!, "forward", { idempotent: true, retries: Infinity });
        } catch {
          if (this.#closed) return;
          continue; // not a timeout (those are retried inside): try the same frame again
        }
        this.#bytes -= this.#queue.shift()!.length;
        this.#delivered++;
      }
    } finally {
      this.#running = false;
    }
  }
}

/**
 * Publishes each frame for subscribing servers to run. Never full: a PUB
 * socket does not wait, it drops for a subscriber at that subscriber's
 * high-water mark (100,000 by default, see `CommandPublisher`).
 */
export class PublishSink implements CommandSink {
  /** @param publisher - the PUB side (bind or connect it through this reference). */
  constructor(readonly publisher: CommandPublisher) {}

  offer(frame: Buffer): boolean {
    if (this.publisher.closed) return false;
    this.publisher.sendFrame(frame).catch(() => undefined); // nobody waits for a published command
    return true;
  }

  close(): void {
    this.publisher.close();
  }
}
