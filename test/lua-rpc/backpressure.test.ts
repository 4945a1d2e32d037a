import { test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import { once } from "node:events";
import { encodeCallFrame, newMultiServer, type LuaRpcPeer } from "../../src/lua-rpc/index.js";

test("a peer that sends calls but never reads the responses is paused, then gets every response", async (t) => {
  const big = "x".repeat(60000);
  let served: LuaRpcPeer | undefined;
  const server = await newMultiServer("127.0.0.1", 0, (peer) => {
    served = peer;
  }, { expose: { big: () => big }, maxServing: 16 });
  const client = net.connect({ host: "127.0.0.1", port: server.port });
  t.after(() => {
    client.destroy(); // first: closing the server flushes to a peer that reads
    server.close();
  });
  await once(client, "connect");
  client.pause(); // reads nothing for now
  const calls = 300; // 300 responses of 60 KB: 18 MB if nothing pushed back
  client.write(Buffer.concat(Array.from({ length: calls }, (_, i) => encodeCallFrame(i % 256, "big"))));

  // No event tells that the server stopped reading: a bounded poll.
  const deadline = Date.now() + 5000;
  while (!served?.socket.isPaused()) {
    assert.ok(Date.now() < deadline, "the server never stopped reading the peer");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  // What waits in the server for the peer: at most maxServing responses
  // plus the 1 MiB backlog limit, not the 18 MB asked for.
  assert.ok(served.socket.writableLength < 16 * 60000 + 1024 * 1024 + 65536, `${served.socket.writableLength} octets wait to be written`);

  // Once the peer reads, every response arrives.
  let octets = 0;
  const frameSize = 6 + 1 + 3 + big.length; // header, status, string tag + length, the string
  client.on("data", (d: Buffer) => (octets += d.length));
  client.resume();
  while (octets < calls * frameSize) {
    assert.ok(Date.now() < deadline + 10000, `only ${octets} of ${calls * frameSize} octets arrived`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.equal(octets, calls * frameSize);
});
