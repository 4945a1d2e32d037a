/**
 * dotcloud zerorpc byte for byte against the golden transcripts of
 * `spec/zerorpc.md` (a real zerorpc-python 0.6 client and server), in both
 * roles: the recorded peer is played by libzmq (the `zeromq` package) or by
 * a raw TCP peer writing the recorded octets in arbitrary chunks. Only the
 * 32 hex digits of each fresh `message_id` differ from the capture; every
 * other octet must be the same.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import * as zmq from "zeromq";
import { RpcClient, RpcError } from "../../../src/rpc/index.js";
import { RawListener, RawPeer, message } from "../../zmtp/raw/raw-peer.js";
import { within } from "../helpers.js";
import { goldenServer } from "./helpers.js";

const hex = (h: string): Buffer => Buffer.from(h.replace(/\s+/g, ""), "hex");
/** msgpack fixstr, written here by hand so the expectation does not come from the encoder under test. */
const str = (s: string): string => (0xa0 + s.length).toString(16) + Buffer.from(s, "latin1").toString("hex");
const bin32 = (id: Buffer): string => "c420" + id.toString("hex");

/** The capture's first request and its reply. */
const ADD_REQUEST = hex("9382aa6d6573736167655f6964c4203365303866383037346236333437346438613264633638653665303464663135a17603a3616464920203");
const ADD_REPLY = hex(
  "9383aa6d6573736167655f6964c4203137663836333235623735323434613961653335343333313031656266303331a17603ab726573706f6e73655f746fc4203365303866383037346236333437346438613264633638653665303464663135a24f4b9105",
);
/** Where the 32 octets of `message_id` sit in an event: after `93 8n aa "message_id" c4 20`. */
const ID_AT = 15;
const idOf = (event: Buffer): Buffer => event.subarray(ID_AT, ID_AT + 32);
/** Where the reply's `response_to` octets sit: after the id, `a1 "v" 03 ab "response_to" c4 20`. */
const RESPONSE_TO_AT = ID_AT + 32 + 3 + 12 + 2;

/** An event as zerorpc-python writes it, from hand-written parts. */
function event(id: Buffer, name: string, argsHex: string, responseTo?: Buffer): Buffer {
  const header = responseTo === undefined ? `82${str("message_id")}${bin32(id)}${str("v")}03` : `83${str("message_id")}${bin32(id)}${str("v")}03${str("response_to")}${bin32(responseTo)}`;
  return hex(`93${header}${str(name)}${argsHex}`);
}

/** The event expected from us: `recorded` with our fresh id in place of the recorded one. */
function withOurId(recorded: Buffer, ours: Buffer): Buffer {
  assert.match(ours.toString("latin1"), /^[0-9a-f]{32}$/, "a message_id is 32 hex digits");
  return Buffer.concat([recorded.subarray(0, ID_AT), ours, recorded.subarray(ID_AT + 32)]);
}

const RECORDED_ID = (n: string): Buffer => Buffer.from(`3e08f80${n}4b63474d8a2dc68e6e04df15`, "latin1");

