/**
 * Ctrl-C for commands: the signal handling lives in main.ts, which aborts
 * an AbortSignal; these helpers let a command end on it.
 */

/** Raised when the command was stopped by a signal: not a failure, main.ts exits 130 (143 for SIGTERM). */
export class StoppedError extends Error {
  override readonly name = "StoppedError";
}

/** Resolves once `signal` aborts (at once when it already has). */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

/** Settles as `work` does, or rejects with {@link StoppedError} when `signal` aborts first. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return Promise.race([work, aborted(signal).then((): never => {
    throw new StoppedError("stopped");
  })]);
}
