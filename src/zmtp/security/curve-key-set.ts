/**
 * A socket's CURVE keys (`curvePublicKey`, `curveSecretKey`,
 * `curveServerKey`), with the secret key imported for the key agreement
 * once per value rather than once per connection.
 */
import { Buffer } from "node:buffer";
import { KEY_SIZE, importSecretKey, type KeyPair } from "../wire/curve-crypto.js";
import { parseCurveKey } from "./curve-keys.js";

/** libzmq's keys before any is set: all zeros. */
const ZERO_KEY = Buffer.alloc(KEY_SIZE);

/** The CURVE keys of one socket; held in a private field so that no key shows in logs. */
export class CurveKeySet {
  private publicKey: Buffer | null = null;
  private secretKey: Buffer | null = null;
  /** The server's public key, for a client. */
  serverKey: Buffer | null = null;
  private pair: KeyPair | undefined;

  /** Sets `curvePublicKey`, `curveSecretKey` or `curveServerKey` from a Z85 string or 32 octets (EINVAL otherwise). */
  set(option: "curvePublicKey" | "curveSecretKey" | "curveServerKey", value: unknown): void {
    const key = parseCurveKey(value, option);
    if (option === "curveServerKey") {
      this.serverKey = key;
      return;
    }
    if (option === "curvePublicKey") this.publicKey = key;
    else this.secretKey = key;
    this.pair = undefined;
  }

  /**
   * Our long-term pair. As in libzmq, the public key sent is
   * `curvePublicKey` as set (derived from the secret key when unset), and
   * an unset secret key is all zeros.
   */
  keyPair(): KeyPair {
    if (this.pair === undefined) {
      const imported = importSecretKey(this.secretKey ?? ZERO_KEY);
      this.pair = { publicKey: this.publicKey ?? imported.publicKey, secret: imported.secret };
    }
    return this.pair;
  }
}
