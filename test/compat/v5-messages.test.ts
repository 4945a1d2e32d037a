/**
 * The v5 API's messages, differentially (zeromq/v5-compat and
 * purezmq/v5-compat, same body, same outcome): request/reply with
 * callbacks, publish/subscribe with subscribe and unsubscribe, push/pull,
 * dealer/router multipart, send flags and callbacks, pause and resume,
 * proxy() with a capture socket, and a stream socket serving a raw node:net
 * client.
 */
import { once } from "node:events";
import * as net from "node:net";
import { errorShape } from "./differential.js";
import { bindFree, messages, type Zmq5, nextMessage, same5, sendWithCallback, until } from "./v5-harness.js";

same5("req/rep: a request and its reply, with callbacks, in turn", async (zmq, { closing }) => {
  const rep = closing(zmq.socket("rep"));
  const req = closing(zmq.socket("req"));
  rep.on("message", (msg: Buffer) => rep.send(`re:${msg}`));
  req.connect(await bindFree(rep));
  const replies: string[] = [];
  for (const body of ["one", "two", "three"]) {
    const sent = sendWithCallback(req, body);
    const [reply] = await nextMessage(req);
    replies.push(`${String(await sent)} ${reply}`);
  }
  return replies;
}, ["undefined re:one", "undefined re:two", "undefined re:three"]);

same5("req/rep: a burst of requests sent at once, each going once the reply before it is read", async (zmq, { closing }) => {
  const rep = closing(zmq.socket("rep"));
  const req = closing(zmq.socket("req"));
  rep.on("message", (msg: Buffer) => rep.send(`re:${msg}`));
  req.connect(await bindFree(rep));
  const replies: string[] = [];
  req.on("message", (msg: Buffer) => replies.push(String(msg)));
  for (let i = 0; i < 10; i++) req.send(`r${i}`);
  await until(req, () => replies.length === 10);
  return replies;
}, Array.from({ length: 10 }, (_, i) => `re:r${i}`));

same5("pub/sub: subscribe filters by prefix, unsubscribe stops a topic", async (zmq, { closing }) => {
  const pub = closing(zmq.socket("pub"));
  const sub = closing(zmq.socket("sub"));
  sub.subscribe("a");
  sub.subscribe("b");
  sub.connect(await bindFree(pub));
  const seen: string[] = [];
  sub.on("message", (topic: Buffer, body: Buffer) => seen.push(`${topic}:${body}`));
  /** Publishes `topic:body` until it arrives once (subscriptions reach the publisher in their own time). */
  const publishUntilSeen = async (topic: string, body: string): Promise<void> => {
    const timer = setInterval(() => pub.send([topic, body]), 5);
    await until(sub, () => seen.includes(`${topic}:${body}`));
    clearInterval(timer);
  };
  await publishUntilSeen("a", "warm");
  // The publisher applies subscription changes in order: once z arrives, "a" is gone.
  sub.unsubscribe("a");
  sub.subscribe("z");
  await publishUntilSeen("z", "mark");
  // Copies sent before the sync marker arrive before it.
  pub.send(["b", "sync"]);
  await until(sub, () => seen.includes("b:sync"));
  seen.length = 0;
  pub.send(["a", "after"]);
  pub.send(["c", "never"]);
  pub.send(["b", "end"]);
  await until(sub, () => seen.includes("b:end"));
  return seen;
}, ["b:end"]);

same5("push/pull: every message arrives, in order", async (zmq, { closing }) => {
  const pull = closing(zmq.socket("pull"));
  const push = closing(zmq.socket("push"));
  push.connect(await bindFree(pull));
  const arrived = messages(pull, 5);
  for (let i = 0; i < 5; i++) push.send(`task ${i}`);
  return (await arrived).flat();
}, ["task 0", "task 1", "task 2", "task 3", "task 4"]);

same5("dealer/router: multipart messages with the identity as the envelope", async (zmq, { closing }) => {
  const router = closing(zmq.socket("router"));
  const dealer = closing(zmq.socket("dealer", { identity: "d1" }));
  dealer.connect(await bindFree(router));
  dealer.send(["hello", "", "world"]);
  const request = await nextMessage(router);
  router.send([request[0]!, "back", "again"]);
  const reply = await nextMessage(dealer);
  return { request, reply };
}, { request: ["d1", "hello", "", "world"], reply: ["back", "again"] });

same5("send flags: ZMQ_SNDMORE parts join the next send; the callback comes with the last", async (zmq, { closing }) => {
  const pull = closing(zmq.socket("pull"));
  const push = closing(zmq.socket("push"));
  push.connect(await bindFree(pull));
  const callbacks: string[] = [];
  const arrived = messages(pull, 3);
  push.send("a", zmq.ZMQ_SNDMORE, () => callbacks.push("a"));
  push.send(["b", "c"], zmq.ZMQ_SNDMORE);
  push.send("d", 0, () => callbacks.push("d"));
  push.send("alone", null, () => callbacks.push("alone"));
  push.send(["x", Buffer.from("y"), 7], undefined, () => callbacks.push("x"));
  return { zmqSndMore: zmq.ZMQ_SNDMORE, messages: await arrived, callbacks };
}, { zmqSndMore: 2, messages: [["a", "b", "c", "d"], ["alone"], ["x", "y", "7"]], callbacks: ["d", "alone", "x"] });

