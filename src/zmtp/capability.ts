/**
 * What zeromq.js reports about the library under it (`version`,
 * `capability`), answered for purezmq.
 */

/**
 * The libzmq version whose behaviour purezmq follows and is tested
 * against, in zeromq.js's `(major).(minor).(patch)` form, rather than
 * purezmq's own version: code that gates features on `version` (ZMTP 3.1,
 * heartbeats and the socket options of libzmq 4.3) then takes the same
 * path as with zeromq.js. purezmq's own version is in its package.json.
 */
export const version: string = "4.3.5";

/**
 * The optional features purezmq builds, with zeromq.js's keys: `true` only
 * for what works. ipc yes; pgm, tipc and norm transports no; CURVE
 * security yes, GSSAPI no; the DRAFT socket types (`purezmq/draft`) yes.
 */
export const capability: Partial<{
  ipc: boolean;
  pgm: boolean;
  tipc: boolean;
  norm: boolean;
  curve: boolean;
  gssapi: boolean;
  draft: boolean;
}> = { ipc: true, pgm: false, tipc: false, norm: false, curve: true, gssapi: false, draft: true };
