/**
 * The CURVE mechanism: RFC 26 (CurveZMQ) over ZMTP (RFC 25), as libzmq
 * 4.3 runs it.
 *
 * ```
 * C: HELLO    (C', Box[64 zeros](C'->S))
 * S: WELCOME  (Box[S' + cookie](S->C'))        cookie = Box[C' + s'](K)
 * C: INITIATE (cookie, Box[C + vouch + metadata](C'->S'))  vouch = Box[C' + S](C->S')
 * S: READY    (Box[metadata](S'->C'))  or ERROR (ZAP status) instead
 * then MESSAGE (Box[flags + frame]) both ways, see curve-cipher.ts
 * ```
 *
 * Greeting: the server sends as-server 1, the client 0. The short-term
 * key pairs (C', S') are made per connection, and their secret halves,
 * like the cookie key, are dropped as soon as the handshake ends: only
 * the precomputed key of C' and S' stays, so a stolen long-term key does
 * not open recorded traffic. The cookie key K is drawn afresh for each
 * connection, as libzmq does.
 *
 * Key logging (opt-in, off by default): a mechanism given a
 * {@link CurveKeyLog} hands it, once the handshake succeeded, the client's
 * short-term public key C' and the precomputed key of C' and S', which is
 * all an observer needs to open that connection's MESSAGE commands. The
 * hook only receives the keys; writing them anywhere is the caller's
 * business (this layer does no I/O).
 *
 * The server asks an authenticator (ZAP, mechanism "CURVE", the client's
 * long-term public key as the credential) once INITIATE proved that the
 * client holds that key; a refusal is answered with ERROR carrying the
 * status code, as libzmq does, and a temporary failure (300) closes
 * without ERROR.
 */
import { Buffer } from "node:buffer";
import { randomBytes, timingSafeEqual, type KeyObject } from "node:crypto";
import { decodeMetadata, encodeError, encodeMetadata, type Command } from "./command.js";
import { SendNonce, PeerNonce, CurveFrameCipher } from "./curve-cipher.js";
import {
  COOKIE_SIZE, HELLO_PADDING, LONG_NONCE_SIZE, SHORT_NONCE_SIZE, VOUCH_SIZE, decodeCurveHello, decodeCurveInitiate,
  decodeCurveSealed, decodeCurveWelcome, encodeCurveCommand,
} from "./curve-commands.js";
import { KEY_SIZE, boxNonce, exportSecretKey, generateKeyPair, openBox, sealBox, sharedKey, type KeyPair } from "./curve-crypto.js";
import { malformed, ZmtpProtocolError } from "./errors.js";
import type { FrameCipher, Mechanism, MechanismOptions, MechanismPeer } from "./mechanism.js";
import { decodePlainCommand, refusalIn, refuseVerdict, type PlainVerdict } from "./plain-mechanism.js";

const HELLO_SIGNATURE = Buffer.alloc(64);
const HELLO_VERSION = Buffer.from([1, 0]);
const HELLO_PAD = Buffer.alloc(HELLO_PADDING);

/** A short nonce from our counter, as the 8 octets sent. */
function nextShortNonce(counter: SendNonce): Buffer {
  const n = Buffer.allocUnsafe(SHORT_NONCE_SIZE);
  counter.next(n, 0);
  return n;
}

function unexpected(command: Command, side: string, state: string): ZmtpProtocolError {
  return new ZmtpProtocolError(`unexpected ${command.name} command in the CURVE handshake (${side}, ${state})`, "EMECHANISM");
}

/** What a key log receives for one connection: enough to open its MESSAGE commands, nothing long-term. */
export interface CurveSessionKeys {
  /** The client's short-term public key C' (32 octets): names the connection, it travels in clear in HELLO. */
  readonly clientShortKey: Buffer;
  /** The precomputed key of C' and S' (crypto_box_beforenm, 32 octets): opens both directions' boxes. */
  readonly sessionKey: Buffer;
}

/** Receives the session keys of each CURVE connection whose handshake succeeded (see the file comment). */
export type CurveKeyLog = (keys: CurveSessionKeys) => void;

/** Settings of a CURVE client. */
export interface CurveClientOptions extends MechanismOptions {
  /** Our long-term key pair. */
  keys: KeyPair;
  /** The server's long-term public key S; null when not configured (every handshake then fails). */
  serverKey: Buffer | null;
  /** Given the session keys once the handshake succeeded; absent (the default) logs nothing. */
  keyLog?: CurveKeyLog;
}