test("golden, server role: a libzmq DEALER sending the recorded requests gets the recorded replies", async (t) => {
  const server = await goldenServer({ heartbeat: 5000 });
  t.after(() => server.close());
  server.register("fail", () => {
    throw Object.assign(new Error("bad value"), { name: "ValueError" });
  });
  const peer = new zmq.Dealer({ linger: 0 });
  t.after(() => peer.close());
  peer.connect(server.endpoint!);
  const exchange = async (request: Buffer): Promise<Buffer> => {
    await peer.send([Buffer.alloc(0), request]);
    const [delimiter, reply] = await within(peer.receive(), 5000, "a reply");
    assert.equal(delimiter!.length, 0, "the reply keeps the empty delimiter");
    return reply!;
  };

  const add = await exchange(ADD_REQUEST);
  assert.deepEqual(add, withOurId(ADD_REPLY, idOf(add)));

  const failId = RECORDED_ID("8");
  const fail = await exchange(event(failId, "fail", "90"));
  assert.deepEqual(fail, withOurId(event(failId, "ERR", `93${str("ValueError")}${str("bad value")}a0`, failId), idOf(fail)));

  const countId = RECORDED_ID("9");
  const first = await exchange(event(countId, "count", "9103"));
  assert.deepEqual(first, withOurId(event(countId, "STREAM", "00", countId), idOf(first)));
  await peer.send([Buffer.alloc(0), event(RECORDED_ID("a"), "_zpc_more", "9164", countId)]);
  for (const expected of [event(countId, "STREAM", "01", countId), event(countId, "STREAM", "02", countId), event(countId, "STREAM_DONE", "c0", countId)]) {
    const [, got] = await within(peer.receive(), 5000, "a stream event");
    assert.deepEqual(got, withOurId(expected, idOf(got!)));
  }

  const ping = await exchange(event(RECORDED_ID("d"), "_zerorpc_ping", "90"));
  assert.deepEqual(ping, withOurId(event(RECORDED_ID("d"), "OK", `9192${str("pong")}${str("Api")}`, RECORDED_ID("d")), idOf(ping)));
  const list = await exchange(event(RECORDED_ID("e"), "_zerorpc_list", "90"));
  assert.deepEqual(list, withOurId(event(RECORDED_ID("e"), "OK", `9194${str("add")}${str("count")}${str("fail")}${str("slow")}`, RECORDED_ID("e")), idOf(list)));
});

test("golden, server role: heartbeats on a slow call, both ways", async (t) => {
  const server = await goldenServer({ heartbeat: 100 });
  t.after(() => server.close());
  const peer = new zmq.Dealer({ linger: 0 });
  t.after(() => peer.close());
  peer.connect(server.endpoint!);
  const slowId = RECORDED_ID("b");
  await peer.send([Buffer.alloc(0), event(slowId, "slow", "91cd0190")]); // slow(400)
  const [, hb] = await within(peer.receive(), 5000, "a heartbeat");
  assert.deepEqual(hb, withOurId(event(slowId, "_zpc_hb", "9100", slowId), idOf(hb!)));
  // Answer each heartbeat as zerorpc-python does, so the call is not lost.
  for (;;) {
    await peer.send([Buffer.alloc(0), event(RECORDED_ID("c"), "_zpc_hb", "9100", slowId)]);
    const [, got] = await within(peer.receive(), 5000, "a heartbeat or the reply");
    if (got!.includes(Buffer.from("_zpc_hb"))) continue;
    assert.deepEqual(got, withOurId(event(slowId, "OK", "91cd0190", slowId), idOf(got!)));
    break;
  }
});

test("golden, client role: a libzmq ROUTER playing the recorded server", async (t) => {
  const router = new zmq.Router({ linger: 0 });
  t.after(() => router.close());
  await router.bind("tcp://127.0.0.1:0");
  const client = new RpcClient(router.lastEndpoint!, { protocol: "zerorpc", heartbeat: 150, timeout: 5000 });
  t.after(() => client.close());
  const next = async (): Promise<[Buffer, Buffer]> => {
    const [routing, delimiter, body, ...rest] = await within(router.receive(), 5000, "a client event");
    assert.equal(delimiter!.length, 0);
    assert.equal(rest.length, 0, "two frames: the delimiter and the event");
    return [routing!, body!];
  };

  const sum = client.call("add", 2, 3);
  const [who, request] = await next();
  assert.deepEqual(request, withOurId(ADD_REQUEST, idOf(request)));
  await router.send([who, Buffer.alloc(0), Buffer.concat([ADD_REPLY.subarray(0, RESPONSE_TO_AT), idOf(request), ADD_REPLY.subarray(RESPONSE_TO_AT + 32)])]);
  assert.equal(await sum, 5);

  const failed = client.call("fail").catch((e: unknown) => e);
  const [, failRequest] = await next();
  const failId = Buffer.from(idOf(failRequest));
  assert.deepEqual(failRequest, withOurId(event(RECORDED_ID("8"), "fail", "90"), failId));
  await router.send([who, Buffer.alloc(0), event(RECORDED_ID("f"), "ERR", `93${str("ValueError")}${str("bad value")}${str("Traceback")}`, failId)]);
  const err = await failed;
  assert.ok(err instanceof RpcError);
  assert.deepEqual([err.remoteName, err.remoteMessage, err.remoteTraceback], ["ValueError", "bad value", "Traceback"]);

  const items: unknown[] = [];
  const reading = (async () => {
    for await (const item of client.stream("count", 3)) items.push(item);
  })();
  const [, countRequest] = await next();
  const countId = Buffer.from(idOf(countRequest));
  assert.deepEqual(countRequest, withOurId(event(RECORDED_ID("9"), "count", "9103"), countId));
  await router.send([who, Buffer.alloc(0), event(RECORDED_ID("1"), "STREAM", "00", countId)]);
  const [, more] = await next();
  assert.deepEqual(more, withOurId(event(RECORDED_ID("a"), "_zpc_more", "9164", countId), idOf(more)));
  for (const [n, args] of [["2", "01"], ["3", "02"]] as const) await router.send([who, Buffer.alloc(0), event(RECORDED_ID(n), "STREAM", args, countId)]);
  await router.send([who, Buffer.alloc(0), event(RECORDED_ID("4"), "STREAM_DONE", "c0", countId)]);
  await within(reading, 5000, "the stream");
  assert.deepEqual(items, [0, 1, 2]);

  const slow = client.call("slow", 6);
  const [, slowRequest] = await next();
  const slowId = Buffer.from(idOf(slowRequest));
  await router.send([who, Buffer.alloc(0), event(RECORDED_ID("5"), "_zpc_hb", "9100", slowId)]);
  const [, hb] = await next();
  assert.deepEqual(hb, withOurId(event(RECORDED_ID("c"), "_zpc_hb", "9100", slowId), idOf(hb)));
  await router.send([who, Buffer.alloc(0), event(RECORDED_ID("6"), "OK", "9106", slowId)]);
  assert.equal(await slow, 6);
});

