/**
 * Stream (ZMQ_STREAM) against plain node:net peers, each body run against
 * zeromq's Stream and purezmq's, which must observe the same: connect and
 * disconnect notifications as empty frames, data as `[routingId, data]`,
 * `connect()` with a routing id, and the errors of a bad send. (An empty
 * message closing a peer is tested in test/zmtp/sockets/stream.test.ts:
 * libzmq closes that connection only some time later.)
 */
import { once } from "node:events";
import * as net from "node:net";
import { errorShape, same, type Run, type Zmq } from "./differential.js";
import { withDeadline } from "../support/deadline.js";

const T = 5000;

/** A Stream bound to a free port of 127.0.0.1, closed when the test ends, and that port. */
async function boundStream(zmq: Zmq, closing: Run["closing"], options: { notify?: boolean } = {}): Promise<{ stream: InstanceType<Zmq["Stream"]>; port: number }> {
  const stream = closing(new zmq.Stream(options));
  await stream.bind("tcp://127.0.0.1:*");
  return { stream, port: Number(stream.lastEndpoint!.split(":").pop()) };
}

/** Receives the next message, with a deadline. */
async function next(s: { receive(): Promise<Buffer[]> }, what: string): Promise<Buffer[]> {
  return withDeadline(s.receive(), T, what);
}

same("a Stream serves a node:net client: a connect notification, then data both ways", async (zmq, { closing }) => {
  const { stream, port } = await boundStream(zmq, closing);
  const client = net.connect(port, "127.0.0.1");
  closing({ close: () => client.destroy() });
  const [id, connectNote] = await next(stream, "the connect notification");
  client.write("hello");
  const [id2, data] = await next(stream, "hello");
  const got = once(client, "data");
  await stream.send([id, "world"]);
  const [reply] = (await withDeadline(got, T, "world")) as [Buffer];
  const ended = next(stream, "the disconnect notification");
  client.end();
  const [id3, disconnectNote] = await ended;
  return {
    id: { length: id!.length, first: id![0], stable: id!.equals(id2!) && id!.equals(id3!) },
    connectNote: connectNote!.length,
    data: String(data),
    reply: String(reply),
    disconnectNote: disconnectNote!.length,
  };
}, { id: { length: 5, first: 0, stable: true }, connectNote: 0, data: "hello", reply: "world", disconnectNote: 0 });

same("a Stream connects to a node:net server with a routing id; the server's close arrives as an empty frame", async (zmq, { closing }) => {
  const server = net.createServer();
  const accepted = once(server, "connection");
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  closing({ close: () => server.close() });
  const stream = closing(new zmq.Stream());
  stream.connect(`tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`, { routingId: "peer-1" });
  const [id, note] = await next(stream, "the connect notification");
  const [sock] = (await withDeadline(accepted, T, "the connection")) as [net.Socket];
  const got = once(sock, "data");
  await stream.send(["peer-1", "ping"]);
  const [ping] = (await withDeadline(got, T, "ping")) as [Buffer];
  sock.end("pong");
  const [, pong] = await next(stream, "pong");
  const [, gone] = await next(stream, "the disconnect notification");
  return { id: String(id), note: note!.length, ping: String(ping), pong: String(pong), gone: gone!.length };
}, { id: "peer-1", note: 0, ping: "ping", pong: "pong", gone: 0 });

same("a Stream sends to a connect()ed peer before it is connected: the data waits for the connection", async (zmq, { closing }) => {
  const server = net.createServer();
  const received = new Promise<string>((resolve) => server.on("connection", (sock) => sock.once("data", (d) => resolve(String(d)))));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  closing({ close: () => server.close() });
  const stream = closing(new zmq.Stream({ linger: 0 }));
  stream.connect(`tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`, { routingId: "early" });
  // At once, as zeromq.js's own "send/receive as client" test does (an HTTP request).
  await stream.send(["early", "GET / HTTP/1.0\r\n\r\n"]);
  // To a port no one listens on: queued too, for as long as the dialing goes on.
  const nowhere = closing(new zmq.Stream({ linger: 0 }));
  nowhere.connect("tcp://127.0.0.1:1", { routingId: "absent" });
  const queued = await Promise.all([nowhere.send(["absent", "a"]), nowhere.send(["absent", "b"])]).then(() => "queued", (err) => errorShape(err));
  return { server: await withDeadline(received, T, "the early request"), queued };
}, { server: "GET / HTTP/1.0\r\n\r\n", queued: "queued" });

same("a Stream refuses a send to an unknown peer (EHOSTUNREACH) and reads parts as libzmq does: a lone part after the data shifts the next message", async (zmq, { closing }) => {
  const { stream, port } = await boundStream(zmq, closing);
  const client = net.connect(port, "127.0.0.1");
  closing({ close: () => client.destroy() });
  const [id] = await next(stream, "the connect notification");
  let text = "";
  client.on("data", (d: Buffer) => (text += d.toString()));
  const shapes = [];
  for (const msg of [["nobody", "x"], [id!, "a"], [id!, "b", "skipped"], ["dropped", "c"], [id!, "d"]]) {
    try {
      await stream.send(msg);
      shapes.push("sent");
    } catch (err) {
      shapes.push(errorShape(err).code);
    }
  }
  // "d" was read as a routing id: one part as its data puts the reading back in step.
  await stream.send("taken as data");
  await stream.send([id!, "e"]);
  while (!text.includes("e")) await withDeadline(once(client, "data"), T, "the data");
  return { shapes, text };
}, { shapes: ["EHOSTUNREACH", "sent", "sent", "sent", "sent"], text: "abe" });

same("a Stream with notify off delivers data only", async (zmq, { closing }) => {
  const { stream, port } = await boundStream(zmq, closing, { notify: false });
  const client = net.connect(port, "127.0.0.1");
  closing({ close: () => client.destroy() });
  await once(client, "connect");
  client.write("first");
  const [, data] = await next(stream, "first");
  return String(data);
}, "first");
