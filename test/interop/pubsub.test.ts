/**
 * Publish-subscribe interop with libzmq 4.3 (the `zeromq` package): PUB and
 * XPUB against SUB and XSUB, purezmq on either side, either side binding,
 * over tcp (and ipc for PUB-SUB). Each case checks prefix filtering with
 * text, binary, 255- and 256-octet topics, multipart messages, an
 * unsubscribe, and the empty topic; then XPUB subscription messages across
 * implementations and two subscribers with different topics.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  bindAddress, bindResolved, closeAll, makeSocket, withDeadline,
  type Impl, type NetTransport, type PeerSocket, type TypeName,
} from "./peers.js";
import { isProbe, untilSubscribed } from "../zmtp/pubsub/helpers.js";

const TIMEOUT = 10_000;
const T255 = Buffer.alloc(255, 0x41);
const T256 = Buffer.alloc(256, 0x42);
const BINARY = Buffer.from([0x00, 0xff, 0x01]);

/** Subscribes through either API: subscribe() on SUB, a `[1 + topic]` message on XSUB. */
async function subscribe(s: PeerSocket, type: TypeName, topic: Buffer, on = true): Promise<void> {
  if (type === "SUB") {
    (s[on ? "subscribe" : "unsubscribe"] as (t: Buffer) => void).call(s, topic);
  } else {
    await s.send(Buffer.concat([Buffer.from([on ? 1 : 0]), topic]));
  }
}

/** Next non-probe message, as hex parts. */
async function nextHex(s: PeerSocket): Promise<string[]> {
  for (;;) {
    const msg = await withDeadline(s.receive(), TIMEOUT, "a message");
    if (!isProbe(msg)) return msg.map((p) => Buffer.from(p).toString("hex"));
  }
}

const hex = (parts: (string | Buffer)[]): string[] => parts.map((p) => Buffer.from(p).toString("hex"));

interface Case {
  pub: "PUB" | "XPUB";
  sub: "SUB" | "XSUB";
  ours: "pub" | "sub";
  binder: "pub" | "sub";
  transport: NetTransport;
}

const cases: Case[] = [];
for (const pub of ["PUB", "XPUB"] as const) {
  for (const sub of ["SUB", "XSUB"] as const) {
    for (const ours of ["pub", "sub"] as const) {
      for (const binder of ["pub", "sub"] as const) {
        cases.push({ pub, sub, ours, binder, transport: "tcp" });
        if (pub === "PUB" && sub === "SUB") cases.push({ pub, sub, ours, binder, transport: "ipc" });
      }
    }
  }
}

for (const c of cases) {
  const impl = (side: "pub" | "sub"): Impl => (c.ours === side ? "purezmq" : "libzmq");
  const name = `${c.pub}(${impl("pub")}) - ${c.sub}(${impl("sub")}), ${c.binder === "pub" ? c.pub : c.sub} binds, ${c.transport}`;
  test(name, async (t) => {
    const pub = makeSocket(impl("pub"), c.pub);
    const sub = makeSocket(impl("sub"), c.sub, { reconnectInterval: 20 });
    if (impl("pub") === "purezmq") pub.reconnectInterval = 20;
    t.after(() => closeAll(pub, sub));
    const [binder, connector] = c.binder === "pub" ? [pub, sub] : [sub, pub];
    connector.connect(await bindResolved(binder, bindAddress(c.transport)));

    for (const topic of [Buffer.from("ab"), BINARY, T255, T256]) await subscribe(sub, c.sub, topic);
    await untilSubscribed(pub as never, sub as never, "ab");
    await untilSubscribed(pub as never, sub as never, T256);
    const sent: (string | Buffer)[][] = [
      ["a", "no"],
      ["ab"],
      ["abc", "multi", "", "part"],
      [Buffer.from([0x00, 0xff]), "no"],
      [Buffer.concat([BINARY, Buffer.from([2])]), "yes"],
      [T255.subarray(0, 254), "no"],
      [Buffer.concat([T255, Buffer.from("x")])],
      [T256.subarray(0, 255), "no"],
      [T256, "yes"],
      ["zzz"],
      ["ab-end"],
    ];
    for (const m of sent) await pub.send(m);
    const wanted = [1, 2, 4, 6, 8, 10].map((i) => hex(sent[i]!));
    for (const w of wanted) assert.deepEqual(await nextHex(sub), w);

    // Unsubscribe "ab"; a later subscription's arrival proves the cancel arrived (one connection, in order).
    await subscribe(sub, c.sub, Buffer.from("ab"), false);
    await subscribe(sub, c.sub, Buffer.from("sync"));
    await untilSubscribed(pub as never, sub as never, "sync");
    await pub.send("ab-gone");
    await pub.send(["sync", "marker"]);
    assert.deepEqual(await nextHex(sub), hex(["sync", "marker"]));

    // The empty topic matches everything.
    await subscribe(sub, c.sub, Buffer.alloc(0));
    await untilSubscribed(pub as never, sub as never, "q");
    await pub.send("zzz");
    await pub.send("");
    assert.deepEqual(await nextHex(sub), hex(["zzz"]));
    assert.deepEqual(await nextHex(sub), hex([""]));
  });
}

