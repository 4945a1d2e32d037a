/**
 * The v5 API's surface and options, differentially: the exported names
 * and constants, the short option names, options read and set by name, by
 * ZMQ_* number and as properties, createSocket's options, and the errors
 * of unknown and refused options and of other misuse.
 */
import { syncOutcome, thrown } from "./differential.js";
import { same5, type Socket5, type Zmq5 } from "./v5-harness.js";

same5("the module exports the same names, and the same ZMQ_* and STATE_* constants", (zmq) => {
  // `default` and `__esModule` are what importing a CommonJS module adds to its namespace.
  const names = Object.keys(zmq).filter((k) => k !== "default" && k !== "__esModule").sort();
  const constants = Object.fromEntries(Object.entries(zmq).filter(([k]) => /^(ZMQ|STATE)_/.test(k)));
  const kinds = Object.fromEntries(names.filter((k) => !(k in constants)).map((k) => [k, typeof (zmq as Record<string, unknown>)[k]]));
  return { count: names.length, constants, kinds, socketIsCreateSocket: zmq.socket === zmq.createSocket };
});

same5("options: the short names and the ZMQ_* numbers they stand for", (zmq) => zmq.options);

/** Reads and sets options on a fresh socket of `type`: the value read back after each change. */
function roundTrips(zmq: Zmq5, type: string, steps: Array<[number | string, unknown]>): unknown[] {
  const sock = zmq.socket(type as "dealer");
  try {
    return steps.map(([option, value]) => {
      const before = sock.getsockopt(option as number);
      sock.setsockopt(option as number, value);
      return [before, sock.getsockopt(option as number)];
    });
  } finally {
    sock.close();
  }
}

same5("setsockopt/getsockopt by ZMQ_* number: defaults and values read back", (zmq) =>
  roundTrips(zmq, "dealer", [
    [zmq.ZMQ_IDENTITY, "abc"],
    [zmq.ZMQ_LINGER, 250],
    [zmq.ZMQ_SNDHWM, 42],
    [zmq.ZMQ_RCVHWM, 43],
    [zmq.ZMQ_RECONNECT_IVL, 321],
    [zmq.ZMQ_RECONNECT_IVL_MAX, 1000],
    [zmq.ZMQ_BACKLOG, 7],
    [zmq.ZMQ_RATE, 9],
    [zmq.ZMQ_MAXMSGSIZE, 1 << 20],
    [zmq.ZMQ_RCVTIMEO, 50],
    [zmq.ZMQ_SNDTIMEO, 60],
    [zmq.ZMQ_HEARTBEAT_IVL, 100],
    [zmq.ZMQ_HEARTBEAT_TTL, 200],
    [zmq.ZMQ_HEARTBEAT_TIMEOUT, 300],
    [zmq.ZMQ_CONNECT_TIMEOUT, 500],
    [zmq.ZMQ_ZAP_DOMAIN, "domain"],
    [zmq.ZMQ_AFFINITY, 3],
    [zmq.ZMQ_TCP_KEEPALIVE, 1],
    [zmq.ZMQ_TCP_KEEPALIVE_IDLE, 30],
    [zmq.ZMQ_IPV6, 1],
    [zmq.ZMQ_IPV4ONLY, 1],
    [zmq.ZMQ_DELAY_ATTACH_ON_CONNECT, true],
  ]),
[
  [null, "abc"], [-1, 250], [1000, 42], [1000, 43], [100, 321], [0, 1000], [100, 7], [100, 9], [-1, 1 << 20],
  [-1, 50], [-1, 60], [0, 100], [0, 200], [-1, 300], [0, 500], [null, "domain"], [0, 3], [-1, 1], [-1, 30],
  [0, 1], [false, true], [0, 1],
]);

same5("options by short name and as properties (a string property is set as its bytes)", (zmq) => {
  const names = ["identity", "linger", "reconnect_ivl", "backlog", "rate", "heartbeat_ivl", "connect_timeout", "zap_domain", "affinity"] as const;
  const values: Record<string, unknown> = { identity: "id-1", linger: 0, reconnect_ivl: 50, backlog: 5, rate: 7, heartbeat_ivl: 10, connect_timeout: 99, zap_domain: "z", affinity: 2 };
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const byName = zmq.socket("dealer");
    const byProperty = zmq.socket("dealer");
    byName.setsockopt(name, values[name]);
    (byProperty as Socket5)[name] = values[name];
    out[name] = [byName.getsockopt(name), byProperty[name]];
    byName.close();
    byProperty.close();
  }
  return out;
}, {
  identity: ["id-1", "id-1"], linger: [0, 0], reconnect_ivl: [50, 50], backlog: [5, 5], rate: [7, 7],
  heartbeat_ivl: [10, 10], connect_timeout: [99, 99], zap_domain: ["z", "z"], affinity: [2, 2],
});

