/**
 * ZAP, the ZeroMQ Authentication Protocol: RFC 27.
 *
 * A server-side socket asks an authenticator before accepting a peer. The
 * authenticator is either a function ({@link Authenticator}, set as
 * `socket.authenticator`), or, as in libzmq, a REP or ROUTER socket bound to
 * `inproc://zeromq.zap.01` in the socket's Context, which gets:
 *
 * ```
 * request = "" "1.0" request-id domain address identity mechanism credentials...
 * reply   = "" "1.0" request-id status-code status-text user-id metadata
 * ```
 *
 * Status codes: `200` accepted, `300` temporary failure, `400` refused,
 * `500` internal error. The client side here speaks as a DEALER connected
 * over inproc, so code written for zeromq.js (a `zmq.Reply` bound to that
 * address answering requests) works unchanged.
 */
import { Buffer } from "node:buffer";
import { Pipe, type Message } from "../pipe.js";
import type { InprocOwner } from "../transport/owner.js";
import { ZmtpProtocolError, type ZapReplyErrorCode } from "../wire/errors.js";
import type { PlainVerdict, ZapStatus } from "../wire/plain-mechanism.js";

/** The inproc name of the ZAP handler (RFC 27). */
export const ZAP_ENDPOINT_NAME = "zeromq.zap.01";
/** The address a ZAP handler binds to. */
export const ZAP_ENDPOINT = `inproc://${ZAP_ENDPOINT_NAME}`;
/** The ZAP version this side speaks. */
export const ZAP_VERSION = "1.0";

/** What an authenticator is asked about one connecting peer. */
export interface ZapRequest {
  /** The server socket's `zapDomain` ("" when unset). */
  domain: string;
  /** The peer's IP address, without port ("" for ipc). */
  address: string;
  /** The server socket's own routing id, as libzmq sends it. */
  identity: Buffer;
  /** The security mechanism. */
  mechanism: "PLAIN" | "CURVE";
  /** The PLAIN username, decoded as UTF-8 ("" for CURVE). */
  username: string;
  /** The PLAIN password, decoded as UTF-8 ("" for CURVE). Never log it. */
  password: string;
  /** CURVE: the client's long-term public key, as 40 characters of Z85 (the key it proved it holds). */
  curvePublicKey?: string;
  /** The credentials as sent to a ZAP handler: PLAIN [username, password]; CURVE [the 32-octet public key]. */
  credentials: Buffer[];
}

/** An authenticator's answer. */
export interface ZapResponse {
  /** 200 accepted, 300 temporary failure, 400 refused, 500 internal error. */
  status: ZapStatus;
  /** Why; reported in the server's events, never sent to the client. */
  statusText?: string;
  /** The user id the accepted connection gets. */
  userId?: string;
}

/**
 * Decides whether a peer may connect. `true` accepts (user id = the
 * username, or for CURVE the client's public key in Z85),
 * `false` refuses with status 400; a {@link ZapResponse} says more. A throw
 * or a rejected promise refuses with status 500.
 */
export type Authenticator = (request: ZapRequest) => boolean | ZapResponse | Promise<boolean | ZapResponse>;

/** Turns an authenticator's answer into a verdict. */
export function toVerdict(answer: boolean | ZapResponse, request: ZapRequest): PlainVerdict {
  const user = request.curvePublicKey ?? request.username;
  if (answer === true) return { status: 200, userId: user };
  if (answer === false || answer === undefined || answer === null) return { status: 400, statusText: "refused by the authenticator" };
  if (![200, 300, 400, 500].includes(answer.status)) {
    return { status: 500, statusText: `the authenticator answered an invalid status ${String(answer.status)}` };
  }
  return { status: answer.status, statusText: answer.statusText, userId: answer.userId ?? (answer.status === 200 ? user : undefined) };
}

/** Encodes a ZAP request as the frames a ZAP handler receives (after the empty delimiter). */
export function encodeZapRequest(requestId: string, request: ZapRequest): Buffer[] {
  return [
    Buffer.alloc(0),
    Buffer.from(ZAP_VERSION),
    Buffer.from(requestId),
    Buffer.from(request.domain),
    Buffer.from(request.address),
    request.identity,
    Buffer.from(request.mechanism),
    ...request.credentials,
  ];
}

