/**
 * Case 7: peak memory of a publisher (in a worker process) sending 1
 * million 100-octet messages while its only subscriber is a raw TCP peer
 * that completes the ZMTP handshake, subscribes to everything, then never
 * reads again. A publisher that bounds its queues stays flat; one that
 * buffers for the stalled peer grows with the message count.
 */
import net from "node:net";
import { once } from "node:events";
import { Worker } from "../lib/child.js";
import { hasSockets, type Lib } from "../lib/sockets.js";
import { portOf, sleep, type BenchCase, type Metrics } from "../lib/case.js";

/** ZMTP 3.0 greeting, NULL mechanism (RFC 23). */
function greeting(): Buffer {
  const g = Buffer.alloc(64);
  g[0] = 0xff;
  g[8] = 0x01;
  g[9] = 0x7f;
  g[10] = 3;
  g[11] = 0;
  g.write("NULL", 12, "ascii");
  return g;
}

/** READY command announcing a SUB socket. */
function ready(): Buffer {
  const name = Buffer.from("Socket-Type");
  const value = Buffer.from("SUB");
  const len = Buffer.alloc(4);
  len.writeUInt32BE(value.length);
  const body = Buffer.concat([Buffer.from([5]), Buffer.from("READY"), Buffer.from([name.length]), name, len, value]);
  return Buffer.concat([Buffer.from([0x04, body.length]), body]);
}

/** Subscribes to every topic, in the message form every publisher accepts. */
const SUBSCRIBE_ALL = Buffer.from([0x00, 0x01, 0x01]);

/** Connects, handshakes, subscribes, then stops reading. */
async function stalledSubscriber(port: number): Promise<net.Socket> {
  const sock = net.connect(port, "127.0.0.1");
  await once(sock, "connect");
  sock.write(Buffer.concat([greeting(), ready()]));
  // Read the publisher's greeting and READY so we know the handshake is done.
  let got = Buffer.alloc(0);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("publisher did not complete the handshake")), 5000);
    const onData = (c: Buffer): void => {
      got = Buffer.concat([got, c]);
      if (got.length >= 66 && got.length >= 66 + got[65]!) {
        clearTimeout(timer);
        sock.off("data", onData);
        sock.pause();
        // Subscribe only now: libzmq 4.3.5 closed the connection when the
        // subscription came in the same write as our greeting and READY.
        sock.write(SUBSCRIBE_ALL);
        resolve();
      }
    };
    sock.on("data", onData);
  });
  return sock;
}

async function round(lib: Lib, messages: number, maxSeconds: number): Promise<Metrics> {
  const { worker, ready: r } = await Worker.start("pub-memory", { lib, messages, maxSeconds });
  let peer: net.Socket | undefined;
  try {
    peer = await stalledSubscriber(portOf(r.endpoint as string));
    await sleep(200); // let the subscription reach the publisher
    worker.send({ type: "go" });
    const done = await worker.next("done", (maxSeconds + 30) * 1000);
    // Check that the peer was subscribed: it has data waiting once it reads.
    let waiting = 0;
    peer.on("data", (c: Buffer) => (waiting += c.length));
    peer.resume();
    await sleep(300);
    const mb = 1024 * 1024;
    return {
      peakRssMB: (done.peakRss as number) / mb,
      growthRssMB: ((done.peakRss as number) - (done.baseRss as number)) / mb,
      peakHeapMB: (done.peakHeap as number) / mb,
      growthHeapMB: ((done.peakHeap as number) - (done.baseHeap as number)) / mb,
      peakExternalMB: (done.peakExternal as number) / mb,
      sent: done.sent as number,
      sendRate: (done.sent as number) / (done.sendSeconds as number),
      stalledPeerKB: waiting / 1024,
    };
  } finally {
    peer?.destroy();
    await worker.stop();
  }
}

export async function memoryCase(messages: number, maxSeconds: number): Promise<BenchCase> {
  const built = await hasSockets("purezmq", "Publisher");
  return {
    id: "pub-memory",
    title: "Publisher memory, 1 stalled subscriber",
    metric: "peakRssMB",
    unit: "peak RSS MB",
    higherIsBetter: false,
    skip: built ? undefined : "not built yet (purezmq exports no Publisher)",
    variants: [
      { side: "purezmq", label: "purezmq Publisher, raw TCP subscriber that stops reading", round: () => round("purezmq", messages, maxSeconds) },
      { side: "native", label: "zeromq Publisher, raw TCP subscriber that stops reading", round: () => round("native", messages, maxSeconds) },
    ],
    extras: [
      { key: "growthRssMB", label: "RSS growth during the run (MB)", digits: 1 },
      { key: "peakHeapMB", label: "peak JS heap used (MB)", digits: 1 },
      { key: "growthHeapMB", label: "JS heap growth (MB)", digits: 1 },
      { key: "peakExternalMB", label: "peak external + array buffers (MB)", digits: 1 },
      { key: "stalledPeerKB", label: "KiB waiting for the stalled peer (proves it was subscribed)", digits: 0 },
    ],
    note: `${messages.toLocaleString("en-US")} messages of 100 B with awaited send(); RSS peak from getrusage (includes the runtime itself: see the growth line)`,
  };
}
