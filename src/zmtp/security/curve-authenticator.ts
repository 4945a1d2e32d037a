/**
 * A ready-made {@link Authenticator} for CURVE servers: which clients'
 * long-term public keys may connect, as a list or a function.
 */
import { keyText, parseCurveKey } from "./curve-keys.js";
import type { Authenticator, ZapRequest, ZapResponse } from "./zap.js";

/** Settings of {@link curveAuthenticator}. */
export interface CurveAuthenticatorOptions {
  /**
   * The clients let in: their public keys (Z85 strings or 32 octets), or a
   * function given a client's public key in Z85 that answers whether it may
   * connect (it may return a promise).
   */
  allow: ReadonlyArray<string | Uint8Array> | ((publicKey: string) => boolean | Promise<boolean>);
}

/**
 * Makes an authenticator that accepts the CURVE clients whose public keys
 * are allowed. The user id of an accepted connection is the client's
 * public key in Z85 (its `User-Id` metadata); a refused client gets ZAP
 * status 400, and its socket the `handshake:error:auth` event and EACCES.
 * Requests for another mechanism (PLAIN) are refused.
 *
 * ```ts
 * const server = new Router({ curveServer: true, curveSecretKey: keys.secretKey });
 * server.authenticator = curveAuthenticator({ allow: [client.publicKey] });
 * ```
 * @throws ZmqError EINVAL when a listed key is not a key
 */
export function curveAuthenticator(options: CurveAuthenticatorOptions): Authenticator {
  const { allow } = options;
  const decide = typeof allow === "function"
    ? allow
    : ((set) => (key: string) => set.has(key))(new Set(allow.map((k, i) => keyText(parseCurveKey(k, `allow[${i}]`)))));
  return async (request: ZapRequest): Promise<ZapResponse> => {
    const key = request.curvePublicKey;
    if (request.mechanism !== "CURVE" || key === undefined) {
      return { status: 400, statusText: `curveAuthenticator answers CURVE requests only, not ${request.mechanism}` };
    }
    if (await decide(key)) return { status: 200, statusText: "OK", userId: key };
    return { status: 400, statusText: "client public key not allowed" };
  };
}
