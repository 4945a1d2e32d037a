/**
 * CommandPublisher: pyzmqrpc3's `execute_remote` over a PUB socket. Each
 * command goes as one frame in the request format (the same frame a REQ
 * client sends); every subscribed server runs it and nobody answers, so the
 * sender learns nothing of the result (fire and forget).
 *
 * As in the reference, the send high-water mark defaults to 100,000
 * messages, so a subscriber whose link is down (after it had subscribed over
 * a connection this publisher made) gets them once it is back. With
 * `heartbeatPeriod`, the text frame `zmq_sub_heartbeat` goes out on a timer:
 * subscribers skip it, but it keeps their silence watchdog from recreating
 * a socket whose publisher is only quiet.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import * as pz from "./codec.js";
import { PublisherEndpoint, type PublisherEndpointOptions } from "../publisher-endpoint.js";

/** Options of {@link CommandPublisher}. */
export interface CommandPublisherOptions extends PublisherEndpointOptions {
  /**
   * Milliseconds between the `zmq_sub_heartbeat` frames sent on a timer
   * (pyzmqrpc3's text heartbeat, not the ZMTP PING); `0` or absent: none.
   */
  readonly heartbeatPeriod?: number;
}

/** Default send high-water mark of a {@link CommandPublisher} (the reference's). */
export const COMMAND_PUBLISHER_HWM = 100_000;

const HEARTBEAT_FRAME = Buffer.from(pz.HEARTBEAT_MESSAGE, "ascii");

/** Publishes commands for subscribing servers to execute. */
export class CommandPublisher extends PublisherEndpoint {
  readonly #heartbeat: NodeJS.Timeout | undefined;

  /** @param options - heartbeat, PLAIN (this side is the server) and socket options. */
  constructor(options: CommandPublisherOptions = {}) {
    super(options, { sendHighWaterMark: COMMAND_PUBLISHER_HWM });
    const period = options.heartbeatPeriod ?? 0;
    if (!(period >= 0)) throw new RangeError("heartbeatPeriod must be 0 or more milliseconds");
    if (period > 0 && Number.isFinite(period)) {
      this.#heartbeat = setInterval(() => void this.sendHeartbeat().catch(() => undefined), period);
      this.#heartbeat.unref(); // the socket, not the timer, decides whether the process stays up
    }
  }

  /**
   * Publishes `command`; every subscribed server runs it. Resolves once the
   * command is queued (there is no response).
   *
   * @throws RpcProtocolError when the command state cannot be sent as JSON;
   *   ZmqError when the publisher is closed.
   */
  async execute(command: pz.Command): Promise<void> {
    await this.sendFrame(pz.encodeCommandObject(command));
  }

  /** Sends one `zmq_sub_heartbeat` frame (pyzmqrpc3's `send_heartbeat`). */
  async sendHeartbeat(): Promise<void> {
    await this.sendFrame(HEARTBEAT_FRAME);
  }

  /** @internal Publishes an already encoded command frame (proxies use it). */
  sendFrame(frame: Buffer): Promise<void> {
    return this.socket.send(frame);
  }

  /** Stops the heartbeat and closes the socket. */
  override close(): void {
    clearInterval(this.#heartbeat);
    super.close();
  }
}
