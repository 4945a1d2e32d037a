/**
 * Picks the security mechanism of a socket's new connections from its
 * options, as libzmq does: `plainServer` makes a PLAIN server; a
 * `plainUsername` or `plainPassword` makes a PLAIN client; otherwise NULL.
 * A PLAIN server asks, in this order, `socket.authenticator`, then the ZAP
 * handler bound at `inproc://zeromq.zap.01` in the socket's Context; with
 * neither, every client is refused (ZAP status 500), as libzmq refuses
 * them when no ZAP handler is bound.
 */
import { Buffer } from "node:buffer";
import { ZmqError } from "../errors.js";
import {
  PLAIN_CREDENTIAL_MAX, nullMechanism, plainClientMechanism, plainServerMechanism, type MechanismFactory,
  type PlainAuthenticate, type PlainVerdict,
} from "../wire/index.js";
import { ZAP_ENDPOINT, askZapHandler, toVerdict, type Authenticator, type ZapPort, type ZapRequest } from "./zap.js";

/** The socket options that choose and configure the mechanism. */
export interface SecuritySettings {
  readonly plainServer: boolean;
  readonly plainUsername: string | null;
  readonly plainPassword: string | null;
  readonly zapDomain: string | null;
  readonly authenticator: Authenticator | null;
  readonly routingId: string | Buffer | null;
  /** Where the ZAP handler is looked for: the socket's Context. */
  readonly context: ZapPort;
}

/** `securityMechanism` as zeromq.js reports it. */
export function securityMechanismName(s: SecuritySettings): null | "plain" {
  return s.plainServer || s.plainUsername !== null || s.plainPassword !== null ? "plain" : null;
}

/**
 * Validates a PLAIN username or password option: null, or 1 to 255 octets
 * (libzmq refuses an empty one too). The value never appears in the error.
 */
export function checkPlainCredential(value: unknown, option: string): string | null {
  if (value === null) return null;
  if (typeof value !== "string") throw new ZmqError("EINVAL", `${option} must be a string or null`);
  const size = Buffer.byteLength(value, "utf8");
  if (size === 0 || size > PLAIN_CREDENTIAL_MAX) {
    throw new ZmqError("EINVAL", `${option} must be 1 to ${PLAIN_CREDENTIAL_MAX} octets long (UTF-8), got ${size}`);
  }
  return value;
}

/** The IP address of a `tcp://host:port` peer, without port; "" for other transports. */
export function zapAddress(address: string): string {
  if (!address.startsWith("tcp://")) return "";
  const rest = address.slice(6);
  const colon = rest.lastIndexOf(":");
  const host = colon < 0 ? rest : rest.slice(0, colon);
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

const NO_AUTHENTICATOR: PlainVerdict = {
  status: 500,
  statusText: `no authenticator: set socket.authenticator or bind a ZAP handler at ${ZAP_ENDPOINT}`,
};

/** The mechanism factory for a socket's next connection, read from its current options. */
export function mechanismFactoryFor(s: SecuritySettings): MechanismFactory {
  if (s.plainServer) return plainServerMechanism(serverAuthenticate(s));
  if (s.plainUsername !== null || s.plainPassword !== null) {
    const credentials = { username: Buffer.from(s.plainUsername ?? "", "utf8") } as { username: Buffer; password: Buffer };
    // Not enumerable: util.inspect of a connection (depth and all) must not print it.
    Object.defineProperty(credentials, "password", { value: Buffer.from(s.plainPassword ?? "", "utf8"), enumerable: false });
    return plainClientMechanism(credentials);
  }
  return nullMechanism;
}

/** Builds the ZAP request for a HELLO and asks whichever authenticator the socket has. */
function serverAuthenticate(s: SecuritySettings): PlainAuthenticate {
  const domain = s.zapDomain ?? "";
  const identity = s.routingId === null ? Buffer.alloc(0) : Buffer.from(s.routingId);
  const authenticator = s.authenticator;
  const context = s.context;
  return (credentials, address, done) => {
    const request: ZapRequest = {
      domain,
      address: zapAddress(address),
      identity,
      mechanism: "PLAIN",
      username: credentials.username.toString("utf8"),
      password: credentials.password.toString("utf8"),
      credentials: [credentials.username, credentials.password],
    };
    if (authenticator) {
      let abandoned = false;
      Promise.resolve()
        .then(() => authenticator(request))
        .then(
          (answer) => toVerdict(answer, request),
          // The thrown error's text may quote the credentials: keep it out of events.
          (): PlainVerdict => ({ status: 500, statusText: "the authenticator threw an error" }),
        )
        .then((verdict) => {
          if (!abandoned) done(verdict);
        });
      return () => {
        abandoned = true;
      };
    }
    const cancel = askZapHandler(context, request, done);
    if (cancel) return cancel;
    done(NO_AUTHENTICATOR);
    return undefined;
  };
}
