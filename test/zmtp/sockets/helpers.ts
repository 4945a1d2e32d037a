/**
 * Shared helpers of the socket API tests: endpoints per transport, bounded
 * event waits, and cleanup that closes every socket a test made.
 */
import { randomBytes } from "node:crypto";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import type { EventType } from "../../../src/index.js";
import type { AnySocket as Socket } from "../../../src/zmtp/socket/socket.js";
import type { AnyEvent } from "../../support/sockets.js";
import { withDeadline } from "../../support/deadline.js";
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
      return `ipc://${join(tmpdir(), `purezmq-test-${name}.sock`)}`;
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
