/**
 * The draft sockets against libzmq 4.3.5's (the `zeromq` package's
 * `zeromq/draft`): Server/Client, Radio/Dish and Scatter/Gather with
 * purezmq on either side, either side binding, over tcp and ipc; Radio/Dish
 * over udp, unicast and multicast, either side purezmq. Then the
 * same checks of the API run against both libraries (errors and shapes),
 * which must agree.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import "zeromq";
import * as theirs from "zeromq/draft.js";
import * as ours from "../../src/draft/index.js";
import { bindAddress, bindResolved, closeAll, freeUdpPort, withDeadline, type Impl, type NetTransport, type PeerSocket } from "./peers.js";
import { nextReal, untilJoined, type DishLike, type RadioLike } from "../zmtp/draft/helpers.js";

const TIMEOUT = 10_000;

type DraftName = "Server" | "Client" | "Radio" | "Dish" | "Scatter" | "Gather";

/** A draft socket of either library; libzmq's get linger 0 so a failed test never hangs the process. */
function draft(impl: Impl, name: DraftName): PeerSocket {
  const lib = (impl === "purezmq" ? ours : theirs) as unknown as Record<DraftName, new (o: object) => PeerSocket>;
  return new lib[name](impl === "libzmq" ? { linger: 0 } : {});
}

/** What each pair does once connected: a to-and-fro exchange that only a working pair completes. */
const exchanges: Record<string, { a: DraftName; b: DraftName; run(a: PeerSocket, b: PeerSocket): Promise<void> }> = {
  "Server/Client": {
    a: "Server",
    b: "Client",
    async run(server, client) {
      for (let i = 0; i < 3; i++) {
        await client.send(`ping ${i}`);
        const [body, meta] = (await withDeadline(server.receive(), TIMEOUT, "a request")) as unknown as [Buffer, { routingId: number }];
        assert.equal(body.toString(), `ping ${i}`);
        assert.equal(typeof meta.routingId, "number");
        await (server.send as (m: string, o: object) => Promise<void>)(`pong ${i}`, meta);
        const reply = await withDeadline(client.receive(), TIMEOUT, "a reply");
        assert.deepEqual(reply.map(String), [`pong ${i}`]);
      }
    },
  },
  "Radio/Dish": {
    a: "Radio",
    b: "Dish",
    async run(radio, dish) {
      (dish as unknown as { join(...g: string[]): void }).join("weather", "news");
      const r = radio as unknown as RadioLike;
      const d = dish as unknown as DishLike;
      await withDeadline(untilJoined(r, d, "weather"), TIMEOUT, "the join of weather");
      await untilJoined(r, d, "news");
      await r.send("not joined", { group: "sport" });
      await r.send("sunny", { group: "weather" });
      assert.equal(await withDeadline(nextReal(d), TIMEOUT, "sunny"), "weather:sunny");
      (dish as unknown as { leave(...g: string[]): void }).leave("weather");
      await r.send("rain", { group: "weather" });
      await r.send("elections", { group: "news" });
      assert.equal(await withDeadline(nextReal(d), TIMEOUT, "elections"), "news:elections");
    },
  },
  "Scatter/Gather": {
    a: "Scatter",
    b: "Gather",
    async run(scatter, gather) {
      for (let i = 0; i < 100; i++) await scatter.send(`task ${i}`);
      for (let i = 0; i < 100; i++) assert.deepEqual((await withDeadline(gather.receive(), TIMEOUT, `task ${i}`)).map(String), [`task ${i}`]);
    },
  },
};

for (const [pattern, ex] of Object.entries(exchanges)) {
  for (const transport of ["tcp", "ipc"] as NetTransport[]) {
    for (const oursIs of ["a", "b"] as const) {
      for (const binder of ["a", "b"] as const) {
        const impl = (side: "a" | "b"): Impl => (side === oursIs ? "purezmq" : "libzmq");
        const name = (side: "a" | "b") => (side === "a" ? ex.a : ex.b);
        test(`${pattern}: ${ex.a}(${impl("a")}) with ${ex.b}(${impl("b")}), ${name(binder)} binds, ${transport}`, async (t) => {
          const a = draft(impl("a"), ex.a);
          const b = draft(impl("b"), ex.b);
          t.after(() => closeAll(a, b));
          const [bound, connecting] = binder === "a" ? [a, b] : [b, a];
          connecting.connect(await bindResolved(bound, bindAddress(transport)));
          await ex.run(a, b);
        });
      }
    }
  }
}

