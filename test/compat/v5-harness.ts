/**
 * The differential harness for the v5 API: one test body runs against the
 * native package's `zeromq/v5-compat` and against `purezmq/v5-compat`, and
 * must give the same outcome (see differential.ts). Helpers turn the v5
 * callbacks and events into promises a body can await.
 */
import { once } from "node:events";
import * as native from "zeromq/v5-compat.js";
import * as ours from "../../src/v5-compat/index.js";
import { differsAcross, sameAcross, type LibName, type Run } from "./differential.js";

/** The module a body gets, typed as purezmq's (the native one is cast to it). */
export type Zmq5 = typeof ours;
/** A v5 socket. */
export type Socket5 = ours.Socket;

/** Both v5 modules, native first. */
export const LIBS5: ReadonlyArray<{ readonly name: LibName; readonly zmq: Zmq5 }> = [
  { name: "zeromq", zmq: native as unknown as Zmq5 },
  { name: "purezmq", zmq: ours },
];

/** A test of one behaviour: both v5 modules must give the same outcome (`expected` pins the native one). */
export function same5<T>(title: string, body: (zmq: Zmq5, run: Run) => Promise<T> | T, expected?: NoInfer<T>): void {
  sameAcross(LIBS5, title, body, expected);
}

/** A test of a deliberate difference: each module's outcome must be its own documented value. */
export function differs5<T>(title: string, body: (zmq: Zmq5, run: Run) => Promise<T> | T, expected: Record<LibName, NoInfer<T>>, reason: string): void {
  differsAcross(LIBS5, title, body, expected, reason);
}

/** The parts of the next `message` event of `sock`, as strings. */
export async function nextMessage(sock: Socket5): Promise<string[]> {
  const parts = await once(sock, "message");
  return parts.map(String);
}

/**
 * The parts (as strings) of the next `count` messages of `sock`. Call it
 * before what makes them arrive: v5 sockets emit messages as they come,
 * to whoever listens then.
 */
export function messages(sock: Socket5, count: number): Promise<string[][]> {
  return new Promise((resolve) => {
    const got: string[][] = [];
    const listener = (...parts: Buffer[]): void => {
      got.push(parts.map(String));
      if (got.length < count) return;
      sock.off("message", listener);
      resolve(got);
    };
    sock.on("message", listener);
  });
}

/**
 * Resolves once `done()` holds, checking it now and after each `message`
 * event of `sock` (register the listener that records messages first).
 */
export function until(sock: Socket5, done: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (done()) return resolve();
    const listener = (): void => {
      if (!done()) return;
      sock.off("message", listener);
      resolve();
    };
    sock.on("message", listener);
  });
}

/** Binds `sock` to a free loopback port with a callback; resolves with the endpoint. */
export function bindFree(sock: Socket5): Promise<string> {
  return new Promise((resolve, reject) => {
    sock.bind("tcp://127.0.0.1:*", (err) => (err ? reject(err) : resolve(sock.last_endpoint as string)));
  });
}

/** A send with a callback, as a promise of the callback's error (undefined when sent). */
export function sendWithCallback(sock: Socket5, message: unknown, flags?: number): Promise<Error | undefined> {
  return new Promise((resolve) => sock.send(message as string, flags, resolve));
}
