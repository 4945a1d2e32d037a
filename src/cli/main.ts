#!/usr/bin/env node
/**
 * The `purezmq` command: a demo, RPC calls and serving, publish and
 * subscribe, Lua RPC calls, and the wire tracer.
 *
 * Errors are one line on stderr and a non-zero exit status: 2 for a bad
 * command line (with the usage), 3 when the peer broke the protocol
 * (garbage, or a reply over a limit: `EPROTO`, `EMSGSIZE`, a malformed Lua
 * RPC frame), 1 for any other failure. Every line printed passes through `terminalSafe`: what a
 * peer sends cannot drive the terminal.
 */
import { CALL_USAGE, SERVE_USAGE, callCommand, serveCommand } from "./call.js";
import { UsageError } from "./args.js";
import { DEMO_USAGE, demoCommand } from "./demo.js";
import { LUA_USAGE, luaCommand } from "./lua.js";
import { LuaRpcProtocolError } from "../lua-rpc/index.js";
import { PUB_USAGE, SUB_USAGE, pubCommand, subCommand } from "./pubsub.js";
import { TRACE_USAGE, traceCommand } from "./trace.js";
import { terminalSafe } from "./terminal-safe.js";

const USAGE = [
  "usage:",
  `  ${DEMO_USAGE}`,
  `  ${CALL_USAGE}`,
  `  ${SERVE_USAGE}`,
  `  ${SUB_USAGE}`,
  `  ${PUB_USAGE}`,
  `  ${LUA_USAGE}`,
  `  ${TRACE_USAGE}`,
].join("\n");

/** Exit status when the peer broke the protocol or a limit. */
export const EXIT_PEER_ERROR = 3;
const PEER_ERROR_CODES = new Set(["EPROTO", "EMSGSIZE"]);

/** True when `err`, or what caused it (a Lua RPC connection closed by a malformed frame), is the peer's violation. */
function brokeProtocol(err: unknown): boolean {
  for (let e = err, hops = 0; e instanceof Error && hops < 4; e = e.cause, hops++) {
    const code = (e as { code?: unknown }).code;
    if (e instanceof LuaRpcProtocolError || (typeof code === "string" && PEER_ERROR_CODES.has(code))) return true;
  }
  return false;
}

type Command = (argv: string[], out: (line: string) => void) => Promise<unknown>;

/** Each command with its usage line, printed again after a bad command line. */
const COMMANDS: Record<string, { run: Command; usage: string }> = {
  demo: { run: demoCommand, usage: DEMO_USAGE },
  call: { run: callCommand, usage: CALL_USAGE },
  serve: { run: serveCommand, usage: SERVE_USAGE },
  sub: { run: subCommand, usage: SUB_USAGE },
  pub: { run: pubCommand, usage: PUB_USAGE },
  lua: { run: luaCommand, usage: LUA_USAGE },
  trace: { run: traceCommand, usage: TRACE_USAGE },
};

/** Runs the command line; resolves to the exit status for one-shot commands. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    (name === undefined ? console.error : console.log)(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    console.error(`purezmq: unknown command "${name}"\n${USAGE}`);
    return 2;
  }
  try {
    await command.run(rest, (line) => console.log(terminalSafe(line)));
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(terminalSafe(`purezmq ${name}: ${err.message}`) + `\nusage: ${command.usage}`);
      return 2;
    }
    const e = err as Error & { code?: unknown };
    const code = typeof e?.code === "string" ? e.code : undefined;
    console.error(terminalSafe(`purezmq ${name}: ${e?.message ?? String(err)}${code ? ` (${code})` : ""}`));
    return brokeProtocol(err) ? EXIT_PEER_ERROR : 1;
  }
}

// A reader that went away (`purezmq sub ... | head`) ends the command
// quietly, as it does for other command-line tools, instead of a stack trace.
process.stdout.on("error", (err: Error & { code?: string }) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

const status = await main(process.argv.slice(2));
// Long-running commands (demo, serve, sub, trace) keep the process alive
// through their sockets; one-shot commands end here.
if (status !== 0) process.exit(status);
