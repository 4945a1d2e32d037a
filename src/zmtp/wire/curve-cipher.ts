/**
 * CURVE traffic after the handshake (RFC 26 "MESSAGE"): every frame, a
 * message part or a command, travels sealed in a MESSAGE command with its
 * own short nonce, and libzmq's flags octet (bit 0 MORE, bit 1 COMMAND)
 * inside the box. As libzmq sends them, MESSAGE frames carry no flags of
 * their own on the wire; any flags found there are ignored.
 *
 * Nonces are 64-bit counters, kept as two 32-bit halves: ours never wraps
 * (the connection fails first), and the peer's must grow strictly, so a
 * replayed, reordered or wrapped MESSAGE ends the connection.
 */
import { Buffer } from "node:buffer";
import { BOX_OVERHEAD, openPrefixedAt, prefixKey, sealPrefixedInPlace, type PrefixKey } from "./curve-crypto.js";
import { MESSAGE_DATA_MIN, MESSAGE_HEADER_SIZE, SHORT_NONCE_SIZE } from "./curve-commands.js";
import { malformed, ZmtpProtocolError } from "./errors.js";
import { FLAG_COMMAND, FLAG_MORE } from "./frame.js";
import type { FrameLimits } from "./frame-decoder.js";
import type { FrameCipher } from "./mechanism.js";

/** Our short nonces: 1, 2, 3... written big-endian; never reused. */
export class SendNonce {
  private hi = 0;
  private lo = 0;

  /** Takes the next nonce and writes it at `offset` of `into`. */
  next(into: Buffer, offset: number): void {
    if (this.lo === 0xffffffff) {
      if (this.hi === 0xffffffff) throw new ZmtpProtocolError("CURVE: our nonces are used up; the connection must end", "EPROTO");
      this.hi++;
      this.lo = 0;
    } else {
      this.lo++;
    }
    into.writeUInt32BE(this.hi, offset);
    into.writeUInt32BE(this.lo, offset + 4);
  }
}

/** The peer's last short nonce: each one must be greater than the one before. */
export class PeerNonce {
  private hi = 0;
  private lo = 0;

  /** Accepts `nonce` (8 octets) or throws when it does not grow. */
  accept(nonce: Uint8Array, command: string): void {
    const hi = ((nonce[0]! << 24) | (nonce[1]! << 16) | (nonce[2]! << 8) | nonce[3]!) >>> 0;
    const lo = ((nonce[4]! << 24) | (nonce[5]! << 16) | (nonce[6]! << 8) | nonce[7]!) >>> 0;
    if (hi < this.hi || (hi === this.hi && lo <= this.lo)) {
      throw malformed(`CURVE ${command} with a replayed or out-of-order nonce`, "ERR_ZMTP_INVALID_SEQUENCE");
    }
    this.hi = hi;
    this.lo = lo;
  }
}

/** The CURVE flags octet, from and to ZMTP frame flags. */
const CURVE_MORE = 0x01;
const CURVE_COMMAND = 0x02;
const MESSAGE_NAME = Buffer.from("\x07MESSAGE", "latin1");
/** The MESSAGE nonce prefixes of each side (RFC 26). */
const CLIENT_PREFIX = Buffer.from("CurveZMQMESSAGEC", "latin1");
const SERVER_PREFIX = Buffer.from("CurveZMQMESSAGES", "latin1");

/** Seals and opens the frames of one CURVE connection. */
export class CurveFrameCipher implements FrameCipher {
  flags = 0;
  /** The keys of our and the peer's MESSAGE nonce prefixes (see prefixKey). */
  private readonly sendKey: PrefixKey;
  private readonly peerKey: PrefixKey;
  private readonly sendNonce = Buffer.alloc(SHORT_NONCE_SIZE);
  private readonly peerNonceCopy = Buffer.alloc(SHORT_NONCE_SIZE);
  private maxMessageSize = Infinity;
  private maxMessageParts = Infinity;
  private maxCommandSize = Infinity;
  private limits: FrameLimits = { maxMessageSize: -1, maxMessageParts: -1, maxCommandSize: -1 };
  /** Parts and octets of the message being received. */
  private parts = 0;
  private size = 0;

