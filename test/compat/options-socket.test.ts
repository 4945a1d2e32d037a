/**
 * Differential: socket options as zeromq.js exposes them: defaults, the
 * options accepted though libzmq-only (reported back as set), type errors,
 * read-only and write-only options, the warning for a change that waits
 * for the next connect/bind, and high-water marks changed on live pipes.
 */
import { outcome, same, syncOutcome, type Zmq } from "./differential.js";

/** Options every socket type has in zeromq.js, with values other than their defaults. */
const SETTABLE: Record<string, unknown> = {
  affinity: 3, rate: 200, recoveryInterval: 5000, backlog: 5, tcpKeepalive: 1, tcpKeepaliveCount: 4,
  tcpKeepaliveIdle: 30, tcpKeepaliveInterval: 10, ipv6: true, typeOfService: 8, socksProxy: "127.0.0.1:1080",
  connectTimeout: 250, tcpMaxRetransmitTimeout: 1000, multicastMaxTransportDataUnit: 1400, interface: "lo",
  zapEnforceDomain: true, loopbackFastPath: true, sendBufferSize: 65536, receiveBufferSize: 65536, multicastHops: 2,
};

same("the defaults of the options zeromq.js gives every Dealer", (zmq, { closing }) => {
  const s = closing(new zmq.Dealer()) as unknown as Record<string, unknown>;
  return Object.fromEntries(Object.keys(SETTABLE).concat("threadSafe").map((k) => [k, s[k]]));
}, {
  affinity: 0, rate: 100, recoveryInterval: 10000, backlog: 100, tcpKeepalive: -1, tcpKeepaliveCount: -1,
  tcpKeepaliveIdle: -1, tcpKeepaliveInterval: -1, ipv6: false, typeOfService: 0, socksProxy: null, connectTimeout: 0,
  tcpMaxRetransmitTimeout: 0, multicastMaxTransportDataUnit: 1500, interface: null, zapEnforceDomain: false,
  loopbackFastPath: false, sendBufferSize: -1, receiveBufferSize: -1, multicastHops: 1, threadSafe: false,
});

same("those options are accepted, in the constructor and later, and read back as set", (zmq, { closing }) => {
  const viaConstructor = closing(new zmq.Dealer(SETTABLE as never)) as unknown as Record<string, unknown>;
  const viaSetter = closing(new zmq.Dealer()) as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(SETTABLE)) viaSetter[k] = v;
  const read = (s: Record<string, unknown>) => Object.fromEntries(Object.keys(SETTABLE).map((k) => [k, s[k]]));
  return { viaConstructor: read(viaConstructor), viaSetter: read(viaSetter) };
}, { viaConstructor: SETTABLE, viaSetter: SETTABLE });

same("a value of the wrong type throws zeromq.js's TypeError", (zmq, { closing }) => {
  const s = closing(new zmq.Dealer()) as unknown as Record<string, unknown>;
  return {
    number: syncOutcome(() => (s.reconnectInterval = "x")),
    boolean: syncOutcome(() => (s.immediate = 1)),
    string: syncOutcome(() => (s.routingId = 5)),
    hwm: syncOutcome(() => (s.sendHighWaterMark = "x")),
  };
}, {
  number: { threw: { name: "TypeError", message: "Option value must be a number" } },
  boolean: { threw: { name: "TypeError", message: "Option value must be a boolean" } },
  string: { threw: { name: "TypeError", message: "Option value must be a string or buffer" } },
  hwm: { threw: { name: "TypeError", message: "Option value must be a number" } },
});

/** Options that take effect at once (no connect/bind needed), by socket type: what each must be given. */
const IMMEDIATE: Record<string, Record<string, "number" | "boolean" | "string">> = {
  Dealer: { linger: "number", sendTimeout: "number", receiveTimeout: "number", conflate: "boolean" },
  Router: { mandatory: "boolean", handover: "boolean" },
  Request: { correlate: "boolean", relaxed: "boolean" },
  Publisher: { noDrop: "boolean", invertMatching: "boolean", conflate: "boolean" },
  Subscriber: { invertMatching: "boolean", conflate: "boolean" },
  XPublisher: { manual: "boolean", welcomeMessage: "string" },
  Stream: { notify: "boolean" },
};

/** A value of the wrong kind for each kind, and zeromq.js's TypeError for it. */
const WRONG = { number: "x", boolean: 1, string: 5 } as const;
const TYPE_ERROR = {
  number: { threw: { name: "TypeError", message: "Option value must be a number" } },
  boolean: { threw: { name: "TypeError", message: "Option value must be a boolean" } },
  string: { threw: { name: "TypeError", message: "Option value must be a string or buffer" } },
};

// Set only: a constructor that throws leaves zeromq.js's native socket open, which holds the process at exit.
same("the options that act at once (timeouts, linger, the patterns' flags) throw the same TypeError for a wrong type", (zmq, { closing }) => {
  const result: Record<string, unknown> = {};
  for (const [type, options] of Object.entries(IMMEDIATE)) {
    const make = (zmq as unknown as Record<string, new (options?: object) => { close(): void }>)[type]!;
    const s = closing(new make()) as unknown as Record<string, unknown>;
    for (const [name, kind] of Object.entries(options)) {
      result[`${type}.${name}`] = syncOutcome(() => (s[name] = WRONG[kind]));
    }
  }
  return result;
}, Object.fromEntries(Object.entries(IMMEDIATE).flatMap(([type, options]) =>
  Object.entries(options).map(([name, kind]) => [`${type}.${name}`, TYPE_ERROR[kind]]))));

