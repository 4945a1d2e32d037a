/**
 * The globals the library uses that browsers and Workers do not have, for
 * the portable bundles (scripts/bundle-portable.mjs injects this file:
 * each export replaces the global of its name). Timers return objects with
 * `unref()`, as Node's do: the library unrefs its timers so that they do
 * not keep a process alive, which a page or a Worker does not need.
 */

/** Node's timer object, over a host's numeric timer id. */
class Timer {
  constructor(readonly id: unknown) {}
  unref(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  hasRef(): boolean {
    return true;
  }
  [Symbol.toPrimitive](): unknown {
    return this.id;
  }
}

type Callback = (...args: unknown[]) => void;
const host = globalThis as unknown as {
  setTimeout(fn: Callback, ms?: number, ...args: unknown[]): unknown;
  setInterval(fn: Callback, ms?: number, ...args: unknown[]): unknown;
  clearTimeout(id: unknown): void;
  clearInterval(id: unknown): void;
};
const hostSetTimeout = host.setTimeout.bind(globalThis);
const hostSetInterval = host.setInterval.bind(globalThis);
const hostClearTimeout = host.clearTimeout.bind(globalThis);
const hostClearInterval = host.clearInterval.bind(globalThis);

function idOf(timer: unknown): unknown {
  return timer instanceof Timer ? timer.id : timer;
}

/** `setTimeout` returning a Node-style timer. */
export function setTimeout(fn: Callback, ms?: number, ...args: unknown[]): Timer {
  return new Timer(hostSetTimeout(fn, ms, ...args));
}

/** `setInterval` returning a Node-style timer. */
export function setInterval(fn: Callback, ms?: number, ...args: unknown[]): Timer {
  return new Timer(hostSetInterval(fn, ms, ...args));
}

/** `clearTimeout` for Node-style timers and plain ids. */
export function clearTimeout(timer: unknown): void {
  hostClearTimeout(idOf(timer));
}

/** `clearInterval` for Node-style timers and plain ids. */
export function clearInterval(timer: unknown): void {
  hostClearInterval(idOf(timer));
}

/** `setImmediate`: a macrotask, as near as a page or a Worker has one. */
export function setImmediate(fn: Callback, ...args: unknown[]): Timer {
  return setTimeout(fn, 0, ...args);
}

function noop(): void {}

/**
 * The parts of `process` the library reads: `nextTick` (a microtask: the
 * library only needs it to run after the current job), an empty `env`,
 * and events that never fire (there is no process to exit).
 */
export const process = {
  nextTick(fn: Callback, ...args: unknown[]): void {
    queueMicrotask(() => fn(...args));
  },
  env: {} as Record<string, string | undefined>,
  argv: [] as string[],
  version: "",
  versions: {} as Record<string, string>,
  platform: "browser",
  browser: true,
  on: noop,
  once: noop,
  off: noop,
  removeListener: noop,
  emit: noop,
  emitWarning(warning: unknown): void {
    console.warn(warning);
  },
  cwd: (): string => "/",
};
