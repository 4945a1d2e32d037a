/**
 * The PLAIN mechanism: RFC 24 (ZMTP-PLAIN), as libzmq 4.3 runs it.
 *
 * ```
 * C: HELLO     = %d5 "HELLO" username password
 *                username = OCTET *255OCTET ; length-prefixed
 *                password = OCTET *255OCTET
 * S: WELCOME   = %d7 "WELCOME"
 * C: INITIATE  = %d8 "INITIATE" metadata
 * S: READY     = %d5 "READY" metadata
 * S: ERROR     = %d5 "ERROR" reason        ; instead of WELCOME or READY
 * ```
 *
 * Greeting: we send as-server 1 as the server (RFC 24); libzmq 4.3 sends 0
 * on both sides and never checks it, so only a client claiming the server
 * role is refused (by our server).
 *
 * The server asks an authenticator (ZAP, RFC 27) between HELLO and WELCOME.
 * The answer comes later, so the server calls its peer's `ready`/`fail`
 * asynchronously; the authenticator is injected as a callback and nothing
 * here touches a promise or a timer. As in libzmq, a refusal is answered
 * with ERROR carrying the ZAP status code (`400`, `500`); a temporary
 * failure (`300`) closes without ERROR so that the client retries.
 *
 * libzmq 4.3 writes the PLAIN ERROR command's name as the C string
 * `"\x05ERROR"`, where the hex escape swallows the `E`: on the wire it is
 * `5E 'RROR'` (a name length of 94 in a 9-octet body), and a libzmq client
 * recognises only that form. We send that form, so libzmq clients report an
 * authentication failure with its status, and accept both forms.
 */
import { Buffer } from "node:buffer";
import {
  decodeCommand, decodeError, decodeMetadata, encodeCommand, encodeMetadata, encodeReady,
  type Command, type Metadata, type Property,
} from "./command.js";
import { malformed, ZmtpProtocolError } from "./errors.js";
import type { Mechanism, MechanismOptions, MechanismPeer } from "./mechanism.js";

/** Longest username or password RFC 24 can carry (a one-octet length). */
export const PLAIN_CREDENTIAL_MAX = 255;

/** The credentials of a HELLO command. */
export interface PlainCredentials {
  username: Buffer;
  password: Buffer;
}

/** ZAP status codes (RFC 27): 200 accepted, 300 temporary failure, 400 refused, 500 internal error. */
export type ZapStatus = 200 | 300 | 400 | 500;

/** An authentication refusal: the handshake ended because credentials were refused. */
export class ZmtpAuthError extends ZmtpProtocolError {
  /**
   * @param message what happened; never contains the credentials
   * @param status the ZAP status code (300, 400, 500) when one is known
   */
  constructor(
    message: string,
    readonly status: ZapStatus | undefined,
  ) {
    super(message, "EACCES");
  }
}

// ---- commands

/** The first octets of an ERROR command as libzmq 4.3's PLAIN sends it: `5E 'RROR'`. */
const LIBZMQ_ERROR_PREFIX = Buffer.from([0x5e, 0x52, 0x52, 0x4f, 0x52]);

/** ERROR as a libzmq 4.3 PLAIN peer writes and reads it (see the file comment). */
export function encodeLibzmqError(reason: string): Buffer {
  const r = Buffer.from(reason, "utf8").subarray(0, 255);
  return Buffer.concat([LIBZMQ_ERROR_PREFIX, Buffer.from([r.length]), r]);
}

/** True when a command body starts as libzmq 4.3's PLAIN ERROR does (`5E 'RROR'`, see the file comment). */
export function isLibzmqError(body: Buffer): boolean {
  return body.length > LIBZMQ_ERROR_PREFIX.length && body.subarray(0, LIBZMQ_ERROR_PREFIX.length).equals(LIBZMQ_ERROR_PREFIX);
}

/** Splits a PLAIN handshake command, reading libzmq 4.3's ERROR form as ERROR. */
export function decodePlainCommand(body: Buffer): Command {
  if (isLibzmqError(body)) {
    return { name: "ERROR", data: body.subarray(LIBZMQ_ERROR_PREFIX.length) };
  }
  return decodeCommand(body);
}

/** HELLO (RFC 24): the client's credentials, each at most 255 octets. */
export function encodeHello(credentials: PlainCredentials): Buffer {
  const { username, password } = credentials;
  if (username.length > PLAIN_CREDENTIAL_MAX || password.length > PLAIN_CREDENTIAL_MAX) {
    throw new RangeError(`PLAIN username and password are limited to ${PLAIN_CREDENTIAL_MAX} octets each`);
  }
  const data = Buffer.allocUnsafe(2 + username.length + password.length);
  data[0] = username.length;
  username.copy(data, 1);
  data[1 + username.length] = password.length;
  password.copy(data, 2 + username.length);
  return encodeCommand("HELLO", data);
}

