/**
 * Datagram (DGRAM) against plain node:dgram peers and itself: datagrams in
 * as `[address, body]` and answered by that address, unicast and
 * multicast; the size bounds; libzmq's reading of the parts; the
 * endpoints it refuses; one peer per socket. test/interop/datagram.test.ts
 * runs the same against libzmq's.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as dgram from "node:dgram";
import { once } from "node:events";
import { Datagram } from "../../../src/draft/index.js";
import { Socket } from "../../../src/index.js";
import { track, withDeadline } from "../sockets/helpers.js";

const T = 5000;

/** A node:dgram socket bound to a free port of 127.0.0.1, closed when the test ends. */
async function udpPeer(t: { after(fn: () => void): void }): Promise<dgram.Socket> {
  const sock = dgram.createSocket("udp4");
  t.after(() => sock.close());
  sock.bind(0, "127.0.0.1");
  await once(sock, "listening");
  return sock;
}

/** A Datagram bound to a free port of 127.0.0.1, and that port. */
async function boundDatagram(t: Parameters<typeof track>[0], options = {}): Promise<[Datagram, number]> {
  const [sock] = track(t, new Datagram(options));
  await sock.bind("udp://127.0.0.1:0");
  const port = Number(/^udp:\/\/127\.0\.0\.1:(\d+)$/.exec(sock.lastEndpoint!)![1]);
  assert.ok(port > 0, `a real port in ${sock.lastEndpoint}`);
  return [sock, port];
}

/** The next datagram `peer` receives, as text. */
function nextDatagram(peer: dgram.Socket): Promise<string> {
  return withDeadline(once(peer, "message"), T, "a datagram").then(([d]) => String(d));
}

function sendTo(peer: dgram.Socket, data: Buffer | string, port: number): Promise<void> {
  return new Promise((resolve, reject) => peer.send(data, port, "127.0.0.1", (e) => (e ? reject(e) : resolve())));
}

test("new Socket(18) is a Datagram: type 18, not thread safe (its messages are two parts)", (t) => {
  const BySocketType = Socket as unknown as new (type: number) => Datagram;
  const [sock] = track(t, new BySocketType(18));
  assert.ok(sock instanceof Datagram);
  assert.deepEqual([sock.type, sock.threadSafe], [18, false]);
});

test("a datagram comes in as [ip:port NUL, body], and the address answers its sender", async (t) => {
  const [sock, port] = await boundDatagram(t);
  const peer = await udpPeer(t);
  await sendTo(peer, "hello", port);
  const [address, body] = await withDeadline(sock.receive(), T, "the datagram");
  assert.equal(String(address), `127.0.0.1:${peer.address().port}\0`);
  assert.equal(String(body), "hello");
  const reply = nextDatagram(peer);
  await sock.send([address, "world"]);
  assert.equal(await reply, "world");
  // The address without its NUL, as an application writes it, works too.
  const again = nextDatagram(peer);
  await sock.send([`127.0.0.1:${peer.address().port}`, ""]);
  assert.equal(await again, "");
});

test("Datagram to Datagram, each answering the other by the address received", async (t) => {
  const [a, portA] = await boundDatagram(t);
  const [b] = await boundDatagram(t);
  await b.send([`127.0.0.1:${portA}`, "ping"]);
  const [from, ping] = await withDeadline(a.receive(), T, "ping");
  await a.send([from, `${ping}-pong`]);
  const [, pong] = await withDeadline(b.receive(), T, "pong");
  assert.equal(String(pong), "ping-pong");
});

test("a Datagram bound to a multicast group takes what is sent to the group", async (t) => {
  const [sock] = track(t, new Datagram());
  await sock.bind("udp://239.192.41.9:0");
  const port = Number(/:(\d+)$/.exec(sock.lastEndpoint!)![1]);
  // Bound to no address, so that the system picks the interface of the group's route, looping back.
  const peer = dgram.createSocket("udp4");
  t.after(() => peer.close());
  peer.bind(0);
  await once(peer, "listening");
  await new Promise<void>((resolve, reject) => peer.send("to the group", port, "239.192.41.9", (e) => (e ? reject(e) : resolve())));
  const [address, body] = await withDeadline(sock.receive(), T, "the group's datagram");
  assert.equal(String(body), "to the group");
  assert.match(String(address), new RegExp(`:${peer.address().port}\0$`));
});

