/** Test helpers shared by the purezmq socket tests. */
import type { Event, EventType, Socket } from "../../src/index.js";
import { withDeadline } from "./deadline.js";

/**
 * The next event of `type` (optionally matching `filter`), failing after
 * `ms`; `ms` 0 sets no deadline (the caller puts its own on the promise).
 * Call before the action that causes the event.
 */
export function nextEvent(socket: Socket, type: EventType, ms = 5000, filter?: (e: Event) => boolean): Promise<Event> {
  const event = new Promise<Event>((resolve) => {
    const listener = (e: Event): void => {
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