/** Reads the data of a HELLO command; the fields must fill it exactly. */
export function decodeHello(data: Buffer): PlainCredentials {
  if (data.length < 1) throw malformed("malformed HELLO: no username length", "ERR_ZMTP_MALFORMED_COMMAND_HELLO");
  const userLen = data[0]!;
  if (1 + userLen + 1 > data.length) throw malformed("malformed HELLO: username runs past the end of the command", "ERR_ZMTP_MALFORMED_COMMAND_HELLO");
  const passLen = data[1 + userLen]!;
  const end = 2 + userLen + passLen;
  if (end > data.length) throw malformed("malformed HELLO: password runs past the end of the command", "ERR_ZMTP_MALFORMED_COMMAND_HELLO");
  if (end < data.length) throw malformed("malformed HELLO: octets after the password", "ERR_ZMTP_MALFORMED_COMMAND_HELLO");
  // Copies, so the credentials do not pin the receive chunk they arrived in.
  return { username: Buffer.from(data.subarray(1, 1 + userLen)), password: Buffer.from(data.subarray(2 + userLen, end)) };
}

/** WELCOME (RFC 24): no data. */
export function encodeWelcome(): Buffer {
  return encodeCommand("WELCOME");
}

/** Checks the data of a WELCOME command (there must be none). */
export function decodeWelcome(data: Buffer): void {
  if (data.length !== 0) throw malformed("malformed WELCOME: it carries no data", "ERR_ZMTP_MALFORMED_COMMAND_WELCOME");
}

/** INITIATE (RFC 24): the client's metadata, encoded as in READY. */
export function encodeInitiate(props: readonly Property[]): Buffer {
  return encodeCommand("INITIATE", encodeMetadata(props));
}

/** Reads the metadata of an INITIATE command. */
export function decodeInitiate(data: Buffer): Metadata {
  return decodeMetadata(data);
}

/**
 * Reads the ZAP status code libzmq puts in an ERROR reason (`"400"`), or
 * undefined when the reason is free text.
 */
export function statusOfReason(reason: string): ZapStatus | undefined {
  if (reason.length !== 3) return undefined;
  const n = Number(reason);
  return n === 300 || n === 400 || n === 500 ? n : undefined;
}

/** The refusal an ERROR command during a handshake stands for, `what` saying who refused what. */
export function refusalIn(data: Buffer, what: string): ZmtpAuthError {
  const reason = decodeError(data);
  const status = statusOfReason(reason);
  // The reason is the server's text, not ours: quote it, but only when it is short and printable.
  const why = status !== undefined ? `ZAP status ${status}` : /^[\x20-\x7e]{1,64}$/.test(reason) ? `reason ${JSON.stringify(reason)}` : "no reason given";
  return new ZmtpAuthError(`${what} (${why})`, status ?? 400);
}

/**
 * Ends a handshake an authenticator refused: the ERROR command `error`
 * makes of the status goes out unless the status is 300 (a temporary
 * failure: libzmq closes without ERROR so that the client retries), then
 * the connection fails with the refusal. `who` names the client.
 */
export function refuseVerdict(peer: MechanismPeer, verdict: PlainVerdict, who: string, error: (status: string) => Buffer): void {
  const text = verdict.statusText ? `: ${verdict.statusText}` : "";
  const refusal = new ZmtpAuthError(`${who} refused, ZAP status ${verdict.status}${text}`, verdict.status);
  if (verdict.status !== 300) peer.sendCommand(error(String(verdict.status)));
  peer.fail(refusal);
}

// ---- mechanisms

/** Settings of a PLAIN client. */
export interface PlainClientOptions extends MechanismOptions {
  credentials: PlainCredentials;
}

/** The client side of PLAIN: HELLO, then INITIATE once welcomed. */
export class PlainClientMechanism implements Mechanism {
  readonly name = "PLAIN";
  readonly asServer = false;
  private peer: MechanismPeer | undefined;
  private state: "hello-sent" | "initiate-sent" | "done" = "hello-sent";

  constructor(private readonly options: PlainClientOptions) {}

  // No checkPeer: libzmq 4.3 servers send as-server 0 in their greeting
  // (RFC 24 says 1), so the flag cannot tell a server from a client here.

  decode(body: Buffer): Command {
    return decodePlainCommand(body);
  }

