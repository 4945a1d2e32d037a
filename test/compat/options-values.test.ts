/**
 * Differential: the values zeromq.js's option setters take, keep and
 * refuse. It converts a number to the C type libzmq keeps (an `int`
 * option keeps ToInt32 of it), libzmq refuses a value out of the
 * option's range, or a text of the wrong length, with EINVAL; the
 * patterns' flags are write-only; the VMCI options are refused. The type
 * checks themselves are in options-socket.test.ts.
 */
import { same, syncOutcome, type Zmq } from "./differential.js";

const INVALID = { threw: { name: "Error", message: "Invalid argument", code: "EINVAL", errno: 22 } };

/** Every number option each socket type has in zeromq.js. */
const NUMBER_OPTIONS = [
  "affinity", "backlog", "connectTimeout", "handshakeInterval", "heartbeatInterval", "heartbeatTimeToLive",
  "heartbeatTimeout", "linger", "maxMessageSize", "multicastHops", "multicastMaxTransportDataUnit", "rate",
  "receiveBufferSize", "receiveHighWaterMark", "receiveTimeout", "reconnectInterval", "reconnectMaxInterval",
  "recoveryInterval", "sendBufferSize", "sendHighWaterMark", "sendTimeout", "tcpKeepalive", "tcpKeepaliveCount",
  "tcpKeepaliveIdle", "tcpKeepaliveInterval", "tcpMaxRetransmitTimeout", "typeOfService",
];

/**
 * Values at every edge: fractions, the ends of int32, int64 and uint64,
 * past them, the non-finite numbers, and the heartbeat TTL's deciseconds.
 */
const NUMBERS = [
  -1000, -2, -1, -0.5, 0, 0.5, 1, 1.5, -1.5, 2, 99, 150, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1,
  2 ** 32 + 5, 2 ** 40, 2 ** 53, 1e20, -1e20, 2 ** 63, -(2 ** 63), 2 ** 64, 2 ** 65, 6553599, 6553600,
  Number.NaN, Infinity, -Infinity,
];

/** `value` set on `name`, and what reads back (or what the setter threw). */
/** The code a failing call throws, or "ok". */
function codeOf(fn: () => unknown): unknown {
  const outcome = syncOutcome(fn) as { threw?: { code?: string } };
  return outcome.threw ? outcome.threw.code : "ok";
}

function setAndRead(socket: Record<string, unknown>, name: string, value: unknown): unknown {
  return syncOutcome(() => {
    socket[name] = value;
    return socket[name];
  });
}

same("every number option converts and refuses each value as libzmq keeps it", (zmq, { closing }) => {
  const s = closing(new zmq.Dealer()) as unknown as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const name of NUMBER_OPTIONS) {
    for (const value of NUMBERS) {
      // libzmq's affinity is a uint64 that zeromq.js casts from a double: NaN is undefined behaviour in C.
      if (name === "affinity" && Number.isNaN(value)) continue;
      result[`${name}=${value}`] = setAndRead(s, name, value);
    }
  }
  return result;
});

same("some of those conversions and refusals, pinned", (zmq, { closing }) => {
  const s = closing(new zmq.Dealer()) as unknown as Record<string, unknown>;
  return {
    lingerBelowRange: setAndRead(s, "linger", -5),
    hwmFraction: setAndRead(s, "sendHighWaterMark", 1.5),
    hwmWrapsAround: setAndRead(s, "sendHighWaterMark", 2 ** 32 + 5),
    hwmWrapsNegative: setAndRead(s, "receiveHighWaterMark", 2 ** 31),
    timeoutNaN: setAndRead(s, "receiveTimeout", Number.NaN),
    ttlInDeciseconds: setAndRead(s, "heartbeatTimeToLive", 150),
    ttlPastRange: setAndRead(s, "heartbeatTimeToLive", 6553600),
    heartbeatTimeoutMinusOne: setAndRead(s, "heartbeatTimeout", -1),
    maxMessageSizeSaturates: setAndRead(s, "maxMessageSize", 1e20),
    maxMessageSizeNegative: setAndRead(s, "maxMessageSize", -1000),
    affinityNegative: setAndRead(s, "affinity", -1),
    keepaliveTwo: setAndRead(s, "tcpKeepalive", 2),
    rateZero: setAndRead(s, "rate", 0),
  };
}, {
  lingerBelowRange: INVALID,
  hwmFraction: { returned: 1 },
  hwmWrapsAround: { returned: 5 },
  hwmWrapsNegative: INVALID,
  timeoutNaN: { returned: 0 },
  ttlInDeciseconds: { returned: 100 },
  ttlPastRange: INVALID,
  heartbeatTimeoutMinusOne: INVALID,
  maxMessageSizeSaturates: { returned: 2 ** 63 },
  maxMessageSizeNegative: { returned: -1000 },
  affinityNegative: { returned: 0 },
  keepaliveTwo: INVALID,
  rateZero: INVALID,
});

