/**
 * ZMTP PLAIN for the RPC layer, mapped onto the socket options
 * (`plainServer`, `plainUsername`, `plainPassword`, `authenticator`) so that
 * the RPC classes take one `plain` option instead of socket-level settings.
 *
 * @module
 */
import { plainAuthenticator, type Authenticator } from "../index.js";

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
