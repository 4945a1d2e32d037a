/**
 * Socket events of an RPC object whose socket is replaced (after timeouts,
 * or after a refusal): listeners added here move to each new socket, so
 * they keep hearing `connect`, `disconnect`, `handshake:error:auth`... for
 * as long as the client lives, where listeners on `client.socket.events`
 * end with that socket.
 *
 * @module
 */
import type { EventOfType, EventSubscriber, EventType } from "../zmtp/events.js";

/** A socket with events, as each RPC socket has. */
interface Observable {
  readonly events: EventSubscriber;
}

type Listener = (data: never) => void;

/** Listeners by event type, attached to whichever socket is current. */
export class SocketEvents implements EventSubscriber {
  readonly #listeners = new Map<EventType, Set<Listener>>();
  #current: Observable | undefined;

  /** Calls `listener` with every event of `type` of this socket and of every later one. */
  on<E extends EventType>(type: E, listener: (data: EventOfType<E>) => void): EventSubscriber {
    let set = this.#listeners.get(type);
    if (set === undefined) this.#listeners.set(type, (set = new Set()));
    if (!set.has(listener as Listener)) {
      set.add(listener as Listener);
      this.#current?.events.on(type, listener);
    }
    return this;
  }

  /** Removes a listener added with `on`, from the current socket too. */
  off<E extends EventType>(type: E, listener: (data: EventOfType<E>) => void): EventSubscriber {
    if (this.#listeners.get(type)?.delete(listener as Listener)) this.#current?.events.off(type, listener);
    return this;
  }

  /** The socket is now `socket`: every listener follows (the old socket's observer ends with it). */
  follow(socket: Observable): void {
    this.#current = socket;
    for (const [type, set] of this.#listeners) for (const listener of set) socket.events.on(type, listener as (data: EventOfType<typeof type>) => void);
  }
}
