/**
 * Options by libzmq number, for zeromq.js's protected methods
 * (`getBoolOption(39)`, `setInt32Option(19, 75)`, `getStringOption(5)`...),
 * through which its own properties are defined and a subclass reaches an
 * option. Here the properties are the implementation: each number names
 * the property it reads and writes, with libzmq's type, which the method's
 * type must match in size (libzmq checks the length of the value, so a
 * flag reads as Bool or Int32, an int64 as Int64 or Uint64).
 */
import { ZmqError } from "./errors.js";
import { checkOptionType } from "./option-values.js";

/** The value types of zeromq.js's option methods. */
export type OptionType = "Bool" | "Int32" | "Uint32" | "Int64" | "Uint64" | "String";

/**
 * One option: its type and the property read (`get`) and written (`set`),
 * or what a write does where no property is the option; a missing side is
 * refused.
 */
interface Numbered {
  readonly type: OptionType;
  readonly get?: string;
  /** The number libzmq gives where the property gives a name (ZMQ_MECHANISM). */
  readonly asNumber?: (value: unknown) => number;
  readonly set?: string | { readonly method: string; readonly value: (v: unknown) => unknown };
}

const rw = (type: OptionType, name: string): Numbered => ({ type, get: name, set: name });
const readOnly = (type: OptionType, name: string): Numbered => ({ type, get: name });
const writeOnly = (type: OptionType, name: string): Numbered => ({ type, set: name });
/** A write that is a call of `method`, with `value` of what was written. */
const call = (type: OptionType, method: string, value: (v: unknown) => unknown): Numbered => ({ type, set: { method, value } });
/** ZMQ_XPUB_VERBOSE (40) and ZMQ_XPUB_VERBOSER (78): the verbosity they set on or off. */
const verbose = (on: string): Numbered => call("Bool", "verbosity", (v) => (v ? on : null));

/** libzmq's ZMQ_MECHANISM numbers, which the raw read gives where the property gives a name. */
const MECHANISM_NUMBER: Readonly<Record<string, number>> = { plain: 1, curve: 2, gssapi: 3 };

/** The socket options zeromq.js defines, by number (ZMQ_SNDHWM is 23...). */
const SOCKET: ReadonlyMap<number, Numbered> = new Map([
  [4, rw("Uint64", "affinity")], [5, rw("String", "routingId")],
  // ZMQ_SUBSCRIBE and ZMQ_UNSUBSCRIBE: zeromq.js's own subscribe() writes null for every topic.
  [6, call("String", "subscribe", (v) => v ?? "")], [7, call("String", "unsubscribe", (v) => v ?? "")], [8, rw("Int32", "rate")],
  [9, rw("Int32", "recoveryInterval")], [11, rw("Int32", "sendBufferSize")], [12, rw("Int32", "receiveBufferSize")],
  [16, readOnly("Int32", "type")], [17, rw("Int32", "linger")], [18, rw("Int32", "reconnectInterval")],
  [19, rw("Int32", "backlog")], [21, rw("Int32", "reconnectMaxInterval")], [22, rw("Int64", "maxMessageSize")],
  [23, rw("Int32", "sendHighWaterMark")], [24, rw("Int32", "receiveHighWaterMark")], [25, rw("Int32", "multicastHops")],
  [27, rw("Int32", "receiveTimeout")], [28, rw("Int32", "sendTimeout")], [32, readOnly("String", "lastEndpoint")],
  [33, writeOnly("Bool", "mandatory")], [34, rw("Int32", "tcpKeepalive")], [35, rw("Int32", "tcpKeepaliveCount")],
  [36, rw("Int32", "tcpKeepaliveIdle")], [37, rw("Int32", "tcpKeepaliveInterval")], [38, rw("String", "tcpAcceptFilter")],
  [39, rw("Bool", "immediate")], [40, verbose("allSubs")], [42, rw("Bool", "ipv6")],
  [43, { type: "Int32", get: "securityMechanism", asNumber: (v) => MECHANISM_NUMBER[v as string] ?? 0 }], [44, rw("Bool", "plainServer")],
  [45, rw("String", "plainUsername")], [46, rw("String", "plainPassword")], [47, rw("Bool", "curveServer")],
  [48, rw("String", "curvePublicKey")], [49, rw("String", "curveSecretKey")], [50, rw("String", "curveServerKey")],
  [51, writeOnly("Bool", "probeRouter")], [52, writeOnly("Bool", "correlate")], [53, writeOnly("Bool", "relaxed")],
  [54, writeOnly("Bool", "conflate")], [55, rw("String", "zapDomain")], [56, writeOnly("Bool", "handover")],
  [57, rw("Uint32", "typeOfService")], [66, rw("Int32", "handshakeInterval")], [68, rw("String", "socksProxy")],
  [69, writeOnly("Bool", "noDrop")], [71, writeOnly("Bool", "manual")], [72, writeOnly("String", "welcomeMessage")],
  [73, writeOnly("Bool", "notify")], [74, rw("Bool", "invertMatching")], [75, rw("Int32", "heartbeatInterval")],
  [76, rw("Int32", "heartbeatTimeToLive")], [77, rw("Int32", "heartbeatTimeout")], [78, verbose("allSubsUnsubs")],
  [79, rw("Int32", "connectTimeout")],
  [80, rw("Int32", "tcpMaxRetransmitTimeout")], [81, readOnly("Bool", "threadSafe")],
  [84, rw("Int32", "multicastMaxTransportDataUnit")], [85, rw("Uint64", "vmciBufferSize")],
  [86, rw("Uint64", "vmciBufferMinSize")], [87, rw("Uint64", "vmciBufferMaxSize")], [88, rw("Int32", "vmciConnectTimeout")],
  [92, rw("String", "interface")], [93, rw("Bool", "zapEnforceDomain")], [94, rw("Bool", "loopbackFastPath")],
]);