  /**
   * @param key the precomputed key of C' and S'
   * @param asServer true on the server's side: it seals with the server's
   *   nonce prefix ("CurveZMQMESSAGES") and opens the client's, and the
   *   other way round on the client's side
   */
  constructor(
    key: Uint8Array,
    asServer: boolean,
    private readonly ours: SendNonce,
    private readonly theirs: PeerNonce,
  ) {
    this.sendKey = prefixKey(key, asServer ? SERVER_PREFIX : CLIENT_PREFIX);
    this.peerKey = prefixKey(key, asServer ? CLIENT_PREFIX : SERVER_PREFIX);
  }

  setLimits(limits: FrameLimits): void {
    this.limits = { ...limits };
    const bound = (n: number) => (n < 0 ? Infinity : n);
    this.maxMessageSize = bound(limits.maxMessageSize);
    this.maxMessageParts = bound(limits.maxMessageParts);
    this.maxCommandSize = bound(limits.maxCommandSize);
  }

  seal(body: Uint8Array, flags: number): Buffer {
    // [header 16][tag 16][flags 1][body]: the plaintext is laid out where
    // the box will be, sealed in place, then the header written over the
    // octets the cipher used as scratch.
    const buf = Buffer.allocUnsafe(MESSAGE_HEADER_SIZE + BOX_OVERHEAD + 1 + body.length);
    buf[32] = ((flags & FLAG_MORE) !== 0 ? CURVE_MORE : 0) | ((flags & FLAG_COMMAND) !== 0 ? CURVE_COMMAND : 0);
    buf.set(body, 33);
    this.ours.next(this.sendNonce, 0);
    sealPrefixedInPlace(this.sendKey, this.sendNonce, buf);
    MESSAGE_NAME.copy(buf, 0);
    this.sendNonce.copy(buf, 8);
    return buf;
  }

  open(body: Buffer): Buffer {
    if (body.length < 8 + MESSAGE_DATA_MIN || body.compare(MESSAGE_NAME, 0, 8, 0, 8) !== 0) {
      throw new ZmtpProtocolError("CURVE: a frame after the handshake is not a well-formed MESSAGE command", "EPROTO");
    }
    const nonce = this.peerNonceCopy;
    body.copy(nonce, 0, 8, 8 + SHORT_NONCE_SIZE);
    // A plain view: Buffer#subarray goes through the species constructor.
    const plain = openPrefixedAt(this.peerKey, nonce, new Uint8Array(body.buffer, body.byteOffset + 16, body.length - 16));
    if (plain === undefined) throw new ZmtpProtocolError("CURVE: a MESSAGE box does not open (tampered or forged)", "EPROTO");
    // Only a box that opened may move the nonce on: a forged one must not
    // burn nonces the real peer has yet to use.
    this.theirs.accept(nonce, "MESSAGE");
    const f = plain[2 * BOX_OVERHEAD]!;
    const frame = plain.subarray(2 * BOX_OVERHEAD + 1);
    this.flags = (f & CURVE_MORE ? FLAG_MORE : 0) | (f & CURVE_COMMAND ? FLAG_COMMAND : 0);
    this.check(frame.length, f);
    return frame;
  }

  /** The same bounds the frame decoder puts on plain traffic, on what the boxes held. */
  private check(size: number, f: number): void {
    if (f & CURVE_COMMAND) {
      if (f & CURVE_MORE) throw new ZmtpProtocolError("invalid frame flags: a command frame cannot have MORE set");
      if (size > this.maxCommandSize) {
        throw new ZmtpProtocolError(`command of ${size} octets exceeds the limit of ${this.limits.maxCommandSize}`, "EMSGSIZE");
      }
      return;
    }
    this.parts++;
    this.size += size;
    if (this.parts > this.maxMessageParts) {
      throw new ZmtpProtocolError(`message of more than ${this.limits.maxMessageParts} parts`, "EMSGSIZE");
    }
    if (this.size > this.maxMessageSize) {
      throw new ZmtpProtocolError(`message of at least ${this.size} octets exceeds the limit of ${this.limits.maxMessageSize}`, "EMSGSIZE");
    }
    if ((f & CURVE_MORE) === 0) this.parts = this.size = 0;
  }
}
