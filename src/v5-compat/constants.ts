/**
 * The numeric constants of the v5 API: libzmq's option, socket type, poll
 * and send flag numbers (zmq.h), and the v5 module's own capability and
 * state flags. Code written for zeromq.js v5 passes them to `setsockopt`,
 * `getsockopt` and `send`.
 */

/** The v5 module's capability flags: every one is available. */
export const ZMQ_CAN_MONITOR = 1;
/** `disconnect()` is available. */
export const ZMQ_CAN_DISCONNECT = 1;
/** `unbind()` is available. */
export const ZMQ_CAN_UNBIND = 1;
/** Context options can be set. */
export const ZMQ_CAN_SET_CTX = 1;

/** ZMQ_AFFINITY (option 4). */
export const ZMQ_AFFINITY = 4;
/** ZMQ_IDENTITY (option 5): the routing id. */
export const ZMQ_IDENTITY = 5;
/** ZMQ_SUBSCRIBE (option 6, write-only). */
export const ZMQ_SUBSCRIBE = 6;
/** ZMQ_UNSUBSCRIBE (option 7, write-only). */
export const ZMQ_UNSUBSCRIBE = 7;
/** ZMQ_RATE (option 8). */
export const ZMQ_RATE = 8;
/** ZMQ_RECOVERY_IVL (option 9). */
export const ZMQ_RECOVERY_IVL = 9;
/** ZMQ_RECOVERY_IVL_MSEC: the same option as ZMQ_RECOVERY_IVL in libzmq 4. */
export const ZMQ_RECOVERY_IVL_MSEC = 9;
/** ZMQ_SNDBUF (option 11). */
export const ZMQ_SNDBUF = 11;
/** ZMQ_RCVBUF (option 12). */
export const ZMQ_RCVBUF = 12;
/** ZMQ_RCVMORE (option 13; not readable in the v5 API, where messages come whole). */
export const ZMQ_RCVMORE = 13;
/** ZMQ_FD (option 14; not readable: there is no file descriptor to poll). */
export const ZMQ_FD = 14;
/** ZMQ_EVENTS (option 15): ZMQ_POLLIN and ZMQ_POLLOUT. */
export const ZMQ_EVENTS = 15;
/** ZMQ_TYPE (option 16, read-only). */
export const ZMQ_TYPE = 16;
/** ZMQ_LINGER (option 17). */
export const ZMQ_LINGER = 17;
/** ZMQ_RECONNECT_IVL (option 18). */
export const ZMQ_RECONNECT_IVL = 18;
/** ZMQ_BACKLOG (option 19). */
export const ZMQ_BACKLOG = 19;
/** ZMQ_RECONNECT_IVL_MAX (option 21). */
export const ZMQ_RECONNECT_IVL_MAX = 21;
/** ZMQ_MAXMSGSIZE (option 22). */
export const ZMQ_MAXMSGSIZE = 22;
/** ZMQ_SNDHWM (option 23). */
export const ZMQ_SNDHWM = 23;
/** ZMQ_RCVHWM (option 24). */
export const ZMQ_RCVHWM = 24;
/** ZMQ_MULTICAST_HOPS (option 25). */
export const ZMQ_MULTICAST_HOPS = 25;
/** ZMQ_RCVTIMEO (option 27). */
export const ZMQ_RCVTIMEO = 27;
/** ZMQ_SNDTIMEO (option 28). */
export const ZMQ_SNDTIMEO = 28;
/** ZMQ_IPV4ONLY (option 31): the opposite of ZMQ_IPV6. */
export const ZMQ_IPV4ONLY = 31;
/** ZMQ_LAST_ENDPOINT (option 32, read-only). */
export const ZMQ_LAST_ENDPOINT = 32;
/** ZMQ_ROUTER_MANDATORY (option 33). */
export const ZMQ_ROUTER_MANDATORY = 33;
/** ZMQ_TCP_KEEPALIVE (option 34). */
export const ZMQ_TCP_KEEPALIVE = 34;
/** ZMQ_TCP_KEEPALIVE_CNT (option 35). */
export const ZMQ_TCP_KEEPALIVE_CNT = 35;
/** ZMQ_TCP_KEEPALIVE_IDLE (option 36). */
export const ZMQ_TCP_KEEPALIVE_IDLE = 36;
/** ZMQ_TCP_KEEPALIVE_INTVL (option 37). */
export const ZMQ_TCP_KEEPALIVE_INTVL = 37;
/** ZMQ_TCP_ACCEPT_FILTER (option 38, write-only). */
export const ZMQ_TCP_ACCEPT_FILTER = 38;
/** ZMQ_DELAY_ATTACH_ON_CONNECT (option 39): ZMQ_IMMEDIATE's old name. */
export const ZMQ_DELAY_ATTACH_ON_CONNECT = 39;
/** ZMQ_XPUB_VERBOSE (option 40, write-only). */
export const ZMQ_XPUB_VERBOSE = 40;
/** ZMQ_ROUTER_RAW (option 41; not supported in the v5 API). */
export const ZMQ_ROUTER_RAW = 41;
/** ZMQ_IPV6 (option 42). */
export const ZMQ_IPV6 = 42;
/** ZMQ_MECHANISM (option 43, read-only): 0 NULL, 1 PLAIN, 2 CURVE. */
export const ZMQ_MECHANISM = 43;
/** ZMQ_PLAIN_SERVER (option 44). */
export const ZMQ_PLAIN_SERVER = 44;
/** ZMQ_PLAIN_USERNAME (option 45). */
export const ZMQ_PLAIN_USERNAME = 45;
/** ZMQ_PLAIN_PASSWORD (option 46). */
export const ZMQ_PLAIN_PASSWORD = 46;
/** ZMQ_CURVE_SERVER (option 47). */
export const ZMQ_CURVE_SERVER = 47;
/** ZMQ_CURVE_PUBLICKEY (option 48). */
export const ZMQ_CURVE_PUBLICKEY = 48;
/** ZMQ_CURVE_SECRETKEY (option 49). */
export const ZMQ_CURVE_SECRETKEY = 49;
/** ZMQ_CURVE_SERVERKEY (option 50). */
export const ZMQ_CURVE_SERVERKEY = 50;
/** ZMQ_ZAP_DOMAIN (option 55). */
export const ZMQ_ZAP_DOMAIN = 55;
/** ZMQ_ROUTER_HANDOVER (option 56, write-only). */
export const ZMQ_ROUTER_HANDOVER = 56;
/** ZMQ_HEARTBEAT_IVL (option 75). */
export const ZMQ_HEARTBEAT_IVL = 75;
/** ZMQ_HEARTBEAT_TTL (option 76). */
export const ZMQ_HEARTBEAT_TTL = 76;
/** ZMQ_HEARTBEAT_TIMEOUT (option 77). */
export const ZMQ_HEARTBEAT_TIMEOUT = 77;
/** ZMQ_CONNECT_TIMEOUT (option 79). */
export const ZMQ_CONNECT_TIMEOUT = 79;

