/**
 * Differential: the errors of the socket API have zeromq.js's shape (a plain
 * Error with `code`, `errno`, `address` for endpoints), its message texts,
 * and are thrown or rejected at the same moment.
 */
import { differs, outcome, same, syncOutcome } from "./differential.js";

const CLOSED = { name: "Error", message: "Socket is closed", code: "EBADF", errno: 9 };
const EFSM = { name: "Error", message: "Operation cannot be accomplished in current state", code: "EFSM", errno: 156384763 };
const EAGAIN = { name: "Error", message: "Operation was not possible or timed out", code: "EAGAIN", errno: 11 };

same("every operation on a closed socket throws EBADF at once; close twice is harmless", (zmq) => {
  const s = new zmq.Dealer();
  s.close();
  return {
    bind: syncOutcome(() => s.bind("tcp://127.0.0.1:*")),
    unbind: syncOutcome(() => s.unbind("tcp://127.0.0.1:*")),
    connect: syncOutcome(() => s.connect("tcp://127.0.0.1:5555")),
    disconnect: syncOutcome(() => s.disconnect("tcp://127.0.0.1:5555")),
    send: syncOutcome(() => s.send("x")),
    receive: syncOutcome(() => s.receive()),
    close: syncOutcome(() => s.close()),
  };
}, {
  bind: { threw: CLOSED }, unbind: { threw: CLOSED }, connect: { threw: CLOSED }, disconnect: { threw: CLOSED },
  send: { threw: CLOSED }, receive: { threw: CLOSED }, close: { returned: "undefined" },
});

same("bind to an address of no local interface fails EADDRNOTAVAIL; an IPv6 one fails ENODEV while ipv6 is off", async (zmq, { closing }) => {
  const s = closing(new zmq.Dealer());
  return { v4: await outcome(() => s.bind("tcp://192.0.2.1:0")), v6: await outcome(() => s.bind("tcp://[::1]:0")) };
}, {
  v4: { name: "Error", message: "Cannot assign requested address", code: "EADDRNOTAVAIL", errno: 99, address: "tcp://192.0.2.1:0" },
  v6: { name: "Error", message: "No such device", code: "ENODEV", errno: 19, address: "tcp://[::1]:0" },
});

same("bad endpoints: bind rejects and connect throws, with the address", async (zmq, { closing }) => {
  const s = closing(new zmq.Dealer());
  const cases = ["foo", "bar://x", "tcp://127.0.0.1", "ipc://", "inproc://"];
  const result: Record<string, unknown> = {};
  for (const ep of cases) {
    result[`bind ${ep}`] = await outcome(() => s.bind(ep));
    result[`connect ${ep}`] = syncOutcome(() => s.connect(ep));
  }
  result["connect tcp://*:5555"] = syncOutcome(() => s.connect("tcp://*:5555"));
  return result;
}, {
  "bind foo": { name: "Error", message: "Invalid argument", code: "EINVAL", errno: 22, address: "foo" },
  "connect foo": { threw: { name: "Error", message: "Invalid argument", code: "EINVAL", errno: 22, address: "foo" } },
  "bind bar://x": { name: "Error", message: "Protocol not supported", code: "EPROTONOSUPPORT", errno: 93, address: "bar://x" },
  "connect bar://x": { threw: { name: "Error", message: "Protocol not supported", code: "EPROTONOSUPPORT", errno: 93, address: "bar://x" } },
  "bind tcp://127.0.0.1": { name: "Error", message: "Invalid argument", code: "EINVAL", errno: 22, address: "tcp://127.0.0.1" },
  "connect tcp://127.0.0.1": { threw: { name: "Error", message: "Invalid argument", code: "EINVAL", errno: 22, address: "tcp://127.0.0.1" } },
  "bind ipc://": { name: "Error", message: "Invalid argument", code: "EINVAL", errno: 22, address: "ipc://" },
  "connect ipc://": { threw: { name: "Error", message: "Invalid argument", code: "EINVAL", errno: 22, address: "ipc://" } },
  "bind inproc://": { name: "Error", message: "Invalid argument", code: "EINVAL", errno: 22, address: "inproc://" },
  "connect inproc://": { threw: { name: "Error", message: "Invalid argument", code: "EINVAL", errno: 22, address: "inproc://" } },
  "connect tcp://*:5555": { threw: { name: "Error", message: "Invalid argument", code: "EINVAL", errno: 22, address: "tcp://*:5555" } },
});

same("a host name that does not resolve fails bind with ENODEV", async (zmq, { closing }) => {
  const s = closing(new zmq.Dealer());
  return outcome(() => s.bind("tcp://nonexistent.invalid:0"));
}, { name: "Error", message: "No such device", code: "ENODEV", errno: 19, address: "tcp://nonexistent.invalid:0" });

same("connecting to port 0 is accepted (libzmq just keeps trying)", (zmq, { closing }) => {
  const s = closing(new zmq.Dealer());
  return syncOutcome(() => s.connect("tcp://127.0.0.1:0"));
}, { returned: "undefined" });

