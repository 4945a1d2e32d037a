/**
 * The options argument of send() on the draft types that route by it
 * (SERVER's routing id, RADIO's group), checked as zeromq.js does: the
 * object first, before the socket's state, then the value.
 */
import { ZmqError } from "../errors.js";

/** zeromq.js's TypeError when the options object is absent or no object. */
export function requireOptionsObject(options: readonly unknown[]): void {
  const o = options[0];
  if ((typeof o !== "object" && typeof o !== "function") || o === null) throw new TypeError("Options must be an object");
}

/** The option `key` of send()'s options; EINVAL when undefined, as zeromq.js throws. */
export function requiredOption(options: object, key: string): unknown {
  const value = (options as Record<string, unknown>)[key];
  if (value === undefined) throw new ZmqError("EINVAL", `send() on this socket needs the ${key} option`);
  return value;
}
