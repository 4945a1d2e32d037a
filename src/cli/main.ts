#!/usr/bin/env node
/**
 * The `purezmq` command: a demo, RPC calls and serving, publish and
 * subscribe, Lua RPC calls, the wire tracer and the conformance probe.
 *
 * Exit status: 0 done; 1 a failure (a remote error, nothing listening, no
 * answer in time); 2 a bad command line (with the usage); 3 the peer broke
 * the protocol (garbage, or a reply over a limit: `EPROTO`, `EMSGSIZE`, a
 * malformed Lua RPC frame); 130 stopped by Ctrl-C (143 by SIGTERM).
 * Errors are one line on stderr. Every line printed passes through
 * `terminalSafe`: what a peer sends cannot drive the terminal.
 */
import { createRequire } from "node:module";
import { helpText, parseCommandLine, usageLine, UsageError, type CommandSpec } from "./args.js";
import { callSpec } from "./call.js";
import { demoSpec } from "./demo.js";
import { brokeProtocol, CliError, EXIT, explainHandshakeError } from "./errors.js";
import { keygenSpec } from "./keygen.js";
import { luaSpec } from "./lua.js";
import { probeSpec } from "./probe.js";
import { pubSpec, subSpec } from "./pubsub.js";
import { serveSpec } from "./serve.js";
import { StoppedError } from "./stop.js";
import { colourOn, paint } from "./style.js";
import { terminalSafe } from "./terminal-safe.js";
import { traceSpec } from "./trace.js";

/** Every command, in the order `purezmq --help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [demoSpec, callSpec, serveSpec, subSpec, pubSpec, luaSpec, traceSpec, probeSpec, keygenSpec];

/** The package's version, from its package.json (two levels up in dist/ and in the test build). */
function version(): string {
  const require = createRequire(import.meta.url);
  for (const path of ["../../package.json", "../../../package.json"]) {
    try {
      const pkg = require(path) as { name?: string; version?: string };
      if (pkg.name === "purezmq" && pkg.version) return pkg.version;
    } catch {
      // Not this level.
    }
  }
  return "unknown";
}

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "usage: purezmq <command> [arguments] [options]",
    "",
    "commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "purezmq <command> --help (or purezmq help <command>) tells more of each.",
    "purezmq --version prints the version.",
  ].join("\n");
}

function find(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** Signals that stop a command, and the exit status each gives. */
const STOPPING: Partial<Record<NodeJS.Signals, number>> = { SIGINT: EXIT.interrupted, SIGTERM: EXIT.terminated };

/** How long a stopped command may take to close before the process ends anyway. */
const CLOSE_GRACE_MS = 2000;

/**
 * Runs the command line and resolves to the exit status. Ctrl-C (or
 * SIGTERM) aborts the command's signal; it closes its sockets and the
 * status is 130 (143); a second Ctrl-C ends the process at once.
 */
export async function main(argv: string[]): Promise<number> {
  const errColour = colourOn(process.stderr);
  const fail = (line: string): void => console.error(paint(errColour, "purezmq", "red") + terminalSafe(line));
  const [name, ...rest] = argv;
  if (name === undefined) {
    console.error(overview());
    return EXIT.usage;
  }
  if (name === "--help" || name === "-h") {
    console.log(overview());
    return EXIT.ok;
  }
  if (name === "--version" || name === "-v") {
    console.log(version());
    return EXIT.ok;
  }
  if (name === "help") {
    const about = rest[0] === undefined ? undefined : find(rest[0]);
    if (rest[0] !== undefined && !about) {
      fail(`: unknown command "${rest[0]}": purezmq --help lists them`);
      return EXIT.usage;
    }
    console.log(about ? helpText(about) : overview());
    return EXIT.ok;
  }
  const command = find(name);
  if (!command) {
    fail(`: unknown command "${name}": purezmq --help lists them`);
    return EXIT.usage;
  }

  const controller = new AbortController();
  let stopStatus: number | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopStatus !== undefined) process.exit(stopStatus);
    stopStatus = STOPPING[signal]!;
    controller.abort();
    setTimeout(() => process.exit(stopStatus), CLOSE_GRACE_MS).unref();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const line = parseCommandLine(command, rest);
    if (line.help) {
      console.log(helpText(command));
      return EXIT.ok;
    }
    await command.run({
      positionals: line.positionals,
      options: line.options,
      // Not console.log: under Bun and Deno it swallows the EPIPE of a reader
      // that went away (`sub ... | head`), and the command would never end.
      out: (text) => void process.stdout.write(`${terminalSafe(text)}\n`),
      log: (text) => console.error(terminalSafe(text)),
      signal: controller.signal,
    });
    return stopStatus ?? EXIT.ok;
  } catch (err) {
    if (stopStatus !== undefined || err instanceof StoppedError) return stopStatus ?? EXIT.interrupted;
    if (err instanceof UsageError) {
      fail(` ${name}: ${err.message}`);
      console.error(`usage: ${usageLine(command)}`);
      return EXIT.usage;
    }
    const explained = explainHandshakeError(err, Object.hasOwn(command.options, "plain"));
    if (explained) err = explained;
    const e = err as Error & { code?: unknown };
    const code = typeof e?.code === "string" ? e.code : undefined;
    fail(` ${name}: ${e?.message ?? String(err)}${code ? ` (${code})` : ""}`);
    if (err instanceof CliError) return err.status;
    return brokeProtocol(err) ? EXIT.peer : EXIT.failed;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

// A reader that went away (`purezmq sub ... | head`) ends the command
// quietly, as it does for other command-line tools, instead of a stack trace.
process.stdout.on("error", (err: Error & { code?: string }) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

process.exit(await main(process.argv.slice(2)));