/** The context options zeromq.js defines; 3 reads the socket limit and writes the thread priority, as in libzmq. */
const CONTEXT: ReadonlyMap<number, Numbered> = new Map([
  [1, rw("Int32", "ioThreads")], [2, rw("Int32", "maxSockets")],
  [3, { type: "Int32", get: "maxSocketsLimit", set: "threadPriority" }], [4, writeOnly("Int32", "threadSchedulingPolicy")],
  [5, rw("Int32", "maxMessageSize")], [42, rw("Bool", "ipv6")], [70, rw("Bool", "blocky")],
]);

/** The JavaScript type zeromq.js checks a value of option `name` for, where it defines the option. */
export function optionKindOf(name: string): "boolean" | "number" | "string" | undefined {
  for (const entry of SOCKET.values()) {
    if (entry.get === name || entry.set === name) return entry.type === "Bool" ? "boolean" : entry.type === "String" ? "string" : "number";
  }
  return undefined;
}

/** What libzmq checks of a value: its length (4 octets, 8, or a string). */
function sizeOf(type: OptionType): 4 | 8 | "string" {
  return type === "String" ? "string" : type === "Int64" || type === "Uint64" ? 8 : 4;
}

function invalid(): never {
  throw new ZmqError("EINVAL");
}

/** The entry of `option` in `table` for a read or write of `type`, which `target` has. */
function lookup(table: ReadonlyMap<number, Numbered>, target: object, option: number, type: OptionType, side: "get" | "set"): Numbered {
  const entry = table.get(option);
  const access = entry?.[side];
  const name = typeof access === "object" ? access.method : access;
  if (!entry || name === undefined || sizeOf(entry.type) !== sizeOf(type) || !(name in target)) invalid();
  return entry;
}

/** Reads option number `option` of `target` as zeromq.js's `get${type}Option` does. */
function read(table: ReadonlyMap<number, Numbered>, target: object, option: number, type: OptionType): unknown {
  const entry = lookup(table, target, option, type, "get");
  const value = (target as Record<string, unknown>)[entry.get!];
  const raw = entry.asNumber ? entry.asNumber(value) : value;
  // libzmq gives the same octets whatever the type asked: a flag reads as
  // an int and an int as a flag, a negative int as unsigned.
  if (type === "Bool") return Boolean(raw);
  if (typeof raw === "boolean") return raw ? 1 : 0;
  if (type === "Uint32" && typeof raw === "number") return raw >>> 0;
  if (type === "Uint64" && typeof raw === "number" && raw < 0) return raw + 2 ** 64;
  return raw;
}

/** Writes option number `option` of `target` as zeromq.js's `set${type}Option` does. */
function write(table: ReadonlyMap<number, Numbered>, target: object, option: number, type: OptionType, value: unknown): void {
  // zeromq.js checks the JavaScript type of the value first.
  checkOptionType(type === "Bool" ? "boolean" : type === "String" ? "string" : "number", value);
  const entry = lookup(table, target, option, type, "set");
  const props = target as Record<string, unknown>;
  if (typeof entry.set === "object") {
    const { method, value: argument } = entry.set;
    if (typeof props[method] === "function") (props[method] as (v: unknown) => void).call(target, argument(value));
    else props[method] = argument(value);
    return;
  }
  let v = value;
  if (entry.type === "Bool" && type !== "Bool") {
    // libzmq takes 0 or 1 for a flag, nothing else.
    if (v !== 0 && v !== 1) invalid();
    v = v === 1;
  } else if (entry.type !== "Bool" && type === "Bool") {
    v = v ? 1 : 0;
  } else if (type === "Uint64" && (v as number) < 0) {
    // zeromq.js's conversion to uint64 takes a negative number as 0.
    v = 0;
  } else if (type === "Int64" && entry.type === "Uint64" && (v as number) < 0) {
    // The same 8 octets, read as unsigned.
    v = (v as number) + 2 ** 64;
  }
  props[entry.set!] = v;
}

/** The method types of a socket: all; of a context: Bool and Int32, as zeromq.js has them. */
const METHOD_TYPES = {
  socket: ["Bool", "Int32", "Uint32", "Int64", "Uint64", "String"],
  context: ["Bool", "Int32"],
} as const;

/**
 * @internal Defines zeromq.js's protected `get${type}Option(option)` and
 * `set${type}Option(option, value)` on `proto`, a socket's or a context's,
 * as methods are (not enumerable).
 */
export function defineOptionMethods(proto: object, of: "socket" | "context"): void {
  const table = of === "socket" ? SOCKET : CONTEXT;
  for (const type of METHOD_TYPES[of]) {
    Object.defineProperty(proto, `get${type}Option`, {
      configurable: true,
      writable: true,
      value(this: object, option: number): unknown {
        return read(table, this, option, type);
      },
    });
    Object.defineProperty(proto, `set${type}Option`, {
      configurable: true,
      writable: true,
      value(this: object, option: number, value: unknown): void {
        write(table, this, option, type, value);
      },
    });
  }
}