for (const ours of ["xpub", "sub"] as const) {
  test(`XPUB(${ours === "xpub" ? "purezmq" : "libzmq"}) receives the subscription messages of SUB(${ours === "sub" ? "purezmq" : "libzmq"})`, async (t) => {
    const xpub = makeSocket(ours === "xpub" ? "purezmq" : "libzmq", "XPUB");
    const sub = makeSocket(ours === "sub" ? "purezmq" : "libzmq", "SUB");
    t.after(() => closeAll(xpub, sub));
    sub.connect(await bindResolved(xpub, "tcp://127.0.0.1:0"));
    await subscribe(sub, "SUB", Buffer.from("topic"));
    assert.deepEqual(hex(await withDeadline(xpub.receive(), TIMEOUT, "subscribe")), hex([Buffer.from("\x01topic", "latin1")]));
    await subscribe(sub, "SUB", T256);
    assert.deepEqual(hex(await withDeadline(xpub.receive(), TIMEOUT, "subscribe 256")), hex([Buffer.concat([Buffer.from([1]), T256])]));
    await subscribe(sub, "SUB", Buffer.from("topic"), false);
    assert.deepEqual(hex(await withDeadline(xpub.receive(), TIMEOUT, "cancel")), hex([Buffer.from("\x00topic", "latin1")]));
  });
}

for (const pubImpl of ["purezmq", "libzmq"] as const) {
  test(`PUB(${pubImpl}) with two subscribers (one of each implementation) on different topics`, async (t) => {
    const pub = makeSocket(pubImpl, "PUB");
    const ourSub = makeSocket("purezmq", "SUB");
    const theirSub = makeSocket("libzmq", "SUB");
    t.after(() => closeAll(pub, ourSub, theirSub));
    const ep = await bindResolved(pub, "tcp://127.0.0.1:0");
    for (const s of [ourSub, theirSub]) s.connect(ep);
    await subscribe(ourSub, "SUB", Buffer.from("ours"));
    await subscribe(theirSub, "SUB", Buffer.from("theirs"));
    await untilSubscribed(pub as never, ourSub as never, "ours");
    await untilSubscribed(pub as never, theirSub as never, "theirs");
    for (const m of ["ours-1", "theirs-1", "nobody", "ours-2", "theirs-2"]) await pub.send(m);
    assert.deepEqual([await nextHex(ourSub), await nextHex(ourSub)], [hex(["ours-1"]), hex(["ours-2"])]);
    assert.deepEqual([await nextHex(theirSub), await nextHex(theirSub)], [hex(["theirs-1"]), hex(["theirs-2"])]);
  });
}