same("unbind of an endpoint not bound rejects ENOENT; disconnect throws it", async (zmq, { closing }) => {
  const s = closing(new zmq.Dealer());
  return {
    unbind: await outcome(() => s.unbind("tcp://127.0.0.1:5555")),
    disconnect: syncOutcome(() => s.disconnect("tcp://127.0.0.1:5555")),
  };
}, {
  unbind: { name: "Error", message: "No such endpoint", code: "ENOENT", errno: 2, address: "tcp://127.0.0.1:5555" },
  disconnect: { threw: { name: "Error", message: "No such endpoint", code: "ENOENT", errno: 2, address: "tcp://127.0.0.1:5555" } },
});

same("unbind and disconnect check the endpoint's form and transport before looking it up", async (zmq, { closing }) => {
  const dealer = closing(new zmq.Dealer());
  const seen: Record<string, unknown> = {};
  for (const address of ["foo-bar", "foo://bar", "tcp://", "://x", "pgm://x", "inproc://nope", "ws://127.0.0.1:5/x", "udp://127.0.0.1:5"]) {
    seen[`unbind ${address}`] = (await outcome(() => dealer.unbind(address))).code;
    seen[`disconnect ${address}`] = (syncOutcome(() => dealer.disconnect(address)).threw as { code?: unknown }).code;
  }
  return seen;
}, {
  "unbind foo-bar": "EINVAL", "disconnect foo-bar": "EINVAL",
  "unbind foo://bar": "EPROTONOSUPPORT", "disconnect foo://bar": "EPROTONOSUPPORT",
  "unbind tcp://": "EINVAL", "disconnect tcp://": "EINVAL",
  "unbind ://x": "EINVAL", "disconnect ://x": "EINVAL",
  "unbind pgm://x": "EPROTONOSUPPORT", "disconnect pgm://x": "EPROTONOSUPPORT",
  "unbind inproc://nope": "ENOENT", "disconnect inproc://nope": "ENOENT",
  "unbind ws://127.0.0.1:5/x": "ENOENT", "disconnect ws://127.0.0.1:5/x": "ENOENT",
  "unbind udp://127.0.0.1:5": "ENOCOMPATPROTO", "disconnect udp://127.0.0.1:5": "ENOCOMPATPROTO",
});

same("an address in use fails with EADDRINUSE, over tcp and inproc", async (zmq, { closing }) => {
  const a = closing(new zmq.Dealer());
  const b = closing(new zmq.Dealer());
  await a.bind("tcp://127.0.0.1:*");
  await a.bind("inproc://errors-in-use");
  const tcp = await outcome(() => b.bind(a.lastEndpoint!));
  return { tcp: { ...tcp, address: tcp.address === a.lastEndpoint } as Record<string, unknown>, inproc: await outcome(() => b.bind("inproc://errors-in-use")) };
}, {
  tcp: { name: "Error", message: "Address already in use", code: "EADDRINUSE", errno: 98, address: true },
  inproc: { name: "Error", message: "Address already in use", code: "EADDRINUSE", errno: 98, address: "inproc://errors-in-use" },
});

same("a second send or receive while one waits throws EBUSY; close cancels the first with EAGAIN", async (zmq) => {
  const s = new zmq.Dealer();
  const firstReceive = outcome(() => s.receive());
  const firstSend = outcome(() => s.send("a"));
  const second = { receive: syncOutcome(() => s.receive()), send: syncOutcome(() => s.send("b")) };
  s.close();
  return { second, firstReceive: await firstReceive, firstSend: await firstSend };
}, {
  second: {
    receive: { threw: { name: "Error", message: "Socket is busy reading; only one receive operation may be in progress at any time", code: "EBUSY", errno: 16 } },
    send: { threw: { name: "Error", message: "Socket is busy writing; only one send operation may be in progress at any time", code: "EBUSY", errno: 16 } },
  },
  firstReceive: EAGAIN,
  firstSend: EAGAIN,
});

same("timeouts reject EAGAIN, waiting or not", async (zmq, { closing }) => {
  const waiting = closing(new zmq.Dealer({ sendTimeout: 10, receiveTimeout: 10 }));
  const never = closing(new zmq.Dealer({ sendTimeout: 0, receiveTimeout: 0 }));
  return {
    receive: await outcome(() => waiting.receive()),
    send: await outcome(() => waiting.send("x")),
    receiveNow: await outcome(() => never.receive()),
    sendNow: await outcome(() => never.send("x")),
  };
}, { receive: EAGAIN, send: EAGAIN, receiveNow: EAGAIN, sendNow: EAGAIN });

same("while a bind runs, other calls throw EBUSY", async (zmq, { closing }) => {
  const s = closing(new zmq.Dealer());
  const binding = s.bind("tcp://127.0.0.1:*");
  const during = {
    bind: syncOutcome(() => s.bind("tcp://127.0.0.1:*")),
    connect: syncOutcome(() => s.connect("tcp://127.0.0.1:5555")),
    send: syncOutcome(() => s.send("x")),
  };
  await binding;
  return during;
}, {
  bind: { threw: { name: "Error", message: "Socket is blocked by a bind or unbind operation", code: "EBUSY", errno: 16 } },
  connect: { threw: { name: "Error", message: "Socket is blocked by a bind or unbind operation", code: "EBUSY", errno: 16 } },
  send: { threw: { name: "Error", message: "Socket is blocked by a bind or unbind operation", code: "EBUSY", errno: 16 } },
});

