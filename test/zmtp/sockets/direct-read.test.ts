/**
 * Large bodies read straight into their buffers (src/zmtp/direct-read.ts)
 * over real tcp and ipc connections: on an accepted connection and on a
 * dialed one, with small frames and multipart messages between the large
 * ones, under back-pressure, with the thread's budget given back when a
 * connection ends in the middle of a body, and with at most 4 KiB held for
 * the next read once the peer is quiet; and connections of small messages
 * only, which switch once busy and not before. Node and Deno switch such
 * connections; Bun has no way to, and must deliver the same messages
 * through its "data" events.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import * as net from "node:net";
import { Pull, Push, Reply, Request } from "../../../src/index.js";
import { directlyRead, readDirect, streamsSwitched } from "../../../src/zmtp/direct-read.js";
import { directBudgetInUse } from "../../../src/zmtp/wire/frame-decoder.js";
import { RawPeer } from "../raw/raw-peer.js";
import { bindAddress, bindResolved, nextEvent, settle, track, withDeadline } from "./helpers.js";

const KiB = 1024;
const MiB = 1024 * KiB;
/** Whether this runtime's node:net lets a stream read into buffers of ours. */
const DIRECT = (process.versions as Record<string, string | undefined>).bun === undefined;

/** Messages of every shape around the direct-read threshold (64 KiB). */
function mixedMessages(): Buffer[][] {
  const sizes = [[MiB], [100], [200 * KiB, 3, 70 * KiB], [64 * KiB + 1], [MiB + 1], [0], [5 * MiB], [64 * KiB], [40, 300 * KiB]];
  return sizes.map((parts) => parts.map((n) => randomBytes(n)));
}

/** Octets of the parts over 64 KiB: what may be read straight into place. */
const largeOctets = (messages: Buffer[][]): number => messages.flat().filter((p) => p.length > 64 * KiB).reduce((n, p) => n + p.length, 0);

async function sendAndCheck(sender: Push, receiver: Pull, messages: Buffer[][]): Promise<void> {
  const before = directlyRead();
  const received = (async () => {
    const out: Buffer[][] = [];
    for (let i = 0; i < messages.length; i++) out.push(await receiver.receive());
    return out;
  })();
  for (const m of messages) await sender.send(m);
  const got = await withDeadline(received, 20_000, "every message");
  assert.equal(got.length, messages.length);
  got.forEach((m, i) => assert.ok(m.length === messages[i]!.length && m.every((p, j) => p.equals(messages[i]![j]!)), `message ${i} arrived changed`));
  const direct = directlyRead() - before;
  if (DIRECT) assert.ok(direct >= largeOctets(messages) / 2, `only ${direct} of ${largeOctets(messages)} large octets were read into place`);
  else assert.equal(direct, 0);
  assert.equal(directBudgetInUse(), 0, "no body is pending, so none holds the budget");
}

for (const transport of ["tcp", "ipc"] as const) {
  test(`${transport}: a bound PULL gets large and small messages whole and in order, large bodies read into place`, async (t) => {
    const [pull, push] = track(t, new Pull(), new Push());
    push.connect(await bindResolved(pull, bindAddress(transport)));
    await sendAndCheck(push, pull, mixedMessages());
  });

  test(`${transport}: a connecting PULL reads large bodies into place too`, async (t) => {
    const [push, pull] = track(t, new Push(), new Pull());
    pull.connect(await bindResolved(push, bindAddress(transport)));
    await sendAndCheck(push, pull, mixedMessages());
  });
}

test("back-pressure holds after the switch: a receiver that reads slowly gets every 1 MiB message in order", async (t) => {
  const [pull, push] = track(t, new Pull({ receiveHighWaterMark: 1 }), new Push({ sendHighWaterMark: 1 }));
  push.connect(await bindResolved(pull, bindAddress("tcp")));
  const count = 40;
  const sending = (async () => {
    for (let i = 0; i < count; i++) await push.send(Buffer.alloc(MiB, i));
  })();
  for (let i = 0; i < count; i++) {
    // Let the sender and the kernel fill every buffer between two reads.
    for (let k = 0; k < 5; k++) await settle();
    const [msg] = await pull.receive();
    assert.equal(msg!.length, MiB);
    assert.ok(msg![0] === i && msg![MiB - 1] === i, `message ${i} out of order or torn`);
  }
  await sending;
});

