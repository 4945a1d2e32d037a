/**
 * Differential: zeromq.js's protected methods for options by libzmq number
 * (`getBoolOption(39)`, `setInt32Option(19, 75)`, `getStringOption(5)`...),
 * through which a subclass reaches an option, on sockets and contexts; and
 * the defaults they read, type by type.
 */
import { Buffer } from "node:buffer";
import { differs, same, syncOutcome, type Zmq } from "./differential.js";

/** The value types of the methods, as their names spell them. */
const TYPES = ["Bool", "Int32", "Uint32", "Int64", "Uint64", "String"] as const;
type OptionType = (typeof TYPES)[number];

/** The octets libzmq checks a value's length against: a method reaches the options of its size. */
function size(type: OptionType): string {
  return type === "String" ? "text" : type.endsWith("64") ? "8" : "4";
}

/** The option numbers zeromq.js gives a property, with their type. */
const OPTIONS: ReadonlyArray<readonly [number, OptionType]> = [
  [4, "Uint64"], [5, "String"], [8, "Int32"], [9, "Int32"], [11, "Int32"], [12, "Int32"], [16, "Int32"], [17, "Int32"],
  [18, "Int32"], [19, "Int32"], [21, "Int32"], [22, "Int64"], [23, "Int32"], [24, "Int32"], [25, "Int32"], [27, "Int32"],
  [28, "Int32"], [32, "String"], [34, "Int32"], [35, "Int32"], [36, "Int32"], [37, "Int32"], [38, "String"], [39, "Bool"],
  [42, "Bool"], [43, "Int32"], [44, "Bool"], [45, "String"], [46, "String"], [47, "Bool"], [48, "String"], [49, "String"],
  [50, "String"], [55, "String"], [57, "Uint32"], [66, "Int32"], [68, "String"], [75, "Int32"], [76, "Int32"],
  [77, "Int32"], [79, "Int32"], [80, "Int32"], [81, "Bool"], [84, "Int32"], [92, "String"], [93, "Bool"], [94, "Bool"],
];

/** Values to write of an option's type, a few past its range. */
function valuesOf(type: OptionType): unknown[] {
  if (type === "String") return ["abc", null, Buffer.from("xy")];
  if (type === "Bool") return [true, false];
  return [0, 1, 7, -1, 2 ** 40];
}

const CLASSES = ["Dealer", "Router", "Publisher", "Subscriber", "XPublisher", "XSubscriber", "Request", "Reply", "Pull", "Push", "Pair", "Stream"] as const;

/**
 * The outcome of a call, errors by their code: the messages of refused
 * values are the properties' own, checked in options-values.test.ts
 * (purezmq's say what is wrong with a CURVE key where zeromq.js says
 * "Invalid argument").
 */
function coded(fn: () => unknown): unknown {
  const seen = syncOutcome(fn);
  return "threw" in seen ? { threw: (seen.threw as { code?: unknown; name?: unknown }).code ?? (seen.threw as { name?: unknown }).name } : seen;
}

/** Calls zeromq.js's protected method `name` of `target`. */
function call(target: object, name: string, ...args: unknown[]): unknown {
  return (target as Record<string, (...a: unknown[]) => unknown>)[name]!.call(target, ...args);
}

same("every option by number, read with each method of its size, on every socket type", (zmq) => {
  const seen: Record<string, unknown> = {};
  for (const cls of CLASSES) {
    const socket = new zmq[cls]();
    try {
      for (const [option, own] of OPTIONS) {
        for (const type of TYPES) {
          if (size(type) === size(own)) seen[`${cls} get${type}Option(${option})`] = coded(() => call(socket, `get${type}Option`, option));
        }
      }
    } finally {
      socket.close();
    }
  }
  return seen;
});

