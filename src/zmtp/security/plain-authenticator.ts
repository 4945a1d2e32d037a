/**
 * A ready-made {@link Authenticator} for PLAIN: a table of users and
 * passwords, and allow/deny lists of client IP addresses, checked in the
 * order libzmq's reference authenticator (zauth) uses: an address on the
 * allow list is let through to the password check and every other address
 * is refused; with no allow list, an address on the deny list is refused.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Authenticator, ZapRequest, ZapResponse } from "./zap.js";

/** Settings of {@link plainAuthenticator}. */
export interface PlainAuthenticatorOptions {
  /** Accepted usernames and their passwords. */
  users: Readonly<Record<string, string>> | ReadonlyMap<string, string>;
  /** When given and not empty, only these client IP addresses (no port) may connect. */
  allow?: readonly string[];
  /** Client IP addresses (no port) refused outright; ignored when `allow` is set. */
  deny?: readonly string[];
}

/** `::ffff:10.0.0.1` and `10.0.0.1` are the same client. */
function normalizeAddress(address: string): string {
  const a = address.toLowerCase();
  return a.startsWith("::ffff:") && a.includes(".") ? a.slice(7) : a;
}

/** Compares without leaking, through timing, how much of a password matched. */
function sameSecret(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a, "utf8").digest();
  const hb = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(ha, hb);
}

/**
 * Makes an authenticator that accepts the given users from the allowed
 * addresses. The user id of an accepted connection is its username.
 *
 * ```ts
 * const server = new Reply({ plainServer: true });
 * server.authenticator = plainAuthenticator({ users: { admin: "secret" }, allow: ["127.0.0.1"] });
 * ```
 */
export function plainAuthenticator(options: PlainAuthenticatorOptions): Authenticator {
  const users = new Map<string, string>(options.users instanceof Map ? options.users : Object.entries(options.users));
  const allow = new Set((options.allow ?? []).map(normalizeAddress));
  const deny = new Set((options.deny ?? []).map(normalizeAddress));
  return (request: ZapRequest): ZapResponse => {
    const address = normalizeAddress(request.address);
    if (allow.size > 0 ? !allow.has(address) : deny.has(address)) {
      return { status: 400, statusText: `address ${request.address || "(none)"} not allowed` };
    }
    const expected = users.get(request.username);
    // Compare even for an unknown user, so timing does not tell which usernames exist.
    const match = sameSecret(request.password, expected ?? "");
    if (expected === undefined || !match) return { status: 400, statusText: "invalid username or password" };
    return { status: 200, statusText: "OK", userId: request.username };
  };
}