for (const host of ["127.0.0.1", "239.192.41.8"]) {
  for (const oursIs of ["Radio", "Dish"] as const) {
    const impl = (side: "Radio" | "Dish"): Impl => (side === oursIs ? "purezmq" : "libzmq");
    test(`Radio/Dish: Radio(${impl("Radio")}) with Dish(${impl("Dish")}), Dish binds, udp://${host}`, async (t) => {
      const radio = draft(impl("Radio"), "Radio");
      const dish = draft(impl("Dish"), "Dish");
      t.after(() => closeAll(radio, dish));
      const endpoint = `udp://${host}:${await freeUdpPort()}`;
      await dish.bind(endpoint);
      radio.connect(endpoint);
      await exchanges["Radio/Dish"]!.run(radio, dish);
    });
  }
}

/** One API check, run against each library: it returns what it observed, which must be the same. */
async function observe(lib: typeof ours, check: (lib: typeof ours) => Promise<unknown>): Promise<unknown> {
  try {
    return { value: await check(lib) };
  } catch (err) {
    const e = err as { code?: string; name?: string };
    return { error: e.code ?? e.name };
  }
}

/** Runs `fn` on `socket`, then closes it. */
async function using<S extends { close(): void }>(socket: S, fn: (s: S) => unknown): Promise<unknown> {
  try {
    return await fn(socket);
  } finally {
    socket.close();
  }
}

const checks: Record<string, (lib: typeof ours) => Promise<unknown>> = {
  "a Client refuses a multipart send (EINVAL)": (lib) => using(new lib.Client({ linger: 0 }), (c) => {
    c.connect("tcp://127.0.0.1:1");
    return c.send(["a", "b"]);
  }),
  "a Scatter refuses a multipart send (EINVAL)": (lib) => using(new lib.Scatter({ linger: 0 }), (s) => {
    s.connect("tcp://127.0.0.1:1");
    return s.send(["a", "b"]);
  }),
  "a Radio refuses a multipart send (EINVAL)": (lib) => using(new lib.Radio({ linger: 0 }), (r) => r.send(["a", "b"], { group: "g" })),
  "a Radio send without options throws a TypeError": (lib) =>
    using(new lib.Radio({ linger: 0 }), (r) => (r.send as (m: string) => Promise<void>)("a")),
  "a Radio send with options but no group throws EINVAL": (lib) =>
    using(new lib.Radio({ linger: 0 }), (r) => r.send("a", {} as { group: string })),
  "a Server send to an unknown routing id fails EHOSTUNREACH": (lib) =>
    using(new lib.Server({ linger: 0 }), (s) => s.send("a", { routingId: 42 })),
  "a Dish joins twice: EINVAL": (lib) => using(new lib.Dish({ linger: 0 }), (d) => {
    d.join("g");
    d.join("g");
  }),
  "a Dish leaves a group it never joined: EINVAL": (lib) => using(new lib.Dish({ linger: 0 }), (d) => d.leave("g")),
  "a Dish joins a group of 255 octets, not one of 256 (EINVAL)": (lib) => using(new lib.Dish({ linger: 0 }), (d) => {
    d.join("x".repeat(255));
    d.join("y".repeat(256));
  }),
  "a Dish join of a number throws a TypeError": (lib) => using(new lib.Dish({ linger: 0 }), (d) => d.join(5 as unknown as string)),
  "a Dish cannot send (ENOTSUP)": (lib) =>
    using(new lib.Dish({ linger: 0 }), (d) => (d as unknown as { send(m: string): Promise<void> }).send("a")),
  // libzmq 4.3.5 binds udp:// for a DISH (and a DGRAM) only and connects it for a RADIO only.
  "a Dish cannot connect udp://, unicast or multicast (ENOCOMPATPROTO)": (lib) => using(new lib.Dish({ linger: 0 }), (d) => {
    const tried = ["udp://127.0.0.1:5555", "udp://239.192.41.8:5555"].map((ep) => {
      try {
        d.connect(ep);
        return "connected";
      } catch (err) {
        return (err as { code?: string }).code;
      }
    });
    return tried;
  }),
  "a Radio cannot bind udp:// (ENOCOMPATPROTO)": (lib) => using(new lib.Radio({ linger: 0 }), (r) => r.bind("udp://127.0.0.1:5555")),
  "a Radio cannot bind udp:// to a multicast group (ENOCOMPATPROTO)": (lib) =>
    using(new lib.Radio({ linger: 0 }), (r) => r.bind("udp://239.192.41.8:5555")),
  "socket type numbers and threadSafe": async (lib) => {
    const sockets = [new lib.Server(), new lib.Client(), new lib.Radio(), new lib.Dish(), new lib.Gather(), new lib.Scatter()];
    const seen = sockets.map((s) => [s.type, s.threadSafe]);
    for (const s of sockets) s.close();
    return seen;
  },
};

for (const [name, check] of Object.entries(checks)) {
  test(`same outcome on both libraries: ${name}`, async () => {
    const got = await observe(theirs as unknown as typeof ours, check);
    assert.deepEqual(await observe(ours, check), got);
    assert.notDeepEqual(got, { value: undefined }, "the check observes something");
  });
}
