/**
 * What keeps a thread's event loop alive, as in zeromq.js: sockets,
 * listeners, connections and their timers do not (they are unref'd); an
 * operation the application waits for does (a pending send, receive,
 * `events.receive()` or bind). One ref'd handle per thread stands for all
 * of them: it is ref'd while the count of pending operations is above zero,
 * so a pending operation costs a counter, and an operation that completes
 * at once costs nothing.
 */

let pending = 0;
/** Never fires in practice (about 24.8 days); only its ref matters. */
let handle: NodeJS.Timeout | undefined;
const LONGEST_TIMER = 2 ** 31 - 1;

function noop(): void {}

/** Keeps the event loop alive until a matching {@link release}. */
export function hold(): void {
  if (pending++ === 0) (handle ??= setInterval(noop, LONGEST_TIMER)).ref();
}

/** Ends one {@link hold}. */
export function release(): void {
  if (--pending === 0) handle!.unref();
}

/** Sockets whose pending operations do not keep the process alive. */
const background = new WeakSet<object>();

/**
 * Marks a socket as serving something else that decides the process's
 * lifetime: an RPC client's socket always has a receive pending for replies,
 * and it is the calls, not that receive, that should keep the process up.
 */
export function inBackground<S extends object>(socket: S): S {
  background.add(socket);
  return socket;
}

/**
 * {@link hold} for an operation of `socket`, unless the socket is in the
 * background; true when it held (the caller then owes one {@link release}).
 */
export function holdFor(socket: object): boolean {
  if (background.has(socket)) return false;
  hold();
  return true;
}

/** Keeps the event loop alive until `promise`, an operation of `socket`, settles; returns it. */
export function holdUntilSettled<T>(promise: Promise<T>, socket: object): Promise<T> {
  if (holdFor(socket)) promise.then(release, release);
  return promise;
}

/** @internal Operations holding the event loop now (for tests). */
export function pendingHolds(): number {
  return pending;
}
