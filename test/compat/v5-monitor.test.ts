/**
 * The v5 API's monitor, differentially: the socket's connection events
 * re-emitted under their v5 names as `(value, address, error)`, the
 * warning for monitor()'s ignored arguments, and unmonitor().
 */
import { once } from "node:events";
import { refusedEndpoint } from "../support/refused-port.js";
import { bindFree, differs5, messages, same5, type Socket5 } from "./v5-harness.js";

const V5_EVENTS = ["connect", "connect_delay", "connect_retry", "listen", "bind_error", "accept", "accept_error", "close", "close_error", "disconnect"];

/** Records the v5 events of `sock` as "name value address error-code", with the port masked. */
function record(sock: Socket5): string[] {
  const log: string[] = [];
  for (const name of V5_EVENTS) {
    sock.on(name, (value: unknown, address: string, error?: { code?: string }) => {
      log.push([name, typeof value === "number" ? "number" : String(value), address.replace(/:\d+$/, ":PORT"), error?.code ?? "-"].join(" "));
    });
  }
  return log;
}

/** Resolves once `log` has an entry starting with `name`, checked after each event of that name. */
async function seen(sock: Socket5, log: string[], name: string): Promise<void> {
  while (!log.some((e) => e.startsWith(`${name} `))) await once(sock, name);
}

same5("monitor: listen, accept, connect_delay, connect, disconnect and close, each socket in its order", async (zmq, { closing }) => {
  const server = closing(zmq.socket("dealer"));
  const client = closing(zmq.socket("dealer"));
  const serverLog = record(server.monitor());
  const clientLog = record(client.monitor());
  client.connect(await bindFree(server));
  const arrived = messages(server, 1);
  client.send("hello");
  await arrived;
  await seen(server, serverLog, "accept");
  await seen(client, clientLog, "connect");
  client.close();
  await seen(server, serverLog, "disconnect");
  server.unbind(server.last_endpoint as string);
  await seen(server, serverLog, "close");
  return { serverLog, clientLog };
}, {
  serverLog: [
    "listen undefined tcp://127.0.0.1:PORT -",
    "accept undefined tcp://127.0.0.1:PORT -",
    "disconnect undefined tcp://127.0.0.1:PORT -",
    "close undefined tcp://127.0.0.1:PORT -",
  ],
  clientLog: ["connect_delay undefined tcp://127.0.0.1:PORT -", "connect undefined tcp://127.0.0.1:PORT -"],
});

same5("monitor: a refused dial is connect_delay, close, then connect_retry with the interval", async (zmq, { closing }) => {
  const sock = closing(zmq.socket("dealer"));
  sock.setsockopt(zmq.ZMQ_RECONNECT_IVL, 20);
  const log = record(sock.monitor());
  sock.connect(await refusedEndpoint());
  await seen(sock, log, "connect_retry");
  return log.slice(0, 3);
}, ["connect_delay undefined tcp://127.0.0.1:PORT -", "close undefined tcp://127.0.0.1:PORT -", "connect_retry number tcp://127.0.0.1:PORT -"]);

same5("monitor(interval, count): the arguments are ignored with a process warning", async (zmq, { closing }) => {
  const sock = closing(zmq.socket("dealer"));
  const warnings: string[] = [];
  const listener = (w: Error): void => {
    warnings.push(w.message);
  };
  process.on("warning", listener);
  try {
    const returned = sock.monitor(10, 0) === sock;
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
    return { returned, warnings };
  } finally {
    process.off("warning", listener);
  }
}, { returned: true, warnings: ["Arguments to monitor() are ignored in compatibility mode; all events are read automatically"] });

differs5("unmonitor() on an open socket", async (zmq, { closing }) => {
  const sock = closing(zmq.socket("dealer"));
  const errors: string[] = [];
  sock.on("error", (err: { code?: string }) => errors.push(String(err.code)));
  sock.monitor();
  const returned = sock.unmonitor() === sock;
  // zeromq.js's error comes within a few turns of the microtask queue; a
  // turn of the event loop would never come there (its reader then spins
  // until the socket closes).
  await Promise.race([once(sock, "error"), new Promise((resolve) => setImmediate(resolve))]);
  sock.close();
  return { returned, errors };
}, {
  zeromq: { returned: true, errors: ["ENOTSOCK"] },
  purezmq: { returned: true, errors: [] },
}, "zeromq.js's unmonitor() makes its event reader fail: an `error` event (ENOTSOCK), which throws where nothing listens, and a reader that spins until the socket closes; purezmq's stops quietly");
