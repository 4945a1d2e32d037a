/**
 * The v5 API's endpoints and lifetime, differentially: bind and unbind
 * with callbacks and events, bindSync, connect and disconnect, the errors
 * of bad endpoints, close; and the deliberate differences of bindSync and
 * unbindSync.
 */
import { once } from "node:events";
import { refusedEndpoint } from "../support/refused-port.js";
import { errorShape, syncOutcome } from "./differential.js";
import { bindFree, differs5, messages, same5, type Socket5 } from "./v5-harness.js";

/** A bind's callback error (its shape) and the events the socket emitted meanwhile. */
function bindOutcome(sock: Socket5, address: string): Promise<Record<string, unknown>> {
  const events: string[] = [];
  sock.on("bind", (a: string) => events.push(`bind ${a}`));
  return new Promise((resolve) =>
    sock.bind(address, (err) => resolve({ callback: err ? errorShape(err) : "ok", events })),
  );
}

same5("bind: the callback comes after a bind event with the address asked", async (zmq, { closing }) => {
  const sock = closing(zmq.socket("rep"));
  const out = await bindOutcome(sock, "tcp://127.0.0.1:*");
  const outcome: Record<string, unknown> = { ...out, lastEndpoint: /^tcp:\/\/127\.0\.0\.1:\d+$/.test(sock.last_endpoint as string) };
  return outcome;
}, { callback: "ok", events: ["bind tcp://127.0.0.1:*"], lastEndpoint: true });

same5("bind: bad endpoints fail through the callback, with no bind event", async (zmq, { closing }) => {
  const sock = closing(zmq.socket("pull"));
  const out = [];
  for (const address of ["tcp://nowhere", "bogus://x"]) out.push(await bindOutcome(sock, address));
  return out;
}, [
  { callback: { name: "Error", message: "Invalid argument", code: "EINVAL", errno: 22, address: "tcp://nowhere" }, events: [] },
  { callback: { name: "Error", message: "Protocol not supported", code: "EPROTONOSUPPORT", errno: 93, address: "bogus://x" }, events: [] },
]);

same5("bind: an address in use fails EADDRINUSE; without a callback the error is an event", async (zmq, { closing }) => {
  const first = closing(zmq.socket("pull"));
  const second = closing(zmq.socket("pull"));
  const address = await bindFree(first);
  const viaCallback = await bindOutcome(second, address);
  second.bind(address);
  const [event] = await once(second, "error");
  // The port is the system's choice: the address is checked apart.
  const masked = (shape: unknown): Record<string, unknown> => ({ ...(shape as object), address: (shape as { address?: string }).address === address ? "the address" : "another" });
  const outcome: Record<string, unknown> = { viaCallback: { ...viaCallback, callback: masked(viaCallback.callback) }, event: masked(errorShape(event)) };
  return outcome;
}, {
  viaCallback: { callback: { name: "Error", message: "Address already in use", code: "EADDRINUSE", errno: 98, address: "the address" }, events: [] },
  event: { name: "Error", message: "Address already in use", code: "EADDRINUSE", errno: 98, address: "the address" },
});

same5("unbind: the callback comes after an unbind event; an endpoint not bound fails ENOENT", async (zmq, { closing }) => {
  const sock = closing(zmq.socket("pull"));
  const address = await bindFree(sock);
  const events: string[] = [];
  sock.on("unbind", (a: string) => events.push(a === address ? "unbind (the address)" : `unbind ${a}`));
  const first = await new Promise((resolve) => sock.unbind(address, (err) => resolve(err ? errorShape(err) : "ok")));
  const again = await new Promise((resolve) => sock.unbind("inproc://never-bound", (err) => resolve(err ? errorShape(err) : "ok")));
  return { first, again, events };
}, {
  first: "ok",
  again: { name: "Error", message: "No such endpoint", code: "ENOENT", errno: 2, address: "inproc://never-bound" },
  events: ["unbind (the address)"],
});

