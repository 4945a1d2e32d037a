/**
 * Typical code for zeromq.js v6's draft sockets (`zeromq/draft`),
 * compiled like usage.ts: as it is against the `zeromq` package, and with
 * only the module name changed against `purezmq/draft`. Nothing here runs.
 */
import { Client, Datagram, Dish, Gather, Radio, Scatter, Server } from "zeromq/draft.js";

export async function serverLoop(): Promise<void> {
  const server = new Server({ linger: 0, sendHighWaterMark: 100, receiveTimeout: -1 });
  await server.bind("tcp://127.0.0.1:5555");
  const [request, { routingId }] = await server.receive();
  const id: number = routingId;
  await server.send(request, { routingId: id });
  for await (const [msg, meta] of server) await server.send(msg, meta);
  server.close();
}

export async function clientCall(): Promise<Buffer> {
  const client = new Client({ linger: 0 });
  client.connect("tcp://127.0.0.1:5555");
  await client.send("ping");
  const [reply] = await client.receive();
  client.close();
  return reply;
}

export async function radioDish(): Promise<string> {
  const radio = new Radio({ linger: 0 });
  await radio.bind("tcp://127.0.0.1:5556");
  const dish = new Dish({ receiveHighWaterMark: 10 });
  dish.connect("tcp://127.0.0.1:5556");
  dish.join("weather", Buffer.from("news"));
  await radio.send("sunny", { group: "weather" });
  await radio.send(Buffer.from("x"), { group: Buffer.from("news") });
  const [body, { group }] = await dish.receive();
  dish.leave("weather");
  radio.close();
  dish.close();
  return `${group.toString()}: ${body.toString()}`;
}

export async function scatterGather(): Promise<Buffer[]> {
  const scatter = new Scatter({ conflate: false });
  const gather = new Gather();
  gather.conflate = true;
  await scatter.bind("ipc:///tmp/purezmq-types");
  gather.connect("ipc:///tmp/purezmq-types");
  await scatter.send("task");
  const out: Buffer[] = [];
  for await (const [task] of gather) out.push(task);
  return out;
}

export async function datagramEcho(): Promise<string> {
  const sock = new Datagram({ receiveHighWaterMark: 10 });
  await sock.bind("udp://127.0.0.1:5557");
  const [address, body] = await sock.receive();
  await sock.send([address, body]);
  await sock.send(["127.0.0.1:5558", Buffer.from("hello")]);
  for await (const [from] of sock) return from.toString();
  sock.close();
  return "";
}
