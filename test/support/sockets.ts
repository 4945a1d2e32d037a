/** Test helpers shared by the purezmq socket tests. */
import type { Event, EventType, Proxy } from "../../src/index.js";
import type { AnySocket as Socket } from "../../src/zmtp/socket/socket.js";
import type { ReportedEvent } from "../../src/zmtp/events.js";
import { withDeadline } from "./deadline.js";

/**
 * An event with every detail any event type may carry, optional: the tests
 * read `error` on events whose public type has none (purezmq adds the
 * reason to `disconnect`).
 */
export type AnyEvent = Event & ReportedEvent;

/**
 * The next event of `type` (optionally matching `filter`), failing after
 * `ms`; `ms` 0 sets no deadline (the caller puts its own on the promise).
 * Call before the action that causes the event.
 */
export function nextEvent(socket: Socket, type: EventType, ms = 5000, filter?: (e: AnyEvent) => boolean): Promise<AnyEvent> {
  const event = new Promise<AnyEvent>((resolve) => {
    const listener = (e: AnyEvent): void => {
      if (filter && !filter(e)) return;
      socket.events.off(type, listener);
      resolve(e);
    };
    socket.events.on(type, listener);
  });
  return ms > 0 ? withDeadline(event, ms, `the "${type}" event`) : event;
}

/** Closes the socket when the test ends; returns it. */
export function closing<T extends Socket>(t: { after(fn: () => void): void }, s: T): T {
  t.after(() => s.close());
  return s;
}

/**
 * Ends `proxy` when the test ends, whatever happened: a running proxy is
 * terminated (its sockets' close() waits for that, as in zeromq.js), one
 * that never ran or has ended gets its sockets closed.
 */
export function endingProxy(t: { after(fn: () => void): void }, proxy: Proxy): Proxy {
  t.after(() => {
    try {
      proxy.terminate();
    } catch {
      // not running: nothing holds the sockets
    }
    proxy.frontEnd.close();
    proxy.backEnd.close();
  });
  return proxy;
}
