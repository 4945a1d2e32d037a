/**
 * Stream against plain node:net peers, purezmq alone: an empty message
 * closes the peer after the data sent before it (at once, where libzmq
 * takes its time) and is not announced as a disconnect; reading from a
 * peer stops at the receive high-water mark and resumes, so what a fast
 * peer makes us hold is bounded; a reconnect is a new peer.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import * as net from "node:net";
import { Stream } from "../../../src/index.js";
import { track, withDeadline } from "./helpers.js";

const T = 5000;

async function streamServer(t: { after(fn: () => void): void }, options: ConstructorParameters<typeof Stream>[0] = {}): Promise<{ stream: Stream; port: number }> {
  const stream = new Stream(options);
  t.after(() => stream.close());
  await stream.bind("tcp://127.0.0.1:0");
  return { stream, port: Number(stream.lastEndpoint!.split(":").pop()) };
}

test("an empty message closes the peer after what was sent before it; no disconnect notification follows", async (t) => {
  const { stream, port } = await streamServer(t);
  const client = net.connect(port, "127.0.0.1");
  t.after(() => client.destroy());
  let text = "";
  client.on("data", (d: Buffer) => (text += d.toString()));
  const [id] = await withDeadline(stream.receive(), T, "connect");
  await stream.send([id, "last words"]);
  await stream.send([id, ""]);
  await withDeadline(once(client, "end"), T, "the close");
  assert.equal(text, "last words");
  await assert.rejects(stream.send([id, "late"]), { code: "EHOSTUNREACH" });
  const second = net.connect(port, "127.0.0.1");
  t.after(() => second.destroy());
  const [id2, note] = await withDeadline(stream.receive(), T, "the next peer");
  assert.notDeepEqual(id2, id, "the next message is the next peer's connection");
  assert.equal(note.length, 0);
});

test("a Stream stops reading a peer at the receive high-water mark and resumes when read", async (t) => {
  const { stream, port } = await streamServer(t, { receiveHighWaterMark: 2 });
  const client = net.connect(port, "127.0.0.1");
  t.after(() => client.destroy());
  await withDeadline(stream.receive(), T, "connect");
  // Far more than the kernel's buffers hold: once reading stops, the rest stays with the client.
  const written = 16 * 1024 * 1024;
  client.write(Buffer.alloc(written, 0x61));
  const [, first] = await withDeadline(stream.receive(), T, "the first data");
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok(client.writableLength > 0, "the peer is held back by TCP, not buffered without bound");
  let got = first.length;
  while (got < written) got += (await withDeadline(stream.receive(), T, "data"))[1].length;
  assert.equal(got, written);
});

test("a connect()ed Stream announces each connection; a reconnect is a new peer", async (t) => {
  const server = net.createServer((sock) => sock.destroy());
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  t.after(() => server.close());
  const [stream] = track(t, new Stream({ reconnectInterval: 10 }));
  stream.connect(`tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`);
  const ids = new Set<string>();
  const seen: number[] = [];
  while (ids.size < 2) {
    const [id, data] = await withDeadline(stream.receive(), T, "a notification");
    seen.push(data.length);
    ids.add(id.toString("hex"));
  }
  assert.deepEqual(seen.slice(0, 3), [0, 0, 0], "connect, disconnect, connect: all empty frames");
});
