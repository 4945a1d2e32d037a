/**
 * Typical zeromq.js v6 code, as its users write it. The type test compiles
 * this file twice with `tsc --noEmit`: as it is, against the `zeromq`
 * package's declarations, and with only the module name in the imports
 * changed to `purezmq`, against purezmq's. Both must type-check: that is
 * the promise that switching is an import change. Nothing here runs.
 */
import * as zmq from "zeromq";
import {
  Context,
  Dealer,
  Observer,
  Pair,
  Proxy,
  Publisher,
  Pull,
  Push,
  Reply,
  Request,
  Router,
  Socket,
  Stream,
  Subscriber,
  XPublisher,
  XSubscriber,
  type Event,
  type EventOfType,
  type EventType,
  type Message,
  type MessageLike,
  type Readable,
  type SocketOptions,
  type Writable,
} from "zeromq";

// ---- module-level values

export const libzmq: string = zmq.version;
export const hasIpc: boolean | undefined = zmq.capability.ipc;
export const hasCurve = zmq.capability.curve === true;
export const hasDraft: boolean = Boolean(zmq.capability.draft);
zmq.context.blocky = false;

// ---- contexts

export function contexts(): Context {
  const ctx = new Context({ blocky: false, ioThreads: 2, maxSockets: 64, ipv6: false });
  ctx.maxMessageSize = 1 << 20;
  ctx.threadPriority = 0;
  ctx.threadSchedulingPolicy = 0;
  const limit: number = ctx.maxSocketsLimit;
  const sum: number = ctx.ioThreads + ctx.maxSockets + ctx.maxMessageSize + limit;
  const flags: boolean = ctx.blocky && !ctx.ipv6;
  if (sum < 0 || !flags) throw new Error("unreachable");
  new Context();
  return new zmq.Context({ maxSockets: 8 });
}

// ---- every socket type, built with options

export function sockets(ctx: Context): Socket[] {
  const pair = new Pair({ linger: 0, sendTimeout: 100, receiveTimeout: 100, context: ctx });
  const pub = new Publisher({ sendHighWaterMark: 10_000, noDrop: false, conflate: false });
  const sub = new Subscriber({ receiveHighWaterMark: 10_000, conflate: false });
  const req = new Request({ routingId: "client-1", correlate: true, relaxed: true, receiveTimeout: 5_000 });
  const rep = new Reply({ routingId: "server-1", linger: 1_000 });
  const dealer = new Dealer({ routingId: "d1", sendHighWaterMark: 1, conflate: false, immediate: true });
  const router = new Router({ mandatory: true, handover: true, routingId: "r1" });
  const push = new Push({ sendHighWaterMark: 5, sendTimeout: 0, conflate: false });
  const pull = new Pull({ receiveHighWaterMark: 5, receiveTimeout: -1 });
  const xpub = new XPublisher({ manual: true, noDrop: true, welcomeMessage: "hi" });
  const xsub = new XSubscriber({ linger: 0 });
  const plain = new Dealer({ plainUsername: "admin", plainPassword: "secret", zapDomain: "global" });
  const server = new Router({ plainServer: true });
  const tuned = new zmq.Dealer({
    reconnectInterval: 100,
    reconnectMaxInterval: 5_000,
    maxMessageSize: 1 << 20,
    handshakeInterval: 30_000,
    heartbeatInterval: 1_000,
    heartbeatTimeout: 3_000,
    heartbeatTimeToLive: 3_000,
  });
  xpub.verbosity = "allSubs";
  xpub.verbosity = null;
  sub.subscribe("topic");
  sub.subscribe();
  sub.unsubscribe("topic", Buffer.from("other"));
  return [pair, pub, sub, req, rep, dealer, router, push, pull, xpub, xsub, plain, server, tuned];
}

/** Options typed with the package's own helper, for a factory. */
export function makeDealer(options: SocketOptions<Dealer>): Dealer {
  return new Dealer({ ...options, linger: 0 });
}

// ---- options read and set

export function options(dealer: Dealer, router: Router): number {
  dealer.linger = 0;
  dealer.sendHighWaterMark = 100;
  dealer.receiveHighWaterMark = 100;
  dealer.sendTimeout = 1_000;
  dealer.receiveTimeout = 1_000;
  dealer.routingId = "me";
  dealer.immediate = true;
  dealer.reconnectInterval = 50;
  dealer.heartbeatInterval = 500;
  router.mandatory = true;
  router.handover = false;
  const id: string | null = dealer.routingId;
  const endpoint: string | null = router.lastEndpoint;
  const type: number = dealer.type;
  const mechanism: null | string = dealer.securityMechanism;
  const state: boolean = dealer.closed || dealer.readable || dealer.writable;
  const ctx: Context = dealer.context;
  if (id === null || endpoint === null || mechanism || state || ctx !== zmq.context) return type;
  return dealer.linger + dealer.sendHighWaterMark + dealer.receiveTimeout + dealer.maxMessageSize;
}

// ---- bind, connect, send, receive, iterate

