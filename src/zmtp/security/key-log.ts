/**
 * CURVE key logging, like TLS's SSLKEYLOGFILE: with `PUREZMQ_KEYLOGFILE`
 * set in the environment, every CURVE connection of this process appends
 * one line to that file once its handshake succeeds:
 *
 * ```
 * CURVE_SHORT_TERM <C' hex, 64 digits> <session key hex, 64 digits>
 * ```
 *
 * C' is the client's short-term public key (it travels in clear in
 * HELLO, so it names the connection in a capture), and the session key is
 * the precomputed key of C' and S' (crypto_box_beforenm), which opens the
 * MESSAGE commands of both directions. `purezmq trace --keylog FILE`
 * reads these lines. Anyone holding the file can read those connections:
 * it is for debugging and audits only, never for production.
 *
 * The environment is read once, at the first CURVE connection; when the
 * variable is unset (the default) nothing is logged and no key is copied.
 * The line is appended synchronously, before the connection carries its
 * first message, so that a tracer reading the file live finds it in time.
 */
import { appendFileSync } from "node:fs";
import type { CurveKeyLog, CurveSessionKeys } from "../wire/index.js";

/** The label of a line: a key of one CURVE connection's short-term keys. */
export const KEYLOG_LABEL = "CURVE_SHORT_TERM";

/** The environment variable that names the file. */
export const KEYLOG_ENV = "PUREZMQ_KEYLOGFILE";

/** One line of the key log for `keys`, without its newline. */
export function keyLogLine(keys: CurveSessionKeys): string {
  return `${KEYLOG_LABEL} ${keys.clientShortKey.toString("hex")} ${keys.sessionKey.toString("hex")}`;
}

/** The file's path once read (undefined: logging off); unread until the first CURVE connection. */
let path: string | undefined;
let read = false;

function appendTo(file: string): CurveKeyLog {
  return (keys) => {
    try {
      // Owner-only when the file is new: it holds keys.
      appendFileSync(file, `${keyLogLine(keys)}\n`, { mode: 0o600 });
    } catch {
      // A key log that cannot be written must not end the connection it is about.
    }
  };
}

/** The variable's value; undefined when unset, or when the environment may not be read (Deno without --allow-env). */
function readEnv(): string | undefined {
  try {
    const v = typeof process !== "undefined" ? process.env[KEYLOG_ENV] : undefined;
    return v ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The key log of this process, or undefined when `PUREZMQ_KEYLOGFILE` is unset (read once). */
export function curveKeyLog(): CurveKeyLog | undefined {
  if (!read) {
    read = true;
    path = readEnv();
  }
  return path === undefined ? undefined : appendTo(path);
}

/**
 * Sets the key log's file as if `PUREZMQ_KEYLOGFILE` had been read
 * (undefined: off). For tests, which cannot set the environment of a
 * process that has already read it.
 */
export function setKeyLogFileForTests(file: string | undefined): void {
  read = true;
  path = file;
}
