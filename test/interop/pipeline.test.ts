/**
 * PUSH/PULL interop with libzmq 4.3: purezmq on either side, either side
 * binding, tcp and ipc, with multipart and edge-size messages and 1,000
 * numbered messages in order; then round-robin from one PUSH over three
 * PULLs of the other implementation.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  bindAddress, bindResolved, closeAll, describe, makeSocket, patterned, sameMessage, withDeadline,
  type Impl, type NetTransport, type PeerSocket,
} from "./peers.js";

const TIMEOUT = 10_000;

function messages(): Buffer[][] {
  const out: Buffer[][] = [
    [Buffer.from("a"), Buffer.alloc(0), Buffer.from("c")],
    [Buffer.alloc(0)],
    [patterned(255, 1)],
    [patterned(256, 2), patterned(65536, 3)],
  ];
  for (let i = 0; i < 1000; i++) out.push([Buffer.from(`n${i}`)]);
  return out;
}

for (const transport of ["tcp", "ipc"] as NetTransport[]) {
  for (const ours of ["push", "pull"] as const) {
    for (const binder of ["push", "pull"] as const) {
      const impl = (side: "push" | "pull"): Impl => (side === ours ? "purezmq" : "libzmq");
      test(`PUSH(${impl("push")}) -> PULL(${impl("pull")}), ${binder.toUpperCase()} binds, ${transport}`, async (t) => {
        const push = makeSocket(impl("push"), "PUSH");
        const pull = makeSocket(impl("pull"), "PULL");
        t.after(() => closeAll(push, pull));
        const [b, c] = binder === "push" ? [push, pull] : [pull, push];
        c.connect(await bindResolved(b, bindAddress(transport)));
        const sent = messages();
        const sending = (async () => {
          for (const m of sent) await push.send(m);
        })();
        for (const m of sent) {
          const got = await withDeadline(pull.receive(), TIMEOUT, describe(m));
          assert.ok(sameMessage(got, m), `expected ${describe(m)}, got ${describe(got)}`);
        }
        await sending;
      });
    }
  }
}

for (const pushImpl of ["purezmq", "libzmq"] as const) {
  const pullImpl: Impl = pushImpl === "purezmq" ? "libzmq" : "purezmq";
  test(`PUSH(${pushImpl}) round-robins over three PULLs(${pullImpl})`, async (t) => {
    const push = makeSocket(pushImpl, "PUSH");
    const pulls: PeerSocket[] = [0, 1, 2].map(() => makeSocket(pullImpl, "PULL"));
    t.after(() => closeAll(push, ...pulls));
    const ep = await bindResolved(push, "tcp://127.0.0.1:0");
    let handshakes = 0;
    const allIn = new Promise<void>((resolve) => push.events.on("handshake", () => ++handshakes === 3 && resolve()));
    for (const p of pulls) p.connect(ep);
    await withDeadline(allIn, TIMEOUT, "three handshakes");
    for (let i = 0; i < 30; i++) await push.send(String(i));
    const shares = await Promise.all(pulls.map(async (p) => {
      const mine: number[] = [];
      for (let i = 0; i < 10; i++) mine.push(Number(String(await withDeadline(p.receive(), TIMEOUT, "a task"))));
      return mine;
    }));
    assert.deepEqual(shares.flat().sort((a, b) => a - b), [...Array(30).keys()], "each message exactly once, 10 to each PULL");
    for (const mine of shares) for (let i = 1; i < mine.length; i++) assert.equal(mine[i]! - mine[i - 1]!, 3, `rotation ${mine.join(",")}`);
  });
}
