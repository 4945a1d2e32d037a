/**
 * A scripted CURVE client for the hostile tests: it runs the real client
 * handshake over a raw TCP stream, frame by frame, and lets a test change
 * any handshake command before it leaves, send commands of its choice, and
 * after READY seal MESSAGE commands with any nonce, or replay and reorder
 * them, or change their octets.
 */
import * as net from "node:net";
import { Buffer } from "node:buffer";
import {
  CurveClientMechanism, FLAG_COMMAND, FLAG_MORE, FrameDecoder, decodePlainCommand, encodeFrame, encodeGreeting,
  type Metadata,
} from "../../src/zmtp/wire/index.js";
import { importSecretKey, sealBoxInPlace, type KeyPair } from "../../src/zmtp/wire/curve-crypto.js";
import { z85 } from "../../src/index.js";
import { withDeadline } from "../support/deadline.js";

/** Changes a handshake command (its whole body) before it is sent; undefined keeps it. */
export type Tamper = (name: string, body: Buffer) => Buffer | undefined;

/** The key pair with another public key claimed, when one is given. */
function claimed(pair: KeyPair, claim: string | undefined): KeyPair {
  return claim === undefined ? pair : { publicKey: z85.decode(claim), secret: pair.secret };
}

/** Settings of a scripted client. */
export interface CurvePeerOptions {
  serverKey: string;
  keys: { publicKey: string; secretKey: string };
  tamper?: Tamper;
  /** A long-term public key to claim instead of the one of `keys.secretKey` (a client posing as another). */
  claim?: string;
}

/** A scripted CURVE client connected to a server. */
export class CurvePeer {
  readonly closed: Promise<void>;
  /** Resolves with the server's metadata once READY arrived. */
  readonly ready: Promise<Metadata>;
  readonly failure: Promise<Error>;
  private readonly mechanism: CurveClientMechanism;
  private greetingLeft = 64;
  private readonly decoder: FrameDecoder;

  private constructor(private readonly stream: net.Socket, options: CurvePeerOptions) {
    let onReady!: (m: Metadata) => void;
    let onFail!: (e: Error) => void;
    this.ready = new Promise((resolve) => (onReady = resolve));
    this.failure = new Promise((resolve) => (onFail = resolve));
    this.closed = new Promise((resolve) => stream.once("close", () => resolve()));
    stream.on("error", () => undefined);
    this.mechanism = new CurveClientMechanism({
      metadata: [["Socket-Type", "DEALER"]],
      address: "scripted",
      keys: claimed(importSecretKey(z85.decode(options.keys.secretKey)), options.claim),
      serverKey: z85.decode(options.serverKey),
    });
    this.decoder = new FrameDecoder({
      onFrame: (body) => {
        try {
          this.mechanism.onCommand(decodePlainCommand(body));
        } catch (err) {
          onFail(err as Error);
        }
      },
    });
    stream.on("data", (chunk: Buffer) => {
      const skip = Math.min(this.greetingLeft, chunk.length);
      this.greetingLeft -= skip;
      if (chunk.length > skip) this.decoder.push(chunk.subarray(skip));
    });
    stream.write(encodeGreeting("CURVE", false));
    this.mechanism.start({
      sendCommand: (body) => {
        const name = body.toString("latin1", 1, 1 + body[0]!);
        this.command(options.tamper?.(name, body) ?? body);
      },
      ready: (metadata) => onReady(metadata),
      fail: (err) => onFail(err),
    });
  }

  /** Connects to a `tcp://host:port` endpoint and starts the handshake. */
  static async connect(endpoint: string, options: CurvePeerOptions): Promise<CurvePeer> {
    const url = new URL(endpoint);
    const stream = net.connect({ host: url.hostname, port: Number(url.port) });
    await new Promise<void>((resolve, reject) => {
      stream.once("connect", resolve);
      stream.once("error", reject);
    });
    return new CurvePeer(stream, options);
  }

  /** Sends a command frame with this body. */
  command(body: Buffer): void {
    this.stream.write(encodeFrame(body, FLAG_COMMAND));
  }

  /** Sends raw octets. */
  write(data: Buffer): void {
    this.stream.write(data);
  }

  /** Seals a frame with the session's cipher, as the next MESSAGE (nonces go up by one); `more` for all but a message's last. */
  seal(body: string, more = false): Buffer {
    return this.mechanism.cipher!.seal(Buffer.from(body), more ? FLAG_MORE : 0);
  }

  /**
   * Seals a one-frame message under the session key with a nonce of our
   * choosing (a 64-bit counter given as its high and low halves).
   */
  sealWithNonce(body: string, hi: number, lo: number): Buffer {
    const key = (this.mechanism as unknown as { key: Uint8Array }).key;
    const data = Buffer.from(body);
    const buf = Buffer.alloc(33 + data.length);
    buf[32] = 0;
    data.copy(buf, 33);
    const nonce = Buffer.alloc(24);
    nonce.write("CurveZMQMESSAGEC", 0, "latin1");
    nonce.writeUInt32BE(hi, 16);
    nonce.writeUInt32BE(lo, 20);
    sealBoxInPlace(key, nonce, buf);
    buf.write("\x07MESSAGE", 0, "latin1");
    nonce.copy(buf, 8, 16);
    return buf;
  }

  /** Sends a sealed MESSAGE as a frame without flags, as libzmq sends them. */
  send(sealed: Buffer): void {
    this.stream.write(encodeFrame(sealed, 0));
  }

  waitClosed(ms = 5000): Promise<void> {
    return withDeadline(this.closed, ms, "the server to close the connection");
  }

  destroy(): void {
    this.stream.destroy();
  }
}
