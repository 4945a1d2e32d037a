/** `purezmq call`: one RPC call from the command line. */
import type { EventOfType } from "../index.js";
import { RpcClient, RpcTimeoutError, type RpcProtocol } from "../rpc/index.js";
import { bytesOption, JSON_OPTION, jsonArg, msOption, UsageError, valueLimits, type CommandSpec } from "./args.js";
import { CliError, EXIT } from "./errors.js";
import { toJson } from "./json-print.js";
import { CURVE_CLIENT_OPTIONS, PLAIN_OPTION, PROTOCOL_OPTION, curveOption, otherProtocols, plainOption, protocolOption } from "./rpc-options.js";
import { dialTarget, probe } from "./reach.js";
import { untilAborted } from "./stop.js";

/** Default of `--max-reply`: the largest reply frame accepted, in octets. */
export const DEFAULT_MAX_REPLY = 16 * 1024 * 1024;
/** Default of `--timeout`, in milliseconds. */
export const DEFAULT_TIMEOUT = 5000;

/** A connection that ended with a protocol error: the reply will not come. */
function connectionFailure(event: EventOfType<"disconnect">, maxReply: number): Error & { code: string } {
  const cause = event.error!;
  const message = cause.code === "EMSGSIZE"
    ? `the reply is larger than --max-reply ${maxReply} bytes`
    : `the server broke the protocol: ${cause.message}`;
  return Object.assign(new Error(message, { cause }), { code: cause.code });
}

/** Reasons of a reply that another protocol would explain (not a value too deep or too large). */
const MISMATCH_REASONS = new Set(["MALFORMED", "BAD_SHAPE", "BAD_FRAMES", "BAD_STATUS"]);

/** A failed call as the line to print: timeouts and replies of another protocol say what to try. */
function explain(err: unknown, endpoint: string, timeout: number, protocol: RpcProtocol, connected: boolean): unknown {
  if (err instanceof RpcTimeoutError && !connected) {
    return new CliError(`no connection to ${endpoint} within ${timeout} ms: is the address right? raise --timeout for a slow network`, "ETIMEDOUT");
  }
  if (err instanceof RpcTimeoutError) {
    return new CliError(`no answer from ${endpoint} within ${timeout} ms: the server is busy, or speaks another protocol (${otherProtocols(protocol)}); raise --timeout to wait longer`, "ETIMEDOUT");
  }
  if (err instanceof Error && err.name === "RpcProtocolError" && MISMATCH_REASONS.has(String((err as { reason?: unknown }).reason))) {
    return new CliError(`${err.message}: the server may speak another protocol, try ${otherProtocols(protocol)}`, "EPROTO", EXIT.peer, { cause: err });
  }
  return err;
}

/**
 * Calls one method and prints its result as JSON. Nothing listening fails
 * at once; no answer within `--timeout` fails after it. A reply frame over
 * `--max-reply` octets ends the connection before it is buffered; that, a
 * reply that does not decode, or any protocol error on the connection
 * fails the call at once (exit status 3).
 */
export const callSpec: CommandSpec = {
  name: "call",
  args: "<endpoint> <method> [json-args...]",
  summary: "call one RPC method and print its result as JSON",
  about: [
    "Connects to an RPC server (purezmq serve, the demo, a LuaOverMQ REP server),",
    "calls <method> with the arguments (each read as JSON, else taken as a string)",
    "and prints the result as JSON. Fails at once when nothing listens there.",
  ],
  options: {
    timeout: { type: "string", value: "ms", help: `give up after this long, connecting included (default ${DEFAULT_TIMEOUT})` },
    protocol: PROTOCOL_OPTION,
    plain: PLAIN_OPTION,
    ...CURVE_CLIENT_OPTIONS,
    "max-reply": { type: "string", value: "bytes", help: "refuse a larger reply (default 16 MiB)" },
    json: JSON_OPTION,
  },
  async run(ctx) {
    const [endpoint, method, ...rest] = ctx.positionals;
    if (!endpoint || !method) throw new UsageError("needs an endpoint and a method");
    const timeout = msOption(ctx, "timeout", DEFAULT_TIMEOUT);
    const protocol = protocolOption(ctx);
    const plain = plainOption(ctx);
    const curve = curveOption(ctx, "client");
    if (plain && curve) throw new UsageError("--plain and --curve-server-key cannot go together");
    const maxReply = bytesOption(ctx, "max-reply", DEFAULT_MAX_REPLY);
    const target = dialTarget(endpoint);
    const client = new RpcClient(endpoint, {
      timeout,
      protocol,
      socket: { maxMessageSize: maxReply },
      ...(plain ? { plain } : {}),
      ...(curve ? { curve } : {}),
    });
    // The library's deadlines do not keep a process alive, and a connection
    // ended by a protocol error is not redialled: without these two, a
    // garbled reply left the call waiting on nothing and the process ended
    // mid-await (status 13, no message).
    const keepAlive = setInterval(() => undefined, 0x7fffffff);
    let onDisconnect: ((event: EventOfType<"disconnect">) => void) | undefined;
    // A dial that failed before any connection: the socket would redial
    // until the timeout; a plain connection tells at once why (refused,
    // unknown host...), and the call fails with that.
    let connected = false;
    const onConnect = (): void => {
      connected = true;
    };
    let onDialFailed: (() => void) | undefined;
    const failed = new Promise<never>((_, reject) => {
      onDisconnect = (event) => {
        if (event.error && event.error.code !== "ETIMEDOUT") reject(connectionFailure(event, maxReply));
      };
      let probing = false;
      onDialFailed = () => {
        if (connected || probing) return;
        probing = true;
        probe(target, endpoint, timeout).then(() => (probing = false), reject);
      };
      client.socket.events.on("disconnect", onDisconnect);
      client.socket.events.on("connect", onConnect);
      client.socket.events.on("close", onDialFailed);
    });
    try {
      const result = await untilAborted(Promise.race([client.call(method, ...rest.map(jsonArg)), failed]), ctx.signal);
      ctx.out(toJson(result, valueLimits(ctx)) ?? "null");
    } catch (err) {
      throw explain(err, endpoint, timeout, protocol, connected);
    } finally {
      clearInterval(keepAlive);
      client.socket.events.off("disconnect", onDisconnect!);
      client.socket.events.off("connect", onConnect);
      client.socket.events.off("close", onDialFailed!);
      client.close();
    }
  },
};
