/**
 * What the tracer shows of CURVE (RFC 26) traffic: the handshake commands
 * with the fields that travel in clear (versions, nonces, sizes, the
 * fingerprint of the client's short-term key), and the MESSAGE commands
 * counted with their nonces. Boxes stay closed: the tracer holds no key,
 * so no secret and no sealed metadata or payload is ever shown. The
 * server's long-term key never crosses the wire in clear either.
 */
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import {
  HELLO_PADDING, SHORT_NONCE_SIZE, decodeCurveHello, decodeCurveInitiate, decodeCurveSealed, decodeCurveWelcome,
} from "../../zmtp/wire/index.js";

/** A short, stable name for a public key: the first 8 octets of its SHA-256, in hex. */
export function fingerprint(key: Uint8Array): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 16);
}

/** A short nonce as the counter it is. */
function counter(nonce: Buffer): string {
  return nonce.readBigUInt64BE(0).toString();
}

/** The clear fields of a CURVE handshake command; throws ZmtpProtocolError on a malformed one. */
export function curveCommandDetail(name: string, data: Buffer): Record<string, unknown> | undefined {
  switch (name) {
    case "HELLO": {
      const h = decodeCurveHello(data);
      const padding = data.subarray(2, 2 + HELLO_PADDING);
      return {
        version: `${h.major}.${h.minor}`,
        clientShortKey: fingerprint(h.clientKey),
        nonce: counter(h.shortNonce),
        padding: padding.every((b) => b === 0) ? "zero" : "not zero",
      };
    }
    case "WELCOME":
      return { sealed: decodeCurveWelcome(data).box.length };
    case "INITIATE": {
      const i = decodeCurveInitiate(data);
      return { cookie: i.cookie.length, nonce: counter(i.shortNonce), sealed: i.box.length };
    }
    case "READY": {
      const r = decodeCurveSealed("READY", data);
      return { nonce: counter(r.shortNonce), sealed: r.box.length };
    }
    default:
      return undefined;
  }
}

/** The octets a MESSAGE command starts with, as libzmq sends it (in a frame without flags). */
const MESSAGE_HEAD = Buffer.from("\x07MESSAGE", "latin1");

/** Counts the MESSAGE commands of one direction. */
export class CurveMessageCounter {
  private count = 0;
  private octets = 0;

  /** True when `head` (a frame's first octets) starts a MESSAGE command. */
  static isMessage(head: Buffer): boolean {
    return head.length >= MESSAGE_HEAD.length + SHORT_NONCE_SIZE && head.subarray(0, MESSAGE_HEAD.length).equals(MESSAGE_HEAD);
  }

  /** Counts one MESSAGE from its data (short nonce, then the box: at least its nonce) and the data's size; returns what to show of it. */
  add(data: Buffer, size: number): Record<string, unknown> {
    this.count++;
    const sealed = size - SHORT_NONCE_SIZE;
    this.octets += sealed;
    return { nonce: counter(data), sealed, count: this.count, octets: this.octets };
  }

  /** Counts one MESSAGE frame from its first octets (`head`) and size. */
  addFrame(head: Buffer, size: number): Record<string, unknown> {
    return this.add(head.subarray(MESSAGE_HEAD.length), size - MESSAGE_HEAD.length);
  }
}