  start(peer: MechanismPeer): void {
    this.peer = peer;
    peer.sendCommand(encodeHello(this.options.credentials));
  }

  onCommand(command: Command): void {
    if (command.name === "ERROR" && this.state !== "done") {
      throw refusalIn(command.data, `the PLAIN server at ${this.options.address} refused our credentials`);
    }
    if (command.name === "WELCOME" && this.state === "hello-sent") {
      decodeWelcome(command.data);
      this.state = "initiate-sent";
      this.peer!.sendCommand(encodeInitiate(this.options.metadata));
      return;
    }
    if (command.name === "READY" && this.state === "initiate-sent") {
      this.state = "done";
      this.peer!.ready(decodeMetadata(command.data));
      return;
    }
    throw new ZmtpProtocolError(`unexpected ${command.name} command in the PLAIN handshake (client, ${this.state})`, "EMECHANISM");
  }
}

/** What an authenticator answers about a HELLO. */
export interface PlainVerdict {
  status: ZapStatus;
  /** Why, for the server's events (never sent to the client). */
  statusText?: string;
  /** The user id the connection gets when accepted. */
  userId?: string;
}

/**
 * Asks whether credentials from the peer at `address` are accepted. Calls
 * `done` once, now or later, with a verdict, or with the protocol error
 * that kept the authenticator from giving one (a malformed ZAP reply); may
 * return a function that abandons the question (the connection ended first).
 */
export type PlainAuthenticate = (
  credentials: PlainCredentials,
  address: string,
  done: (verdict: PlainVerdict | ZmtpProtocolError) => void,
) => (() => void) | void;

/** Settings of a PLAIN server. */
export interface PlainServerOptions extends MechanismOptions {
  authenticate: PlainAuthenticate;
}

/** The server side of PLAIN: waits for HELLO, asks the authenticator, then WELCOME, INITIATE, READY. */
export class PlainServerMechanism implements Mechanism {
  readonly name = "PLAIN";
  readonly asServer = true;
  private peer: MechanismPeer | undefined;
  private state: "wait-hello" | "wait-zap" | "wait-initiate" | "done" = "wait-hello";
  private userId: string | undefined;
  private cancel: (() => void) | undefined;

  constructor(private readonly options: PlainServerOptions) {}

  checkPeer(peerAsServer: boolean): void {
    if (peerAsServer) {
      throw new ZmtpProtocolError("both peers claim the PLAIN server role (as-server flag set by the client)", "EMECHANISM");
    }
  }

  start(peer: MechanismPeer): void {
    this.peer = peer;
  }

  onCommand(command: Command): void {
    if (command.name === "HELLO" && this.state === "wait-hello") {
      const credentials = decodeHello(command.data);
      this.state = "wait-zap";
      this.cancel = this.options.authenticate(credentials, this.options.address, (verdict) => this.onVerdict(verdict)) ?? undefined;
      return;
    }
    if (command.name === "INITIATE" && this.state === "wait-initiate") {
      const metadata = decodeInitiate(command.data);
      this.state = "done";
      this.peer!.sendCommand(encodeReady(this.options.metadata));
      this.peer!.ready(metadata, this.userId);
      return;
    }
    throw new ZmtpProtocolError(`unexpected ${command.name} command in the PLAIN handshake (server, ${this.state})`, "EMECHANISM");
  }

  close(): void {
    this.cancel?.();
    this.cancel = undefined;
    this.state = "done";
  }

  private onVerdict(verdict: PlainVerdict | ZmtpProtocolError): void {
    if (this.state !== "wait-zap") return; // a late answer for a connection that has ended
    this.cancel = undefined;
    const peer = this.peer!;
    if (verdict instanceof ZmtpProtocolError) {
      // No status to tell the client: libzmq closes without ERROR, and the client reconnects.
      this.state = "done";
      peer.fail(verdict);
      return;
    }
    if (verdict.status === 200) {
      this.state = "wait-initiate";
      this.userId = verdict.userId;
      peer.sendCommand(encodeWelcome());
      return;
    }
    this.state = "done";
    refuseVerdict(peer, verdict, `PLAIN client at ${this.options.address}`, encodeLibzmqError);
  }
}

/** Makes a factory of PLAIN clients with the given credentials. */
export function plainClientMechanism(credentials: PlainCredentials): (options: MechanismOptions) => Mechanism {
  return (options) => new PlainClientMechanism({ ...options, credentials });
}

/** Makes a factory of PLAIN servers that ask `authenticate`. */
export function plainServerMechanism(authenticate: PlainAuthenticate): (options: MechanismOptions) => Mechanism {
  return (options) => new PlainServerMechanism({ ...options, authenticate });
}