same5("read-only and computed options: type, events, last_endpoint, mechanism after PLAIN credentials", (zmq, { closing }) => {
  const sock = closing(zmq.socket("dealer"));
  const before = { type: sock.getsockopt(zmq.ZMQ_TYPE), events: sock._ioevents, lastEndpoint: sock.last_endpoint, mechanism: sock.mechanism };
  sock.plain_username = "user";
  sock.plain_password = "secret";
  const pub = closing(zmq.socket("xpub"));
  pub.setsockopt(zmq.ZMQ_XPUB_VERBOSE, 1);
  return { before, mechanism: sock.mechanism, username: sock.plain_username, plainServer: sock.plain_server, xpubType: pub.getsockopt(zmq.ZMQ_TYPE) };
}, {
  before: { type: 5, events: 0, lastEndpoint: null, mechanism: 0 },
  mechanism: 1,
  username: "user",
  plainServer: 0,
  xpubType: 9,
});

same5("createSocket's options: short names set options, other keys become properties", (zmq, { closing }) => {
  const sock = closing(zmq.createSocket("router", { identity: "rid", linger: 0, custom: "kept" }));
  return { identity: sock.identity, linger: sock.linger, custom: sock.custom, type: sock.type };
}, { identity: "rid", linger: 0, custom: "kept", type: "router" });

same5("options: unknown, refused and badly typed ones throw", (zmq, { closing }) => {
  const sock = closing(zmq.socket("dealer"));
  return {
    unknownName: thrown(() => sock.getsockopt("nope" as "linger")),
    unknownNumber: thrown(() => sock.setsockopt(9999, 1)),
    setReadOnly: thrown(() => sock.setsockopt(zmq.ZMQ_TYPE, 1)),
    receiveMore: thrown(() => sock.getsockopt(zmq.ZMQ_RCVMORE)),
    fd: thrown(() => sock._fd),
    routerRaw: thrown(() => sock.setsockopt(zmq.ZMQ_ROUTER_RAW, 1)),
    xpubVerbose: thrown(() => sock.getsockopt(zmq.ZMQ_XPUB_VERBOSE)),
    handoverRead: thrown(() => sock.getsockopt(zmq.ZMQ_ROUTER_HANDOVER)),
    wrongType: thrown(() => sock.setsockopt("reconnect_ivl", "soon")),
    wrongTypeNumber: thrown(() => sock.setsockopt(zmq.ZMQ_SNDHWM, "many")),
  };
}, {
  unknownName: { kind: "Error", message: "Unknown option" },
  unknownNumber: { kind: "Error", message: "Unknown option" },
  setReadOnly: { kind: "Error", message: "Unknown option" },
  receiveMore: { kind: "Error", message: "ZMQ_RCVMORE is not supported in compatibility mode" },
  fd: { kind: "Error", message: "ZMQ_FD is not supported in compatibility mode" },
  routerRaw: { kind: "Error", message: "ZMQ_ROUTER_RAW is not supported in compatibility mode" },
  xpubVerbose: { kind: "Error", message: "Reading ZMQ_XPUB_VERBOSE is not supported" },
  handoverRead: { kind: "Error", message: "Unknown option" },
  wrongType: { kind: "TypeError", message: "Option value must be a number" },
  wrongTypeNumber: { kind: "TypeError", message: "Option value must be a number" },
});

same5("misuse: unknown socket types, read(), subscribe on a non-SUB, new Context(), a proxy of unsupported types", (zmq) => {
  const dealer = zmq.socket("dealer");
  const req = zmq.socket("req");
  const rep = zmq.socket("rep");
  try {
    return {
      badType: thrown(() => zmq.socket("nope" as "req")),
      read: thrown(() => dealer.read()),
      subscribe: thrown(() => dealer.subscribe("x")),
      unsubscribe: thrown(() => dealer.unsubscribe("x")),
      context: thrown(() => new zmq.Context()),
      proxy: thrown(() => zmq.proxy(req, rep)),
    };
  } finally {
    for (const s of [dealer, req, rep]) s.close();
  }
}, {
  badType: { kind: "Error", message: "Invalid socket type: nope" },
  read: { kind: "Error", message: "read() has been removed from compatibility mode; use on('message', ...) instead." },
  subscribe: { kind: "Error", message: "Subscriber socket required" },
  unsubscribe: { kind: "Error", message: "Subscriber socket required" },
  context: { kind: "Error", message: "Context cannot be instantiated in compatibility mode" },
  proxy: { kind: "Error", message: "This socket type order is not supported in compatibility mode" },
});

same5("Context's statics, version and curveKeypair", (zmq) => {
  const threads = zmq.Context.getMaxThreads();
  const sockets = zmq.Context.getMaxSockets();
  zmq.Context.setMaxThreads(2);
  zmq.Context.setMaxSockets(100);
  const changed = [zmq.Context.getMaxThreads(), zmq.Context.getMaxSockets()];
  zmq.Context.setMaxThreads(threads);
  zmq.Context.setMaxSockets(sockets);
  const pair = zmq.curveKeypair();
  return { threads, sockets, changed, version: zmq.version, keys: Object.keys(pair), z85: [pair.public, pair.secret].map((k) => /^[0-9a-zA-Z.:+=^!/*?&<>()[\]{}@%$#-]{40}$/.test(k)) };
}, { threads: 1, sockets: 1023, changed: [2, 100], version: "4.3.5", keys: ["public", "secret"], z85: [true, true] });

same5("socket(\"stream\") makes a socket of type ZMQ_STREAM", (zmq) =>
  syncOutcome(() => {
    const sock = zmq.socket("stream");
    const type = sock.getsockopt(zmq.ZMQ_TYPE);
    sock.close();
    return type;
  }), { returned: 11 });
