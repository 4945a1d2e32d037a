/**
 * ZeroMQ over WebSocket: RFC 45 (ZWS 2.0), as a translation between
 * WebSocket messages and the ZMTP byte stream the engine speaks.
 *
 * ```
 * ws-message   = flags frame-body      ; one ZMTP frame per binary message
 * flags        = %x00 (last) | %x01 (more) | %x02 (command)
 * ```
 * The subprotocol the server picks (`Sec-WebSocket-Protocol`) names the
 * mechanism: `ZWS2.0/NULL`, `ZWS2.0/PLAIN`, replacing the greeting, which
 * ZWS does not have. Bare `ZWS2.0` has no mechanism at all: like ZMTP
 * 2.0, each side's first message is its routing id, then messages follow;
 * there are no commands and no socket types. Bare `ZWS2.0` is what
 * WebSockets can carry (see {@link zwsProtocols}) and what jszmq speaks;
 * the mechanism forms are translated too, for a server given them.
 *
 * The engine keeps running ZMTP unchanged: {@link ZwsInbound} turns each
 * message from the peer into ZMTP octets, behind a greeting made from the
 * chosen subprotocol (and, without a mechanism, a READY made from the
 * routing id); {@link ZwsOutbound} turns the engine's octets into
 * messages, dropping the greeting (and, without a mechanism, turning READY
 * into the routing id and dropping the other commands). The greetings
 * announce ZMTP 3.0, so subscriptions travel as messages, as RFC 45 says.
 * Nothing here touches a socket; the transport (transport/zws-duplex.ts)
 * moves the messages.
 */
import { Buffer } from "node:buffer";
import { decodeCommand, decodeMetadata, encodeCommand, encodeMetadata } from "./command.js";
import { ZmtpProtocolError } from "./errors.js";
import { FrameDecoder } from "./frame-decoder.js";
import { FLAG_COMMAND, FLAG_LONG, FLAG_MORE, SHORT_MAX } from "./frame.js";
import { GREETING_SIZE, GreetingReader, encodeGreeting, type MechanismName } from "./greeting.js";
import { anyPeerType, type SocketTypeName } from "./socket-type.js";

/** RFC 45 "Framing": the flags octet at the head of each WebSocket message. */
export const ZWS_FLAG_MORE = 0x01;
/** RFC 45 "Framing": a command (ZMTP's 0x04). */
export const ZWS_FLAG_COMMAND = 0x02;
/** The subprotocol without a mechanism (RFC 45 "No Mechanism"). */
export const ZWS_BARE = "ZWS2.0";

/**
 * What the `ws` package refuses by default, and so the bound on each
 * WebSocket message when a socket sets no `maxMessageSize`.
 */
const DEFAULT_MESSAGE_BOUND = 100 * 1024 * 1024;
/** Handshake commands may be this large whatever `maxMessageSize` says (the engine's own bound on them). */
const HANDSHAKE_BOUND = 64 * 1024;

/**
 * The largest WebSocket message to accept, flags octet included, for a
 * socket's `maxMessageSize` (-1: none set): one frame is never larger than
 * its message, so a frame over it is refused before it is buffered.
 */
export function zwsMessageBound(maxMessageSize: number): number {
  return maxMessageSize < 0 ? DEFAULT_MESSAGE_BOUND : Math.max(maxMessageSize, HANDSHAKE_BOUND) + 1;
}

/**
 * The subprotocols a client offers for a socket using `mechanism`, or
 * undefined when it cannot be carried. A WebSocket subprotocol must be an
 * HTTP token, which has no `/`: standard WebSockets (and the `ws` package)
 * refuse to offer or accept `ZWS2.0/NULL` and `ZWS2.0/PLAIN`, so only bare
 * `ZWS2.0` can be spoken with them, and it has no mechanism: NULL only.
 */
export function zwsProtocols(mechanism: MechanismName): string[] | undefined {
  return mechanism === "NULL" ? [ZWS_BARE] : undefined;
}

/** What a server picks from the client's offer; `false` when none fits `mechanism`. */
export function chooseZwsProtocol(offered: Iterable<string>, mechanism: MechanismName): string | false {
  const set = new Set(offered);
  const own = `${ZWS_BARE}/${mechanism}`;
  if (set.has(own)) return own;
  if (mechanism === "NULL" && set.has(ZWS_BARE)) return ZWS_BARE;
  return false;
}

/**
 * The mechanism a chosen subprotocol names ("" for bare `ZWS2.0`), or
 * undefined for a subprotocol that is not ZWS 2.0 at all.
 */
function protocolMechanism(protocol: string): string | undefined {
  if (protocol === ZWS_BARE) return "";
  return protocol.startsWith(`${ZWS_BARE}/`) ? protocol.slice(ZWS_BARE.length + 1) : undefined;
}

/** What both directions of one connection know: ours from our greeting, the subprotocol from the WebSocket. */
export class ZwsSession {
  /** Our greeting's as-server octet; undefined until the engine wrote it. */
  asServer: boolean | undefined;
  /** The mechanism of the chosen subprotocol; "" for none. */
  readonly mechanism: string;

