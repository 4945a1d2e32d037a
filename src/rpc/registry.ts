/**
 * The table of callable methods of an RPC server: functions under dotted
 * names, objects whose methods become `<namespace>.<method>`, and the
 * description that introspection returns. Shared by every server protocol.
 *
 * @module
 */

import { isPlainObject, remoteMethod, remoteMethodNames } from "../exposure.js";
import { parameterNames } from "./parameters.js";
import { notify, trace } from "./trace.js";

/** A function the server may call; sync or async. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RpcHandler = (...args: any[]) => unknown;

/** Options of {@link RpcServer.register}. */
export interface RegisterOptions {
  /** Text returned by introspection for this method (or for each method of an object). */
  readonly doc?: string;
}

/** What introspection tells about one method. */
export interface MethodDescription {
  /** The full (dotted) name to call. */
  readonly name: string;
  /** Declared parameter count (`fn.length`: parameters before the first default or rest). */
  readonly arity: number;
  /** Text given at registration, or `""`. */
  readonly doc: string;
}

/** Prefix of the names the RPC layer keeps for itself (`rpc.ping`, `rpc.methods`, `rpc.multicall`). */
export const RESERVED_PREFIX = "rpc.";

interface Entry {
  readonly fn: RpcHandler;
  /** The function as the application wrote it (its parameter names). */
  readonly source: RpcHandler;
  readonly description: MethodDescription;
}

const NAME_RE = /^[^.\s]+(?:\.[^.\s]+)*$/;

/** Methods by name. */
export class MethodRegistry {
  readonly #methods = new Map<string, Entry>();
  readonly #onHandlerError: ((method: string, error: unknown) => void) | undefined;

  /** @param onHandlerError - told of each error a handler throws (for logs and metrics). */
  constructor(onHandlerError?: (method: string, error: unknown) => void) {
    this.#onHandlerError = onHandlerError;
  }

  /** Tells the application (and the trace) that the handler of `method` failed. */
  reportError(method: string, error: unknown): void {
    trace("rpc server: the handler of %s failed: %s", method, error);
    notify(this.#onHandlerError, method, error);
  }

  /**
   * Registers a function under `name`, or every method of an object under
   * `name.<method>`, bound to the object. What is callable follows
   * `exposure.ts`: of a plain object, its own functions (its nested plain
   * objects become deeper namespaces); of a class instance, the methods of
   * its own class chain up to, not including, the first built-in prototype
   * (`Object`, `EventEmitter`, `Map`...), never its fields. Names starting
   * with `_`, `constructor` and getters are left out.
   *
   * @throws TypeError for an empty/malformed name, a name in the reserved
   *   `rpc.` namespace, a target that is neither a function nor an object, or
   *   an object without methods.
   */
  register(name: string, target: RpcHandler | object, options: RegisterOptions = {}): void {
    if (typeof name !== "string" || !NAME_RE.test(name)) {
      throw new TypeError(`method name must be non-empty dotted text without spaces, got ${JSON.stringify(name)}`);
    }
    if (name === "rpc" || name.startsWith(RESERVED_PREFIX)) {
      throw new TypeError(`the "${RESERVED_PREFIX}" namespace is reserved for the RPC layer`);
    }
    const doc = options.doc ?? "";
    if (typeof target === "function") {
      this.add(name, target as RpcHandler, doc);
      return;
    }
    if (typeof target !== "object" || target === null) {
      throw new TypeError(`cannot register ${target === null ? "null" : typeof target} as "${name}"`);
    }
    if (this.addObject(name, target, doc, new Set()) === 0) {
      throw new TypeError(`object registered as "${name}" has no methods`);
    }
  }

  /** Removes a method, or every method under a namespace; returns how many went. */
  unregister(name: string): number {
    let n = 0;
    for (const key of [...this.#methods.keys()]) {
      if (key === name || key.startsWith(name + ".")) {
        this.#methods.delete(key);
        n++;
      }
    }
    return n;
  }

  /** The function registered under `name`, if any. */
  lookup(name: string): RpcHandler | undefined {
    return this.#methods.get(name)?.fn;
  }

  /** The parameter names of a method, read from its source (`argN` where unreadable). */
  parameters(name: string): string[] {
    const entry = this.#methods.get(name);
    return entry === undefined ? [] : parameterNames(entry.source);
  }

  /** Every registered method, sorted by name. */
  describe(): MethodDescription[] {
    return [...this.#methods.values()].map((e) => e.description).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Number of registered methods. */
  get size(): number {
    return this.#methods.size;
  }

  private add(name: string, fn: RpcHandler, doc: string, source: RpcHandler = fn): void {
    this.#methods.set(name, { fn, source, description: { name, arity: fn.length, doc } });
  }

  private addObject(prefix: string, obj: object, doc: string, seen: Set<object>): number {
    if (seen.has(obj)) return 0; // cycles would recurse forever
    seen.add(obj);
    let n = 0;
    for (const key of remoteMethodNames(obj)) {
      if (!NAME_RE.test(key)) continue;
      const fn = remoteMethod(obj, key)!;
      const bound: RpcHandler = (...args) => fn.apply(obj, args);
      Object.defineProperty(bound, "length", { value: fn.length });
      this.add(`${prefix}.${key}`, bound, doc, fn as RpcHandler);
      n++;
    }
    // Nested plain objects of a plain object are namespaces; a class instance's fields are its state.
    if (!isPlainObject(obj)) return n;
    for (const key of Object.getOwnPropertyNames(obj)) {
      if (!NAME_RE.test(key) || key.startsWith("_")) continue;
      const desc = Object.getOwnPropertyDescriptor(obj, key)!;
      if (isPlainObject(desc.value)) n += this.addObject(`${prefix}.${key}`, desc.value, doc, seen);
    }
    return n;
  }
}

