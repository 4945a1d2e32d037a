#!/usr/bin/env node
/**
 * The `purezmq` command: a demo, RPC calls and serving, publish and
 * subscribe, Lua RPC calls, and the wire tracer.
 *
 * Errors are one line on stderr and a non-zero exit status: 2 for a bad
 * command line (with the usage), 1 for a failure.
 */
import { CALL_USAGE, SERVE_USAGE, callCommand, serveCommand } from "./call.js";
import { UsageError } from "./args.js";
import { DEMO_USAGE, demoCommand } from "./demo.js";
import { LUA_USAGE, luaCommand } from "./lua.js";
import { PUB_USAGE, SUB_USAGE, pubCommand, subCommand } from "./pubsub.js";
import { TRACE_USAGE, traceCommand } from "./trace.js";

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

type Command = (argv: string[], out: (line: string) => void) => Promise<unknown>;

const COMMANDS: Record<string, Command> = {
  demo: demoCommand,
  call: callCommand,
  serve: serveCommand,
  sub: subCommand,
  pub: pubCommand,
  lua: luaCommand,
  trace: traceCommand,
};

/** Runs the command line; resolves to the exit status for one-shot commands. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    (name === undefined ? console.error : console.log)(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`purezmq: unknown command "${name}"\n${USAGE}`);
    return 2;
  }
  try {
    await command(rest, (line) => console.log(line));
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`purezmq ${name}: ${err.message}`);
      return 2;
    }
    const e = err as Error & { code?: string };
    console.error(`purezmq ${name}: ${e.message}${e.code ? ` (${e.code})` : ""}`);
    return 1;
  }
}

const status = await main(process.argv.slice(2));
// Long-running commands (demo, serve, sub, trace) keep the process alive
// through their sockets; one-shot commands end here.
if (status !== 0) process.exit(status);