/** The client side of CURVE: HELLO, INITIATE once welcomed, then READY. */
export class CurveClientMechanism implements Mechanism {
  readonly name = "CURVE";
  readonly asServer = false;
  cipher: FrameCipher | undefined;
  private peer: MechanismPeer | undefined;
  private state: "hello-sent" | "initiate-sent" | "done" = "hello-sent";
  private readonly nonce = new SendNonce();
  private readonly peerNonce = new PeerNonce();
  /** C', until the handshake ends. */
  private shortTerm: KeyPair | undefined;
  /** The key of C' and S, then of C' and S'. */
  private key: Uint8Array | undefined;

  constructor(private readonly options: CurveClientOptions) {}

  decode(body: Buffer): Command {
    return decodePlainCommand(body);
  }

  start(peer: MechanismPeer): void {
    this.peer = peer;
    const { serverKey } = this.options;
    if (serverKey === null) throw new ZmtpProtocolError("a CURVE client needs curveServerKey, the server's public key", "EMECHANISM");
    const pair = (this.shortTerm = generateKeyPair());
    this.key = sharedKey(pair.secret, serverKey);
    const short = nextShortNonce(this.nonce);
    const box = sealBox(this.key, boxNonce("CurveZMQHELLO---", short), HELLO_SIGNATURE);
    peer.sendCommand(encodeCurveCommand("HELLO", HELLO_VERSION, HELLO_PAD, pair.publicKey, short, box));
  }

  onCommand(command: Command): void {
    if (command.name === "ERROR" && this.state !== "done") throw refusalIn(command.data, `the CURVE server at ${this.options.address} refused us`);
    if (command.name === "WELCOME" && this.state === "hello-sent") return this.onWelcome(command.data);
    if (command.name === "READY" && this.state === "initiate-sent") return this.onReady(command.data);
    throw unexpected(command, "client", this.state);
  }

  close(): void {
    this.forget();
    this.state = "done";
  }

  private onWelcome(data: Buffer): void {
    const welcome = decodeCurveWelcome(data);
    const plain = openBox(this.key!, boxNonce("WELCOME-", welcome.longNonce), welcome.box);
    if (plain === undefined) {
      throw malformed(`CURVE WELCOME from ${this.options.address} does not open: the server does not hold the secret key of curveServerKey`, "ERR_ZMTP_CRYPTOGRAPHIC");
    }
    const serverShort = plain.subarray(0, KEY_SIZE);
    const cookie = plain.subarray(KEY_SIZE, KEY_SIZE + COOKIE_SIZE);
    const { keys, serverKey, metadata } = this.options;
    const pair = this.shortTerm!;
    this.key = sharedKey(pair.secret, serverShort);
    const vouchNonce = randomBytes(LONG_NONCE_SIZE);
    const vouchBox = sealBox(sharedKey(keys.secret, serverShort), boxNonce("VOUCH---", vouchNonce), Buffer.concat([pair.publicKey, serverKey!]));
    const short = nextShortNonce(this.nonce);
    const box = sealBox(this.key, boxNonce("CurveZMQINITIATE", short), Buffer.concat([keys.publicKey, vouchNonce, vouchBox, encodeMetadata(metadata)]));
    this.state = "initiate-sent";
    this.peer!.sendCommand(encodeCurveCommand("INITIATE", cookie, short, box));
  }

  private onReady(data: Buffer): void {
    const ready = decodeCurveSealed("READY", data);
    const plain = openBox(this.key!, boxNonce("CurveZMQREADY---", ready.shortNonce), ready.box);
    if (plain === undefined) throw malformed("CURVE READY does not open (tampered or forged)", "ERR_ZMTP_CRYPTOGRAPHIC");
    this.peerNonce.accept(ready.shortNonce, "READY");
    const metadata = decodeMetadata(plain);
    this.state = "done";
    this.cipher = new CurveFrameCipher(this.key!, false, this.nonce, this.peerNonce);
    this.options.keyLog?.({ clientShortKey: Buffer.from(this.shortTerm!.publicKey), sessionKey: Buffer.from(this.key!) });
    this.forget();
    this.peer!.ready(metadata);
  }

  /** Drops the short-term secret (forward secrecy); the precomputed key lives on in the cipher. */
  private forget(): void {
    this.shortTerm = undefined;
  }
}

/**
 * Asks whether the client holding the long-term public key `clientKey`
 * (32 octets) may connect from `address`; answers through `done` as
 * {@link PlainAuthenticate} does, and may return a function that abandons
 * the question.
 */
