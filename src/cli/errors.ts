/**
 * What the command says when something fails: one line that tells what
 * happened and what to do at the command line, and the exit status.
 */
import { LuaRpcProtocolError } from "../lua-rpc/index.js";

/** Exit statuses of the command. */
export const EXIT = {
  /** Done. */
  ok: 0,
  /** A remote error, nothing listening, no answer in time, any other failure. */
  failed: 1,
  /** A bad command line. */
  usage: 2,
  /** The peer broke the protocol or a limit (garbage, a reply over `--max-reply`). */
  peer: 3,
  /** Ended by Ctrl-C (SIGINT): 128 + 2, as shells report it. */
  interrupted: 130,
  /** Ended by SIGTERM: 128 + 15. */
  terminated: 143,
} as const;

/** A failure the command explains itself: `message` is the whole line after `purezmq <command>: `. */
export class CliError extends Error {
  override readonly name = "CliError";
  /**
   * @param message - what happened, then what to do.
   * @param code - the error code shown in parentheses (`ECONNREFUSED`...).
   * @param status - the exit status.
   */
  constructor(message: string, readonly code?: string, readonly status: number = EXIT.failed, options?: ErrorOptions) {
    super(message, options);
  }
}

const PEER_ERROR_CODES = new Set(["EPROTO", "EMSGSIZE"]);

/** True when `err`, or what caused it (a Lua RPC connection closed by a malformed frame), is the peer's violation. */
export function brokeProtocol(err: unknown): boolean {
  for (let e = err, hops = 0; e instanceof Error && hops < 4; e = e.cause, hops++) {
    const code = (e as { code?: unknown }).code;
    if (e instanceof LuaRpcProtocolError || (typeof code === "string" && PEER_ERROR_CODES.has(code))) return true;
  }
  return false;
}

/** The `code`s of `err` and of the errors that caused it, nearest first. */
export function codesOf(err: unknown): string[] {
  const codes: string[] = [];
  for (let e = err, hops = 0; e instanceof Error && hops < 4; e = e.cause, hops++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") codes.push(code);
  }
  return codes;
}

/** Codes of a dial that found nobody: nothing listens, no such host, no route. */
const NOBODY_THERE: Record<string, string> = {
  ECONNREFUSED: "nothing listens at {where} (connection refused): start the server first, or check the address and port",
  ENOTFOUND: "unknown host in {where}: check the host name",
  EAI_AGAIN: "cannot resolve the host of {where} (name lookup failed): check the host name and your DNS",
  ENETUNREACH: "no route to {where} (network unreachable): check the address",
  EHOSTUNREACH: "no route to {where} (host unreachable): check the address",
  ENOENT: "nothing listens at {where} (no such socket file): start the server first, or check the path",
  ECONNRESET: "{where} closed the connection at once: is it the right port?",
};

/**
 * A dial error as one line that says what to do, or undefined when `err`
 * is not one of the "nobody there" errors.
 */
export function unreachable(err: unknown, where: string): CliError | undefined {
  const code = codesOf(err).find((c) => Object.hasOwn(NOBODY_THERE, c));
  return code ? new CliError(NOBODY_THERE[code]!.replace("{where}", where), code, EXIT.failed, { cause: err }) : undefined;
}

/** An endpoint taken by another program, said with what to do; other errors as they are. */
export function explainBindError(err: unknown, option: string, address?: string): unknown {
  if (!codesOf(err).includes("EADDRINUSE")) return err;
  const given = (err as { address?: unknown })?.address;
  const where = address ?? (typeof given === "string" ? given : "the endpoint");
  return new CliError(`${where} is already in use (by the demo, or another program): choose another port with ${option}`, "EADDRINUSE", EXIT.failed, { cause: err });
}

/** The advice the library gives its callers after a failed handshake, which at the command line means nothing. */
const LIBRARY_ADVICE = /[:;] (?:set the right plainUsername\/plainPassword and |fix the configuration and )call connect\(\) again$/;

/**
 * A refused or mismatched handshake (wrong credentials, a PLAIN server
 * dialled without them, a socket type that cannot talk to the peer's),
 * said with what to do at the command line; undefined for other errors.
 */
export function explainHandshakeError(err: unknown, hasPlain: boolean): CliError | undefined {
  const e = err as { message?: unknown; code?: unknown };
  if (typeof e?.message !== "string" || !LIBRARY_ADVICE.test(e.message)) return undefined;
  const what = e.message.replace(LIBRARY_ADVICE, "");
  const code = typeof e.code === "string" ? e.code : undefined;
  const plain = code === "EACCES" || /PLAIN/.test(what);
  const todo = !plain
    ? "check that the endpoint is the kind of peer this command talks to"
    : hasPlain ? "check the --plain user:pass the server expects" : "the server wants PLAIN credentials, which this command does not send";
  return new CliError(`${what}: ${todo}`, code, EXIT.failed, { cause: err });
}
