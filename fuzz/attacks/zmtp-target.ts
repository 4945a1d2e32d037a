/**
 * The parent's handle on an attacked process (`zmtp-child.ts`): forks it
 * with a rig, forwards requests, and turns the child's death (heap limit,
 * uncaught exception) into a result instead of an exception.
 */
import { fork, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import type { ChildReply, ChildRequest, MemoryFigures } from "./zmtp-child.js";

const CHILD = new URL("./zmtp-child.js", import.meta.url);
/** Longest wait for one reply (a check waits 5 s for its client at most). */
const REPLY_MS = 60_000;

/** The peak resident set of a process so far (Linux VmHWM), in MB; undefined where /proc has no such line. */
function peakRssOf(pid: number): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "latin1"));
    return m ? Math.round(Number(m[1]) / 102.4) / 10 : undefined;
  } catch {
    return undefined;
  }
}

/** What a check found. */
export type CheckResult = Extract<ChildReply, { kind: "checked" }>;

/** A running attacked process. */
export class Target {
  endpoints: Record<string, string> = {};
  baseline!: MemoryFigures;
  /** Set once the process has ended on its own: how, with the end of its stderr. */
  death: string | undefined;
  /** The process's peak resident set in MB, read from outside: still known after it died. */
  peakRssMb: number | undefined;
  /** Resolves once the process has exited. */
  readonly exited: Promise<void>;
  private stderr = "";
  private waiting: ((reply: ChildReply | undefined) => void) | undefined;

  private constructor(private readonly child: ChildProcess) {
    child.stderr!.on("data", (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    child.on("message", (reply: ChildReply) => {
      if (reply.kind === "failed" && this.waiting === undefined) this.death = reply.why;
      this.settle(reply);
    });
    // A send to a child that just died fails with EPIPE: its exit says why.
    child.on("error", () => undefined);
    const watch = setInterval(() => (this.peakRssMb = peakRssOf(child.pid!) ?? this.peakRssMb), 100);
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    child.on("exit", (code, signal) => {
      clearInterval(watch);
      if (code !== 0 || signal !== null) this.death ??= `exited with ${signal ?? `code ${code}`}: ${lastLines(this.stderr)}`;
      this.settle(undefined);
    });
  }

  /**
   * Forks the process and sets up `rig`; `heapMb` caps its heap (as a
   * server's --max-old-space-size would), so that a runaway shows as a death.
   */
  static async start(rig: string, options: Record<string, unknown>, heapMb?: number): Promise<Target> {
    const execArgv = ["--expose-gc", ...(heapMb ? [`--max-old-space-size=${heapMb}`] : [])];
    const t = new Target(fork(CHILD, [], { execArgv, stdio: ["ignore", "ignore", "pipe", "ipc"] }));
    const reply = await t.request({ kind: "setup", rig, options });
    if (reply?.kind !== "ready") throw new Error(`the ${rig} rig did not start: ${reply?.kind === "failed" ? reply.why : t.death}`);
    t.endpoints = reply.endpoints;
    t.baseline = reply.baseline;
    return t;
  }

  /** Runs a rig action (the proxy's `restart`). */
  async action(name: string): Promise<void> {
    const reply = await this.request({ kind: "action", name });
    if (reply?.kind !== "done") throw new Error(`action ${name} failed: ${reply?.kind === "failed" ? reply.why : this.death}`);
  }

  /** Asks for a good client to be served; undefined when the process is dead. */
  async check(round: number): Promise<CheckResult | undefined> {
    const reply = await this.request({ kind: "check", round });
    return reply?.kind === "checked" ? reply : undefined;
  }

  /** Ends the process. */
  async close(): Promise<void> {
    if (this.death === undefined && this.child.connected) await this.request({ kind: "close" });
    this.child.kill();
  }

  private request(req: ChildRequest): Promise<ChildReply | undefined> {
    if (this.death !== undefined || !this.child.connected) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle({ kind: "failed", why: `no reply to ${req.kind} within ${REPLY_MS} ms` }), REPLY_MS);
      this.waiting = (reply) => {
        clearTimeout(timer);
        resolve(reply);
      };
      this.child.send(req, (err) => {
        if (err) this.settle(undefined);
      });
    });
  }

  private settle(reply: ChildReply | undefined): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.(reply);
  }
}

function lastLines(text: string): string {
  const lines = text.trim().split("\n").filter((l) => l.trim() !== "");
  const fatal = lines.find((l) => /FATAL ERROR|heap out of memory|RangeError/.test(l));
  return fatal ?? lines.slice(-2).join(" | ");
}
