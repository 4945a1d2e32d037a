/**
 * The purezmq Proxy with libzmq peers: ROUTER-DEALER between libzmq REQ
 * clients and REP workers (and mixed), XSUB-XPUB between a libzmq PUB and
 * libzmq SUBs, PULL-PUSH between a libzmq PUSH and PULL.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dealer, Proxy, Pull, Push, Router, XPublisher, XSubscriber } from "../../src/index.js";
import { bindResolved, closeAll, makeSocket, withDeadline, type Impl, type PeerSocket } from "./peers.js";
import { isProbe, untilSubscribed } from "../zmtp/pubsub/helpers.js";
import { endingProxy } from "../support/sockets.js";

const TIMEOUT = 10_000;

for (const [clientImpl, workerImpl] of [["libzmq", "libzmq"], ["libzmq", "purezmq"], ["purezmq", "libzmq"]] as [Impl, Impl][]) {
  test(`ROUTER-DEALER proxy: REQ(${clientImpl}) clients, REP(${workerImpl}) workers`, async (t) => {
    const proxy = new Proxy(new Router(), new Dealer());
    const front = await bindResolved(proxy.frontEnd as unknown as PeerSocket, "tcp://127.0.0.1:0");
    const back = await bindResolved(proxy.backEnd as unknown as PeerSocket, "tcp://127.0.0.1:0");
    const running = proxy.run();
    const workers = [0, 1].map(() => makeSocket(workerImpl, "REP"));
    const clients = [0, 1, 2].map(() => makeSocket(clientImpl, "REQ"));
    endingProxy(t, proxy);
    t.after(() => closeAll(...workers, ...clients));
    workers.forEach((w, i) => {
      w.connect(back);
      void (async () => {
        try {
          for (;;) {
            const [req] = await w.receive();
            await w.send([req, `w${i}`]);
          }
        } catch {
          /* closed */
        }
      })();
    });
    for (const c of clients) c.connect(front);
    for (let round = 0; round < 20; round++) {
      await Promise.all(clients.map(async (c, i) => {
        await c.send(`c${i}-r${round}`);
        const [body, worker] = await withDeadline(c.receive(), TIMEOUT, "a reply");
        assert.equal(String(body), `c${i}-r${round}`);
        assert.match(String(worker), /^w[01]$/);
      }));
    }
    proxy.terminate();
    await withDeadline(running, TIMEOUT, "run() to resolve");
  });
}

test("XSUB-XPUB proxy between a libzmq PUB and two libzmq SUBs", async (t) => {
  const pub = makeSocket("libzmq", "PUB");
  const subs = [0, 1].map(() => makeSocket("libzmq", "SUB"));
  const proxy = new Proxy(new XSubscriber(), new XPublisher());
  endingProxy(t, proxy);
  t.after(() => closeAll(pub, ...subs));
  proxy.frontEnd.connect(await bindResolved(pub, "tcp://127.0.0.1:0"));
  const back = await bindResolved(proxy.backEnd as unknown as PeerSocket, "tcp://127.0.0.1:0");
  const running = proxy.run();
  const topics = ["alpha", "beta"];
  subs.forEach((s, i) => {
    s.connect(back);
    (s.subscribe as (t: string) => void)(topics[i]!);
  });
  for (let i = 0; i < 2; i++) await untilSubscribed(pub as never, subs[i] as never, topics[i]!);
  for (const m of ["alpha-1", "beta-1", "gamma", "alpha-2"]) await pub.send(m);
  const take = async (s: PeerSocket): Promise<string> => {
    for (;;) {
      const msg = await withDeadline(s.receive(), TIMEOUT, "a message");
      if (!isProbe(msg)) return String(msg[0]);
    }
  };
  assert.deepEqual([await take(subs[0]!), await take(subs[0]!)], ["alpha-1", "alpha-2"]);
  assert.equal(await take(subs[1]!), "beta-1");
  proxy.terminate();
  await withDeadline(running, TIMEOUT, "run() to resolve");
});

test("PULL-PUSH proxy between a libzmq PUSH and a libzmq PULL keeps order", async (t) => {
  const producer = makeSocket("libzmq", "PUSH");
  const consumer = makeSocket("libzmq", "PULL");
  const proxy = new Proxy(new Pull(), new Push());
  endingProxy(t, proxy);
  t.after(() => closeAll(producer, consumer));
  producer.connect(await bindResolved(proxy.frontEnd as unknown as PeerSocket, "tcp://127.0.0.1:0"));
  consumer.connect(await bindResolved(proxy.backEnd as unknown as PeerSocket, "tcp://127.0.0.1:0"));
  const running = proxy.run();
  const N = 2000;
  const sending = (async () => {
    for (let i = 0; i < N; i++) await producer.send(["n", String(i)]);
  })();
  for (let i = 0; i < N; i++) assert.equal(String((await withDeadline(consumer.receive(), TIMEOUT, `message ${i}`))[1]), String(i));
  await sending;
  proxy.terminate();
  await withDeadline(running, TIMEOUT, "run() to resolve");
});
