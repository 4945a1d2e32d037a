/**
 * The module surface of both libraries: the same exports of the same kinds,
 * `version` and `capability`, `new Socket(type, options)` and
 * `new Observer(socket)` with zeromq.js's argument checks, and events of
 * the same shape.
 */
import { differs, same, thrown, type Zmq } from "./differential.js";

/** zeromq.js v6's runtime exports that purezmq has too. */
const SHARED = [
  "Context", "Dealer", "Observer", "Pair", "Proxy", "Publisher", "Pull", "Push", "Reply", "Request", "Router", "Socket",
  "Stream", "Subscriber", "XPublisher", "XSubscriber", "capability", "context", "curveKeyPair", "version",
] as const;

same("the exports zeromq.js has are there, of the same kinds", (zmq) =>
  Object.fromEntries(SHARED.map((name) => [name, typeof (zmq as Record<string, unknown>)[name]])));

same("curveKeyPair() gives two 40-character Z85 keys, different each time", (zmq) => {
  const a = zmq.curveKeyPair();
  const b = zmq.curveKeyPair();
  const z85 = /^[0-9a-zA-Z.\-:+=^!/*?&<>()[\]{}@%$#]{40}$/;
  return { keys: Object.keys(a), z85: [a.publicKey, a.secretKey].every((k) => z85.test(k)), fresh: a.secretKey !== b.secretKey && a.publicKey !== b.publicKey };
}, { keys: ["publicKey", "secretKey"], z85: true, fresh: true });

same("version is libzmq's, as (major).(minor).(patch)", (zmq) => zmq.version, "4.3.5");

same("capability has zeromq.js's keys as booleans, ipc among the present ones", (zmq) => ({
  keys: Object.keys(zmq.capability).sort(),
  booleans: Object.values(zmq.capability).every((v) => typeof v === "boolean"),
  ipc: zmq.capability.ipc,
  curve: zmq.capability.curve,
  pgm: zmq.capability.pgm,
  norm: zmq.capability.norm,
  gssapi: zmq.capability.gssapi,
}), { keys: ["curve", "draft", "gssapi", "ipc", "norm", "pgm", "tipc"], booleans: true, ipc: true, curve: true, pgm: false, norm: false, gssapi: false });

differs("capability says false for tipc", (zmq) => ({
  tipc: zmq.capability.tipc,
  draft: zmq.capability.draft,
}), {
  zeromq: { tipc: true, draft: true },
  purezmq: { tipc: false, draft: true },
}, "tipc is not built");

/** `new Socket(...args)`, as JavaScript may call it. */
function newSocket(zmq: Zmq, ...args: unknown[]): InstanceType<Zmq["Dealer"]> {
  return new (zmq.Socket as unknown as new (...a: unknown[]) => InstanceType<Zmq["Dealer"]>)(...args);
}

same("new Socket(type, options) checks its arguments in zeromq.js's order", (zmq) =>
  [
    [], ["x"], [99], [-1], [5, 1], [5, null], [5, {}, 1], ["x", 1], [99, 1], [99, { context: 1 }], [5, { context: 1 }, 2],
    ["x", {}, 2], [5, 1, 2], [99, {}, 2], [new Number(5)], [5n],
  ].map((args) => thrown(() => newSocket(zmq, ...args))));

same("new Socket(type) makes a socket of that type, the type read as a C int", (zmq, { closing }) =>
  [[5], [6, { linger: 1 }], [1.5], [NaN], [2 ** 32 + 5], [Infinity], [0], [10], [12], [15], [17]].map((args) => {
    const s = closing(newSocket(zmq, ...args));
    return { type: s.type, isSocket: s instanceof zmq.Socket };
  }));

/** A DEALER's "hello" to a ROUTER, and the ROUTER's "back": what each received. */
async function roundTrip(router: InstanceType<Zmq["Router"]>, dealer: InstanceType<Zmq["Dealer"]>): Promise<string[]> {
  await router.bind("tcp://127.0.0.1:*");
  dealer.connect(router.lastEndpoint!);
  await dealer.send("hello");
  const [id, body] = await router.receive();
  await router.send([id!, "back"]);
  const [reply] = await dealer.receive();
  return [String(body), String(reply)];
}

same("sockets made by new Socket(type) talk: a DEALER to a ROUTER", (zmq, { closing }) =>
  // Options of one socket type only (routingId...) are not on zeromq.js's base class: not given here.
  roundTrip(closing(newSocket(zmq, 6, { linger: 0 })) as unknown as InstanceType<Zmq["Router"]>, closing(newSocket(zmq, 5, { linger: 0 }))),
["hello", "back"]);

/** The base class as JavaScript may extend it: `super(type, options)`. */
type SocketBase = new (type: number, options?: object) => InstanceType<Zmq["Dealer"]>;

same("a class that extends Socket itself calls super(type, options): a socket of that type and class, in the context given", (zmq) => {
  const Base = zmq.Socket as unknown as SocketBase;
  class MyDealer extends Base {
    constructor(options?: object) {
      super(5, options);
    }
    hello(): string {
      return `a socket of type ${this.type}`;
    }
  }
  const context = new zmq.Context();
  const [a, b, c] = [new MyDealer(), new MyDealer(), new MyDealer({ context, linger: 7 })];
  try {
    return {
      type: a.type,
      own: a.hello(),
      classes: [a instanceof MyDealer, a instanceof zmq.Socket, a.constructor === MyDealer],
      sameDefaultContext: a.context === b.context,
      givenContext: c.context === context,
      linger: c.linger,
      // Checked as zeromq.js checks them.
      badOptions: thrown(() => new MyDealer(1 as unknown as object)),
    };
  } finally {
    a.close();
    b.close();
    c.close();
  }
});

same("such a socket talks: a subclass's DEALER to a ROUTER", (zmq, { closing }) => {
  const Base = zmq.Socket as unknown as SocketBase;
  class MyDealer extends Base {
    constructor() {
      super(5, { linger: 0 });
    }
  }
  return roundTrip(closing(new zmq.Router({ linger: 0 })), closing(new MyDealer()));
}, ["hello", "back"]);

same("a subclass of a pattern still takes its options as an object", (zmq) => {
  class MyDealer extends zmq.Dealer {}
  return thrown(() => new MyDealer(5 as unknown as object));
});

differs("new Socket(type) gives an instance of the type's class", (zmq, { closing }) => ({
  constructors: [5, 11, 18].map((type) => closing(newSocket(zmq, type)).constructor.name),
  stream: thrown(() => closing(newSocket(zmq, 11)).type),
  dgram: thrown(() => closing(newSocket(zmq, 18)).type),
}), {
  zeromq: { constructors: ["Socket", "Socket", "Socket"], stream: { returned: 11 }, dgram: { returned: 18 } },
  purezmq: { constructors: ["Dealer", "Stream", "Datagram"], stream: { returned: 11 }, dgram: { returned: 18 } },
}, "a socket is always of its pattern's class");

same("new Observer(socket) checks its arguments and observes the socket", async (zmq, { closing }) => {
  const dealer = closing(new zmq.Dealer());
  const Observer = zmq.Observer as unknown as new (...a: unknown[]) => InstanceType<Zmq["Observer"]>;
  const checks = [[], [1], [{}], [1, 2], [dealer, 1]].map((args) => thrown(() => new Observer(...args)));
  const observer = new Observer(dealer);
  const before = observer.closed;
  await dealer.bind("tcp://127.0.0.1:*");
  const event = await observer.receive();
  return {
    checks,
    before,
    event: { type: event.type, sameAddress: "address" in event && event.address === dealer.lastEndpoint },
    isObserver: observer instanceof zmq.Observer && dealer.events instanceof zmq.Observer,
    stable: dealer.events === dealer.events,
    closedIsReadOnly: thrown(() => {
      (observer as unknown as Record<string, unknown>).closed = true;
    }),
  };
});

same("new Proxy(frontEnd, backEnd) checks that both are sockets, with zeromq.js's errors", (zmq, { closing }) => {
  const Proxy = zmq.Proxy as unknown as new (...a: unknown[]) => unknown;
  const dealer = closing(new zmq.Dealer());
  const router = closing(new zmq.Router());
  return [[], [dealer], [1, 2], [null, dealer], [{}, {}], [dealer, {}], [dealer, "x"], [dealer, router]]
    .map((args) => thrown(() => void new Proxy(...args)));
});

same("events.on and events.off return something to chain on", (zmq, { closing }) => {
  const events = closing(new zmq.Dealer()).events;
  const listener = (): void => undefined;
  const on = events.on("bind", listener);
  const off = on.off("bind", listener);
  return { on: typeof on.on, off: typeof off.off };
}, { on: "function", off: "function" });

same("a bind:error event carries the address and an error with code and errno", async (zmq, { closing }) => {
  const first = closing(new zmq.Dealer({ linger: 0 }));
  await first.bind("tcp://127.0.0.1:*");
  const second = closing(new zmq.Dealer({ linger: 0 }));
  const event = new Promise<Record<string, unknown>>((resolve) => {
    second.events.on("bind:error", (e) => resolve({
      keys: Object.keys(e).sort(),
      // libzmq names the endpoint without its transport.
      address: e.address.replace(/\d+$/, "PORT"),
      code: e.error.code,
      errno: e.error.errno,
      isError: e.error instanceof Error,
    }));
  });
  await second.bind(first.lastEndpoint!).catch(() => undefined);
  return event;
}, { keys: ["address", "error", "type"], address: "127.0.0.1:PORT", code: "EADDRINUSE", errno: 98, isError: true });

same("an ipc bind in a missing directory rejects ENOENT, and its bind:error names the path", async (zmq, { closing }) => {
  const socket = closing(new zmq.Dealer({ linger: 0 }));
  const event = new Promise<string>((resolve) => socket.events.on("bind:error", (e) => resolve(`${e.address} ${e.error.code}`)));
  const rejected = await socket.bind("ipc:///no-such-directory-of-purezmq/socket.ipc").then(() => "bound", (e: { code?: string; message?: string }) => `${e.code} ${e.message}`);
  return { rejected, event: await event };
}, { rejected: "ENOENT No such endpoint", event: "/no-such-directory-of-purezmq/socket.ipc ENOENT" });
