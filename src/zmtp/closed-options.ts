/**
 * The options of a closed socket, as zeromq.js has them: reading or
 * setting one throws ENOTSOCK, libzmq's answer for a closed socket.
 *
 * purezmq's own connections go on reading the socket's options after
 * close() while they linger (a dialer's reconnect interval, the settings
 * of a connection it makes to deliver what was queued): they read through
 * {@link ownOption} or inside {@link ownWork}, which the guard lets
 * through. JavaScript runs one thing at a time, so a counter tells the two
 * apart.
 */
import { ZmqError } from "./errors.js";
import { optionKindOf } from "./option-numbers.js";
import { checkOptionType, isVerbosity } from "./option-values.js";

/** Reads in progress on purezmq's own behalf (nested: a getter may read another option). */
let ownReads = 0;

/** @internal Runs `work`, which reads options for purezmq itself: allowed on a closed socket. */
export function ownWork<T>(work: () => T): T {
  ownReads++;
  try {
    return work();
  } finally {
    ownReads--;
  }
}

/** @internal Option `name` of `socket`, read for purezmq itself: allowed on a closed socket. */
export function ownOption<T extends object, K extends keyof T>(socket: T, name: K): T[K] {
  return ownWork(() => socket[name]);
}

/** Options zeromq.js defines without a setter, refused on a closed socket all the same. */
const READ_ONLY_OPTIONS = new Set(["type", "lastEndpoint", "securityMechanism", "threadSafe"]);

/** Prototypes whose accessors are guarded already. */
const guarded = new WeakSet<object>();

/**
 * @internal Makes the options of `proto` and of the prototypes it inherits
 * from refuse on a closed socket (`closed(socket)`): every accessor with a
 * setter (write-only ones too), and the read-only options of zeromq.js. A
 * value of the wrong type for one of zeromq.js's options is still a
 * TypeError first, as there.
 * Accessors without a setter are the socket's state (`closed`,
 * `readable`, `events`...) and stay readable, as in zeromq.js.
 */
export function guardClosedOptions(proto: object, closed: (socket: object) => boolean): void {
  for (let p = proto; p !== Object.prototype && !guarded.has(p); p = Object.getPrototypeOf(p) as object) {
    guarded.add(p);
    for (const name of Object.getOwnPropertyNames(p)) {
      const d = Object.getOwnPropertyDescriptor(p, name)!;
      const { get, set } = d;
      if (!set && !(get && READ_ONLY_OPTIONS.has(name))) continue;
      const refused = (socket: object): boolean => ownReads === 0 && closed(socket);
      Object.defineProperty(p, name, {
        configurable: d.configurable,
        enumerable: d.enumerable,
        get: get && function (this: object) {
          if (refused(this)) throw new ZmqError("ENOTSOCK");
          return get.call(this);
        },
        set: set && function (this: object, value: unknown) {
          if (refused(this)) {
            // zeromq.js's XPublisher drops a verbosity other than its three before libzmq sees it.
            if (name === "verbosity" && !isVerbosity(value)) return;
            // zeromq.js checks the value's type first; purezmq's own options have no such rule to follow.
            const kind = optionKindOf(name);
            if (kind) checkOptionType(kind, value);
            throw new ZmqError("ENOTSOCK");
          }
          set.call(this, value);
        },
      });
    }
  }
}
