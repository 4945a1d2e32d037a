/**
 * Commands and a recording server shared by the tests of pyzmqrpc3 over
 * PUB/SUB and of its proxies: every executed command is logged, and a
 * `Probe` command lets a test wait until a subscription is in place.
 */
import { CommandServer, defineCommand, type CommandServerOptions } from "../../src/rpc/index.js";
import { probeUntil } from "./pubsub-helpers.js";

/** A command adding two numbers. */
export const Add = defineCommand("Add", { a: 0, b: 0 });
/** A command that only marks that the path is open. */
export const Probe = defineCommand("Probe", { tag: "" });
/** A command nobody serves. */
export const Unserved = defineCommand("Unserved", { x: 0 });

/** A CommandServer whose services log what they ran. */
export interface RecordingServer {
  readonly server: CommandServer;
  /** Sums of the `Add` commands run, in order. */
  readonly sums: number[];
  /** Tags of the `Probe` commands run. */
  readonly probes: string[];
}

/** A CommandServer serving `Add` (logged, and returned) and `Probe` (logged). */
export function recordingServer(options: CommandServerOptions = {}): RecordingServer {
  const server = new CommandServer(options);
  const sums: number[] = [];
  const probes: string[] = [];
  server.registerService(Add, (cmd) => {
    sums.push(cmd.a + cmd.b);
    return cmd.a + cmd.b;
  });
  server.registerService(Probe, (cmd) => {
    probes.push(cmd.tag);
  });
  return { server, sums, probes };
}

/** Sends `Probe` commands through `execute` until every server has run one. */
export async function probeServers(execute: (probe: InstanceType<typeof Probe>) => Promise<unknown>, ...servers: RecordingServer[]): Promise<void> {
  await probeUntil(() => execute(new Probe({ tag: "probe" })), () => servers.every((s) => s.probes.length > 0), "the command path");
}
