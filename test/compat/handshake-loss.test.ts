/**
 * Differential: a connection that fails its handshake, seen in the
 * socket's events. libzmq reports why (`handshake:error:other` with EPIPE
 * or ECONNRESET when the peer went away, `handshake:error:protocol` when
 * it broke the protocol), then `disconnect`, and a dialer then retries;
 * the same on the accepting side.
 */
import { Buffer } from "node:buffer";
import * as net from "node:net";
import { eventName, eventsUntil, same, type Zmq } from "./differential.js";
import { greetingBytes } from "../zmtp/raw/raw-peer.js";

/** A ZMTP 3.0 greeting announcing `mechanism`, as a server. */
const greeting = (mechanism: string): Buffer => greetingBytes({ mechanism, minor: 0, asServer: 1 });

/**
 * What a Dealer dialing a raw TCP server reports when the server treats
 * its first connection with `first` (and closes the ones after it).
 */
async function dialerEvents(zmq: Zmq, first: (peer: net.Socket) => void, last: string): Promise<string[]> {
  let connections = 0;
  const server = net.createServer((peer) => {
    peer.on("error", () => undefined);
    if (connections++ === 0) first(peer);
    else peer.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const client = new zmq.Dealer({ reconnectInterval: 50 });
  try {
    const events = eventsUntil(client, last).then((seen) => seen.map(eventName));
    client.connect(`tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`);
    return await events;
  } finally {
    client.close();
    server.close();
  }
}

same("a server that closes the connection during the handshake: handshake:error:other EPIPE, disconnect, then a retry", (zmq) =>
  dialerEvents(zmq, (peer) => peer.once("data", () => peer.end()), "connect:retry"),
["connect:delay", "connect", "handshake:error:other:EPIPE", "disconnect", "connect:retry"]);

same("a server that resets the connection during the handshake: handshake:error:other ECONNRESET, disconnect, then a retry", (zmq) =>
  dialerEvents(zmq, (peer) => peer.once("data", () => peer.resetAndDestroy()), "connect:retry"),
["connect:delay", "connect", "handshake:error:other:ECONNRESET", "disconnect", "connect:retry"]);

same("a server of another mechanism: handshake:error:protocol ERR_ZMTP_MECHANISM_MISMATCH, then disconnect", (zmq) =>
  dialerEvents(zmq, (peer) => peer.write(greeting("PLAIN")), "disconnect"),
["connect:delay", "connect", "handshake:error:protocol:ERR_ZMTP_MECHANISM_MISMATCH", "disconnect"]);

same("a client that goes away during the handshake: accept, handshake:error:other EPIPE, disconnect", async (zmq) => {
  const server = new zmq.Dealer();
  try {
    await server.bind("tcp://127.0.0.1:*");
    const events = eventsUntil(server, "disconnect").then((seen) => seen.map(eventName));
    const port = Number(server.lastEndpoint!.split(":").pop());
    const peer = net.connect(port, "127.0.0.1", () => peer.end());
    peer.on("error", () => undefined);
    return await events;
  } finally {
    server.close();
  }
}, ["accept", "handshake:error:other:EPIPE", "disconnect"]);
