/**
 * The servers the ZMTP attacks aim at, each with a well-behaved client that
 * proves it still serves: a Pull, a Publisher, a Router and an XSUB/XPUB
 * Proxy (purezmq's, and libzmq's through the `zeromq` package for
 * comparison). They run in the child process of `zmtp-child.ts`, so that
 * what an attack costs is measured apart from the attacker, and a process
 * that dies of it is seen as dying.
 *
 * Options reach the sockets by assignment rather than through the
 * constructor, so that the same rig runs against a version of purezmq
 * that lacks an option (it is then without effect, never an error): that
 * is how the figures before a bound existed are taken.
 */
import * as zmq from "zeromq";
import { Dealer, Proxy, Publisher, Pull, Push, Router, Subscriber, XPublisher, XSubscriber, type Socket } from "../../src/index.js";

/** A running target: where to attack it, how to check it, what it saw. */
export interface Rig {
  /** Endpoints, by role (`server`, and for the proxy `upstream`). */
  endpoints: Record<string, string>;
  /** Resolves when a good client was served; rejects (with why) otherwise. */
  check(round: number): Promise<void>;
  /** Named actions an attack asks for (the proxy's publisher restart). */
  actions: Record<string, () => Promise<void>>;
  /** Events of the attacked socket, as `type code` counts; errors the rig saw. */
  report(): { events: Record<string, number>; errors: string[] };
  close(): Promise<void>;
}

type Options = Record<string, unknown>;

const CHECK_MS = 5000;

/** Counts the events of a purezmq socket by type and error code. */
function countEvents(socket: Socket): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of ["accept:error", "disconnect", "handshake:error:protocol", "handshake:error:other", "handshake"] as const) {
    socket.events.on(type, (e) => {
      const key = "error" in e && e.error ? `${type} ${e.error.code}` : type;
      counts[key] = (counts[key] ?? 0) + 1;
    });
  }
  return counts;
}

function deadline(what: string): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(`${what} within ${CHECK_MS} ms`)), CHECK_MS).unref());
}

