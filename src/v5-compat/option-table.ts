/**
 * How each ZMQ_* option of the v5 API reads and writes the v6-style
 * socket underneath: most are one property as it is; flags read back as 1
 * or 0; a few are computed, write-only, read-only or refused, with the
 * v5 module's error texts.
 */
import type { Socket as CoreSocket } from "../zmtp/socket/socket.js";
import * as c from "./constants.js";

/** The socket's options as loose properties: which ones a socket type has is checked by the socket itself. */
type Properties = Record<string, unknown>;

/** How one option is read and written; a missing side is an unknown option there. */
interface OptionAccess {
  get?(socket: CoreSocket): unknown;
  set?(socket: CoreSocket, value: unknown): void;
}

function props(socket: CoreSocket): Properties {
  return socket as unknown as Properties;
}

/** An option that is one property, read and written as it is. */
function property(name: string): OptionAccess {
  return {
    get: (s) => props(s)[name],
    set: (s, v) => {
      props(s)[name] = v;
    },
  };
}

/** A boolean property that v5 code sets with any truthy value and reads as 1 or 0. */
function flag(name: string): OptionAccess {
  return {
    get: (s) => (props(s)[name] ? 1 : 0),
    set: (s, v) => {
      props(s)[name] = Boolean(v);
    },
  };
}

/** Set only: reading it is an unknown option, as in the v5 module. */
function writeOnly(access: OptionAccess): OptionAccess {
  return { set: access.set! };
}

/** An option the v5 API refuses on one side or both, with its message. */
function refused(message: string, side: "get" | "both"): OptionAccess {
  const fail = (): never => {
    throw new Error(message);
  };
  return side === "both" ? { get: fail, set: fail } : { get: fail };
}

/** A Subscriber's subscribe/unsubscribe, reached through setsockopt. */
function subscription(method: "subscribe" | "unsubscribe"): OptionAccess {
  return {
    set: (s, v) => {
      (props(s)[method] as (topic: unknown) => void).call(s, v);
    },
  };
}

/** libzmq's ZMQ_MECHANISM numbers. */
const MECHANISM_NUMBER: Readonly<Record<string, number>> = { plain: 1, curve: 2, gssapi: 3 };

const unsupported = (name: string): string => `${name} is not supported in compatibility mode`;

/** Every option the v5 API knows, by ZMQ_* number. */
const TABLE = new Map<number, OptionAccess>([
  [c.ZMQ_AFFINITY, property("affinity")],
  [c.ZMQ_IDENTITY, property("routingId")],
  [c.ZMQ_SUBSCRIBE, subscription("subscribe")],
  [c.ZMQ_UNSUBSCRIBE, subscription("unsubscribe")],
  [c.ZMQ_RATE, property("rate")],
  [c.ZMQ_RECOVERY_IVL, property("recoveryInterval")],
  [c.ZMQ_SNDBUF, property("sendBufferSize")],
  [c.ZMQ_RCVBUF, property("receiveBufferSize")],
  [c.ZMQ_RCVMORE, refused(unsupported("ZMQ_RCVMORE"), "get")],
  [c.ZMQ_FD, refused(unsupported("ZMQ_FD"), "get")],
  [c.ZMQ_EVENTS, { get: (s) => (s.readable ? c.ZMQ_POLLIN : 0) | (s.writable ? c.ZMQ_POLLOUT : 0) }],
  [c.ZMQ_TYPE, { get: (s) => s.type }],
  [c.ZMQ_LINGER, property("linger")],
  [c.ZMQ_RECONNECT_IVL, property("reconnectInterval")],
  [c.ZMQ_BACKLOG, property("backlog")],
  [c.ZMQ_RECONNECT_IVL_MAX, property("reconnectMaxInterval")],
  [c.ZMQ_MAXMSGSIZE, property("maxMessageSize")],
  [c.ZMQ_SNDHWM, property("sendHighWaterMark")],
  [c.ZMQ_RCVHWM, property("receiveHighWaterMark")],
  [c.ZMQ_MULTICAST_HOPS, property("multicastHops")],
  [c.ZMQ_RCVTIMEO, property("receiveTimeout")],
  [c.ZMQ_SNDTIMEO, property("sendTimeout")],
  [
    c.ZMQ_IPV4ONLY,
    {
      get: (s) => !s.ipv6,
      set: (s, v) => {
        s.ipv6 = !v;
      },
    },
  ],
  [c.ZMQ_LAST_ENDPOINT, { get: (s) => s.lastEndpoint }],
  [c.ZMQ_ROUTER_MANDATORY, flag("mandatory")],
  [c.ZMQ_TCP_KEEPALIVE, property("tcpKeepalive")],
  [c.ZMQ_TCP_KEEPALIVE_CNT, property("tcpKeepaliveCount")],
  [c.ZMQ_TCP_KEEPALIVE_IDLE, property("tcpKeepaliveIdle")],
  [c.ZMQ_TCP_KEEPALIVE_INTVL, property("tcpKeepaliveInterval")],
  [c.ZMQ_TCP_ACCEPT_FILTER, writeOnly(property("tcpAcceptFilter"))],
  [c.ZMQ_DELAY_ATTACH_ON_CONNECT, flag("immediate")],
  [
    c.ZMQ_XPUB_VERBOSE,
    {
      get: refused("Reading ZMQ_XPUB_VERBOSE is not supported", "get").get!,
      set: (s, v) => {
        props(s).verbosity = v ? "allSubs" : null;
      },
    },
  ],
  [c.ZMQ_ROUTER_RAW, refused(unsupported("ZMQ_ROUTER_RAW"), "both")],
  [c.ZMQ_IPV6, flag("ipv6")],
  [c.ZMQ_MECHANISM, { get: (s) => MECHANISM_NUMBER[s.securityMechanism ?? ""] ?? 0 }],
  [c.ZMQ_PLAIN_SERVER, flag("plainServer")],
  [c.ZMQ_PLAIN_USERNAME, property("plainUsername")],
  [c.ZMQ_PLAIN_PASSWORD, property("plainPassword")],
  [c.ZMQ_CURVE_SERVER, flag("curveServer")],
  [c.ZMQ_CURVE_PUBLICKEY, property("curvePublicKey")],
  [c.ZMQ_CURVE_SECRETKEY, property("curveSecretKey")],
  [c.ZMQ_CURVE_SERVERKEY, property("curveServerKey")],
  [c.ZMQ_ZAP_DOMAIN, property("zapDomain")],
  [c.ZMQ_HEARTBEAT_IVL, property("heartbeatInterval")],
  [c.ZMQ_HEARTBEAT_TTL, property("heartbeatTimeToLive")],
  [c.ZMQ_HEARTBEAT_TIMEOUT, property("heartbeatTimeout")],
  [c.ZMQ_CONNECT_TIMEOUT, property("connectTimeout")],
  [c.ZMQ_ROUTER_HANDOVER, writeOnly(flag("handover"))],
]);

function unknownOption(): never {
  throw new Error("Unknown option");
}

/** Reads option number `option` of `socket`, as the v5 API's getsockopt does. */
export function readOption(socket: CoreSocket, option: number | undefined): unknown {
  const get = option === undefined ? undefined : TABLE.get(option)?.get;
  return get ? get(socket) : unknownOption();
}

/** Writes option number `option` of `socket`, as the v5 API's setsockopt does. */
export function writeOption(socket: CoreSocket, option: number | undefined, value: unknown): void {
  const set = option === undefined ? undefined : TABLE.get(option)?.set;
  if (!set) unknownOption();
  set(socket, value);
}
