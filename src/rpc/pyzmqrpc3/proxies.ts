/**
 * The standard proxies of pyzmqrpc3 whose frontend takes requests (REP->REQ,
 * buffered REP->REQ, REP->PUB), built from a frontend and a sink
 * (`forwarding.ts`). Each acknowledges at once and discards the
 * downstream result. The SUB-frontend ones are in `sub-proxies.ts`.
 *
 * @module
 */
import {
  AckingHandler,
  BufferedRequestSink,
  DirectRequestSink,
  PublishSink,
  type BufferedRequestSinkOptions,
  type CommandSink,
} from "./forwarding.js";
import type { CommandClientOptions } from "./client.js";
import { CommandPublisher, type CommandPublisherOptions } from "./publisher.js";
import { RequestService, type RequestServiceOptions } from "../request-service.js";
import { securitySocketOptions, type CurveOptions, type PlainOptions } from "../security.js";
import { ownOption } from "../../zmtp/closed-options.js";
import { DEFAULT_MAX_MESSAGE_BYTES, withMaxMessageSize } from "../message-size.js";

/** Options of a proxy's request frontend. */
export interface RepFrontendOptions extends RequestServiceOptions {
  /** PLAIN credentials the frontend requires from its clients. */
  readonly plain?: PlainOptions;
  /** CURVE: encrypt and authenticate every frame (see {@link CurveOptions}); not with `plain`. */
  readonly curve?: CurveOptions;
}

/** Options of the REP->REQ proxies. */
export interface RepProxyOptions extends RepFrontendOptions {
  /** Options of the downstream client (timeout, `plain` credentials, envelope...). */
  readonly downstream?: BufferedRequestSinkOptions;
}

/** Options of {@link ProxyRep2Pub}. */
export interface Rep2PubProxyOptions extends RepFrontendOptions {
  /** Options of the PUB side (PLAIN users it requires, heartbeat, HWM...). */
  readonly publisher?: CommandPublisherOptions;
}

/** A proxy whose frontend answers requests at once and forwards them to a sink. */
abstract class RepFrontendProxy<S extends CommandSink> {
  /** Where commands go. */
  protected readonly sink: S;
  readonly #frontend: RequestService;

  protected constructor(sink: S, options: RepFrontendOptions) {
    this.sink = sink;
    const socket = withMaxMessageSize(DEFAULT_MAX_MESSAGE_BYTES, { ...securitySocketOptions(options, "server"), ...options.socket });
    this.#frontend = new RequestService(new AckingHandler(sink), { ...options, socket });
  }

  /** Starts accepting commands on an endpoint. */
  async bind(address: string): Promise<void> {
    await this.#frontend.bind(address);
  }

  /** The last frontend endpoint bound. */
  get endpoint(): string | null {
    return ownOption(this.#frontend.socket, "lastEndpoint");
  }

  /** Stops the frontend and the forwarding. */
  close(): void {
    this.#frontend.close();
    this.sink.close();
  }
}

/** REP -> REQ (`ZmqProxyRep2Req`): acknowledges at once, forwards each command to a request server. */
export class ProxyRep2Req extends RepFrontendProxy<DirectRequestSink> {
  /**
   * @param downstream - endpoint(s) of the server commands are forwarded to.
   * @param options - frontend and downstream options.
   */
  constructor(downstream: string | readonly string[], options: RepProxyOptions = {}) {
    super(new DirectRequestSink(downstream, options.downstream as CommandClientOptions), options);
  }
}

/**
 * Buffered REP -> REQ (`ZmqBufferedProxyRep2ReqThread`): acknowledges at once
 * and forwards in order through a bounded buffer, resending until the
 * downstream answers, so a restart of the downstream server loses nothing.
 */
export class BufferedProxyRep2Req extends RepFrontendProxy<BufferedRequestSink> {
  /**
   * @param downstream - endpoint(s) of the server commands are forwarded to.
   * @param options - frontend, buffer (`downstream.maxBuffered`) and downstream options.
   */
  constructor(downstream: string | readonly string[], options: RepProxyOptions = {}) {
    super(new BufferedRequestSink(downstream, { timeout: 1000, ...options.downstream }), options);
  }

  /** Commands waiting for the downstream server. */
  get buffered(): number {
    return this.sink.buffered;
  }

  /** Commands the downstream server has answered. */
  get delivered(): number {
    return this.sink.delivered;
  }
}

/**
 * REP -> PUB (`ZmqProxyRep2Pub`): acknowledges each command at once and
 * publishes it for the servers subscribed to {@link ProxyRep2Pub.publisher}
 * (bind or connect that side). The frontend binds with {@link bind}.
 */
export class ProxyRep2Pub extends RepFrontendProxy<PublishSink> {
  /** @param options - frontend and publisher options. */
  constructor(options: Rep2PubProxyOptions = {}) {
    super(new PublishSink(new CommandPublisher(options.publisher)), options);
  }

  /** The PUB side, for `bind`/`connect` and `endpoint`. */
  get publisher(): CommandPublisher {
    return this.sink.publisher;
  }
}