export async function requestReply(): Promise<string> {
  const rep = new Reply();
  await rep.bind("tcp://127.0.0.1:*");
  const req = new Request();
  req.connect(rep.lastEndpoint!);
  await req.send(["hello", Buffer.from("world"), 42, null, new Uint8Array([1])]);
  const [a, b] = await rep.receive();
  await rep.send(`${a} ${b}`);
  const [reply] = await req.receive();
  req.disconnect(rep.lastEndpoint!);
  await rep.unbind(rep.lastEndpoint!);
  req.close();
  rep.close();
  return reply!.toString();
}

export async function pipeline(): Promise<number> {
  const push = new Push();
  const pull = new Pull();
  await push.bind("ipc:///tmp/usage.ipc");
  pull.connect("ipc:///tmp/usage.ipc");
  await push.send("job");
  let bytes = 0;
  for await (const [msg] of pull) {
    bytes += msg!.length;
    if (bytes > 10) break;
  }
  for await (const parts of pull) {
    const frames: Message[] = parts;
    bytes += frames.length;
    break;
  }
  push.close();
  pull.close();
  return bytes;
}

export async function publishSubscribe(): Promise<void> {
  const pub = new Publisher();
  const sub = new Subscriber();
  await pub.bind("inproc://news");
  sub.connect("inproc://news");
  sub.subscribe("kitty cats");
  await pub.send(["kitty cats", "meow!"]);
  const [topic, body] = await sub.receive();
  console.log(topic?.toString(), body?.toString());
}

export async function routerDealer(): Promise<void> {
  const router = new Router();
  const dealer = new Dealer();
  await router.bind("tcp://127.0.0.1:*");
  router.connect("tcp://127.0.0.1:5555", { routingId: "peer" });
  dealer.connect(router.lastEndpoint!);
  await dealer.send("ping");
  const [sender, payload] = await router.receive();
  await router.send([sender!, payload!]);
}

/** Code that works on any socket that sends, or receives. */
export async function relay(from: Readable, to: Writable): Promise<void> {
  const message = await from.receive();
  await to.send(message);
}

export async function sendAll(socket: Writable, parts: MessageLike[]): Promise<void> {
  await socket.send(parts);
  await socket.send(parts[0] ?? null);
}

// ---- events

export function listen(socket: Socket): Observer {
  const events = socket.events;
  events.on("bind", (event) => console.log(`bound to ${event.address}`));
  events.on("connect:retry", (event) => console.log(event.address, event.interval));
  events.on("handshake:error:auth", (event) => console.log(event.error.status, event.error.message));
  events.on("handshake:error:protocol", (event) => console.log(event.error.code));
  events.on("accept:error", (event) => console.log(event.error.code, event.error.errno));
  events.on("end", (event) => console.log(event.type));
  const onClose = (event: EventOfType<"close">) => console.log(event.address);
  events.on("close", onClose);
  events.off("close", onClose);
  events.on("disconnect", (event) => console.log(event.address)).on("accept", (event) => console.log(event.address));
  return events;
}

export async function iterateEvents(socket: Socket): Promise<EventType[]> {
  const seen: EventType[] = [];
  for await (const event of socket.events) {
    seen.push(event.type);
    switch (event.type) {
      case "bind":
      case "accept":
        console.log(event.address);
        break;
      case "bind:error":
        console.log(event.error.code, event.error.errno, event.address);
        break;
      case "connect:retry":
        console.log(event.interval);
        break;
      case "handshake:error:auth":
        console.log(event.error.status);
        break;
      case "end":
        return seen;
    }
  }
  const next: Event = await socket.events.receive();
  if (next.type === "unknown") seen.push(next.type);
  if (!socket.events.closed) socket.events.close();
  return seen;
}

export function observe(socket: Socket): Observer {
  return new Observer(socket);
}

export function describe(event: Event): string {
  return "address" in event ? `${event.type} ${event.address}` : event.type;
}

// ---- proxy

export async function proxy(): Promise<void> {
  const p = new Proxy(new Router(), new Dealer());
  await p.frontEnd.bind("tcp://127.0.0.1:*");
  await p.backEnd.bind("tcp://127.0.0.1:*");
  const running: Promise<void> = p.run();
  p.pause();
  p.resume();
  p.terminate();
  await running;
  const generic: Proxy = new zmq.Proxy(new zmq.Router(), new zmq.Dealer());
  generic.terminate();
}

// ---- errors narrowed by code

export async function errors(socket: Request): Promise<string> {
  try {
    await socket.send("again");
    return "sent";
  } catch (err) {
    if (err instanceof Error && "code" in err && err.code === "EFSM") return "EFSM";
    const e = err as { code?: string; errno?: number; address?: string };
    switch (e.code) {
      case "EAGAIN":
        return "timed out";
      case "EBUSY":
        return "busy";
      default:
        throw err;
    }
  }
}

// ---- raw TCP peers

export async function rawTcp(): Promise<void> {
  const stream = new Stream({ notify: true, receiveHighWaterMark: 100 });
  stream.connect("tcp://127.0.0.1:8080", { routingId: "web" });
  const [id, data] = await stream.receive();
  await stream.send([id, data]);
  await stream.send([id, ""]);
  stream.close();
}