test("a connection that ends in the middle of a large body gives its share of the budget back", async (t) => {
  const [pull] = track(t, new Pull());
  const endpoint = await bindResolved(pull, bindAddress("tcp"));
  const peer = await RawPeer.connect(endpoint);
  await peer.handshake("PUSH");
  const header = Buffer.alloc(9);
  header[0] = 0x02;
  header.writeBigUInt64BE(BigInt(8 * MiB), 1);
  peer.write(header, Buffer.alloc(100 * KiB));
  const expected = DIRECT ? 8 * MiB : 0;
  // No event tells when the body's first octets were read: look each turn.
  await withDeadline((async () => {
    while (directBudgetInUse() !== expected) await new Promise((r) => setTimeout(r, 5));
  })(), 5000, `${expected} octets of the budget held`);
  const gone = nextEvent(pull, "disconnect");
  peer.destroy();
  await gone;
  assert.equal(directBudgetInUse(), 0);
});

test("a switched connection holds at most 4 KiB for its next read once the peer is quiet", async (t) => {
  const BODY = 200 * KiB;
  const body = Buffer.alloc(BODY);
  let filled = 0;
  const chunks: Buffer[] = [];
  let switched: boolean | undefined;
  let accepted: net.Socket | undefined;
  const server = net.createServer((sock) => {
    accepted = sock;
    // A body is under way from the first octet: its rest is read into place.
    sock.once("data", (first: Buffer) => {
      first.copy(body, 0);
      filled = first.length;
      switched = readDirect(sock, {
        directTarget: () => (filled < BODY ? body.subarray(filled) : undefined),
        filled: (n) => void (filled += n),
        received: (chunk) => void chunks.push(Buffer.from(chunk)),
      });
      if (!switched) sock.on("data", (c: Buffer) => void chunks.push(c));
    });
  });
  t.after(() => {
    accepted?.destroy();
    server.close();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const client = net.connect((server.address() as net.AddressInfo).port, "127.0.0.1");
  t.after(() => client.destroy());
  await once(client, "connect");
  const sent = randomBytes(BODY);
  const tail = randomBytes(150 * KiB);
  client.write(Buffer.concat([sent, tail]));
  await withDeadline((async () => {
    while (chunks.reduce((n, c) => n + c.length, 0) + Math.min(filled, BODY) < BODY + tail.length) await new Promise((r) => setTimeout(r, 5));
  })(), 5000, "every octet");
  assert.equal(switched, DIRECT);
  if (!DIRECT) return;
  assert.ok(body.equals(sent), "the body read into place is what was sent");
  assert.ok(Buffer.concat(chunks).equals(tail), "what came after it arrived in order");
  // The buffer node:net reads into next is held by the socket under the field `onread` sets.
  const held = Object.getOwnPropertySymbols(accepted!).map((k) => (accepted as unknown as Record<symbol, unknown>)[k])
    .filter((v): v is Uint8Array => v instanceof Uint8Array);
  assert.equal(held.length, 1);
  assert.ok(held[0]!.buffer.byteLength <= 4 * KiB, `${held[0]!.buffer.byteLength} octets held for the next read`);
});

test("a connection of small messages only switches once it is busy, and not before", async (t) => {
  const [rep, req] = track(t, new Reply(), new Request());
  req.connect(await bindResolved(rep, bindAddress("tcp")));
  const echoing = (async () => {
    for (;;) await rep.send(await rep.receive());
  })().catch(() => undefined);
  const roundTrips = async (n: number, from: number): Promise<void> => {
    for (let i = from; i < from + n; i++) {
      const body = Buffer.from(`request ${i}`);
      await req.send(body);
      const [reply] = await req.receive();
      assert.ok(reply!.equals(body), `round trip ${i} came back changed`);
    }
  };
  const before = streamsSwitched();
  // A few reads each way (greeting and handshake included): node:net's reads, nothing held while idle.
  await roundTrips(10, 0);
  assert.equal(streamsSwitched(), before, "a connection that has read little keeps node:net's reads");
  // Well over the engine's count of reads that makes a connection busy.
  await roundTrips(200, 10);
  assert.equal(streamsSwitched() - before, DIRECT ? 2 : 0, "both ends of a busy connection read into their own buffers");
  // And the switched ends go on carrying messages whole.
  await roundTrips(50, 210);
  rep.close();
  await echoing;
});