/** `data` cut at `cuts`, each piece written and flushed before the next. */
async function writeInChunks(peer: RawPeer, data: Buffer, cuts: readonly number[]): Promise<void> {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  let prev = 0;
  for (const p of [...points, data.length]) {
    const piece = data.subarray(prev, p);
    prev = p;
    if (piece.length > 0) await new Promise<void>((resolve, reject) => peer.sock.write(Buffer.from(piece), (e) => (e ? reject(e) : resolve())));
  }
}

test("golden, server role: the recorded request in arbitrary chunks gets the recorded reply", async (t) => {
  const server = await goldenServer();
  t.after(() => server.close());
  await fc.assert(
    fc.asyncProperty(fc.array(fc.nat(), { maxLength: 12 }), async (cuts) => {
      const peer = await RawPeer.connect(server.endpoint!);
      try {
        await peer.handshake("DEALER", [["Identity", ""]]);
        await writeInChunks(peer, message(["", ADD_REQUEST]), cuts);
        const [delimiter, reply] = await within(peer.readMessage(), 5000, "the reply");
        assert.equal(delimiter!.length, 0);
        assert.deepEqual(reply, withOurId(ADD_REPLY, idOf(reply!)));
      } finally {
        peer.destroy();
      }
    }),
    { numRuns: 15 },
  );
});

test("golden, client role: the recorded reply in arbitrary chunks is read", async (t) => {
  const listener = await RawListener.listen();
  t.after(() => listener.close());
  const client = new RpcClient(listener.endpoint, { protocol: "zerorpc", heartbeat: 0, timeout: 5000 });
  t.after(() => client.close());
  const peer = await listener.accept();
  await peer.handshake("ROUTER");
  await fc.assert(
    fc.asyncProperty(fc.array(fc.nat(), { maxLength: 12 }), async (cuts) => {
      const sum = client.call("add", 2, 3);
      const [delimiter, request] = await within(peer.readMessage(), 5000, "the request");
      assert.equal(delimiter!.length, 0);
      assert.deepEqual(request, withOurId(ADD_REQUEST, idOf(request!)));
      const reply = Buffer.concat([ADD_REPLY.subarray(0, RESPONSE_TO_AT), idOf(request!), ADD_REPLY.subarray(RESPONSE_TO_AT + 32)]);
      await writeInChunks(peer, message(["", reply]), cuts);
      assert.equal(await within(sum, 5000, "the result"), 5);
    }),
    { numRuns: 15 },
  );
});