same("close() during a bind waits for the bind, which still resolves", async (zmq) => {
  const s = new zmq.Dealer();
  const binding = outcome(() => s.bind("tcp://127.0.0.1:*"));
  s.close();
  const closedAtOnce = s.closed;
  return { closedAtOnce, bind: await binding, closedAfter: s.closed };
}, { closedAtOnce: false, bind: { returned: "undefined" }, closedAfter: true });

same("REQ and REP in the wrong state fail EFSM (with no wait: receiveTimeout/sendTimeout 0)", async (zmq, { closing }) => {
  const req = closing(new zmq.Request({ receiveTimeout: 0 }));
  const rep = closing(new zmq.Reply({ sendTimeout: 0 }));
  return { req: await outcome(() => req.receive()), rep: await outcome(() => rep.send("x")) };
}, {
  req: { name: "Error", message: "Operation cannot be accomplished in current state", code: "EFSM", errno: 156384763 },
  rep: { name: "Error", message: "Operation cannot be accomplished in current state", code: "EFSM", errno: 156384763 },
});

same("a REQ's second send before the reply: EFSM when it may not wait or waited in vain; waiting, it goes once the reply is read", async (zmq, { closing }) => {
  const rep = closing(new zmq.Reply({ linger: 0 }));
  const req = closing(new zmq.Request({ linger: 0, sendTimeout: 0 }));
  await rep.bind("tcp://127.0.0.1:*");
  req.connect(rep.lastEndpoint!);
  await req.send("one");
  const seen: unknown[] = [await outcome(() => req.send("two"))];
  req.sendTimeout = 20;
  seen.push(await outcome(() => req.send("two")));
  req.sendTimeout = -1;
  const second = outcome(() => req.send("two")).then((result) => (seen.push(`sent ${JSON.stringify(result)}`), result));
  const [first] = await rep.receive();
  await rep.send(`re ${String(first)}`);
  seen.push(`writable ${req.writable}`);
  const [reply] = await req.receive();
  seen.push(`got ${String(reply)}`);
  await second;
  const [next] = await rep.receive();
  seen.push(`then ${String(next)}`);
  return seen;
}, [EFSM, EFSM, "writable false", "got re one", 'sent {"returned":"undefined"}', "then two"]);

differs("REQ receive before send, waiting", async (zmq, { closing }) => {
  const req = closing(new zmq.Request());
  let settled = false;
  const receiving = outcome(() => req.receive()).finally(() => (settled = true));
  // The smallest bounded wait that shows native still waiting: nothing can end it but close().
  await new Promise((resolve) => setTimeout(resolve, 20));
  const settledBeforeClose = settled;
  req.close();
  return { settledBeforeClose, error: await receiving };
}, {
  zeromq: { settledBeforeClose: false, error: EFSM },
  purezmq: { settledBeforeClose: true, error: EFSM },
}, "a call REQ/REP can never complete fails EFSM at once instead of waiting forever");

same("a mandatory ROUTER fails EHOSTUNREACH for an unknown peer once it has one", async (zmq, { closing }) => {
  const router = closing(new zmq.Router({ mandatory: true }));
  const dealer = closing(new zmq.Dealer({ routingId: "known" }));
  await router.bind("tcp://127.0.0.1:*");
  dealer.connect(router.lastEndpoint!);
  await dealer.send("hello");
  await router.receive();
  return {
    unknown: await outcome(() => router.send(["nobody", "x"])),
    lone: await outcome(() => router.send(["nobody"])),
  };
}, {
  unknown: { name: "Error", message: "Host unreachable", code: "EHOSTUNREACH", errno: 113 },
  lone: { returned: "undefined" },
});

same("a mandatory ROUTER without peers waits, then fails EHOSTUNREACH at sendTimeout or close", async (zmq) => {
  const router = new zmq.Router({ mandatory: true, sendTimeout: 20 });
  const timedOut = await outcome(() => router.send(["nobody", "x"]));
  router.sendTimeout = -1;
  const cancelled = outcome(() => router.send(["nobody", "x"]));
  router.close();
  return { timedOut, cancelled: await cancelled };
}, {
  timedOut: { name: "Error", message: "Host unreachable", code: "EHOSTUNREACH", errno: 113 },
  cancelled: { name: "Error", message: "Host unreachable", code: "EHOSTUNREACH", errno: 113 },
});

same("send(undefined) throws a TypeError", (zmq, { closing }) => {
  const s = closing(new zmq.Dealer());
  return syncOutcome(() => s.send(undefined as never));
}, { threw: { name: "TypeError", message: "Message must be present" } });

same("a Subscriber's subscribe() after close throws ENOTSOCK", (zmq) => {
  const s = new zmq.Subscriber();
  s.close();
  return syncOutcome(() => s.subscribe("x"));
}, { threw: { name: "Error", message: "Socket operation on non-socket", code: "ENOTSOCK", errno: 88 } });
