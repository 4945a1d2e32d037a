/**
 * CommandClient: executes typed commands on a pyzmqrpc3-compatible server
 * (ours or the reference's REP server) and returns the service's result.
 * Calls share one connection with correlation ids (a REP server echoes
 * them), time out per call, and recreate the socket when the server is
 * silent (see {@link RequestChannel}), as the reference recreates its REQ.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { RemoteCallError } from "../codec/errors.js";
import * as pz from "./codec.js";
import type { CallOptions } from "../call-transport.js";
import { RpcError } from "../errors.js";
import { RequestChannel, type EnvelopeMode } from "../request-channel.js";
import { securitySocketOptions, type CurveOptions, type PlainOptions } from "../security.js";
import { DEFAULT_MAX_REPLY_BYTES, withMaxMessageSize } from "../message-size.js";

/** Options of {@link CommandClient}. */
export interface CommandClientOptions {
  /** Milliseconds a command waits for its response (default 5000; `0` waits forever). */
  readonly timeout?: number;
  /** Resends of an idempotent command after a timeout (default 0). */
  readonly retries?: number;
  /** Request envelope (default `"correlated"`; `"req"` sends exactly as a REQ socket). */
  readonly envelope?: EnvelopeMode;
  /** Consecutive timeouts after which the socket is recreated (default 2). */
  readonly recreateAfterTimeouts?: number;
  /** Commands waiting or in flight at once (default 10,000). */
  readonly maxPending?: number;
  /** ZMTP PLAIN credentials. */
  readonly plain?: PlainOptions;
  /** CURVE: the server's public key, and this side's key pair if it has one (see {@link CurveOptions}); not with `plain`. */
  readonly curve?: CurveOptions;
  /** Options of the underlying DEALER socket; its `maxMessageSize` bounds the replies (default 32 MiB; -1: none). */
  readonly socket?: Record<string, unknown>;
}

/** Executes commands remotely. */
export class CommandClient {
  /** Default timeout, in milliseconds. */
  timeout: number;
  /** Default resends of idempotent commands. */
  retries: number;
  readonly #channel: RequestChannel;

  /**
   * @param endpoints - server endpoint(s); several are used round-robin with fail-over.
   * @param options - timeouts, envelope and security.
   */
  constructor(endpoints: string | readonly string[], options: CommandClientOptions = {}) {
    this.timeout = options.timeout ?? 5000;
    this.retries = options.retries ?? 0;
    this.#channel = new RequestChannel(endpoints, {
      envelope: options.envelope,
      recreateAfterTimeouts: options.recreateAfterTimeouts,
      maxPending: options.maxPending,
      socket: withMaxMessageSize(DEFAULT_MAX_REPLY_BYTES, { ...securitySocketOptions(options, "client"), ...options.socket }),
    });
  }

  /**
   * Runs `command` on the server (pyzmqrpc3's `execute_remote`) and resolves
   * with the service's result (`undefined` when it returned none).
   *
   * @throws RpcError with `statusCode` (451 no service, 463 service raised,
   *   400 bad request...), RpcTimeoutError, RpcClosedError.
   */
  async execute<R = unknown>(command: pz.Command, options: CallOptions = {}): Promise<R> {
    const frame = pz.encodeCommandObject(command);
    const reply = await this.sendRaw(frame, command.commandName, options);
    if (reply.length !== 1) throw new RpcError(command.commandName, `response must be one frame, got ${reply.length}`);
    try {
      return pz.responseResult(pz.decodeResponse(reply[0]!)) as R;
    } catch (err) {
      if (err instanceof RemoteCallError) {
        throw new RpcError(command.commandName, err.remoteMessage, { statusCode: err.statusCode });
      }
      throw err;
    }
  }

  /** @internal Sends an already encoded request frame and resolves with the reply frames (proxies use it). */
  sendRaw(frame: Buffer, label: string, options: CallOptions = {}): Promise<Buffer[]> {
    const retries = options.idempotent ? (options.retries ?? this.retries) : 0;
    return this.#channel.requestWithRetries([frame], options.timeout ?? this.timeout, retries, label, options.signal);
  }

  /** Commands waiting or in flight. */
  get pending(): number {
    return this.#channel.pending;
  }

  /** How many times the socket was recreated after timeouts. */
  get recreations(): number {
    return this.#channel.recreations;
  }

  /** Fails outstanding commands and closes the connection. */
  close(): void {
    this.#channel.close();
  }
}
