/**
 * The errors of handshake events, as zeromq.js gives them: libzmq reports
 * a number, zeromq.js turns it into a fixed text ("ZMTP protocol error",
 * "Authentication failure", the C library's "Broken pipe") with the code
 * or status. Ours say more; that error is kept as the `cause`, which
 * `console.error` and `util.inspect` print beneath.
 */
import { ERROR_TEXT, systemErrno } from "./errors.js";
import type { ReportedEvent } from "./events.js";
import type { ZmtpProtocolError } from "./wire/index.js";

/** zeromq.js's text for the status of a refused handshake (its observer's AuthError). */
function authText(status: number | undefined): string {
  switch (status) {
    case 300: return "Temporary error";
    case 400: return "Authentication failure";
    case 500: return "Internal error";
    default: return "Unknown error";
  }
}

/** The C library's text (Linux) for the codes of `handshake:error:other`. */
const STRERROR: Readonly<Record<string, string>> = {
  EPIPE: "Broken pipe",
  ECONNRESET: "Connection reset by peer",
  ETIMEDOUT: ERROR_TEXT.ETIMEDOUT,
};

/** A plain Error with `message`, the details of `fields` and ours as its cause. */
function coded(message: string, fields: object, cause: Error): Error {
  return Object.assign(new Error(message, { cause }), fields);
}

/**
 * `event` with its error as zeromq.js would give it: handshake errors
 * rewritten (see the file comment), the others completed with the errno of
 * their code.
 */
export function libzmqShaped(event: ReportedEvent): ReportedEvent {
  const error = event.error;
  if (!error) return event;
  switch (event.type) {
    case "handshake:error:protocol": {
      const reason = (error as ZmtpProtocolError).reason ?? "ERR_ZMTP_UNSPECIFIED";
      const text = reason.startsWith("ERR_ZAP_") ? "ZAP protocol error" : "ZMTP protocol error";
      return { ...event, error: coded(text, { code: reason }, error) };
    }
    case "handshake:error:auth":
      return { ...event, error: coded(authText(error.status), error.status === undefined ? {} : { status: error.status }, error) };
    case "handshake:error:other": {
      // EINTERNAL (a bug of ours) has no text in libzmq: it keeps ours.
      const code = error.code ?? "EINTERNAL";
      const errno = systemErrno(code);
      return { ...event, error: coded(STRERROR[code] ?? error.message, errno === undefined ? { code } : { errno, code }, error) };
    }
  }
  if (typeof error.errno !== "number" && error.code !== undefined) {
    const errno = systemErrno(error.code);
    if (errno !== undefined) error.errno = errno;
  }
  return event;
}
