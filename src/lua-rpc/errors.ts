/**
 * Error classes of the Lua RPC layer.
 *
 * Every error thrown or emitted by `purezmq/lua-rpc` is an instance of
 * {@link LuaRpcBaseError} (itself an `Error`) and carries a stable `code`
 * string that callers can switch on; messages may be improved over time,
 * codes will not change.
 *
 * @module
 */

/**
 * Common base class of every Lua RPC error.
 */
export class LuaRpcBaseError extends Error {
  /** Stable, machine-readable error code (e.g. `ERR_LUA_RPC_TIMEOUT`). */
  readonly code: string;

  /**
   * @param message - human readable description.
   * @param code - stable error code.
   * @param options - standard `Error` options (`cause`).
   */
  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * A JavaScript value cannot be expressed in the luatobin format (unsupported
 * type, string of 65535 octets or more, table with 65535 pairs or more, nesting
 * deeper than `maxDepth`...).
 */
export class LuaEncodeError extends LuaRpcBaseError {
  /**
   * @param message - what could not be encoded.
   */
  constructor(message: string) {
    super(message, "ERR_LUA_ENCODE");
  }
}

/**
 * Octets are not a valid luatobin object (unknown tag, truncated data, bad
 * back-reference, nil or NaN table key, nesting deeper than `maxDepth`...).
 */
export class LuaDecodeError extends LuaRpcBaseError {
  /** Offset in the decoded buffer where the problem was found. */
  readonly offset: number;

  /**
   * @param message - what is wrong.
   * @param offset - offset of the offending octet.
   */
  constructor(message: string, offset: number) {
    super(`${message} (at offset ${offset})`, "ERR_LUA_DECODE");
    this.offset = offset;
  }
}

/**
 * The peer sent a malformed frame (bad message type, frame larger than
 * `maxFrameSize`, response without status, unknown status, payload that does
 * not decode). The connection is closed with this error as the reason.
 */
export class LuaRpcProtocolError extends LuaRpcBaseError {
  /**
   * @param message - what is wrong.
   * @param options - `cause`, typically a {@link LuaDecodeError}.
   * @param code - override for subclasses.
   */
  constructor(message: string, options?: { cause?: unknown }, code = "ERR_LUA_RPC_PROTOCOL") {
    super(message, code, options);
  }
}

/**
 * A frame header announced a payload larger than the `maxFrameSize` option.
 * Raised before any of the payload is buffered.
 */
export class LuaRpcFrameTooLargeError extends LuaRpcProtocolError {
  /** Announced payload size. */
  readonly size: number;
  /** Configured limit. */
  readonly limit: number;

  /**
   * @param size - announced payload size.
   * @param limit - configured maximum.
   */
  constructor(size: number, limit: number) {
    super(`frame payload of ${size} octets exceeds maxFrameSize ${limit}`, undefined, "ERR_LUA_RPC_FRAME_TOO_LARGE");
    this.size = size;
    this.limit = limit;
  }
}

/**
 * The remote procedure raised an error (response status 1). `value` is the
 * error value exactly as the remote sent it (usually a string such as
 * `"server.lua:6: boom"`).
 */
export class LuaRpcError extends LuaRpcBaseError {
  /** Response status that produced this error (1). */
  readonly status = 1;
  /** The decoded error value (first serialized object after the status). */
  readonly value: unknown;
  /** Name of the procedure that was called. */
  readonly procedure: string;

  /**
   * @param procedure - called procedure.
   * @param value - decoded error value.
   */
  constructor(procedure: string, value: unknown) {
    super(typeof value === "string" ? value : `remote error in ${procedure}: ${describe(value)}`, "ERR_LUA_RPC_REMOTE");
    this.value = value;
    this.procedure = procedure;
  }
}

/** The remote peer has no procedure of that name (response status 2). */
export class LuaRpcNoSuchProcedureError extends LuaRpcBaseError {
  /** Response status that produced this error (2). */
  readonly status = 2;
  /** Name of the procedure that was called. */
  readonly procedure: string;

