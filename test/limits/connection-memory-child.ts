/**
 * Child of connection-memory.test.ts, run with --expose-gc: one ROUTER and
 * `n` DEALERs over loopback TCP in this process. Each DEALER says hello,
 * then sends a burst of small messages and one of 96 KiB (over the size
 * from which bodies are read straight into place, so that both ends of
 * every connection switch to reading into buffers of their own), each echoed by
 * the ROUTER and checked octet for octet. Prints, as JSON, the
 * ArrayBuffers and JS heap this process holds per connection over its
 * baseline, after full collections, once every connection is idle again.
 */
import { Buffer } from "node:buffer";
import { Dealer, Router } from "../../src/index.js";
import { settledUsage } from "../../bench/lib/settled-memory.js";

const n = Number(process.argv[2] ?? 200);
const BURST = 300;
const SMALL = 100;
const LARGE = 96 * 1024;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");

/** Memory after full collections, once the ArrayBuffers' figure stopped falling. */
async function settled(): Promise<{ arrayBuffers: number; heap: number }> {
  const m = await settledUsage(gc!, (u) => u.arrayBuffers);
  return { arrayBuffers: m.arrayBuffers, heap: m.heapUsed };
}

/** A message only client `c` sends as its `k`th: an echo from elsewhere cannot pass for it. */
function body(c: number, k: number, size: number): Buffer {
  const b = Buffer.alloc(size, (c * 31 + k) & 0xff);
  b.writeUInt32BE(c, 0);
  b.writeUInt32BE(k, 4);
  return b;
}

const router = new Router({ linger: 0 });
await router.bind("tcp://127.0.0.1:*");
const echo = (async () => {
  for await (const [id, msg] of router) {
    if (msg!.length > 1) await router.send([id!, msg!]);
  }
})();
const base = await settled();

const dealers: Dealer[] = [];
for (let c = 0; c < n; c++) {
  const d = new Dealer({ linger: 0 });
  d.connect(router.lastEndpoint!);
  dealers.push(d);
}
await Promise.all(dealers.map(async (d, c) => {
  // Two rounds: the second runs on chunks the first gave back.
  for (let round = 0; round < 2; round++) {
    for (let k = 0; k < BURST; k++) void d.send(body(c, k, SMALL));
    for (let k = 0; k < BURST; k++) {
      const [got] = await d.receive();
      if (!got!.equals(body(c, k, SMALL))) throw new Error(`client ${c}: echo ${k} of round ${round} differs`);
    }
    await d.send(body(c, BURST, LARGE));
    const [large] = await d.receive();
    if (!large!.equals(body(c, BURST, LARGE))) throw new Error(`client ${c}: the large echo of round ${round} differs`);
  }
}));
const after = await settled();
process.stdout.write(JSON.stringify({
  n,
  arrayBuffersPerConnection: (after.arrayBuffers - base.arrayBuffers) / n,
  heapPerConnection: (after.heap - base.heap) / n,
}) + "\n");
for (const d of dealers) d.close();
router.close();
await echo.catch(() => undefined);
