/**
 * The standard proxies of pyzmqrpc3 whose frontend is a SUB socket:
 * SUB->REQ and SUB->PUB. Commands arrive with no one to answer; each is
 * handed to a sink (`forwarding.ts`) and the downstream result is
 * discarded. One SUB socket per upstream publisher, each with its own
 * silence watchdog, as in the reference.
 *
 * Bound: a command the sink cannot take (a request sink with `maxPending`
 * commands in flight) is dropped and counted in `dropped`, there being no
 * sender to tell.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { DirectRequestSink, PublishSink, type CommandSink } from "./forwarding.js";
import type { CommandClientOptions } from "./client.js";
import { CommandPublisher, type CommandPublisherOptions } from "./publisher.js";
import { CommandSubscription, type CommandSubscriptionOptions } from "./subscription.js";

/** Options of the SUB-frontend proxies: the upstream side (watchdog, PLAIN credentials toward the publisher, socket). */
export type SubProxyOptions = Omit<CommandSubscriptionOptions, "maxConcurrency">;

/** Options of {@link ProxySub2Req}. */
export interface Sub2ReqProxyOptions extends SubProxyOptions {
  /** Options of the downstream client (timeout, `plain` credentials, `maxPending`...). */
  readonly downstream?: CommandClientOptions;
}

/** Options of {@link ProxySub2Pub}. */
export interface Sub2PubProxyOptions extends SubProxyOptions {
  /** Options of the PUB side (PLAIN users it requires, heartbeat, HWM...). */
  readonly publisher?: CommandPublisherOptions;
}

/** A proxy whose frontend subscribes to publishers and forwards to a sink. */
abstract class SubFrontendProxy<S extends CommandSink> {
  /** Where commands go. */
  protected readonly sink: S;
  readonly #subscriptions: CommandSubscription[];
  #dropped = 0;

  protected constructor(upstream: string | readonly string[], sink: S, options: SubProxyOptions) {
    const endpoints = typeof upstream === "string" ? [upstream] : [...upstream];
    if (endpoints.length === 0) throw new TypeError("at least one upstream endpoint is needed");
    this.sink = sink;
    const forward = (frame: Buffer): void => {
      if (!sink.offer(frame)) this.#dropped++;
    };
    this.#subscriptions = [];
    try {
      for (const ep of endpoints) this.#subscriptions.push(new CommandSubscription(ep, forward, options));
    } catch (err) {
      this.close(); // a bad endpoint must not leave the others (or the sink) open
      throw err;
    }
  }

  /** Commands received from the publishers. */
  get received(): number {
    return this.#subscriptions.reduce((n, s) => n + s.received, 0);
  }

  /** Commands dropped because the sink was at its bound. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Recreations of the SUB sockets by their silence watchdogs. */
  get recreations(): number {
    return this.#subscriptions.reduce((n, s) => n + s.recreations, 0);
  }

  /** Stops subscribing and forwarding. */
  close(): void {
    for (const s of this.#subscriptions) s.close();
    this.sink.close();
  }
}

/** SUB -> REQ (`ZmqProxySub2Req`): sends each published command to a request server. */
export class ProxySub2Req extends SubFrontendProxy<DirectRequestSink> {
  /**
   * @param upstream - the publisher(s) to subscribe to.
   * @param downstream - endpoint(s) of the server commands are sent to.
   * @param options - upstream and downstream options.
   */
  constructor(upstream: string | readonly string[], downstream: string | readonly string[], options: Sub2ReqProxyOptions = {}) {
    super(upstream, new DirectRequestSink(downstream, options.downstream), options);
  }
}

/**
 * SUB -> PUB (`ZmqProxySub2Pub`): publishes again each command received, e.g.
 * to carry commands across a network boundary. Bind or connect the PUB side
 * with {@link bind} / {@link connect}.
 */
export class ProxySub2Pub extends SubFrontendProxy<PublishSink> {
  /**
   * @param upstream - the publisher(s) to subscribe to.
   * @param options - upstream and publisher options.
   */
  constructor(upstream: string | readonly string[], options: Sub2PubProxyOptions = {}) {
    super(upstream, new PublishSink(new CommandPublisher(options.publisher)), options);
  }

  /** Listens for subscribers on the PUB side. */
  async bind(address: string): Promise<void> {
    await this.sink.publisher.bind(address);
  }

  /** Connects the PUB side to a subscriber that binds. */
  connect(address: string): void {
    this.sink.publisher.connect(address);
  }

  /** The last endpoint the PUB side bound. */
  get endpoint(): string | null {
    return this.sink.publisher.endpoint;
  }

  /** The PUB side. */
  get publisher(): CommandPublisher {
    return this.sink.publisher;
  }
}