  constructor(
    protocol: string,
    /** Our socket type: without a mechanism the peer's is never told, so one it may have is assumed. */
    readonly socketType: SocketTypeName,
  ) {
    const mechanism = protocolMechanism(protocol);
    if (mechanism === undefined) throw new ZmtpProtocolError(`the WebSocket peer chose the subprotocol "${protocol}", not ZWS 2.0`);
    this.mechanism = mechanism;
  }

  /** True for bare `ZWS2.0`: routing ids instead of a handshake, no commands. */
  get bare(): boolean {
    return this.mechanism === "";
  }
}

/** The ZMTP frame header for a body of `size` octets with ZMTP `flags`. */
function frameHeader(flags: number, size: number): Buffer {
  if (size <= SHORT_MAX) return Buffer.from([flags, size]);
  const head = Buffer.allocUnsafe(9);
  head[0] = flags | FLAG_LONG;
  head.writeBigUInt64BE(BigInt(size), 1);
  return head;
}

/** Messages from the peer into ZMTP octets for the engine. */
export class ZwsInbound {
  #routingIdSeen = false;

  constructor(private readonly session: ZwsSession) {}

  /**
   * The greeting ZWS does without, to hand the engine once it sent its own
   * (so that, without a mechanism, our routing id goes out at once): the
   * subprotocol's mechanism, the other role than ours, and ZMTP 3.0
   * (subscriptions as messages, as RFC 45 has them).
   */
  greeting(): Buffer {
    const s = this.session;
    if (s.asServer === undefined) throw new Error("the peer's ZWS greeting was asked for before the engine sent its own");
    return encodeGreeting((s.bare ? "NULL" : s.mechanism) as MechanismName, !s.asServer, 0);
  }

  /**
   * One binary WebSocket message; returns the octets to hand the engine.
   * Throws {@link ZmtpProtocolError} on a message RFC 45 does not allow.
   */
  push(message: Buffer): Buffer[] {
    const s = this.session;
    if (message.length === 0) throw new ZmtpProtocolError("empty WebSocket message: ZWS needs a flags octet");
    const flags = message[0]!;
    if (flags !== 0 && flags !== ZWS_FLAG_MORE && flags !== ZWS_FLAG_COMMAND) {
      throw new ZmtpProtocolError(`WebSocket message with the flags octet 0x${flags.toString(16).padStart(2, "0")}; ZWS allows 0x00, 0x01 and 0x02`);
    }
    const body = message.subarray(1);
    const out: Buffer[] = [];
    if (s.bare) {
      if (flags === ZWS_FLAG_COMMAND) throw new ZmtpProtocolError("command over ZWS2.0 without a mechanism, which has none");
      if (!this.#routingIdSeen) {
        if (flags !== 0) throw new ZmtpProtocolError("the routing id message over ZWS2.0 has more than one frame");
        this.#routingIdSeen = true;
        const ready = encodeCommand("READY", encodeMetadata([["Socket-Type", anyPeerType(s.socketType)], ["Identity", body]]));
        out.push(frameHeader(FLAG_COMMAND, ready.length), ready);
        return out;
      }
    }
    out.push(frameHeader(flags === ZWS_FLAG_COMMAND ? FLAG_COMMAND : flags === ZWS_FLAG_MORE ? FLAG_MORE : 0, body.length));
    if (body.length > 0) out.push(body);
    return out;
  }
}

/** The engine's ZMTP octets into messages for the peer. Trusted input: our own engine wrote it. */
export class ZwsOutbound {
  readonly #greeting = new GreetingReader();
  readonly #frames: FrameDecoder;
  #out: Uint8Array[] = [];
  #readySeen = false;

  constructor(private readonly session: ZwsSession) {
    this.#frames = new FrameDecoder({ onFrame: (body, flags) => this.#frame(body, flags) });
  }

  /** Octets the engine wrote; returns the WebSocket messages they complete (copies: the engine reuses its buffers). */
  push(chunk: Buffer): Uint8Array[] {
    if (this.#greeting.received < GREETING_SIZE) {
      const done = this.#greeting.push(chunk);
      if (!done) return [];
      this.session.asServer = done.greeting.asServer;
      chunk = done.rest;
    }
    if (chunk.length > 0) this.#frames.push(chunk);
    const out = this.#out;
    this.#out = [];
    return out;
  }

  #frame(body: Buffer, flags: number): void {
    const command = (flags & FLAG_COMMAND) !== 0;
    if (this.session.bare && command) {
      // Our READY becomes the routing id; heartbeats and the rest have no
      // place without a mechanism.
      if (this.#readySeen) return;
      this.#readySeen = true;
      const { data } = decodeCommand(body);
      this.#out.push(zwsMessage(0, decodeMetadata(data).get("identity") ?? Buffer.alloc(0)));
      return;
    }
    this.#out.push(zwsMessage(command ? ZWS_FLAG_COMMAND : flags & FLAG_MORE ? ZWS_FLAG_MORE : 0, body));
  }
}

/** One WebSocket message: the flags octet, then the body. */
function zwsMessage(flags: number, body: Uint8Array): Uint8Array {
  const msg = new Uint8Array(1 + body.length);
  msg[0] = flags;
  msg.set(body, 1);
  return msg;
}
