/**
 * Differential: messages that arrived from a peer before it went away are
 * still received afterwards, by every socket type that keeps one pipe per
 * peer (zeromq.js's own "when connected to thread should deliver messages"
 * lost its echo through a PAIR whose worker thread ended at once).
 */
import { differs, eventsUntil, same, type Zmq } from "./differential.js";
import { ipcTestPath } from "../support/ipc-path.js";

type Pattern = "Pair" | "Pull" | "Dealer" | "Router";

/** What `pattern`'s socket receives after its peer sent "hello" and went away. */
async function afterPeerGone(zmq: Zmq, closing: <S extends { close(): void }>(s: S) => S, pattern: Pattern, address: string): Promise<string> {
  const receiver = closing(new zmq[pattern]({ linger: 0 }));
  await receiver.bind(address);
  // libzmq reports no events for inproc: there the peer's close() alone ends it.
  const gone = address.startsWith("inproc:") ? undefined : eventsUntil(receiver, "disconnect");
  const Peer = { Pair: zmq.Pair, Pull: zmq.Push, Dealer: zmq.Dealer, Router: zmq.Dealer }[pattern];
  const peer = new Peer({ linger: 1000 });
  peer.connect(receiver.lastEndpoint ?? address);
  await peer.send("hello");
  peer.close();
  await gone;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve("lost"), 2000)));
  try {
    return await Promise.race([receiver.receive().then((msg) => `received ${String(msg.at(-1))}`), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

for (const pattern of ["Pair", "Pull", "Dealer", "Router"] as const) {
  same(`a ${pattern.toUpperCase()} still receives what its peer sent before it went away (tcp, ipc, inproc)`, async (zmq, { closing }) => ({
    tcp: await afterPeerGone(zmq, closing, pattern, "tcp://127.0.0.1:*"),
    ipc: await afterPeerGone(zmq, closing, pattern, `ipc://${ipcTestPath("peer-gone")}`),
    inproc: await afterPeerGone(zmq, closing, pattern, `inproc://peer-gone-${pattern}`),
  }), { tcp: "received hello", ipc: "received hello", inproc: "received hello" });
}

differs("a PAIR's next peer, taken while the last one's messages wait to be read", async (zmq, { closing }) => {
  const pair = closing(new zmq.Pair({ linger: 0 }));
  await pair.bind("tcp://127.0.0.1:*");
  // Waits begin before the connections they wait for: events before the observer are not kept.
  const firstIn = eventsUntil(pair, "handshake");
  const first = new zmq.Pair({ linger: 1000 });
  first.connect(pair.lastEndpoint!);
  await first.send("one-a");
  await first.send("one-b");
  await firstIn;
  const firstGone = eventsUntil(pair, "disconnect");
  first.close();
  await firstGone;
  const secondIn = eventsUntil(pair, "handshake");
  const second = closing(new zmq.Pair({ linger: 0 }));
  second.connect(pair.lastEndpoint!);
  await second.send("two");
  await secondIn;
  const got: string[] = [];
  for (let i = 0; i < 3; i++) {
    let timer: NodeJS.Timeout | undefined;
    // Bounded: libzmq's PAIR drops the second peer's messages, so the third receive never completes there.
    const none = new Promise<string>((resolve) => (timer = setTimeout(() => resolve("none"), 500)));
    got.push(await Promise.race([pair.receive().then((msg) => String(msg[0])), none]));
    clearTimeout(timer);
  }
  return got;
}, {
  zeromq: ["one-a", "one-b", "none"],
  purezmq: ["one-a", "one-b", "two"],
}, "libzmq keeps the gone peer's pipe until it is read and drops what the next peer sends meanwhile; purezmq delivers both, in order");
