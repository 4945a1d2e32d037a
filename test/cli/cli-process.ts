/**
 * Runs the `purezmq` command of the test build as a child process: one-shot
 * commands to their end, long-running ones (demo, serve, sub, pub, trace)
 * with their output lines awaited as they come, always under a deadline so
 * that a hung command fails its test instead of hanging the suite.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { fileURLToPath } from "node:url";

/** The compiled command (`src/cli/main.ts` in the test build). */
export const CLI = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));

/** Compiled fixture modules of these tests. */
export const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

/** How a command ended and what it printed. */
export interface Finished {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running command and the lines it has printed so far. */
export class CliProcess {
  readonly child: ChildProcess;
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<Finished>;
  #ended = false;
  readonly #watchers = new Set<() => void>();

  /**
   * @param args - the command line after `purezmq`.
   * @param cli - the command's script (another build of it, to measure a change, or an installed one).
   * @param cwd - where it runs (default: here).
   */
  constructor(args: readonly string[], cli = CLI, cwd?: string) {
    this.child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"], cwd });
    this.collect(this.child.stdout!, this.stdout);
    this.collect(this.child.stderr!, this.stderr);
    this.exited = new Promise((resolve) => {
      this.child.once("close", (status, signal) => {
        this.#ended = true;
        this.notify();
        resolve({ status, signal, stdout: this.stdout.join("\n"), stderr: this.stderr.join("\n") });
      });
    });
  }

  /**
   * Resolves with the first non-undefined value of `check`, tried now and
   * after every new line; rejects when the command ends first or at the deadline.
   */
  waitFor<T>(check: () => T | undefined, what: string, ms = 10_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#watchers.delete(watcher);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${ms} ms waiting for ${what}; ${this.describe()}`));
      }, ms);
      const watcher = (): void => {
        let value: T | undefined;
        try {
          value = check();
        } catch (err) {
          done();
          reject(err as Error);
          return;
        }
        if (value !== undefined) {
          done();
          resolve(value);
        } else if (this.#ended) {
          done();
          reject(new Error(`the command ended before ${what}; ${this.describe()}`));
        }
      };
      this.#watchers.add(watcher);
      watcher();
    });
  }

  /** The first capture of `pattern` in a stdout (or stderr) line, once printed. */
  waitForMatch(pattern: RegExp, stream: "stdout" | "stderr" = "stdout", ms?: number): Promise<RegExpMatchArray> {
    return this.waitFor(() => {
      for (const line of this[stream]) {
        const m = line.match(pattern);
        if (m) return m;
      }
      return undefined;
    }, `${pattern} on ${stream}`, ms);
  }

  /** Sends `signal` (default SIGTERM) and resolves when the process has ended. */
  stop(signal: NodeJS.Signals = "SIGTERM"): Promise<Finished> {
    // process.kill, not this.child.kill: Deno 2.9's ChildProcess.kill records
    // the signal it sent as the child's, so a command that handled SIGINT and
    // exited 130 would be reported as killed by SIGINT (status null). The
    // signal delivered is the same on every runtime.
    if (!this.#ended) {
      try {
        process.kill(this.child.pid!, signal);
      } catch (err) {
        // Already gone (reaped, its close still to come): the same as child.kill's false.
        if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
      }
    }
    return this.exited;
  }

  private collect(stream: NodeJS.ReadableStream, lines: string[]): void {
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop()!;
      if (parts.length === 0) return;
      lines.push(...parts);
      this.notify();
    });
    stream.on("end", () => {
      if (partial) lines.push(partial);
      partial = "";
      this.notify();
    });
  }

  private notify(): void {
    for (const w of [...this.#watchers]) w();
  }

  private describe(): string {
    return `stdout: ${JSON.stringify(this.stdout.slice(-20))} stderr: ${JSON.stringify(this.stderr.slice(-20))}`;
  }
}

/** Starts a long-running command. */
export function startCli(...args: string[]): CliProcess {
  return new CliProcess(args);
}

/** Starts the demo on free ports (its RPC, PUB and Lua RPC defaults are fixed ports). */
export function startDemo(...args: string[]): CliProcess {
  return startCli("demo", "--rpc", "tcp://127.0.0.1:0", "--pub", "tcp://127.0.0.1:0", "--lua", "127.0.0.1:0", ...args);
}

/** Runs a one-shot command to its end; it is killed (and the test fails) after `ms`. */
export async function runCli(args: readonly string[], ms = 15_000, cli = CLI): Promise<Finished> {
  const proc = new CliProcess(args, cli);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      proc.child.kill("SIGKILL");
      reject(new Error(`purezmq ${args.join(" ")} did not end within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([proc.exited, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The endpoints a command printed (tcp://host:port), in order. */
export function endpointsIn(lines: readonly string[]): string[] {
  return lines.flatMap((l) => [...l.matchAll(/tcp:\/\/[\w.[\]:]+:\d+/g)].map((m) => m[0]));
}

/** Success: status 0, exactly `stdout`, nothing on stderr. */
export function assertPrints(result: Finished, stdout: string): void {
  assert.deepEqual(result, { status: 0, signal: null, stdout, stderr: "" });
}

/** A failure is one line on stderr (after any status lines) and nothing on stdout. */
export function assertFailure(result: Finished, status: number, pattern: RegExp): void {
  assert.equal(result.status, status, `exit status; stderr: ${result.stderr}`);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, pattern);
}

/** A port on loopback that nothing listens on (bound, then closed): free to bind, refused to dial. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
