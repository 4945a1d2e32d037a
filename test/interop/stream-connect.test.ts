/**
 * The `connect` option against libzmq (the `zeromq` package): purezmq
 * sockets whose tcp:// connections run over web streams (node:net under
 * them, test/support/web-stream-connect.ts) talk to libzmq listeners, and
 * an RpcClient over them calls a LuaOverMQ server on a libzmq REP socket.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { decode, encode } from "@msgpack/msgpack";
import * as zmq from "zeromq";
import * as ours from "../../src/index.js";
import { RpcClient } from "../../src/rpc/index.js";
import { webStreamConnect } from "../support/web-stream-connect.js";
import { patterned, withDeadline } from "./peers.js";

/** A libzmq socket bound on a free loopback port, closed when the test ends. */
async function boundLibzmq<S extends zmq.Socket>(t: { after(fn: () => void): void }, socket: S): Promise<[S, string]> {
  t.after(() => socket.close());
  await socket.bind("tcp://127.0.0.1:0");
  return [socket, socket.lastEndpoint!];
}

test("purezmq DEALER over web streams -> libzmq ROUTER: multipart both ways, 1 MiB included, and a reconnection", async (t) => {
  const dial = webStreamConnect();
  const [router, endpoint] = await boundLibzmq(t, new zmq.Router({ linger: 0 }));
  // No fixed routing id: libzmq may not yet have dropped the old connection's when the new one arrives.
  const dealer = new ours.Dealer({ connect: dial.connect, reconnectInterval: 20, linger: 0 });
  t.after(() => dealer.close());
  dealer.connect(endpoint);
  const big = patterned(1024 * 1024, 3);
  await dealer.send(["a", "", big]);
  const [id, a, empty, body] = await withDeadline(router.receive(), 10_000, "the message at libzmq");
  assert.equal(a!.toString(), "a");
  assert.equal(empty!.length, 0);
  assert.ok(body!.equals(big));
  await router.send([id!, "back", big]);
  const [back, again] = await withDeadline(dealer.receive(), 10_000, "libzmq's reply");
  assert.equal(back!.toString(), "back");
  assert.ok(again!.equals(big));

  // The carrier drops: the dealer dials through `connect` again and carries on.
  const reconnected = new Promise<void>((resolve) => dealer.events.on("handshake", () => resolve()));
  dial.sockets[0]!.destroy();
  await withDeadline(reconnected, 10_000, "the handshake after the carrier dropped");
  await dealer.send("after");
  const [, after] = await withDeadline(router.receive(), 10_000, "the message after reconnection");
  assert.equal(after!.toString(), "after");
  assert.ok(dial.calls.length >= 2);
});

test("purezmq SUB over web streams <- libzmq PUB: the subscription reaches libzmq and only its topic arrives", async (t) => {
  const dial = webStreamConnect();
  const [pub, endpoint] = await boundLibzmq(t, new zmq.Publisher({ linger: 0 }));
  const sub = new ours.Subscriber({ connect: dial.connect, linger: 0 });
  t.after(() => sub.close());
  sub.subscribe("wanted");
  sub.connect(endpoint);
  const first = sub.receive();
  let got = false;
  void first.then(() => (got = true), () => {});
  for (let i = 0; !got && i < 2000; i++) {
    await pub.send(["other", String(i)]);
    await pub.send(["wanted", String(i)]);
    await new Promise((r) => setTimeout(r, 1));
  }
  const [topic] = await withDeadline(first, 10_000, "a published message");
  assert.equal(topic!.toString(), "wanted");
});

test("RpcClient with `connect` -> a LuaOverMQ server on a libzmq REP socket", async (t) => {
  const dial = webStreamConnect();
  const [rep, endpoint] = await boundLibzmq(t, new zmq.Reply({ linger: 0 }));
  void (async () => {
    try {
      for await (const [frame] of rep) {
        const [method, a, b] = decode(frame!) as [string, number, number];
        await rep.send(method === "add" ? ["OK", Buffer.from(encode(a + b))] : ["ERROR", Buffer.from(encode(`no ${method}`))]);
      }
    } catch {
      /* closed */
    }
  })();
  const client = new RpcClient(endpoint, { connect: dial.connect, envelope: "req", timeout: 10_000 });
  t.after(() => client.close());
  assert.equal(await client.call("add", 2, 3), 5);
  assert.equal(dial.calls.length, 1);
  assert.ok(dial.written > 0);
});