  /**
   * @param procedure - called procedure.
   */
  constructor(procedure: string) {
    super(`no such procedure: ${procedure}`, "ERR_LUA_RPC_NO_SUCH_PROCEDURE");
    this.procedure = procedure;
  }
}

/** The name exists on the remote peer but is not callable (status 3). */
export class LuaRpcNotCallableError extends LuaRpcBaseError {
  /** Response status that produced this error (3). */
  readonly status = 3;
  /** Name of the procedure that was called. */
  readonly procedure: string;

  /**
   * @param procedure - called procedure.
   */
  constructor(procedure: string) {
    super(`not callable: ${procedure}`, "ERR_LUA_RPC_NOT_CALLABLE");
    this.procedure = procedure;
  }
}

/**
 * The remote procedure ran but its results could not be serialized by the
 * remote peer (status 4, `"Cannot serialize result"`).
 */
export class LuaRpcResultNotSerializableError extends LuaRpcBaseError {
  /** Response status that produced this error (4). */
  readonly status = 4;
  /** Name of the procedure that was called. */
  readonly procedure: string;
  /** Value sent along with the status (normally `"Cannot serialize result"`). */
  readonly value: unknown;

  /**
   * @param procedure - called procedure.
   * @param value - decoded message value.
   */
  constructor(procedure: string, value: unknown) {
    super(`${procedure}: ${typeof value === "string" ? value : "Cannot serialize result"}`, "ERR_LUA_RPC_RESULT_NOT_SERIALIZABLE");
    this.procedure = procedure;
    this.value = value;
  }
}

/** A call did not get its response within its timeout. */
export class LuaRpcTimeoutError extends LuaRpcBaseError {
  /** Name of the procedure that was called. */
  readonly procedure: string;
  /** Timeout that elapsed, in milliseconds. */
  readonly timeout: number;

  /**
   * @param procedure - called procedure.
   * @param timeout - elapsed timeout in ms.
   */
  constructor(procedure: string, timeout: number) {
    super(`call to ${procedure} timed out after ${timeout} ms`, "ERR_LUA_RPC_TIMEOUT");
    this.procedure = procedure;
    this.timeout = timeout;
  }
}

/**
 * The connection is closed (or closing): pending and queued calls fail with
 * this error; `cause` holds the reason when the close was not requested.
 */
export class LuaRpcClosedError extends LuaRpcBaseError {
  /**
   * @param message - description.
   * @param cause - reason of the close, if any.
   */
  constructor(message = "Lua RPC connection closed", cause?: unknown) {
    super(message, "ERR_LUA_RPC_CLOSED", cause === undefined ? undefined : { cause });
  }
}

/** Too many calls are waiting for a free sequence number (`maxQueuedCalls`). */
export class LuaRpcQueueFullError extends LuaRpcBaseError {
  /**
   * @param limit - configured queue bound.
   */
  constructor(limit: number) {
    super(`call queue is full (${limit} calls waiting for a sequence number)`, "ERR_LUA_RPC_QUEUE_FULL");
  }
}

/**
 * Every one of the 256 sequence numbers is held by a call that timed out and
 * whose response never came: no call can be sent any more, so the
 * connection is closed with this reason.
 */
export class LuaRpcStalledError extends LuaRpcProtocolError {
  constructor() {
    super(
      "the remote peer left 256 timed-out calls unanswered: every sequence number is held, so the connection is closed",
      undefined,
      "ERR_LUA_RPC_STALLED",
    );
  }
}

/** Connecting or listening failed; `cause` holds the socket error. */
export class LuaRpcConnectError extends LuaRpcBaseError {
  /**
   * @param message - description.
   * @param cause - underlying socket error.
   */
  constructor(message: string, cause?: unknown) {
    super(message, "ERR_LUA_RPC_CONNECT", cause === undefined ? undefined : { cause });
  }
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return "nil";
  if (typeof value === "object") return Object.prototype.toString.call(value);
  return String(value);
}
