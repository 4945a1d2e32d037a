/**
 * Socket types and which may talk: RFC 23 section "The Socket-Type
 * Property", RFC 28/29/30/31, and the draft types of RFC 41
 * (CLIENT/SERVER), RFC 48 (RADIO/DISH) and RFC 49 (SCATTER/GATHER).
 */

/** ZMTP socket type names, as sent in the Socket-Type property. */
export type SocketTypeName =
  | "PAIR" | "PUB" | "SUB" | "REQ" | "REP" | "DEALER" | "ROUTER" | "PULL" | "PUSH" | "XPUB" | "XSUB"
  | "SERVER" | "CLIENT" | "RADIO" | "DISH" | "GATHER" | "SCATTER"
  // STREAM and DGRAM speak no ZMTP (their peers are raw TCP and UDP); they are here for their numbers.
  | "STREAM" | "DGRAM";

/** The libzmq numbers of the socket types (ZMQ_PAIR = 0 ...). */
export const SOCKET_TYPE_NUMBER: Readonly<Record<SocketTypeName, number>> = {
  PAIR: 0, PUB: 1, SUB: 2, REQ: 3, REP: 4, DEALER: 5, ROUTER: 6, PULL: 7, PUSH: 8, XPUB: 9, XSUB: 10,
  STREAM: 11, SERVER: 12, CLIENT: 13, RADIO: 14, DISH: 15, GATHER: 16, SCATTER: 17, DGRAM: 18,
};

const PEERS: Readonly<Record<SocketTypeName, readonly SocketTypeName[]>> = {
  REQ: ["REP", "ROUTER"],
  REP: ["REQ", "DEALER"],
  DEALER: ["REP", "DEALER", "ROUTER"],
  ROUTER: ["REQ", "DEALER", "ROUTER"],
  PUB: ["SUB", "XSUB"],
  XPUB: ["SUB", "XSUB"],
  SUB: ["PUB", "XPUB"],
  XSUB: ["PUB", "XPUB"],
  PUSH: ["PULL"],
  PULL: ["PUSH"],
  PAIR: ["PAIR"],
  SERVER: ["CLIENT"],
  CLIENT: ["SERVER"],
  RADIO: ["DISH"],
  DISH: ["RADIO"],
  SCATTER: ["GATHER"],
  GATHER: ["SCATTER"],
  STREAM: [],
  DGRAM: [],
};

/** True when a socket of type `ours` may talk to a peer of type `theirs`. */
export function compatibleSocketTypes(ours: SocketTypeName, theirs: string): boolean {
  return (PEERS[ours] as readonly string[]).includes(theirs);
}

/** True for the types that send an Identity property in READY. */
export function sendsIdentity(type: SocketTypeName): boolean {
  return type === "REQ" || type === "DEALER" || type === "ROUTER";
}

/**
 * A type of peer `ours` may talk to: what a peer that never tells its type
 * (ZWS 2.0 without a mechanism) is taken for.
 */
export function anyPeerType(ours: SocketTypeName): SocketTypeName {
  return PEERS[ours][0]!;
}

/**
 * True for the draft types that libzmq makes thread safe (single-part
 * messages, no ZMQ_SNDMORE): all but DGRAM, whose messages are two parts.
 */
export function isThreadSafe(type: SocketTypeName): boolean {
  return SOCKET_TYPE_NUMBER[type] >= SOCKET_TYPE_NUMBER.SERVER && type !== "DGRAM";
}
