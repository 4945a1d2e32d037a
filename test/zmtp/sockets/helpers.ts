/**
 * Shared helpers of the socket API tests: endpoints per transport, bounded
 * event waits, and cleanup that closes every socket a test made.
 */
import { randomBytes } from "node:crypto";
import * as net from "node:net";
import type { TestContext } from "node:test";
import assert from "node:assert/strict";
import { Router, type EventType } from "../../../src/index.js";
import type { AnySocket as Socket } from "../../../src/zmtp/socket/socket.js";
import type { AnyEvent } from "../../support/sockets.js";
import { withDeadline } from "../../support/deadline.js";
import { ipcTestPath } from "../../support/ipc-path.js";
import { nextEvent as nextEventOf } from "../../support/sockets.js";
export { withDeadline } from "../../support/deadline.js";
export { nextEvent } from "../../support/sockets.js";

/** The transports every socket supports. */
export type Transport = "tcp" | "ipc" | "inproc";
export const TRANSPORTS: Transport[] = ["tcp", "ipc", "inproc"];

/** A fresh bind address: an ephemeral tcp port, a random ipc path, a random inproc name. */
export function bindAddress(transport: Transport): string {
  const name = randomBytes(6).toString("hex");
  switch (transport) {
    case "tcp":
      return "tcp://127.0.0.1:0";
    case "ipc":
      return `ipc://${ipcTestPath()}`;
    case "inproc":
      return `inproc://test-${name}`;
  }
}

/** Binds and returns the address peers connect to. */
export async function bindResolved(socket: Socket, address: string): Promise<string> {
  await socket.bind(address);
  if (!socket.lastEndpoint) throw new Error(`no lastEndpoint after binding ${address}`);
  return socket.lastEndpoint;
}

/** Closes the sockets when the test ends, whatever its outcome. */
export function track<T extends Socket[]>(t: TestContext, ...sockets: T): T {
  t.after(() => {
    for (const s of sockets) s.close();
  });
  return sockets;
}

/** Resolves once `count` events of `type` were seen. */
export function events(socket: Socket, type: EventType, count: number, ms = 5000): Promise<AnyEvent[]> {
  const seen: AnyEvent[] = [];
  return withDeadline(
    new Promise<AnyEvent[]>((resolve) => {
      const listener = (event: AnyEvent): void => {
        seen.push(event);
        if (seen.length < count) return;
        socket.events.off(type, listener);
        resolve(seen);
      };
      socket.events.on(type, listener);
    }),
    ms,
    `${count} "${type}" events`,
  );
}

/** A tcp port that was free a moment ago (for tests that must connect before anyone binds). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Lets every pending nextTick and promise job run (inproc moves messages once per tick). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The text of each part. */
export function texts(msg: Buffer[]): string[] {
  return msg.map((p) => p.toString());
}

/** Follows a promise so a test can ask later whether it has settled. */
export function watch<T>(promise: Promise<T>): { readonly settled: boolean; readonly promise: Promise<T> } {
  const state = { settled: false, promise };
  promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}

/**
 * Calls `send` every millisecond or so until `received` settles, at most
 * 2000 times: a subscription travels after the connection, so what is
 * published before it arrives is dropped. Resolves with `received`.
 */
export async function publishUntil<T>(received: Promise<T>, send: (round: number) => unknown, what = "a published message"): Promise<T> {
  let done = false;
  void received.then(() => (done = true), () => (done = true));
  for (let i = 0; !done && i < 2000; i++) {
    await send(i);
    // A timer, not setImmediate: Deno runs immediates before polling for I/O.
    await new Promise((r) => setTimeout(r, 1));
  }
  return withDeadline(received, 5000, what);
}

/**
 * `dealer` connects to a ROUTER bound at `address`; that router goes away
 * and a new one binds the same endpoint: the dealer reconnects by itself
 * and its next message reaches the new router.
 */
export async function checkReconnection(t: TestContext, dealer: Socket, address: string): Promise<void> {
  const first = track(t, new Router())[0];
  const endpoint = await bindResolved(first, address);
  dealer.connect(endpoint);
  await dealer.send("one");
  assert.equal((await withDeadline(first.receive(), 5000, "the first message"))[1]!.toString(), "one");
  const gone = nextEventOf(dealer, "disconnect");
  first.close();
  await gone;
  const second = track(t, new Router())[0];
  const back = nextEventOf(dealer, "handshake");
  await second.bind(endpoint);
  await back;
  await dealer.send("two");
  assert.equal((await withDeadline(second.receive(), 5000, "the message after reconnection"))[1]!.toString(), "two");
}