test("sizes: a datagram over 8192 octets comes in cut to 8192; a body over 8192 is not sent", async (t) => {
  const [sock, port] = await boundDatagram(t);
  const peer = await udpPeer(t);
  await sendTo(peer, Buffer.alloc(9000, 0x61), port);
  const [address, body] = await withDeadline(sock.receive(), T, "the long datagram");
  assert.deepEqual(body, Buffer.alloc(8192, 0x61));
  const got = nextDatagram(peer);
  await sock.send([address, Buffer.alloc(8193, 0x62)]);
  await sock.send([address, Buffer.alloc(8192, 0x63)]);
  assert.equal(await got, "c".repeat(8192));
});

test("a message whose address does not read is dropped, as libzmq drops it", async (t) => {
  const [sock] = await boundDatagram(t);
  const peer = await udpPeer(t);
  const p = peer.address().port;
  const got = nextDatagram(peer);
  for (const address of ["", `localhost:${p}`, `127.0.0.1:0`, `[127.0.0.1]:${p}`, `255.255.255.255:${p}`, "127.0.0.1"]) {
    await sock.send([address, `dropped ${address}`]);
  }
  await sock.send([`127.1:${p}`, "the good one"]);
  assert.equal(await got, "the good one");
});

test("parts as libzmq reads them: EINVAL for one part or three, and the address of a failed three waits for a lone body", async (t) => {
  const [sock] = await boundDatagram(t);
  const peer = await udpPeer(t);
  const p = peer.address().port;
  await assert.rejects(sock.send("alone"), { code: "EINVAL" });
  await assert.rejects(sock.send([`127.0.0.1:${p}`, "a", "b"]), { code: "EINVAL" });
  // The first part of the three is taken as an address: an address is not expected now.
  await assert.rejects(sock.send([`127.0.0.1:${p}`, "after"]), { code: "EINVAL" });
  const got = nextDatagram(peer);
  await sock.send("the body");
  assert.equal(await got, "the body");
  const next = nextDatagram(peer);
  await sock.send([`127.0.0.1:${p}`, "back to normal"]);
  assert.equal(await next, "back to normal");
});

test("a send before any bind has no peer to go to: EAGAIN with sendTimeout 0, as libzmq", async (t) => {
  const [sock] = track(t, new Datagram({ sendTimeout: 0 }));
  await assert.rejects(sock.send(["127.0.0.1:9", "x"]), { code: "EAGAIN" });
});

test("endpoints: udp:// is bound over IPv4 only; connect and other transports fail ENOCOMPATPROTO, IPv6 ENODEV", async (t) => {
  const [sock] = track(t, new Datagram({ ipv6: true }));
  assert.throws(() => sock.connect("udp://127.0.0.1:5555"), { code: "ENOCOMPATPROTO" });
  assert.throws(() => sock.connect("tcp://127.0.0.1:5555"), { code: "ENOCOMPATPROTO" });
  await assert.rejects(sock.bind("tcp://127.0.0.1:0"), { code: "ENOCOMPATPROTO" });
  await assert.rejects(sock.bind("ipc://*"), { code: "ENOCOMPATPROTO" });
  await assert.rejects(sock.bind("inproc://datagram"), { code: "ENOCOMPATPROTO" });
  await assert.rejects(sock.bind("udp://[::1]:0"), { code: "ENODEV" });
  assert.equal(sock.lastEndpoint, null);
});

test("one peer: a second bind succeeds but what reaches it is dropped, as libzmq ends its pipe", async (t) => {
  const [sock, port] = await boundDatagram(t);
  await sock.bind("udp://127.0.0.1:0");
  const second = Number(/:(\d+)$/.exec(sock.lastEndpoint!)![1]);
  assert.notEqual(second, port);
  const peer = await udpPeer(t);
  await sendTo(peer, "to the second", second);
  await sendTo(peer, "to the first", port);
  const [, body] = await withDeadline(sock.receive(), T, "the first endpoint's datagram");
  assert.equal(String(body), "to the first");
});
