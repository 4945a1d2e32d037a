/**
 * udp:// for Radio and Dish: libzmq's datagram form checked octet by octet
 * against plain node:dgram sockets, bad datagrams dropped, unicast and
 * multicast between purezmq peers, and the socket types that refuse udp://.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as dgram from "node:dgram";
import { once } from "node:events";
import { Dish, Radio, Server } from "../../../src/draft/index.js";
import { track, withDeadline } from "../sockets/helpers.js";
import { nextReal, untilJoined } from "./helpers.js";

const T = 5000;

async function datagramSocket(t: { after(fn: () => void): void }): Promise<dgram.Socket> {
  const sock = dgram.createSocket("udp4");
  t.after(() => sock.close());
  sock.bind(0, "127.0.0.1");
  await once(sock, "listening");
  return sock;
}

test("a Radio sends each message as one datagram: group size, group, body", async (t) => {
  const sock = await datagramSocket(t);
  const [radio] = track(t, new Radio());
  radio.connect(`udp://127.0.0.1:${sock.address().port}`);
  const got = once(sock, "message");
  // Every group goes out over UDP: the dish at the other end filters.
  await radio.send("body", { group: "grp" });
  const [datagram] = (await withDeadline(got, T, "a datagram")) as [Buffer];
  assert.deepEqual(datagram, Buffer.concat([Buffer.from([3]), Buffer.from("grpbody")]));
});

test("a Dish bound to udp:// takes good datagrams of its groups and drops the others", async (t) => {
  const sock = await datagramSocket(t);
  const [dish] = track(t, new Dish());
  await dish.bind("udp://127.0.0.1:0");
  const port = Number(/:(\d+)$/.exec(dish.lastEndpoint!)![1]);
  assert.ok(port > 0, `the real port in ${dish.lastEndpoint}`);
  dish.join("g");
  const send = (d: Buffer) => new Promise<void>((resolve, reject) => sock.send(d, port, "127.0.0.1", (e) => (e ? reject(e) : resolve())));
  await send(Buffer.from([9, 0x67])); // a group size past the end
  await send(Buffer.concat([Buffer.from([1, 0x67]), Buffer.alloc(8200)])); // over 8192 octets
  await send(Buffer.from([1, 0x68, 0x78])); // group h: not joined
  await send(Buffer.from([]));
  await send(Buffer.concat([Buffer.from([1]), Buffer.from("gok")]));
  const [body, { group }] = await withDeadline(dish.receive(), T, "the good datagram");
  assert.deepEqual([String(group), String(body)], ["g", "ok"]);
});

for (const host of ["127.0.0.1", "239.192.41.7"]) {
  test(`Radio to Dish over udp://${host} (${host.startsWith("239") ? "multicast" : "unicast"})`, async (t) => {
    const [radio, dish] = track(t, new Radio(), new Dish());
    await dish.bind(`udp://${host}:0`);
    dish.join("a");
    radio.connect(dish.lastEndpoint!);
    await untilJoined(radio, dish, "a");
    await radio.send("not joined", { group: "b" });
    await radio.send("hello", { group: "a" });
    assert.equal(await withDeadline(nextReal(dish), T, "hello"), "a:hello");
  });
}

test("udp:// is for a Dish to bind and a Radio to connect: ENOCOMPATPROTO otherwise", async (t) => {
  const [radio, dish, server] = track(t, new Radio(), new Dish(), new Server());
  await assert.rejects(radio.bind("udp://127.0.0.1:0"), { code: "ENOCOMPATPROTO" });
  assert.throws(() => dish.connect("udp://127.0.0.1:5555"), { code: "ENOCOMPATPROTO" });
  assert.throws(() => server.connect("udp://127.0.0.1:5555"), { code: "ENOCOMPATPROTO" });
  await assert.rejects(server.bind("udp://127.0.0.1:0"), { code: "ENOCOMPATPROTO" });
});
