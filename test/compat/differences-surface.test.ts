/**
 * Differences from zeromq.js that its own unit tests show, pinned for both
 * libraries (README, "Deliberate differences" and "Not matched yet"): each
 * test fails when either library's outcome changes.
 */
import { Worker } from "node:worker_threads";
import { differs, thrown, type Zmq } from "./differential.js";

differs("a third argument to new Proxy()", (zmq, { closing }) => {
  const Proxy = zmq.Proxy as unknown as new (...a: unknown[]) => unknown;
  const [a, b, c] = [closing(new zmq.Router()), closing(new zmq.Dealer()), closing(new zmq.Pair())];
  return thrown(() => void new Proxy(a, b, c));
}, {
  zeromq: { kind: "TypeError", message: "Expected 2 arguments but received 3" },
  purezmq: { returned: "undefined" },
}, "purezmq's proxy takes a capture socket, which gets a copy of every message");

differs("events of an inproc bind and connection", async (zmq, { closing }) => {
  const server = closing(new zmq.Pair());
  const client = closing(new zmq.Pair());
  const seen: string[] = [];
  for (const [name, socket] of [["server", server], ["client", client]] as const) {
    for (const type of ["bind", "accept", "connect", "handshake"] as const) socket.events.on(type, () => seen.push(`${name} ${type}`));
  }
  await server.bind("inproc://differences-events");
  client.connect("inproc://differences-events");
  await client.send("hi");
  await server.receive();
  return seen.sort();
}, {
  zeromq: [],
  purezmq: ["client connect", "client handshake", "server accept", "server bind", "server handshake"],
}, "inproc reports its endpoints and connections as tcp does, so code may wait for a peer the same way on every transport");

differs("the classes called without new", (zmq) => ({
  dealer: thrown(() => (zmq.Dealer as unknown as () => unknown)()),
  context: thrown(() => (zmq.Context as unknown as () => unknown)()),
}), {
  zeromq: {
    dealer: { kind: "TypeError", message: "Class constructor Dealer cannot be invoked without 'new'" },
    context: { kind: "TypeError", message: "Class constructors cannot be invoked without 'new'" },
  },
  purezmq: {
    dealer: { kind: "TypeError", message: "Class constructor Dealer cannot be invoked without 'new'" },
    context: { kind: "TypeError", message: "Class constructor Context cannot be invoked without 'new'" },
  },
}, "not matched yet: zeromq.js's native classes (Context, Socket, Observer, Proxy) have their own text, purezmq's are V8's");

/** The default context's ioThreads as a worker thread reads it after the main thread set it to 3. */
async function workerReadsIoThreads(zmq: Zmq, module: string): Promise<number> {
  const before = zmq.context.ioThreads;
  zmq.context.ioThreads = 3;
  try {
    const worker = new Worker(
      `import(${JSON.stringify(module)}).then((zmq) => require("node:worker_threads").parentPort.postMessage(zmq.context.ioThreads));`,
      { eval: true },
    );
    return await new Promise<number>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    }).finally(() => worker.terminate());
  } finally {
    zmq.context.ioThreads = before;
  }
}

differs("the default context seen from a worker thread", (zmq, { lib }) =>
  workerReadsIoThreads(zmq, lib === "zeromq" ? "zeromq" : new URL("../../src/index.js", import.meta.url).href), {
  zeromq: 3,
  purezmq: 1,
}, "not matched yet: purezmq's default context is one per thread, zeromq.js's one per process");
