/**
 * `node:net` for the browser bundle: no TCP from a page. tcp:// dials need
 * a `connect` option there; ws:// is what a page speaks.
 */
export { Socket, createServer, isIP } from "./host-only.js";

/** Refuses: a page has no TCP. */
export function connect(): never {
  throw new Error("tcp:// needs TCP, which a browser page does not have: connect to a ws:// endpoint, or give the socket a `connect` option");
}
