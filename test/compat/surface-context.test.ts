/**
 * The Context of both libraries: the same options with the same defaults,
 * the same checks and errors, the same effect of `blocky` on new sockets.
 */
import { differs, same, thrown, type Zmq } from "./differential.js";
import { bodies } from "./surface-bodies.js";
import { sameInChild } from "./surface-child.js";

const bodiesUrl = new URL("./surface-bodies.js", import.meta.url).href;

/** Every Context option zeromq.js declares, read back. */
function readAll(ctx: InstanceType<Zmq["Context"]>): Record<string, unknown> {
  const names = [
    "blocky", "ioThreads", "maxMessageSize", "maxSockets", "maxSocketsLimit", "ipv6", "threadPriority", "threadSchedulingPolicy",
  ] as const;
  return Object.fromEntries(names.map((name) => [name, ctx[name] === undefined ? "undefined" : ctx[name]]));
}

same("a new Context has zeromq.js's defaults, and so has the default context", (zmq) => ({
  fresh: readAll(new zmq.Context()),
  shared: readAll(zmq.context),
  isContext: zmq.context instanceof zmq.Context,
}), {
  fresh: {
    blocky: true, ioThreads: 1, maxMessageSize: 2147483647, maxSockets: 1023, maxSocketsLimit: 65535, ipv6: false,
    threadPriority: "undefined", threadSchedulingPolicy: "undefined",
  },
  shared: {
    blocky: true, ioThreads: 1, maxMessageSize: 2147483647, maxSockets: 1023, maxSocketsLimit: 65535, ipv6: false,
    threadPriority: "undefined", threadSchedulingPolicy: "undefined",
  },
  isContext: true,
});

/** Values set on a fresh Context: what is read back, or what is thrown. */
const settings: ReadonlyArray<readonly [string, unknown]> = [
  ["blocky", false], ["blocky", 1], ["ipv6", true], ["ipv6", "x"],
  ["ioThreads", 0], ["ioThreads", 4], ["ioThreads", -1], ["ioThreads", "2"],
  ["maxSockets", 2.5], ["maxSockets", 0], ["maxSockets", -1], ["maxSockets", 1e9], ["maxSockets", null],
  ["maxMessageSize", 0], ["maxMessageSize", 100], ["maxMessageSize", -1], ["maxMessageSize", 2 ** 31],
  ["threadPriority", 1000], ["threadPriority", -5], ["threadPriority", "x"],
  ["threadSchedulingPolicy", 99], ["threadSchedulingPolicy", -5], ["threadSchedulingPolicy", true],
  ["maxSocketsLimit", 5],
];

same("Context options take the same values and refuse the same ones, with the same errors", (zmq) =>
  settings.map(([name, value]) => thrown(() => {
    const ctx = new zmq.Context() as unknown as Record<string, unknown>;
    ctx[name] = value;
    return ctx[name] === undefined ? "undefined" : ctx[name];
  })));

same("the Context constructor checks its arguments and applies its options the same way", (zmq) => {
  const make = (...args: unknown[]) => thrown(() => readAll(new (zmq.Context as new (...a: unknown[]) => InstanceType<Zmq["Context"]>)(...args)));
  return [
    make(undefined),
    make({ ioThreads: 2, blocky: false, maxSockets: 10, threadPriority: 1 }),
    make(Object.create({ ioThreads: 3 })),
    make([]),
    make(1),
    make(null),
    make("x"),
    make({}, 1),
  ];
});

sameInChild("Context options refused once the context exists throw the same errors", bodiesUrl, "contextOptions", bodies);

same("blocky false gives the sockets made afterwards a linger of 0", (zmq, { closing }) => {
  const ctx = new zmq.Context();
  const before = closing(new zmq.Dealer({ context: ctx }));
  ctx.blocky = false;
  const after = closing(new zmq.Dealer({ context: ctx }));
  const given = closing(new zmq.Dealer({ context: new zmq.Context({ blocky: false }) }));
  return { before: before.linger, after: after.linger, given: given.linger };
}, { before: -1, after: 0, given: 0 });

differs("maxSockets is reported but not enforced", (zmq, { closing }) => {
  const ctx = new zmq.Context({ maxSockets: 1 });
  closing(new zmq.Dealer({ context: ctx }));
  return thrown(() => closing(new zmq.Dealer({ context: ctx })).type);
}, {
  zeromq: { kind: "Error", message: "Too many open file descriptors", code: "EMFILE" },
  purezmq: { returned: 5 },
}, "a socket dropped without close() would count forever");
