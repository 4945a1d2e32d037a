/**
 * What purezmq itself says of an event's error. A handshake event's error
 * is shaped as zeromq.js shapes it (its fixed text, libzmq's code or the
 * ZAP status), with purezmq's own account, finer, as its `cause`; the
 * errors of other events are purezmq's as they are.
 */
export function ourError(event: { type: string; error?: object }): OurError | undefined {
  const error = event.error as OurError | undefined;
  if (!event.type.startsWith("handshake:error:")) return error;
  if (!(error?.cause instanceof Error)) throw new Error(`a ${event.type} event without purezmq's account as its cause`);
  return error.cause;
}

/** An error as purezmq raises it: a code, and a ZAP status for a refusal. */
type OurError = Error & { code?: string; status?: number };
