/**
 * Differential: the options of a closed socket. zeromq.js throws ENOTSOCK
 * on reading or setting any of them (a value of the wrong type is still a
 * TypeError first); the socket's state (`closed`, `readable`...) stays
 * readable. purezmq's own connections keep reading the options while they
 * linger after close(): a dialer closed with messages queued still
 * delivers them, reconnecting as its options say.
 */
import { LIBS, same, syncOutcome, type Zmq } from "./differential.js";
import { ipcTestPath } from "../support/ipc-path.js";

const NATIVE = LIBS[0]!.zmq;

const CLASSES = ["Dealer", "Router", "Publisher", "Subscriber", "XPublisher", "XSubscriber", "Request", "Reply", "Pull", "Push", "Pair", "Stream"] as const;

/** The names of the accessors zeromq.js's `cls` has, read from its prototype chain. */
function accessorsOf(socket: object): string[] {
  const names = new Set<string>();
  for (let p = Object.getPrototypeOf(socket) as object | null; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const name of Object.getOwnPropertyNames(p)) {
      const d = Object.getOwnPropertyDescriptor(p, name)!;
      if (d.get || d.set) names.add(name);
    }
  }
  return [...names].sort();
}

/** Every accessor of zeromq.js's socket of `cls`, checked on a closed socket of `zmq`: read, and set with each type. */
function closedOutcomes(zmq: Zmq, names: readonly string[], cls: (typeof CLASSES)[number]): Record<string, unknown> {
  const socket = new zmq[cls]() as unknown as Record<string, unknown> & { close(): void };
  socket.close();
  const seen: Record<string, unknown> = {};
  for (const name of names) {
    // The context is gone from a closed zeromq.js socket; purezmq keeps it (not an option).
    if (name === "context" || name === "events") continue;
    seen[`${name} read`] = syncOutcome(() => socket[name]);
    for (const value of [true, 1, "a", null]) {
      seen[`${name} = ${String(value)}`] = syncOutcome(() => {
        socket[name] = value;
      });
    }
  }
  return seen;
}

same("every option of a closed socket, read and set, type by type: ENOTSOCK after the type check", (zmq) => {
  const seen: Record<string, unknown> = {};
  for (const cls of CLASSES) {
    // The accessors zeromq.js defines, checked on each library's socket (purezmq's own options are not among them).
    const model = new NATIVE[cls]();
    model.close();
    seen[cls] = closedOutcomes(zmq, accessorsOf(model), cls);
  }
  return seen;
});

same("the options by number of a closed socket: ENOTSOCK", (zmq) => {
  const socket = new zmq.Dealer() as unknown as Record<string, (...a: unknown[]) => unknown> & { close(): void };
  socket.close();
  return [
    syncOutcome(() => socket.getInt32Option!(17)),
    syncOutcome(() => socket.setInt32Option!(17, 0)),
    syncOutcome(() => socket.setInt32Option!(17, "0")),
    syncOutcome(() => socket.getStringOption!(5)),
  ];
});

same("a socket closed with a message queued before its peer is up still delivers it, redialing as its options say", async (zmq, { closing }) => {
  // An ipc path no one else can take meanwhile (a tcp port freed here could be).
  const address = `ipc://${ipcTestPath("options-closed")}`;
  // Nobody listens yet: the push's dial fails after close() and it redials
  // every 20 ms (or its dial meets the late listener: a connection made
  // after close() then reads its settings).
  const push = new zmq.Push({ linger: 5000, reconnectInterval: 20, connectTimeout: 1000 });
  push.connect(address);
  await push.send("queued");
  push.close();
  const closedRead = syncOutcome(() => push.reconnectInterval);
  const late = closing(new zmq.Pull({ linger: 0 }));
  await late.bind(address);
  const [message] = await late.receive();
  return { closedRead, message: String(message) };
}, {
  closedRead: { threw: { name: "Error", message: "Socket operation on non-socket", code: "ENOTSOCK", errno: 88 } },
  message: "queued",
});
