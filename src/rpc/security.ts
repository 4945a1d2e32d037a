/**
 * ZMTP PLAIN and CURVE for the RPC layer, mapped onto the socket options
 * (`plainServer`, `plainUsername`, `plainPassword`, `curveServer`,
 * `curvePublicKey`, `curveSecretKey`, `curveServerKey`, `authenticator`) so
 * that the RPC classes take one `plain` or `curve` option instead of
 * socket-level settings.
 *
 * @module
 */
import { curveAuthenticator, curveKeyPair, plainAuthenticator, type Authenticator, type CurveAuthenticatorOptions } from "../index.js";

/**
 * PLAIN settings. A client gives `username` and `password`. A server
 * accepts `users` (a table), or the single `username`/`password` pair, or
 * decides with its own `authenticator`; with none of these it asks the ZAP
 * handler bound in its context (`inproc://zeromq.zap.01`), as libzmq does.
 */
export interface PlainOptions {
  /** Client: the user name sent. Server: the one accepted user (with `password`). */
  readonly username?: string;
  /** Client: the password sent. Server: the password of `username`. */
  readonly password?: string;
  /** Server: accepted users and their passwords. */
  readonly users?: Readonly<Record<string, string>> | ReadonlyMap<string, string>;
  /** Server: a custom decision (a ZAP request in, allow/deny out). */
  readonly authenticator?: Authenticator;
}

/** Socket options for PLAIN as a server or a client; `{}` when `plain` is absent. */
export function plainSocketOptions(plain: PlainOptions | undefined, role: "server" | "client"): Record<string, unknown> {
  if (plain === undefined) return {};
  if (role === "client") {
    if (plain.username === undefined || plain.password === undefined) throw new TypeError("PLAIN needs a username and a password");
    return { plainUsername: plain.username, plainPassword: plain.password };
  }
  let authenticator: Authenticator | null = plain.authenticator ?? null;
  if (authenticator === null && plain.users !== undefined) authenticator = plainAuthenticator({ users: plain.users });
  if (authenticator === null && plain.username !== undefined) {
    authenticator = plainAuthenticator({ users: { [plain.username]: plain.password ?? "" } });
  }
  return { plainServer: true, authenticator };
}

/** A CURVE key: a 40-character Z85 string or 32 octets. */
export type CurveKey = string | Uint8Array;

/**
 * CURVE settings (RFC 26: every frame encrypted and authenticated).
 *
 * A server gives its `secretKey` (its `publicKey` is derived when absent)
 * and says which clients may connect: `allow` (their public keys, or a
 * function of the key), or its own `authenticator`; with neither it asks
 * the ZAP handler bound in its context, and without one accepts any client
 * that knows its public key, as libzmq does.
 *
 * A client gives the server's public key as `serverKey` (the server must
 * prove it holds the matching secret key), and its own `publicKey` and
 * `secretKey` when the server checks who it is; without them it makes a
 * fresh pair, which a server with an `allow` list will refuse.
 */
export interface CurveOptions {
  /** Client: the server's long-term public key. */
  readonly serverKey?: CurveKey;
  /** This side's long-term public key. */
  readonly publicKey?: CurveKey;
  /** This side's long-term secret key. */
  readonly secretKey?: CurveKey;
  /** Server: the clients let in (see `curveAuthenticator`). */
  readonly allow?: CurveAuthenticatorOptions["allow"];
  /** Server: a custom decision (a ZAP request in, allow/deny out), instead of `allow`. */
  readonly authenticator?: Authenticator;
}

/** The security options every RPC class takes: at most one of them. */
export interface SecurityOptions {
  readonly plain?: PlainOptions;
  readonly curve?: CurveOptions;
}

/**
 * Socket options for the security of `options` (PLAIN, CURVE or none) as
 * a server or a client.
 *
 * @throws TypeError when both are given, or CURVE lacks the key its role needs
 * @throws ZmqError EINVAL when a key is not a key (from the socket)
 */
export function securitySocketOptions(options: SecurityOptions, role: "server" | "client"): Record<string, unknown> {
  if (options.curve === undefined) return plainSocketOptions(options.plain, role);
  if (options.plain !== undefined) throw new TypeError("plain and curve are exclusive: a connection has one security mechanism");
  return curveSocketOptions(options.curve, role);
}

function curveSocketOptions(curve: CurveOptions, role: "server" | "client"): Record<string, unknown> {
  if (role === "client") {
    if (curve.serverKey === undefined) throw new TypeError("a CURVE client needs the server's public key (curve.serverKey)");
    if ((curve.publicKey === undefined) !== (curve.secretKey === undefined)) throw new TypeError("a CURVE client gives both publicKey and secretKey, or neither");
    const pair = curve.secretKey === undefined ? curveKeyPair() : { publicKey: curve.publicKey!, secretKey: curve.secretKey };
    return { curveServerKey: curve.serverKey, curvePublicKey: pair.publicKey, curveSecretKey: pair.secretKey };
  }
  if (curve.secretKey === undefined) throw new TypeError("a CURVE server needs its secret key (curve.secretKey)");
  if (curve.allow !== undefined && curve.authenticator !== undefined) throw new TypeError("curve.allow and curve.authenticator are exclusive");
  const authenticator = curve.authenticator ?? (curve.allow === undefined ? null : curveAuthenticator({ allow: curve.allow }));
  const own = curve.publicKey === undefined ? {} : { curvePublicKey: curve.publicKey };
  return { curveServer: true, curveSecretKey: curve.secretKey, ...own, authenticator };
}
