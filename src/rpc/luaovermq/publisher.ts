/**
 * RpcPublisher: LuaOverMQ's PUB side. `publish(topic, value)` sends the two
 * frames `[topic octets, msgpack(value)]`, exactly what LuaOverMQ's
 * `pub:send(topic, value)` writes, so its subscribers and ours
 * ({@link RpcSubscriber}) read either.
 *
 * As with any PUB socket, a message reaches only subscribers whose
 * subscription has already arrived (a subscriber that has just connected
 * misses what was published before), and a subscriber over its high-water
 * mark misses messages rather than slowing the publisher.
 *
 * @module
 */
import { encodePublish } from "./codec.js";
import { PublisherEndpoint, type PublisherEndpointOptions } from "../publisher-endpoint.js";

/** Options of {@link RpcPublisher}. */
export type RpcPublisherOptions = PublisherEndpointOptions;

/** Publishes msgpack values under topics. */
export class RpcPublisher extends PublisherEndpoint {
  /** @param options - PLAIN (this side is the server) and socket options. */
  constructor(options: RpcPublisherOptions = {}) {
    super(options);
  }

  /**
   * Sends `value` under `topic` to the matching subscribers.
   *
   * @param topic - the first frame; subscribers filter on its prefix. A
   *   string goes as UTF-8.
   * @param value - any msgpack value (maps, arrays, binary, 64-bit integers
   *   as bigint; see the LuaOverMQ codec).
   * @throws RpcProtocolError (`UNENCODABLE`) for a value msgpack cannot
   *   carry; ZmqError when the publisher is closed.
   */
  async publish(topic: string | Uint8Array, value: unknown): Promise<void> {
    await this.socket.send(encodePublish(topic, value));
  }
}