/** The number of frames of a ZAP reply, with its empty delimiter (RFC 27). */
const ZAP_REPLY_FRAMES = 7;

/**
 * Reads a ZAP reply (with its empty delimiter). A malformed reply, or one
 * for another request, is not an answer about the peer: as in libzmq, it
 * is a ZAP protocol error, which ends the connection without a status.
 */
export function decodeZapReply(msg: Message, requestId: string): PlainVerdict | ZmtpProtocolError {
  const refuse = (code: ZapReplyErrorCode, why: string) => new ZmtpProtocolError(`ZAP protocol error: ${why}`, code);
  if (msg.length !== ZAP_REPLY_FRAMES) return refuse("ERR_ZAP_MALFORMED_REPLY", `a reply must be ${ZAP_REPLY_FRAMES} frames`);
  // libzmq names no particular fault for a missing delimiter.
  if (msg[0]!.length !== 0) return refuse("ERR_ZAP_UNSPECIFIED", "the reply's first frame is not empty");
  if (msg[1]!.toString("latin1") !== ZAP_VERSION) return refuse("ERR_ZAP_BAD_VERSION", `the reply's version is not ${ZAP_VERSION}`);
  if (msg[2]!.toString("latin1") !== requestId) return refuse("ERR_ZAP_BAD_REQUEST_ID", "the reply is for another request");
  const code = msg[3]!.toString("latin1");
  const status = code === "200" ? 200 : code === "300" ? 300 : code === "400" ? 400 : code === "500" ? 500 : undefined;
  if (status === undefined) return refuse("ERR_ZAP_INVALID_STATUS_CODE", "the reply's status code is not 200, 300, 400 or 500");
  const statusText = msg[4]!.toString("utf8");
  const userId = msg[5]!.toString("utf8");
  return { status, statusText: statusText || undefined, userId: userId || undefined };
}

let nextRequestId = 1;

/** The part of a Context the ZAP client uses: its inproc registry, to find and reach the handler. */
export interface ZapPort {
  readonly inproc: {
    lookup(name: string): { readonly closed: boolean } | undefined;
    connect(name: string, owner: InprocOwner, address: string, connectRoutingId: undefined): { close(linger: number): void };
  };
}

/**
 * One ZAP request, as a DEALER with one pipe to the handler would make it:
 * the request goes out, the first message back is the reply. No socket is
 * built, so this layer needs nothing above the transports.
 */
class ZapRequester implements InprocOwner {
  readonly socketType = "DEALER" as const;
  identityOctets(): Buffer {
    return Buffer.alloc(0);
  }
  readonly immediate = false;
  readonly receiveHighWaterMark = 1;
  closed = false;
  private readonly link: { close(linger: number): void };

  constructor(port: ZapPort, private readonly request: Message, private readonly onReply: (reply: Message) => void) {
    this.link = port.inproc.connect(ZAP_ENDPOINT_NAME, this, ZAP_ENDPOINT, undefined);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.link.close(0);
  }

  openPipe(endpoint: string): Pipe {
    const pipe = new Pipe(this, endpoint, 1, 1);
    pipe.write(this.request);
    return pipe;
  }

  pipeReadable(pipe: Pipe): void {
    const reply = pipe.read();
    if (reply === undefined || this.closed) return;
    this.close();
    this.onReply(reply);
  }

  pipeWritable(): void {}

  pipeHandshake(): undefined {
    return undefined;
  }

  closePipe(pipe: Pipe): void {
    pipe.detached = true;
  }

  emit(): void {}
}

/**
 * Asks the ZAP handler bound in `context`. Returns undefined when none is
 * bound; otherwise calls `done` with its verdict (or the error in a
 * malformed reply) and returns a function that
 * abandons the request. Each request gets its own link, so a handler that
 * is replaced between requests is always the one asked.
 */
export function askZapHandler(context: ZapPort, request: ZapRequest, done: (verdict: PlainVerdict | ZmtpProtocolError) => void): (() => void) | undefined {
  const handler = context.inproc.lookup(ZAP_ENDPOINT_NAME);
  if (!handler || handler.closed) return undefined;
  const requestId = String(nextRequestId++);
  const requester = new ZapRequester(context, encodeZapRequest(requestId, request), (reply) => done(decodeZapReply(reply, requestId)));
  return () => requester.close();
}