same5("send: a failing send calls back with its error, or without a callback is an error event", async (zmq, { closing }) => {
  const push = closing(zmq.socket("push"));
  // Sends while a bind runs fail EBUSY, as every call does then.
  const bound = new Promise((resolve) => push.bind("tcp://127.0.0.1:*", resolve));
  const withCallback = sendWithCallback(push, "one");
  push.send("two");
  const [event] = await once(push, "error");
  await bound;
  return { withCallback: errorShape(await withCallback), event: errorShape(event) };
}, {
  withCallback: { name: "Error", message: "Socket is blocked by a bind or unbind operation", code: "EBUSY", errno: 16 },
  event: { name: "Error", message: "Socket is blocked by a bind or unbind operation", code: "EBUSY", errno: 16 },
});

same5("pause and resume: incoming messages are held while paused, then delivered in order", async (zmq, { closing }) => {
  const pull = closing(zmq.socket("pull"));
  const push = closing(zmq.socket("push"));
  push.connect(await bindFree(pull));
  const got: string[] = [];
  pull.on("message", (msg: Buffer) => got.push(String(msg)));
  push.send("before");
  await until(pull, () => got.length === 1);
  pull.pause();
  for (let i = 0; i < 3; i++) push.send(`held ${i}`);
  await roundTrips(zmq, closing, 3);
  const whilePaused = [...got];
  pull.resume();
  await until(pull, () => got.length === 4);
  return { whilePaused, after: got.slice(1) };
}, { whilePaused: ["before"], after: ["held 0", "held 1", "held 2"] });

same5("pause and resume: a paused socket sends nothing; resume sends the queue and calls back", async (zmq, { closing }) => {
  const pull = closing(zmq.socket("pull"));
  const push = closing(zmq.socket("push"));
  push.connect(await bindFree(pull));
  const events: string[] = [];
  pull.on("message", (msg: Buffer) => events.push(`got ${msg}`));
  push.pause();
  push.send("one", 0, () => events.push("sent one"));
  push.send("two", 0, () => events.push("sent two"));
  await roundTrips(zmq, closing, 3);
  events.push("resume");
  push.resume();
  await until(pull, () => events.includes("got two"));
  return events.filter((e) => e !== "sent one" && e !== "sent two").concat(events.includes("sent two") ? ["sent two"] : []);
}, ["resume", "got one", "got two", "sent two"]);

/**
 * Message round trips through a fresh pair of sockets: time for messages
 * already sent elsewhere to arrive, measured in deliveries rather than a sleep.
 */
async function roundTrips(zmq: Zmq5, closing: <S extends { close(): void }>(s: S) => S, count: number): Promise<void> {
  const probe = closing(zmq.socket("pull"));
  const prober = closing(zmq.socket("push"));
  prober.connect(await bindFree(probe));
  for (let i = 0; i < count; i++) {
    const arrived = messages(probe, 1);
    prober.send("tick");
    await arrived;
  }
}

same5("proxy(router, dealer, capture): requests and replies pass, the capture gets replies without the envelope", async (zmq, { closing }) => {
  const frontend = closing(zmq.socket("router"));
  const backend = closing(zmq.socket("dealer"));
  const capture = closing(zmq.socket("push"));
  const captured = closing(zmq.socket("pull"));
  const client = closing(zmq.socket("req"));
  const worker = closing(zmq.socket("rep"));
  zmq.proxy(frontend, backend, capture);
  captured.connect(await bindFree(capture));
  client.connect(await bindFree(frontend));
  worker.connect(await bindFree(backend));
  const requests = messages(worker, 1);
  worker.on("message", (msg: Buffer) => worker.send([`done ${msg}`, "part 2"]));
  const copies = messages(captured, 1);
  const replies = messages(client, 1);
  client.send("job");
  return { requests: await requests, replies: await replies, copies: await copies };
}, { requests: [["job"]], replies: [["done job", "part 2"]], copies: [["done job", "part 2"]] });

same5("stream: a node:net client's connection, data and end arrive as [id, data]; [id, data] answers it", async (zmq, { closing }) => {
  const stream = closing(zmq.socket("stream"));
  const endpoint = await bindFree(stream);
  const seen: Buffer[][] = [];
  stream.on("message", (...parts: Buffer[]) => seen.push(parts));
  const client = net.connect(Number(endpoint.split(":").pop()), "127.0.0.1");
  closing({ close: () => client.destroy() });
  await until(stream, () => seen.length === 1);
  client.write("hello");
  await until(stream, () => seen.length === 2);
  const id = seen[0]![0]!;
  const reply = once(client, "data");
  stream.send([id, "world"]);
  const [answer] = (await reply) as [Buffer];
  client.end();
  await until(stream, () => seen.length === 3);
  return {
    // The same peer throughout, named by a routing id of 5 octets starting with 0 (libzmq's form).
    sameId: seen.every((parts) => parts[0]!.equals(id)),
    idShape: [id.length, id[0]],
    parts: seen.map((parts) => parts.length),
    data: seen.map((parts) => String(parts[1])),
    answer: String(answer),
  };
}, { sameId: true, idShape: [5, 0], parts: [2, 2, 2], data: ["", "hello", ""], answer: "world" });