export type CurveAuthenticate = (
  clientKey: Buffer,
  address: string,
  done: (verdict: PlainVerdict | ZmtpProtocolError) => void,
) => (() => void) | void;

/** Settings of a CURVE server. */
export interface CurveServerOptions extends MechanismOptions {
  /** Our long-term key pair. */
  keys: KeyPair;
  authenticate: CurveAuthenticate;
  /** Given the session keys once the handshake succeeded; absent (the default) logs nothing. */
  keyLog?: CurveKeyLog;
}

/** The server side of CURVE: HELLO, WELCOME, INITIATE, the authenticator, READY. */
export class CurveServerMechanism implements Mechanism {
  readonly name = "CURVE";
  readonly asServer = true;
  cipher: FrameCipher | undefined;
  private peer: MechanismPeer | undefined;
  private state: "wait-hello" | "wait-initiate" | "wait-zap" | "done" = "wait-hello";
  private readonly nonce = new SendNonce();
  private readonly peerNonce = new PeerNonce();
  /** C', the cookie key K and s', until the handshake ends. */
  private clientShort: Buffer | undefined;
  private cookieKey: Buffer | undefined;
  private serverShort: KeyPair | undefined;
  /** s' as raw octets, for the cookie. */
  private serverShortSecret: Buffer | undefined;
  /** The key of C' and S'. */
  private key: Uint8Array | undefined;
  private cancel: (() => void) | undefined;
  private clientMetadata: Map<string, Buffer> | undefined;
  /** What the key log gets if the authenticator accepts (C' is forgotten before its answer); only with a key log. */
  private logged: CurveSessionKeys | undefined;

  constructor(private readonly options: CurveServerOptions) {}

  checkPeer(peerAsServer: boolean): void {
    if (peerAsServer) throw new ZmtpProtocolError("both peers claim the CURVE server role (as-server flag set by the client)", "EMECHANISM");
  }

  decode(body: Buffer): Command {
    return decodePlainCommand(body);
  }

  start(peer: MechanismPeer): void {
    this.peer = peer;
  }

  onCommand(command: Command): void {
    if (command.name === "HELLO" && this.state === "wait-hello") return this.onHello(command.data);
    if (command.name === "INITIATE" && this.state === "wait-initiate") return this.onInitiate(command.data);
    throw unexpected(command, "server", this.state);
  }

  close(): void {
    this.cancel?.();
    this.cancel = undefined;
    this.forget();
    this.logged = undefined;
    this.state = "done";
  }

  private onHello(data: Buffer): void {
    const hello = decodeCurveHello(data);
    if (hello.major !== 1 || hello.minor !== 0) {
      throw malformed(`CURVE HELLO of version ${hello.major}.${hello.minor}; 1.0 is spoken here`, "ERR_ZMTP_MALFORMED_COMMAND_HELLO");
    }
    const clientShort = Buffer.from(hello.clientKey);
    const helloKey = sharedKey(this.options.keys.secret, clientShort);
    const signature = openBox(helloKey, boxNonce("CurveZMQHELLO---", hello.shortNonce), hello.box);
    if (signature === undefined || !signature.equals(HELLO_SIGNATURE)) {
      throw malformed("CURVE HELLO does not open: the client does not know our public key", "ERR_ZMTP_CRYPTOGRAPHIC");
    }
    const pair = (this.serverShort = generateKeyPair());
    this.clientShort = clientShort;
    this.cookieKey = randomBytes(KEY_SIZE);
    const cookieNonce = randomBytes(LONG_NONCE_SIZE);
    this.serverShortSecret = exportSecretKey(pair);
    const cookieBox = sealBox(this.cookieKey, boxNonce("COOKIE--", cookieNonce), Buffer.concat([clientShort, this.serverShortSecret]));
    const welcomeNonce = randomBytes(LONG_NONCE_SIZE);
    const box = sealBox(helloKey, boxNonce("WELCOME-", welcomeNonce), Buffer.concat([pair.publicKey, cookieNonce, cookieBox]));
    this.state = "wait-initiate";
    this.peer!.sendCommand(encodeCurveCommand("WELCOME", welcomeNonce, box));
  }