same("read-only options throw on set; probeRouter and tcpAcceptFilter are write-only", (zmq, { closing }) => {
  const s = closing(new zmq.Router()) as unknown as Record<string, unknown>;
  return {
    type: syncOutcome(() => (s.type = 1)),
    threadSafe: syncOutcome(() => (s.threadSafe = true)),
    securityMechanism: syncOutcome(() => (s.securityMechanism = "plain")),
    lastEndpoint: syncOutcome(() => (s.lastEndpoint = "tcp://127.0.0.1:1")),
    probeRouterSet: syncOutcome(() => (s.probeRouter = true)),
    probeRouterRead: s.probeRouter === undefined,
    acceptFilterGet: syncOutcome(() => s.tcpAcceptFilter),
    acceptFilterSet: syncOutcome(() => (s.tcpAcceptFilter = "127.0.0.1")),
    acceptFilterGetAfterSet: syncOutcome(() => s.tcpAcceptFilter),
  };
}, {
  type: { threw: { name: "TypeError", message: "Cannot set property type of #<Socket> which has only a getter" } },
  threadSafe: { threw: { name: "TypeError", message: "Cannot set property threadSafe of #<Socket> which has only a getter" } },
  securityMechanism: { threw: { name: "TypeError", message: "Cannot set property securityMechanism of #<Socket> which has only a getter" } },
  lastEndpoint: { threw: { name: "TypeError", message: "Cannot set property lastEndpoint of #<Socket> which has only a getter" } },
  probeRouterSet: { returned: true },
  probeRouterRead: true,
  acceptFilterGet: { threw: { name: "Error", message: "Invalid argument", code: "EINVAL", errno: 22 } },
  acceptFilterSet: { returned: "127.0.0.1" },
  acceptFilterGetAfterSet: { threw: { name: "Error", message: "Invalid argument", code: "EINVAL", errno: 22 } },
});

/** Collects process warnings while `body` runs, and for one macrotask after (warnings are emitted on the next tick). */
async function warningsDuring(body: () => Promise<void> | void): Promise<string[]> {
  const seen: string[] = [];
  const listener = (w: Error) => seen.push(w.message);
  process.on("warning", listener);
  try {
    await body();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off("warning", listener);
  }
  return seen;
}

same("changing a connect/bind-time option on a bound or connected socket warns; immediate ones do not", async (zmq, { closing }) => {
  const bound = closing(new zmq.Dealer());
  const fresh = closing(new zmq.Dealer());
  const connected = closing(new zmq.Dealer());
  const beforeBind = await warningsDuring(() => {
    fresh.reconnectInterval = 5;
    fresh.routingId = "x";
  });
  await bound.bind("tcp://127.0.0.1:*");
  connected.connect(bound.lastEndpoint!);
  const deferred = await warningsDuring(() => {
    bound.reconnectInterval = 5;
    bound.routingId = "x";
    bound.plainUsername = "user";
    connected.tcpKeepalive = 1;
  });
  const immediate = await warningsDuring(() => {
    bound.sendHighWaterMark = 5;
    bound.receiveHighWaterMark = 5;
    bound.linger = 5;
    bound.sendTimeout = 5;
    bound.receiveTimeout = 5;
  });
  return { beforeBind, deferred, immediate };
}, {
  beforeBind: [],
  deferred: Array(4).fill("Socket option will not take effect until next connect/bind."),
  immediate: [],
});

/**
 * How many messages a Push queues (sendTimeout 0) to a Pull that does not
 * read, over inproc, when its send mark is set after connect: libzmq's
 * inproc pipe holds the new send mark plus the Pull's receive mark.
 */
async function burst(zmq: Zmq, closing: <S extends { close(): void }>(s: S) => S, name: string, mark: number): Promise<number> {
  // linger 0: the unread messages must not hold the process at exit.
  const pull = closing(new zmq.Pull({ linger: 0 }));
  const push = closing(new zmq.Push({ sendTimeout: 0, linger: 0 }));
  await pull.bind(`inproc://${name}`);
  push.connect(`inproc://${name}`);
  push.sendHighWaterMark = mark;
  let sent = 0;
  while (sent < 10_000 && (await outcome(() => push.send("m"))).returned !== undefined) sent++;
  return sent;
}

same("a send high-water mark raised after connect applies to the existing pipe: a burst beyond the old mark passes", async (zmq, { closing }) => {
  return burst(zmq, closing, "options-hwm-raised", 5000);
}, 6000);

same("a send high-water mark lowered after connect applies to the existing pipe", async (zmq, { closing }) => {
  return burst(zmq, closing, "options-hwm-lowered", 10);
}, 1010);

same("probeRouter: a Dealer's new connection first sends an empty message", async (zmq, { closing }) => {
  const router = closing(new zmq.Router());
  const dealer = closing(new zmq.Dealer({ routingId: "probe" }));
  (dealer as unknown as { probeRouter: boolean }).probeRouter = true;
  await router.bind("tcp://127.0.0.1:*");
  dealer.connect(router.lastEndpoint!);
  const probe = (await router.receive()).map(String);
  await dealer.send("after");
  return { probe, next: (await router.receive()).map(String) };
}, { probe: ["probe", ""], next: ["probe", "after"] });

same("with ipv6, bind to tcp://*:0 listens on IPv6 too", async (zmq, { closing }) => {
  const server = closing(new zmq.Dealer({ ipv6: true }));
  const client = closing(new zmq.Dealer({ ipv6: true }));
  await server.bind("tcp://*:0");
  const port = /:(\d+)$/.exec(server.lastEndpoint!)![1];
  client.connect(`tcp://[::1]:${port}`);
  await client.send("v6");
  return (await server.receive()).map(String);
}, ["v6"]);
