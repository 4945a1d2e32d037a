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
  if (name === PING_METHOD) return { ok: true, value: "pong" };
  if (name === METHODS_METHOD) return { ok: true, value: describeAll(registry, extra).map((d) => ({ ...d })) };
  const fn = registry.lookup(name);
  if (fn === undefined) return { ok: false, notFound: true };
  try {
    return { ok: true, value: await fn(...args) };
  } catch (error) {
    registry.reportError(name, error);
    return { ok: false, notFound: false, error };
  }
}
