/**
 * Picks the security mechanism of a socket's new connections from its
 * options, as libzmq does: the last security option set decides.
 * `plainServer` true makes a PLAIN server, a `plainUsername` or
 * `plainPassword` a PLAIN client; `curveServer` true makes a CURVE
 * server, a CURVE key option (`curvePublicKey`, `curveSecretKey`,
 * `curveServerKey`) a CURVE client or keeps a CURVE server; `plainServer`
 * or `curveServer` false, or a null PLAIN credential, goes back to NULL.
 *
 * A PLAIN or CURVE server asks, in this order, `socket.authenticator`,
 * then the ZAP handler bound at `inproc://zeromq.zap.01` in the socket's
 * Context. With neither, as in libzmq 4.3, PLAIN refuses every client
 * (ZAP status 500) and CURVE accepts every client that knows the
 * server's public key.
 */
import { Buffer } from "node:buffer";
import { ZmqError } from "../errors.js";
import {
  PLAIN_CREDENTIAL_MAX, curveClientMechanism, curveServerMechanism, nullMechanism, plainClientMechanism,
  plainServerMechanism, ZmtpProtocolError, type MechanismFactory, type PlainVerdict,
} from "../wire/index.js";
import type { CurveKeySet } from "./curve-key-set.js";
import { keyText } from "./curve-keys.js";
import { curveKeyLog } from "./key-log.js";
import { ZAP_ENDPOINT, askZapHandler, toVerdict, type Authenticator, type ZapPort, type ZapRequest } from "./zap.js";

/** A socket's security mechanism, as zeromq.js reports it (`securityMechanism`). */
export type SecurityMechanismName = null | "plain" | "curve";

/**
 * libzmq's security state: the mechanism the last security option chose,
 * and the server role, which PLAIN and CURVE share.
 */
export class MechanismChoice {
  mechanism: SecurityMechanismName = null;
  asServer = false;

  /** `plainServer` or `curveServer` set to `value`. */
  server(mechanism: "plain" | "curve", value: boolean): void {
    this.asServer = value;
    this.mechanism = value ? mechanism : null;
  }

  /** Whether this socket is a server of `mechanism` (what `plainServer`/`curveServer` read back). */
  isServer(mechanism: "plain" | "curve"): boolean {
    return this.asServer && this.mechanism === mechanism;
  }
}

/** The socket options that choose and configure the mechanism. */
export interface SecuritySettings {
  /** The PLAIN client's credentials as set (a string or the Buffer given). */
  plainCredentials(): { readonly username: string | Buffer | null; readonly password: string | Buffer | null };
  readonly zapDomain: string | null;
  readonly authenticator: Authenticator | null;
  /** The Identity the socket announces (see InprocOwner). */
  identityOctets(): Buffer;
  /** Where the ZAP handler is looked for: the socket's Context. */
  readonly context: ZapPort;
}

/**
 * Validates a PLAIN username or password option (its type already checked)
 * as libzmq takes it: a string or a Buffer of 1 to 255 octets (libzmq
 * refuses an empty string, zeromq.js passes a Buffer's octets on), or null
 * or an empty Buffer, which unset it. The value never appears in the error.
 */
export function checkPlainCredential(value: string | Buffer | null, option: string): string | Buffer | null {
  if (value === null || (Buffer.isBuffer(value) && value.length === 0)) return null;
  const size = typeof value === "string" ? Buffer.byteLength(value, "utf8") : value.length;
  if (size === 0 || size > PLAIN_CREDENTIAL_MAX) {
    throw new ZmqError("EINVAL", `${option} must be 1 to ${PLAIN_CREDENTIAL_MAX} octets long, got ${size}`);
  }
  return value;
}

/** A PLAIN credential's octets on the wire: a string as UTF-8, a Buffer as it is. */
export function credentialOctets(value: string | Buffer | null): Buffer {
  return Buffer.isBuffer(value) ? Buffer.from(value) : Buffer.from(value ?? "", "utf8");
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
export function mechanismFactoryFor(s: SecuritySettings, choice: MechanismChoice, curve: CurveKeySet): MechanismFactory {
  if (choice.mechanism === "curve") return curveFactory(s, choice, curve);
  if (choice.mechanism !== "plain") return nullMechanism;
  if (choice.asServer) {
    const authenticate = serverAuthenticate(s, NO_AUTHENTICATOR);
    return plainServerMechanism((credentials, address, done) => authenticate({
      mechanism: "PLAIN",
      username: credentials.username.toString("utf8"),
      password: credentials.password.toString("utf8"),
      credentials: [credentials.username, credentials.password],
    }, address, done));
  }
  const set = s.plainCredentials();
  const credentials = { username: credentialOctets(set.username) } as { username: Buffer; password: Buffer };
  // Not enumerable: util.inspect of a connection (depth and all) must not print it.
  Object.defineProperty(credentials, "password", { value: credentialOctets(set.password), enumerable: false });
  return plainClientMechanism(credentials);
}

/** A CURVE server accepts, with no user id, when nothing is there to ask (libzmq 4.3). */
const CURVE_WITHOUT_ZAP: PlainVerdict = { status: 200 };

/** A CURVE server or client with the socket's keys. */
function curveFactory(s: SecuritySettings, choice: MechanismChoice, curve: CurveKeySet): MechanismFactory {
  const keys = curve.keyPair();
  if (choice.asServer) {
    const authenticate = serverAuthenticate(s, CURVE_WITHOUT_ZAP);
    return curveServerMechanism(keys, (clientKey, address, done) => authenticate({
      mechanism: "CURVE",
      username: "",
      password: "",
      curvePublicKey: keyText(clientKey),
      credentials: [clientKey],
    }, address, done), curveKeyLog());
  }
  return curveClientMechanism(keys, curve.serverKey, curveKeyLog());
}

/** The mechanism's part of a ZAP request. */
type Credentials = Pick<ZapRequest, "mechanism" | "username" | "password" | "credentials" | "curvePublicKey">;

/** Completes the ZAP request for a peer and asks whichever authenticator the socket has; `none` is the answer when there is none. */
function serverAuthenticate(s: SecuritySettings, none: PlainVerdict) {
  const domain = s.zapDomain ?? "";
  const identity = s.identityOctets();
  const authenticator = s.authenticator;
  const context = s.context;
  return (credentials: Credentials, address: string, done: (verdict: PlainVerdict | ZmtpProtocolError) => void): (() => void) | undefined => {
    const request: ZapRequest = { domain, address: zapAddress(address), identity, ...credentials };
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
    done(none);
    return undefined;
  };
}