// Conversion only: a zeromq.js constructor that throws leaves its native socket open, which holds the process at exit.
same("a uint64 option (affinity) set above 2^53 - 1 warns that it may be rounded; an int64 one does not", async (zmq, { closing }) => {
  const s = closing(new zmq.Dealer());
  const seen: string[] = [];
  const listener = (w: Error) => seen.push(w.message);
  // Warnings are emitted on a later tick: let those of earlier tests go first.
  await new Promise((resolve) => setImmediate(resolve));
  process.on("warning", listener);
  try {
    s.maxMessageSize = 2 ** 60;
    s.affinity = 2 ** 53;
    s.affinity = 2 ** 53 - 1;
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off("warning", listener);
  }
  return seen;
}, ["Value is larger than Number.MAX_SAFE_INTEGER and may have been rounded inaccurately."]);

same("the constructor converts as the setters do", (zmq, { closing }) => {
  const s = closing(new zmq.Dealer({ sendHighWaterMark: 2.9, heartbeatTimeToLive: 250 }));
  return [s.sendHighWaterMark, s.heartbeatTimeToLive];
}, [2, 200]);

same("text options: libzmq's lengths, and which of them null unsets", (zmq, { closing }) => {
  const s = closing(new zmq.Dealer()) as unknown as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  const texts: Record<string, unknown> = {
    null: null, empty: "", emptyBuffer: Buffer.alloc(0), one: "a", b16: "a".repeat(16), b17: "a".repeat(17),
    b255: "é".repeat(127) + "a", b256: "é".repeat(128),
  };
  for (const name of ["routingId", "zapDomain", "interface", "socksProxy"]) {
    for (const [label, value] of Object.entries(texts)) {
      const outcome = setAndRead(s, name, value) as { returned?: unknown };
      result[`${name}=${label}`] = typeof outcome.returned === "string" ? { length: outcome.returned.length } : outcome;
    }
  }
  return result;
}, {
  "routingId=null": INVALID, "routingId=empty": INVALID, "routingId=emptyBuffer": INVALID, "routingId=one": { length: 1 },
  "routingId=b16": { length: 16 }, "routingId=b17": { length: 17 }, "routingId=b255": { length: 128 }, "routingId=b256": INVALID,
  "zapDomain=null": INVALID, "zapDomain=empty": INVALID, "zapDomain=emptyBuffer": INVALID, "zapDomain=one": { length: 1 },
  "zapDomain=b16": { length: 16 }, "zapDomain=b17": { length: 17 }, "zapDomain=b255": { length: 128 }, "zapDomain=b256": INVALID,
  "interface=null": { returned: null }, "interface=empty": INVALID, "interface=emptyBuffer": { returned: null },
  "interface=one": { length: 1 }, "interface=b16": { length: 16 }, "interface=b17": INVALID, "interface=b255": INVALID,
  "interface=b256": INVALID,
  "socksProxy=null": { returned: null }, "socksProxy=empty": INVALID, "socksProxy=emptyBuffer": { returned: null },
  "socksProxy=one": { length: 1 }, "socksProxy=b16": { length: 16 }, "socksProxy=b17": { length: 17 },
  "socksProxy=b255": { length: 128 }, "socksProxy=b256": { length: 128 },
});

same("a text option set as a Buffer reads back as text, up to its first zero octet", (zmq, { closing }) => {
  const s = closing(new zmq.Dealer()) as unknown as Record<string, unknown>;
  return {
    utf8: setAndRead(s, "routingId", Buffer.from("åbçdé")),
    cut: setAndRead(s, "zapDomain", Buffer.from([0x61, 0, 0x62])),
    leadingZero: setAndRead(s, "socksProxy", Buffer.from([0, 0x61])),
  };
}, { utf8: { returned: "åbçdé" }, cut: { returned: "a" }, leadingZero: { returned: "" } });

same("a routingId set as a Buffer is announced octet for octet, though it reads back as text", async (zmq, { closing }) => {
  const router = closing(new zmq.Router());
  const dealer = closing(new zmq.Dealer({ routingId: Buffer.from([0x61, 0, 0xff]) as unknown as string }));
  await router.bind("inproc://options-values-binary-id");
  dealer.connect("inproc://options-values-binary-id");
  await dealer.send("hello");
  const [id] = await router.receive();
  return { read: dealer.routingId, announced: id!.toString("hex") };
}, { read: "a", announced: "6100ff" });

/** Write-only options, by socket type, with a value each takes. */
const WRITE_ONLY: Record<string, Record<string, unknown>> = {
  Dealer: { conflate: true, probeRouter: true },
  Push: { conflate: true },
  Pull: { conflate: true },
  Publisher: { conflate: true, noDrop: true },
  Subscriber: { conflate: true },
  Router: { handover: true, probeRouter: true },
  Request: { correlate: true, relaxed: true, probeRouter: true },
  XPublisher: { noDrop: true, manual: true, welcomeMessage: "hi", verbosity: "allSubs" },
  Stream: { notify: false },
};