same5("connect, disconnect and bindSync throw the errors of bad endpoints at once", (zmq, { closing }) => {
  const sock = closing(zmq.socket("dealer"));
  return {
    connect: syncOutcome(() => sock.connect("tcp://nowhere")),
    connectProtocol: syncOutcome(() => sock.connect("bogus://x")),
    disconnect: syncOutcome(() => sock.disconnect("tcp://127.0.0.1:5")),
    bindSync: syncOutcome(() => sock.bindSync("tcp://nowhere")),
    bindSyncProtocol: syncOutcome(() => sock.bindSync("bogus://x")),
    connectReturns: sock.connect("inproc://v5-somewhere") === sock,
  };
}, {
  connect: { threw: { name: "Error", message: "Invalid argument", code: "EINVAL", errno: 22, address: "tcp://nowhere" } },
  connectProtocol: { threw: { name: "Error", message: "Protocol not supported", code: "EPROTONOSUPPORT", errno: 93, address: "bogus://x" } },
  disconnect: { threw: { name: "Error", message: "No such endpoint", code: "ENOENT", errno: 2, address: "tcp://127.0.0.1:5" } },
  bindSync: { threw: { name: "Error", message: "Invalid argument", code: "EINVAL", errno: 22, address: "tcp://nowhere" } },
  bindSyncProtocol: { threw: { name: "Error", message: "Protocol not supported", code: "EPROTONOSUPPORT", errno: 93, address: "bogus://x" } },
  connectReturns: true,
});

same5("bindSync: a socket bound at a given address (tcp and inproc) takes messages from peers", async (zmq, { closing }) => {
  const free = await refusedEndpoint();
  const out: unknown[] = [];
  for (const address of [free, "inproc://v5-bind-sync"]) {
    const pull = closing(zmq.socket("pull"));
    const push = closing(zmq.socket("push"));
    out.push(pull.bindSync(address));
    push.connect(address);
    const arrived = messages(pull, 1);
    push.send(`via ${address.split(":")[0]}`);
    out.push(await arrived);
    pull.close();
  }
  return out;
}, [undefined, [["via tcp"]], undefined, [["via inproc"]]]);

same5("close: closed turns true, close() returns the socket, later calls throw EBADF", (zmq) => {
  const sock = zmq.socket("dealer");
  const before = sock.closed;
  const returned = sock.close() === sock;
  return {
    before,
    after: sock.closed,
    returned,
    connect: syncOutcome(() => sock.connect("tcp://127.0.0.1:5")),
    bind: syncOutcome(() => sock.bind("tcp://127.0.0.1:*")),
  };
}, {
  before: false,
  after: true,
  returned: true,
  connect: { threw: { name: "Error", message: "Socket is closed", code: "EBADF", errno: 9 } },
  bind: { threw: { name: "Error", message: "Socket is closed", code: "EBADF", errno: 9 } },
});

differs5("bindSync of a port the system chooses: last_endpoint right after the call", async (zmq, { closing }) => {
  const sock = closing(zmq.socket("pull"));
  sock.bindSync("tcp://127.0.0.1:*");
  const atOnce = sock.last_endpoint === null ? "null" : "an endpoint";
  const push = closing(zmq.socket("push"));
  // Either way, the socket is listening by the time a peer has had a round trip.
  while (sock.last_endpoint === null) await new Promise((resolve) => setImmediate(resolve));
  push.connect(sock.last_endpoint as string);
  const arrived = messages(sock, 1);
  push.send("reached");
  return { atOnce, then: await arrived };
}, {
  zeromq: { atOnce: "an endpoint", then: [["reached"]] },
  purezmq: { atOnce: "null", then: [["reached"]] },
}, "node:net cannot listen synchronously: bindSync checks the endpoint at once and listens in the background, so a port the system chooses is known once listening, and a failure to listen is an error event");

differs5("unbindSync of a bound endpoint", async (zmq, { closing }) => {
  const sock = closing(zmq.socket("pull"));
  const address = await bindFree(sock);
  const first = syncOutcome(() => sock.unbindSync(address));
  // Unbound, the address can be bound again.
  const rebound = await new Promise((resolve) => sock.bind(address, (err) => resolve(err ? (err as { code?: string }).code : "ok")));
  return { first: "threw" in first ? (first.threw as { code: string }).code : first.returned, rebound };
}, {
  zeromq: { first: "EADDRINUSE", rebound: "EADDRINUSE" },
  purezmq: { first: "undefined", rebound: "ok" },
}, "zeromq.js 6.8's unbindSync binds the address again (its native unbindSync is bindSync); purezmq's unbinds");
