/**
 * What a purezmq ws:// listener does with its own TCP sockets, watched from
 * the listener's side (node:diagnostics_channel's `net.server.socket`): a
 * peer it refused is dropped at once even when it reads nothing, with what
 * waits for it, and within a second when it never answers the close; a
 * listener that stops ends the connections still in their HTTP request.
 */
import { test, type TestContext } from "node:test";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { connect, type Socket as NetSocket } from "node:net";
import { Router } from "../../src/index.js";
import { bindResolved, nextEvent, track, withDeadline } from "../zmtp/sockets/helpers.js";
import type WebSocket from "ws";
import { rawPeer } from "./zws-raw-peer.js";

/** The listener's side of the next TCP connection accepted on `port`. */
function acceptedOn(port: number): Promise<NetSocket> {
  return new Promise((resolve) => {
    const seen = (message: unknown): void => {
      const { socket } = message as { socket: NetSocket };
      if (socket.localPort !== port) return;
      unsubscribe("net.server.socket", seen);
      resolve(socket);
    };
    subscribe("net.server.socket", seen);
  });
}

/**
 * Resolves once, after a write, over 64 KiB of what was written is still
 * unsent: the peer's buffers and the kernel's are full. (Looked at once the
 * write is done: the `ws` package corks a frame's header and body together.)
 */
function backedUp(socket: NetSocket): Promise<void> {
  return new Promise((resolve) => {
    const write = socket.write;
    socket.write = function (this: NetSocket, ...args: unknown[]): boolean {
      setImmediate(() => {
        if (socket.write !== write && this.writableLength > 1 << 16) {
          socket.write = write;
          resolve();
        }
      });
      return (write as (...a: unknown[]) => boolean).apply(this, args);
    };
  });
}

/**
 * A ROUTER on ws:// with a 1000-octet maxMessageSize and a raw peer of it,
 * handshaken and then paused (it reads nothing from then on), with the
 * listener's side of the peer's TCP connection.
 */
async function pausedPeer(t: TestContext): Promise<{ router: Router; attacker: WebSocket; serverSide: NetSocket }> {
  const [router] = track(t, new Router({ maxMessageSize: 1000 }));
  const endpoint = await bindResolved(router, "ws://127.0.0.1:0");
  const accepted = acceptedOn(Number(new URL(endpoint).port));
  const handshaken = nextEvent(router, "handshake");
  const attacker = await rawPeer(endpoint);
  t.after(() => attacker.terminate());
  const serverSide = await accepted;
  await handshaken;
  attacker.pause();
  return { router, attacker, serverSide };
}

/** The peer sends a message over maxMessageSize; resolves once the listener has dropped its connection. */
async function refusedAndDropped(attacker: WebSocket, serverSide: NetSocket): Promise<void> {
  const dropped = new Promise((resolve) => serverSide.once("close", resolve));
  attacker.send(Buffer.concat([Buffer.from([0x00]), Buffer.alloc(5000)]));
  await withDeadline(dropped, 5000, "the listener to drop the connection");
}

test("a refused peer that reads nothing is dropped at once, with what waits for it, not held until it reads", async (t) => {
  const { router, attacker, serverSide } = await pausedPeer(t);
  const full = backedUp(serverSide);
  const body = Buffer.alloc(1 << 20);
  for (let i = 0; i < 64; i++) router.send(["raw", body]).catch(() => {});
  await withDeadline(full, 5000, "the peer's buffers to fill");
  await refusedAndDropped(attacker, serverSide);
});

test("a refused peer that never answers the close is dropped within the grace, not after the 30 s closing handshake", async (t) => {
  const { attacker, serverSide } = await pausedPeer(t);
  // Nothing waits for it but the close frame, which the kernel takes: a
  // paused client never reads it, so never sends its own.
  await refusedAndDropped(attacker, serverSide);
});

test("a ws:// listener that stops ends the TCP connections still without an upgrade", async (t) => {
  const [router] = track(t, new Router());
  const endpoint = await bindResolved(router, "ws://127.0.0.1:0");
  const port = Number(new URL(endpoint).port);
  const accepted = acceptedOn(port);
  const raw = connect(port, "127.0.0.1");
  raw.on("error", () => undefined);
  raw.resume();
  t.after(() => raw.destroy());
  await accepted;
  const gone = new Promise((resolve) => raw.once("close", resolve));
  await router.unbind(endpoint);
  // Not the 30 s of the default handshakeInterval.
  await withDeadline(gone, 5000, "the listener to end the connection");
});
