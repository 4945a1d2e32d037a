/**
 * Calling a registered method by name, the same way for every protocol:
 * the built-in introspection methods first, then the registry; a sync throw,
 * a rejected promise and an unknown name all come back as values, so that a
 * protocol turns each into its own error reply and never into a crash.
 *
 * @module
 */
import { RESERVED_PREFIX, type MethodDescription, type MethodRegistry } from "./registry.js";

/** Reserved method: answers `"pong"` (a liveness check that runs no user code). */
export const PING_METHOD = `${RESERVED_PREFIX}ping`;
/** Reserved method: the list of `{name, arity, doc}` of every callable method. */
export const METHODS_METHOD = `${RESERVED_PREFIX}methods`;
/** Reserved method (LuaOverMQ protocol): several calls in one round trip. */
export const MULTICALL_METHOD = `${RESERVED_PREFIX}multicall`;

/** The result of one call. */
export type CallOutcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly notFound: true }
  | { readonly ok: false; readonly notFound: false; readonly error: unknown };

const BUILTINS: readonly MethodDescription[] = [
  { name: METHODS_METHOD, arity: 0, doc: "Lists the callable methods as {name, arity, doc}." },
  { name: PING_METHOD, arity: 0, doc: 'Answers "pong".' },
];

/** Built-in descriptions plus the protocol's own reserved methods. */
export function describeAll(registry: MethodRegistry, extra: readonly MethodDescription[] = []): MethodDescription[] {
  return [...registry.describe(), ...BUILTINS, ...extra];
}

/**
 * Calls `name` with `args`. `extra` describes protocol-specific reserved
 * methods for introspection (they are dispatched by the protocol itself).
 */
export async function invokeMethod(
  registry: MethodRegistry,
  name: string,
  args: unknown[],
  extra: readonly MethodDescription[] = [],
): Promise<CallOutcome> {
  return invokeNow(registry, name, args, extra);
}

/**
 * {@link invokeMethod} without a promise where none is needed: a handler
 * that returns a plain value (the usual `add(a, b)`) gives its outcome at
 * once, so a server can answer in the same turn, without the promise jobs
 * an async frame and an `await` cost per call. A handler that returns a
 * promise, or any object with a `then` (which `await` would adopt), gives
 * a promise of the outcome, exactly as {@link invokeMethod} would.
 */
export function invokeNow(
  registry: MethodRegistry,
  name: string,
  args: unknown[],
  extra: readonly MethodDescription[] = [],
): CallOutcome | Promise<CallOutcome> {
  if (name === PING_METHOD) return { ok: true, value: "pong" };
  if (name === METHODS_METHOD) return { ok: true, value: describeAll(registry, extra).map((d) => ({ ...d })) };
  const fn = registry.lookup(name);
  if (fn === undefined) return { ok: false, notFound: true };
  let value: unknown;
  try {
    value = fn(...args);
  } catch (error) {
    return failed(registry, name, error);
  }
  // `in`, not a read of `then`: a getter runs once, in Promise.resolve, as under `await`.
  if (value !== null && (typeof value === "object" || typeof value === "function") && "then" in value) {
    return Promise.resolve(value).then(
      (settled): CallOutcome => ({ ok: true, value: settled }),
      (error: unknown) => failed(registry, name, error),
    );
  }
  return { ok: true, value };
}

function failed(registry: MethodRegistry, name: string, error: unknown): CallOutcome {
  registry.reportError(name, error);
  return { ok: false, notFound: false, error };
}