same("every option by number, written with each method of its size and read back", (zmq) => {
  const seen: Record<string, unknown> = {};
  for (const cls of ["Dealer", "Subscriber", "Router"] as const) {
    for (const [option, own] of OPTIONS) {
      for (const value of valuesOf(own)) {
        for (const type of TYPES) {
          if (size(type) !== size(own)) continue;
          const socket = new zmq[cls]();
          try {
            seen[`${cls} set${type}Option(${option}, ${String(value)})`] = coded(() => {
              call(socket, `set${type}Option`, option, value);
              return call(socket, `get${own}Option`, option);
            });
          } finally {
            socket.close();
          }
        }
      }
    }
  }
  return seen;
});

same("a value of the wrong JavaScript type, an unknown number, a read-only option", (zmq) => {
  const socket = new zmq.Dealer();
  try {
    return {
      boolAsNumber: syncOutcome(() => call(socket, "setBoolOption", 39, 1)),
      numberAsText: syncOutcome(() => call(socket, "setInt32Option", 19, "75")),
      textAsNumber: syncOutcome(() => call(socket, "setStringOption", 5, 5)),
      unknown: syncOutcome(() => call(socket, "getInt32Option", 1000)),
      setType: syncOutcome(() => call(socket, "setInt32Option", 16, 1)),
      mechanism: syncOutcome(() => call(socket, "getInt32Option", 43)),
    };
  } finally {
    socket.close();
  }
});

/** What a call refused with EINVAL gives. */
const EINVAL: Record<string, unknown> = { threw: { name: "Error", message: "Invalid argument", code: "EINVAL", errno: 22 } };

same("the calls zeromq.js makes itself: subscribe and unsubscribe (6, 7), XPUB verbosity (40)", async (zmq) => {
  const pub = new zmq.XPublisher({ linger: 0 });
  const sub = new zmq.Subscriber({ linger: 0 });
  try {
    // Verbose: the second subscription to "a" is passed on too.
    call(pub, "setBoolOption", 40, true);
    await pub.bind("tcp://127.0.0.1:*");
    sub.connect(pub.lastEndpoint!);
    // Once connected (its first subscription has arrived), each call is a message.
    call(sub, "setStringOption", 6, "b");
    await pub.receive();
    call(sub, "setStringOption", 6, "a");
    call(sub, "setStringOption", 6, "a");
    call(sub, "setStringOption", 7, "a");
    call(sub, "setStringOption", 7, "a");
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) seen.push((await pub.receive())[0]!.toString("latin1"));
    return seen;
  } finally {
    sub.close();
    pub.close();
  }
}, ["\u0001a", "\u0001a", "\u0000a"]);

same("the context's options by number", (zmq: Zmq): Record<string, unknown> => {
  const context = new zmq.Context();
  return {
    ioThreads: syncOutcome(() => call(context, "getInt32Option", 1)),
    setIoThreads: syncOutcome(() => (call(context, "setInt32Option", 1, 3), call(context, "getInt32Option", 1))),
    maxSocketsLimit: syncOutcome(() => call(context, "getInt32Option", 3)),
    blocky: syncOutcome(() => call(context, "getBoolOption", 70)),
    setBlocky: syncOutcome(() => (call(context, "setBoolOption", 70, false), call(context, "getBoolOption", 70))),
    ipv6AsInt: syncOutcome(() => call(context, "getInt32Option", 42)),
    unknown: syncOutcome(() => call(context, "getInt32Option", 99)),
    wrongType: syncOutcome(() => call(context, "setBoolOption", 70, 1)),
  };
});

same("linger by default, type by type: 0 for a Subscriber and an XSubscriber, as libzmq's XSUB", (zmq) =>
  CLASSES.map((cls) => {
    const socket = new zmq[cls]();
    try {
      return `${cls} ${socket.linger}`;
    } finally {
      socket.close();
    }
  }));

differs("invertMatching (74) by number on a socket type that has no such property", (zmq): Record<string, unknown> => {
  const socket = new zmq.Dealer();
  try {
    return syncOutcome(() => call(socket, "getBoolOption", 74));
  } finally {
    socket.close();
  }
}, { zeromq: { returned: false }, purezmq: EINVAL },
"purezmq's options by number are its properties: a type that has no such option refuses it (EINVAL), where libzmq keeps every option on every socket");