/** Publishes `health n` on `pub` until `sub` receives it. */
async function publishUntilHeard(pub: { send(m: string[]): Promise<void> }, sub: { receive(): Promise<Buffer[]> }, n: number): Promise<void> {
  const heard = (async () => {
    for (;;) {
      const [, body] = await sub.receive();
      if (body?.toString() === String(n)) return;
    }
  })();
  let done = false;
  void heard.then(() => (done = true), () => (done = true));
  const publishing = (async () => {
    while (!done) {
      await pub.send(["health", String(n)]);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  await Promise.race([heard, deadline("the subscriber heard nothing")]);
  done = true;
  await publishing;
}

async function pullRig(options: Options): Promise<Rig> {
  const pull = Object.assign(new Pull(), options);
  const events = countEvents(pull);
  await pull.bind("tcp://127.0.0.1:0");
  return {
    endpoints: { server: pull.lastEndpoint! },
    async check(n) {
      // A new client each time: a server that only keeps serving the
      // clients it already had (idle connections filling its slots) fails.
      const push = new Push({ linger: 0 });
      push.connect(pull.lastEndpoint!);
      try {
        await push.send(["ok", String(n)]);
        const received = (async () => {
          for (;;) {
            const [a, b] = await pull.receive();
            if (a?.toString() === "ok" && b?.toString() === String(n)) return;
          }
        })();
        await Promise.race([received, deadline("a new PUSH client was not heard")]);
      } finally {
        push.close();
      }
    },
    actions: {},
    report: () => ({ events, errors: [] }),
    async close() {
      pull.close();
    },
  };
}

async function pubRig(options: Options, socket: "pub" | "xpub"): Promise<Rig> {
  const pub = Object.assign(socket === "pub" ? new Publisher({ linger: 0 }) : new XPublisher({ linger: 0 }), options);
  const events = countEvents(pub);
  await pub.bind("tcp://127.0.0.1:0");
  if (socket === "xpub") void (async () => { for await (const _ of pub) { /* subscriptions read and dropped */ } })();
  const sub = new Subscriber({ linger: 0 });
  sub.subscribe("health");
  sub.connect(pub.lastEndpoint!);
  return {
    endpoints: { server: pub.lastEndpoint! },
    check: (n) => publishUntilHeard(pub, sub, n),
    actions: {},
    report: () => ({ events, errors: [] }),
    async close() {
      sub.close();
      pub.close();
    },
  };
}

async function routerRig(options: Options): Promise<Rig> {
  const router = Object.assign(new Router({ linger: 0 }), options);
  const events = countEvents(router);
  await router.bind("tcp://127.0.0.1:0");
  void (async () => {
    for await (const [id, ...rest] of router) await router.send([id!, ...rest]).catch(() => undefined);
  })();
  const dealer = new Dealer({ linger: 0, routingId: "good-client" });
  dealer.connect(router.lastEndpoint!);
  return {
    endpoints: { server: router.lastEndpoint! },
    async check(n) {
      await dealer.send(String(n));
      const echoed = (async () => {
        for (;;) if ((await dealer.receive())[0]?.toString() === String(n)) return;
      })();
      await Promise.race([echoed, deadline("the good DEALER got no echo")]);
    },
    actions: {},
    report: () => ({ events, errors: [] }),
    async close() {
      dealer.close();
      router.close();
    },
  };
}

/** The parts of the proxy rig that differ between purezmq and libzmq. */
interface ProxyKit {
  publisher(): Publisher | zmq.Publisher;
  xsub(): XSubscriber | zmq.XSubscriber;
  xpub(): XPublisher | zmq.XPublisher;
  subscriber(): Subscriber | zmq.Subscriber;
  proxy(front: unknown, back: unknown): { run(): Promise<void>; terminate(): void };
}

const PURE_KIT: ProxyKit = {
  publisher: () => new Publisher({ linger: 0 }),
  xsub: () => new XSubscriber({ linger: 0 }),
  xpub: () => new XPublisher({ linger: 0 }),
  subscriber: () => new Subscriber({ linger: 0 }),
  proxy: (f, b) => new Proxy(f as XSubscriber, b as XPublisher),
};

const LIBZMQ_KIT: ProxyKit = {
  publisher: () => new zmq.Publisher({ linger: 0 }),
  xsub: () => new zmq.XSubscriber({ linger: 0 }),
  xpub: () => new zmq.XPublisher({ linger: 0 }),
  subscriber: () => new zmq.Subscriber({ linger: 0 }),
  proxy: (f, b) => new zmq.Proxy(f as zmq.XSubscriber, b as zmq.XPublisher),
};

/**
 * Upstream publisher <- XSUB [proxy] XPUB <- subscribers. The `restart`
 * action closes the upstream publisher and binds a new one on the same
 * port: the proxy's XSUB reconnects and re-sends every subscription it
 * holds, the attacker's included.
 */
async function proxyRig(options: Options, kit: ProxyKit): Promise<Rig> {
  let upstream = kit.publisher();
  await upstream.bind("tcp://127.0.0.1:0");
  const upstreamEndpoint = upstream.lastEndpoint!;
  const xsub = Object.assign(kit.xsub(), options);
  const xpub = Object.assign(kit.xpub(), options);
  const events = xsub instanceof XSubscriber ? countEvents(xsub) : {};
  xsub.connect(upstreamEndpoint);
  await xpub.bind("tcp://127.0.0.1:0");
  const errors: string[] = [];
  const proxy = kit.proxy(xsub, xpub);
  void proxy.run().catch((e: Error) => errors.push(`proxy.run() rejected: ${e.stack ?? e.message}`));
  const sub = kit.subscriber();
  sub.subscribe("health");
  sub.connect(xpub.lastEndpoint!);
  return {
    endpoints: { server: xpub.lastEndpoint!, upstream: upstreamEndpoint },
    check: (n) => publishUntilHeard(upstream, sub, n),
    actions: {
      async restart() {
        upstream.close();
        // The port frees once the listener is closed; the kernel may take a moment.
        for (let i = 0; ; i++) {
          const next = kit.publisher();
          try {
            await next.bind(upstreamEndpoint);
            upstream = next;
            return;
          } catch (e) {
            next.close();
            if (i === 50) throw e;
            await new Promise((r) => setTimeout(r, 20));
          }
        }
      },
    },
    report: () => ({ events, errors }),
    async close() {
      sub.close();
      proxy.terminate();
      upstream.close();
    },
  };
}

/** The rigs by name. */
export const RIGS: Record<string, (options: Options) => Promise<Rig>> = {
  pull: pullRig,
  pub: (o) => pubRig(o, "pub"),
  xpub: (o) => pubRig(o, "xpub"),
  router: routerRig,
  proxy: (o) => proxyRig(o, PURE_KIT),
  "proxy-libzmq": (o) => proxyRig(o, LIBZMQ_KIT),
};
