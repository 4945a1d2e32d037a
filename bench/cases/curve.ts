/**
 * CURVE cases: the throughput cases over CURVE (100-octet messages and
 * 1 MiB messages, DEALER -> ROUTER), handshakes per second over loopback
 * TCP, and, for purezmq alone, the CPU time of one handshake (both sides,
 * in memory, no I/O). Goals: at least native's rate for 100 octets, at
 * least half of it for 1 MiB, a handshake under 1 ms of CPU.
 */
import { Worker } from "../lib/child.js";
import { makeSocket, type Lib } from "../lib/sockets.js";
import { secondsSince } from "../lib/stats.js";
import type { BenchCase, Metrics } from "../lib/case.js";
import { curveOptions, flowCase } from "./throughput.js";
import {
  CurveClientMechanism, CurveServerMechanism, decodePlainCommand, generateKeyPair, type Mechanism, type MechanismPeer,
} from "../../src/zmtp/wire/index.js";

export function curveSmallCase(messages: number, maxSeconds: number): BenchCase {
  const c = flowCase("curve", "CURVE DEALER -> ROUTER throughput, 100 B", { sender: "Dealer", receiver: "Router", size: 100, messages, maxSeconds, curve: true }, "msg/s", undefined);
  c.target = { ratio: 1 };
  return c;
}

export function curveLargeCase(messages: number, maxSeconds: number): BenchCase {
  const c = flowCase("curve-large", "CURVE DEALER -> ROUTER, 1 MiB messages", { sender: "Dealer", receiver: "Router", size: 1024 * 1024, messages, maxSeconds, curve: true }, "MB/s", undefined);
  c.target = { ratio: 0.5 };
  return c;
}

interface EventSource {
  events: { on(type: string, fn: () => void): unknown };
}

/** New CURVE clients connect one after another to a server in a worker; each counts once its handshake completed. */
async function handshakeRound(lib: Lib, seconds: number): Promise<Metrics> {
  const curve = await curveOptions(lib);
  const { worker, ready } = await Worker.start("listen", { lib, kind: "Router", options: curve.server });
  try {
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    let count = 0;
    while (secondsSince(start) < seconds) {
      const sock = await makeSocket(lib, "Dealer", curve.client);
      const done = new Promise<void>((resolve) => (sock as unknown as EventSource).events.on("handshake", resolve));
      sock.connect(ready.endpoint as string);
      await done;
      sock.close();
      count++;
    }
    const elapsed = secondsSince(start);
    const used = process.cpuUsage(cpu);
    return { rate: count / elapsed, clientCpuMs: (used.user + used.system) / 1000 / count, sent: count };
  } finally {
    await worker.stop();
  }
}

export function curveHandshakeCase(seconds: number): BenchCase {
  return {
    id: "curve-handshake",
    title: "CURVE handshakes over loopback TCP",
    metric: "rate",
    unit: "handshakes/s",
    higherIsBetter: true,
    variants: (["purezmq", "native"] as const).map((side) => ({
      side,
      label: `${side === "purezmq" ? "purezmq" : "zeromq"} DEALER connects to a CURVE ROUTER, one at a time`,
      round: () => handshakeRound(side, seconds),
    })),
    extras: [{ key: "clientCpuMs", label: "client process CPU ms per handshake (socket included)", digits: 3 }],
    note: `server in a worker process; a new client socket per handshake, closed once it completed; ${seconds} s per round`,
  };
}

/** Connects two mechanisms in memory: each command goes straight to the other side. */
function pair(client: Mechanism, server: Mechanism): { ready: number } {
  const state = { ready: 0 };
  const peer = (other: () => Mechanism): MechanismPeer => ({
    sendCommand: (body) => other().onCommand(decodePlainCommand(body)),
    ready: () => void state.ready++,
    fail: (e) => {
      throw e;
    },
  });
  server.start(peer(() => client));
  client.start(peer(() => server));
  return state;
}

/** CPU per handshake, client and server together, with no sockets or I/O. */
async function cpuRound(seconds: number): Promise<Metrics> {
  const serverKeys = generateKeyPair();
  const clientKeys = generateKeyPair();
  const metadata: [string, string][] = [["Socket-Type", "DEALER"]];
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  let count = 0;
  while (secondsSince(start) < seconds) {
    const server = new CurveServerMechanism({ metadata, address: "bench", keys: serverKeys, authenticate: (_k, _a, done) => done({ status: 200 }) });
    const client = new CurveClientMechanism({ metadata, address: "bench", keys: clientKeys, serverKey: serverKeys.publicKey });
    if (pair(client, server).ready !== 2) throw new Error("an in-memory CURVE handshake did not complete");
    count++;
  }
  const used = process.cpuUsage(cpu);
  return { cpuUs: (used.user + used.system) / count, rate: count / secondsSince(start), sent: count };
}

export function curveCpuCase(seconds: number): BenchCase {
  return {
    id: "curve-cpu",
    title: "CURVE handshake CPU, both sides in memory",
    metric: "cpuUs",
    unit: "µs CPU",
    higherIsBetter: false,
    noNative: true,
    variants: [{ side: "purezmq", label: "CurveClientMechanism against CurveServerMechanism, no I/O", round: () => cpuRound(seconds) }],
    extras: [{ key: "rate", label: "handshakes/s on one core", digits: 0 }],
    note: "the client's and the server's work for one handshake together: a short-term key pair and three X25519 agreements on each side, seven boxes (node:crypto X25519, our own XSalsa20-Poly1305); goal: under 1,000 µs",
  };
}
