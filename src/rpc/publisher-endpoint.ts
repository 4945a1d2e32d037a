/**
 * What every publishing piece of the RPC layer shares: a PUB socket that is
 * the PLAIN server of its link (subscribers present credentials, as clients
 * do to an RpcServer), with bind/connect and close. Subclasses decide what a
 * message looks like on the wire.
 *
 * Close keeps delivering queued messages for up to the socket's `linger`
 * (1 s by default here, not forever), so a message published just before
 * `close()` still leaves while the process does not hang on a dead peer.
 *
 * @module
 */
import { Publisher, type PublisherOptions, type Socket } from "../index.js";
import { securitySocketOptions, type CurveOptions, type PlainOptions } from "./security.js";
import { ownOption } from "../zmtp/closed-options.js";

/** Options shared by the publishers of the RPC layer. */
export interface PublisherEndpointOptions {
  /**
   * Require ZMTP PLAIN credentials from subscribers (see {@link PlainOptions};
   * PLAIN does not apply to `inproc://`, as in libzmq).
   */
  readonly plain?: PlainOptions;
  /** CURVE: encrypt and authenticate every frame (see {@link CurveOptions}); not with `plain`. */
  readonly curve?: CurveOptions;
  /** Options of the underlying PUB socket (zeromq.js names), e.g. `sendHighWaterMark`. */
  readonly socket?: PublisherOptions & Record<string, unknown>;
}

/** Default `linger` of the RPC publishers, in milliseconds. */
export const PUBLISHER_LINGER = 1000;

/** A sending socket with bind/connect and close: the base of every sender of the RPC layer. */
export abstract class SocketEndpoint<S extends Socket> {
  /** The socket (for `events` and options). */
  readonly socket: S;

  /** @param socket - the socket, made by the subclass. */
  protected constructor(socket: S) {
    this.socket = socket;
  }

  /** Listens for subscribers (tcp, ipc, inproc); `tcp://127.0.0.1:0` picks a free port, see {@link endpoint}. */
  async bind(address: string): Promise<void> {
    await this.socket.bind(address);
  }

  /** Stops listening on one endpoint. */
  async unbind(address: string): Promise<void> {
    await this.socket.unbind(address);
  }

  /** Connects to a subscriber that binds. */
  connect(address: string): void {
    this.socket.connect(address);
  }

  /** The last endpoint bound, with the real port (after close() too). */
  get endpoint(): string | null {
    return ownOption(this.socket, "lastEndpoint");
  }

  /** Closes the socket (queued messages get up to `linger` ms to leave). */
  close(): void {
    this.socket.close();
  }

  /** True once closed. */
  get closed(): boolean {
    return this.socket.closed;
  }
}

/** Base of the RPC publishers: a PUB socket with PLAIN server options. */
export abstract class PublisherEndpoint extends SocketEndpoint<Publisher> {
  /**
   * @param options - security and socket options.
   * @param defaults - socket options of the subclass, overridden by `options.socket`.
   */
  protected constructor(options: PublisherEndpointOptions, defaults: PublisherOptions = {}) {
    super(
      new Publisher({
        linger: PUBLISHER_LINGER,
        ...defaults,
        ...securitySocketOptions(options, "server"),
        ...options.socket,
      }),
    );
  }
}
