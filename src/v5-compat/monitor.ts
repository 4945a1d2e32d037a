/**
 * The v5 API's monitor: the socket's events, re-emitted on the v5 socket
 * under the v5 names, each as `(value, address, error)`. v5 code listens
 * for `connect`, `accept`, `listen`, `disconnect`, `close`... on the
 * socket itself after calling `monitor()`.
 */
import type { Event } from "../zmtp/events.js";
import { Observer } from "../zmtp/observer.js";
import type { Socket as CoreSocket } from "../zmtp/socket/socket.js";

/** The v5 name of each event the v5 API reports; the others (handshakes...) are not reported. */
const V5_NAME: Readonly<Partial<Record<Event["type"], string>>> = {
  connect: "connect",
  "connect:delay": "connect_delay",
  "connect:retry": "connect_retry",
  bind: "listen",
  "bind:error": "bind_error",
  accept: "accept",
  "accept:error": "accept_error",
  close: "close",
  "close:error": "close_error",
  disconnect: "disconnect",
};

/** Where the monitor reports: the v5 socket's emit. */
export type MonitorSink = (name: string, value: number | undefined, address: string, error: Error | undefined) => void;

/** The v5 details of an event: the retry interval, or an error and its errno (0 without one). */
function detailsOf(event: Event): { value: number | undefined; error: Error | undefined } {
  if (event.type === "connect:retry") return { value: event.interval, error: undefined };
  if (event.type === "bind:error" || event.type === "accept:error" || event.type === "close:error") {
    return { value: event.error ? event.error.errno : 0, error: event.error };
  }
  return { value: undefined, error: undefined };
}

/**
 * Starts reading the events of `socket` (from now on) into `sink` until
 * the socket closes or the returned observer is closed (`unmonitor()`).
 * A failure to read goes to `onError` unless the socket is closed.
 */
export function startMonitor(socket: CoreSocket, sink: MonitorSink, onError: (err: unknown) => void): Observer {
  const observer = new Observer(socket);
  void (async () => {
    while (!observer.closed) {
      let event: Event;
      try {
        event = await observer.receive();
      } catch (err) {
        if (!socket.closed && !observer.closed) onError(err);
        continue;
      }
      if (event.type === "end") return;
      const name = V5_NAME[event.type];
      if (name === undefined) continue;
      const { value, error } = detailsOf(event);
      sink(name, value, (event as { address: string }).address, error);
    }
  })();
  return observer;
}