same("the patterns' flags are write-only: set, they read back undefined; mandatory reads EINVAL", (zmq, { closing }) => {
  const make = zmq as unknown as Record<string, new () => { close(): void }>;
  const result: Record<string, unknown> = {};
  for (const [type, options] of Object.entries(WRITE_ONLY)) {
    const s = closing(new make[type]!()) as unknown as Record<string, unknown>;
    for (const [name, value] of Object.entries(options)) result[`${type}.${name}`] = setAndRead(s, name, value);
  }
  const router = closing(new zmq.Router()) as unknown as Record<string, unknown>;
  result["Router.mandatory"] = setAndRead(router, "mandatory", true);
  return result;
}, {
  ...Object.fromEntries(Object.entries(WRITE_ONLY).flatMap(([type, options]) =>
    Object.keys(options).map((name) => [`${type}.${name}`, { returned: "undefined" }]))),
  "Router.mandatory": INVALID,
});

same("the constructor takes the write-only options", (zmq, { closing }) => {
  const make = zmq as unknown as Record<string, new (options: object) => { close(): void }>;
  const made = Object.entries(WRITE_ONLY).map(([type, options]) => syncOutcome(() => closing(new make[type]!(options)).close()));
  made.push(syncOutcome(() => closing(new zmq.Router({ mandatory: true })).close()));
  return made;
}, Array(Object.keys(WRITE_ONLY).length + 1).fill({ returned: "undefined" }));

same("the VMCI options are refused, read or set, after the type check", (zmq, { closing }) => {
  const s = closing(new zmq.Dealer()) as unknown as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const name of ["vmciBufferSize", "vmciBufferMinSize", "vmciBufferMaxSize", "vmciConnectTimeout"]) {
    result[name] = [syncOutcome(() => s[name]), syncOutcome(() => (s[name] = 1)), syncOutcome(() => (s[name] = "x"))];
  }
  return result;
}, Object.fromEntries(["vmciBufferSize", "vmciBufferMinSize", "vmciBufferMaxSize", "vmciConnectTimeout"].map((name) =>
  [name, [INVALID, INVALID, { threw: { name: "TypeError", message: "Option value must be a number" } }]])));

/**
 * The subscriptions an XPublisher given each of `settings` as its
 * verbosity in turn reports when two subscribers subscribe to the same
 * topic, and then one of them to "end".
 */
async function reported(zmq: Zmq, closing: <S extends { close(): void }>(s: S) => S, name: string, settings: unknown[]): Promise<string[]> {
  const xpub = closing(new zmq.XPublisher());
  for (const value of settings) (xpub as unknown as Record<string, unknown>).verbosity = value;
  await xpub.bind(`inproc://${name}`);
  const seen: string[] = [];
  for (const topic of ["t", "t", "end"]) {
    const sub = closing(new zmq.Subscriber());
    sub.connect(`inproc://${name}`);
    sub.subscribe(topic);
  }
  while (seen.at(-1) !== "\u0001end") seen.push(String((await xpub.receive())[0]));
  return seen;
}

same("verbosity: a value other than null, allSubs and allSubsUnsubs leaves it as it was", async (zmq, { closing }) => {
  return {
    unsetStaysUnset: await reported(zmq, closing, "verbosity-unset", [5]),
    setStaysSet: await reported(zmq, closing, "verbosity-set", ["allSubs", "other"]),
    nullClears: await reported(zmq, closing, "verbosity-cleared", ["allSubs", null]),
  };
}, {
  unsetStaysUnset: ["\u0001t", "\u0001end"],
  setStaysSet: ["\u0001t", "\u0001t", "\u0001end"],
  nullClears: ["\u0001t", "\u0001end"],
});

same("PLAIN credentials: a Buffer's octets, null unsets the mechanism and keeps the text to read back", (zmq, { closing }) => {
  const s = closing(new zmq.Dealer()) as unknown as Record<string, unknown>;
  const unset = closing(new zmq.Dealer()) as unknown as Record<string, unknown>;
  unset.plainPassword = "secret";
  const emptied = closing(new zmq.Dealer()) as unknown as Record<string, unknown>;
  emptied.plainUsername = "user";
  return {
    credential: setAndRead(s, "plainUsername", Buffer.from("user\0tail")),
    mechanism: s.securityMechanism,
    unsetReadsBack: setAndRead(unset, "plainPassword", null),
    unsetMechanism: unset.securityMechanism,
    emptyBuffer: setAndRead(emptied, "plainUsername", Buffer.alloc(0)),
    emptiedMechanism: emptied.securityMechanism,
    // Codes only: purezmq's message says what is wrong without the value.
    emptyString: codeOf(() => (emptied.plainPassword = "")),
    tooLong: codeOf(() => (emptied.plainPassword = Buffer.alloc(256, 97))),
  };
}, {
  credential: { returned: "user" },
  mechanism: "plain",
  unsetReadsBack: { returned: "secret" },
  unsetMechanism: null,
  emptyBuffer: { returned: "user" },
  emptiedMechanism: null,
  emptyString: "EINVAL",
  tooLong: "EINVAL",
});