/** Context option ZMQ_IO_THREADS. */
export const ZMQ_IO_THREADS = 1;
/** Context option ZMQ_MAX_SOCKETS. */
export const ZMQ_MAX_SOCKETS = 2;

/** ZMQ_EVENTS bit: a message can be received. */
export const ZMQ_POLLIN = 1;
/** ZMQ_EVENTS bit: a message can be sent. */
export const ZMQ_POLLOUT = 2;
/** ZMQ_EVENTS bit: an error (never set by sockets). */
export const ZMQ_POLLERR = 4;

/** `send()` flag: more parts of this message follow in later calls. */
export const ZMQ_SNDMORE = 2;

/** The v5 socket states. */
export const STATE_READY = 0;
/** The v5 socket states. */
export const STATE_BUSY = 1;
/** The v5 socket states. */
export const STATE_CLOSED = 2;

/** Socket type ZMQ_PAIR. */
export const ZMQ_PAIR = 0;
/** Socket type ZMQ_PUB. */
export const ZMQ_PUB = 1;
/** Socket type ZMQ_SUB. */
export const ZMQ_SUB = 2;
/** Socket type ZMQ_REQ. */
export const ZMQ_REQ = 3;
/** Socket type ZMQ_REP. */
export const ZMQ_REP = 4;
/** Socket type ZMQ_DEALER. */
export const ZMQ_DEALER = 5;
/** ZMQ_DEALER's old name. */
export const ZMQ_XREQ = 5;
/** Socket type ZMQ_ROUTER. */
export const ZMQ_ROUTER = 6;
/** ZMQ_ROUTER's old name. */
export const ZMQ_XREP = 6;
/** Socket type ZMQ_PULL. */
export const ZMQ_PULL = 7;
/** Socket type ZMQ_PUSH. */
export const ZMQ_PUSH = 8;
/** Socket type ZMQ_XPUB. */
export const ZMQ_XPUB = 9;
/** Socket type ZMQ_XSUB. */
export const ZMQ_XSUB = 10;
/** Socket type ZMQ_STREAM (`socket("stream")`). */
export const ZMQ_STREAM = 11;
