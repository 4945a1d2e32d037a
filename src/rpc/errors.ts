/**
 * Errors a caller of the RPC layer sees: a remote failure ({@link RpcError}),
 * a call that got no answer in time ({@link RpcTimeoutError}) and a call on a
 * closed client ({@link RpcClosedError}). Each has a stable `code`.
 *
 * @module
 */
import { ZmqError } from "../zmtp/errors.js";
import { RemoteCallError, type RemoteCallErrorOptions } from "./codec/errors.js";

/**
 * The remote side answered with an error (a LuaOverMQ `ERROR` reply, a Manley
 * error entry, a pyzmqrpc3 non-200 status). `remoteName` and `remoteMessage`
 * are the remote error's type name and message; `code` is `EREMOTE`.
 */
export class RpcError extends RemoteCallError {
  /** The method (or command) whose call failed. */
  readonly method: string;

  /**
   * @param method - the method or command name that was called.
   * @param remoteMessage - the message sent by the remote side.
   * @param options - remote type name, traceback and status code.
   */
  constructor(method: string, remoteMessage: string, options: RemoteCallErrorOptions = {}) {
    super(remoteMessage, options);
    this.name = "RpcError";
    this.method = method;
  }
}

/** No reply arrived within the call's timeout. `code` is `ETIMEDOUT`. */
export class RpcTimeoutError extends Error {
  /** Always `'ETIMEDOUT'`. */
  readonly code = "ETIMEDOUT" as const;
  /** The method (or command) that timed out. */
  readonly method: string;
  /** The timeout that expired, in milliseconds. */
  readonly timeout: number;

  /**
   * @param method - the method or command name that was called.
   * @param timeout - milliseconds waited.
   */
  constructor(method: string, timeout: number) {
    super(`call to '${method}' timed out after ${timeout} ms`);
    this.name = "RpcTimeoutError";
    this.method = method;
    this.timeout = timeout;
  }
}

/** The client was closed before the call completed. `code` is `ETERM`. */
export class RpcClosedError extends Error {
  /** Always `'ETERM'`. */
  readonly code = "ETERM" as const;

  /** @param what - what was closed, for the message. */
  constructor(what = "client") {
    super(`the RPC ${what} is closed`);
    this.name = "RpcClosedError";
  }
}

/**
 * The remote stopped answering on an open call: nothing was heard for two
 * heartbeat periods (zerorpc's `LostRemote`). `code` is `EHOSTUNREACH`.
 */
export class RpcLostRemoteError extends Error {
  /** Always `'EHOSTUNREACH'`. */
  readonly code = "EHOSTUNREACH" as const;
  /** The method whose call was cut. */
  readonly method: string;

  /**
   * @param method - the method that was called.
   * @param heartbeat - the heartbeat period, in milliseconds.
   */
  constructor(method: string, heartbeat: number) {
    super(`lost remote during '${method}': nothing heard for ${2 * heartbeat} ms (two heartbeats)`);
    this.name = "RpcLostRemoteError";
    this.method = method;
  }
}

/**
 * A refused handshake (credentials: EACCES; mechanism or socket type:
 * EPROTO): the socket stays refused until it dials again, so a client fails
 * every call at once instead of letting them time out.
 */
export function isAuthError(err: unknown): boolean {
  return err instanceof ZmqError && (err.code === "EACCES" || err.code === "EPROTO");
}
