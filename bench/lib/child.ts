/**
 * Benchmark worker processes: forked from the runner, talking over the IPC
 * channel. Every worker started is tracked so that a failing case (or an
 * interrupted run) never leaves one behind.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Mailbox, type WorkerMessage } from "./mailbox.js";

export type { WorkerMessage } from "./mailbox.js";

const WORKER = fileURLToPath(new URL("../worker.js", import.meta.url));
const live = new Set<Worker>();

/** One forked worker. */
export class Worker {
  private readonly mail: Mailbox;
  private readonly proc: ChildProcess;

  private constructor(readonly role: string, params: object) {
    this.mail = new Mailbox(`worker ${role}`);
    this.proc = fork(WORKER, [role, JSON.stringify(params)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    live.add(this);
    this.proc.on("message", (m: WorkerMessage) => {
      if (m.type === "error") this.mail.fail(new Error(`worker ${role}: ${String(m.message)}`));
      else this.mail.post(m);
    });
    this.proc.on("exit", (code, signal) => {
      live.delete(this);
      this.mail.fail(new Error(`worker ${role} exited (${signal ?? code})`));
    });
  }

  /** Forks a worker and waits for its "ready" message (which may carry an endpoint). */
  static async start(role: string, params: object, timeoutMs = 20_000): Promise<{ worker: Worker; ready: WorkerMessage }> {
    const worker = new Worker(role, params);
    try {
      const ready = await worker.next("ready", timeoutMs);
      return { worker, ready };
    } catch (err) {
      worker.kill();
      throw err;
    }
  }

  /** The process id. */
  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** Waits for the next message of a type. */
  next(type: string, timeoutMs = 30_000): Promise<WorkerMessage> {
    return this.mail.next(type, timeoutMs);
  }

  /** True when a message of that type has arrived and was not taken yet. */
  has(type: string): boolean {
    return this.mail.has(type);
  }

  /** Sends a message to the worker (ignored once it is gone). */
  send(message: WorkerMessage): void {
    if (this.mail.failed || !this.proc.connected) return;
    this.proc.send(message);
  }

  /** Asks the worker to stop, then kills it if it has not gone after `graceMs`. */
  async stop(graceMs = 2000): Promise<void> {
    if (this.mail.failed) return;
    const gone = new Promise<void>((resolve) => this.proc.once("exit", () => resolve()));
    this.send({ type: "stop" });
    const timer = setTimeout(() => this.kill(), graceMs);
    await gone;
    clearTimeout(timer);
  }

  /** Kills this worker (by its own pid). */
  kill(): void {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill("SIGKILL");
  }
}

/** Stops every worker still running (after a failed case). */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((w) => w.stop(500)));
}

/** Kills every worker still running, synchronously (process exit). */
export function killAll(): void {
  for (const w of live) w.kill();
}
