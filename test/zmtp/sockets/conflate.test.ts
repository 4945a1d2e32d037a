import assert from "node:assert/strict";
import test from "node:test";
import { Dealer, Pull, Push, Router } from "../../../src/index.js";
import { bindAddress, bindResolved, nextEvent, settle, texts, track } from "./helpers.js";

test("conflate on a Pull: of a burst, receive() gives only the newest message", async (t) => {
  const [pull, push] = track(t, new Pull({ conflate: true, receiveTimeout: 0 }), new Push());
  const ep = await bindResolved(pull, bindAddress("inproc"));
  push.connect(ep);
  for (let i = 1; i <= 100; i++) await push.send(`m${i}`);
  await settle(); // the inproc transfer runs once per tick
  assert.deepEqual(texts(await pull.receive()), ["m100"]);
  await assert.rejects(pull.receive(), { code: "EAGAIN" });
});

test("conflate on a Push: messages sent while the peer is down are replaced, never queued or blocked", async (t) => {
  const probe = track(t, new Pull())[0];
  const ep = await bindResolved(probe, bindAddress("tcp"));
  probe.close(); // a free port, nobody listening now
  const [push] = track(t, new Push({ conflate: true, sendHighWaterMark: 1, sendTimeout: 0 }));
  push.connect(ep);
  for (let i = 1; i <= 5; i++) await push.send(`m${i}`); // sendTimeout 0: any block would reject EAGAIN
  const [pull] = track(t, new Pull({ receiveTimeout: 300 }));
  await pull.bind(ep);
  assert.deepEqual(texts(await pull.receive()), ["m5"]);
  await assert.rejects(pull.receive(), { code: "EAGAIN" }); // nothing older was kept
});

test("conflate on a Dealer: the newest reply only, from each peer", async (t) => {
  const [router, dealer] = track(t, new Router(), new Dealer({ conflate: true, routingId: "d", receiveTimeout: 0 }));
  const ep = await bindResolved(router, bindAddress("inproc"));
  const joined = nextEvent(router, "handshake"); // inproc joins inside connect()
  dealer.connect(ep);
  await joined;
  for (let i = 1; i <= 10; i++) await router.send(["d", `r${i}`]);
  await settle();
  assert.deepEqual(texts(await dealer.receive()), ["r10"]);
  await assert.rejects(dealer.receive(), { code: "EAGAIN" });
});