  private onInitiate(data: Buffer): void {
    const initiate = decodeCurveInitiate(data);
    const cookie = openBox(this.cookieKey!, boxNonce("COOKIE--", initiate.cookie.subarray(0, LONG_NONCE_SIZE)), initiate.cookie.subarray(LONG_NONCE_SIZE));
    if (cookie === undefined || !sameKey(cookie.subarray(0, KEY_SIZE), this.clientShort!)
        || !sameKey(cookie.subarray(KEY_SIZE), this.serverShortSecret!)) {
      throw malformed("CURVE INITIATE carries a cookie that is not ours", "ERR_ZMTP_CRYPTOGRAPHIC");
    }
    this.key = sharedKey(this.serverShort!.secret, this.clientShort!);
    const plain = openBox(this.key, boxNonce("CurveZMQINITIATE", initiate.shortNonce), initiate.box);
    if (plain === undefined) throw malformed("CURVE INITIATE does not open (tampered or forged)", "ERR_ZMTP_CRYPTOGRAPHIC");
    this.peerNonce.accept(initiate.shortNonce, "INITIATE");
    const clientKey = Buffer.from(plain.subarray(0, KEY_SIZE));
    const vouch = plain.subarray(KEY_SIZE, KEY_SIZE + VOUCH_SIZE);
    const vouched = openBox(
      sharedKey(this.serverShort!.secret, clientKey),
      boxNonce("VOUCH---", vouch.subarray(0, LONG_NONCE_SIZE)),
      vouch.subarray(LONG_NONCE_SIZE),
    );
    if (vouched === undefined || !sameKey(vouched.subarray(0, KEY_SIZE), this.clientShort!)
        || !sameKey(vouched.subarray(KEY_SIZE), this.options.keys.publicKey)) {
      // libzmq's names: a box that does not open, keys that do not match.
      throw malformed("CURVE INITIATE carries a vouch that does not prove the client's key", vouched === undefined ? "ERR_ZMTP_CRYPTOGRAPHIC" : "ERR_ZMTP_KEY_EXCHANGE");
    }
    this.clientMetadata = decodeMetadata(plain.subarray(KEY_SIZE + VOUCH_SIZE));
    if (this.options.keyLog) this.logged = { clientShortKey: Buffer.from(this.clientShort!), sessionKey: Buffer.from(this.key) };
    this.forget();
    this.state = "wait-zap";
    this.cancel = this.options.authenticate(clientKey, this.options.address, (verdict) => this.onVerdict(verdict)) ?? undefined;
  }

  private onVerdict(verdict: PlainVerdict | ZmtpProtocolError): void {
    if (this.state !== "wait-zap") return; // a late answer for a connection that has ended
    this.cancel = undefined;
    this.state = "done";
    const peer = this.peer!;
    if (verdict instanceof ZmtpProtocolError) {
      peer.fail(verdict);
      return;
    }
    if (verdict.status !== 200) {
      refuseVerdict(peer, verdict, `CURVE client at ${this.options.address}`, encodeError);
      return;
    }
    // Logged before READY can leave: the client's first MESSAGE follows
    // READY, and a tracer reading the log looks its key up then.
    if (this.logged) this.options.keyLog?.(this.logged);
    this.logged = undefined;
    const short = nextShortNonce(this.nonce);
    const box = sealBox(this.key!, boxNonce("CurveZMQREADY---", short), encodeMetadata(this.options.metadata));
    peer.sendCommand(encodeCurveCommand("READY", short, box));
    this.cipher = new CurveFrameCipher(this.key!, true, this.nonce, this.peerNonce);
    peer.ready(this.clientMetadata!, verdict.userId);
  }

  /** Drops s', C' and the cookie key (forward secrecy). */
  private forget(): void {
    this.cookieKey?.fill(0);
    this.cookieKey = undefined;
    this.serverShortSecret?.fill(0);
    this.serverShortSecret = undefined;
    this.serverShort = undefined;
    this.clientShort = undefined;
  }
}

/** Compares two keys in constant time. */
function sameKey(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Makes a factory of CURVE clients with the given keys (and key log, when one is wanted). */
export function curveClientMechanism(keys: KeyPair, serverKey: Buffer | null, keyLog?: CurveKeyLog): (options: MechanismOptions) => Mechanism {
  return (options) => new CurveClientMechanism({ ...options, keys, serverKey, ...(keyLog ? { keyLog } : {}) });
}

/** Makes a factory of CURVE servers with the given keys that ask `authenticate` (and a key log, when one is wanted). */
export function curveServerMechanism(keys: KeyPair, authenticate: CurveAuthenticate, keyLog?: CurveKeyLog): (options: MechanismOptions) => Mechanism {
  return (options) => new CurveServerMechanism({ ...options, keys, authenticate, ...(keyLog ? { keyLog } : {}) });
}
