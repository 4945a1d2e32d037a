/**
 * What a remote caller may reach on an object the application registered
 * (RPC `register`, Lua RPC `expose` and `registerObject`): the rule both RPC
 * layers share, so that one reading of "exposed" holds everywhere.
 *
 * - A plain object (prototype `Object.prototype` or `null`) is data the
 *   application wrote for the purpose: its own properties are reachable.
 * - Any other object (a class instance) offers only the methods of its own
 *   class chain, from the object's class up to, not including, the first
 *   prototype that belongs to JavaScript or to Node (`Object`, `Array`,
 *   `Map`, `Promise`, `Error`, `EventEmitter`, streams, sockets...). Its
 *   fields and the built-in methods it inherits (`emit`,
 *   `removeAllListeners`, `push`...) are not reachable: they are state and
 *   machinery, not an API.
 * - An object whose chain ends at a native class of Node's internals (a
 *   `FileHandle` of `fs/promises`) offers nothing: its classes are Node's.
 * - `constructor`, names starting with `_` and getters are never methods.
 *
 * @module
 */
import { createRequire } from "node:module";
import { resolve } from "node:path";

/**
 * Node modules whose classes applications commonly extend. Their exported
 * classes' prototypes count as built-in. Loaded once, on first need.
 */
const NODE_MODULES = [
  "events", "stream", "net", "tls", "http", "https", "http2", "dgram", "child_process", "worker_threads",
  "readline", "fs", "zlib", "crypto", "async_hooks", "cluster", "perf_hooks",
];

let builtins: WeakSet<object> | undefined;

function addClasses(set: WeakSet<object>, exports: unknown): void {
  if (exports === null || (typeof exports !== "object" && typeof exports !== "function")) return;
  if (typeof exports === "function" && isObject(exports.prototype)) set.add(exports.prototype as object);
  for (const key of Object.keys(exports)) {
    const value = (exports as Record<string, unknown>)[key];
    if (typeof value === "function" && isObject(value.prototype)) set.add(value.prototype as object);
  }
}

/** The prototypes of the global classes and of the classes of {@link NODE_MODULES}. */
function builtinPrototypes(): WeakSet<object> {
  if (builtins !== undefined) return builtins;
  const set = new WeakSet<object>();
  // Class names start with a capital; lower-case globals are instances or lazy module getters.
  // Namespaces (Intl, WebAssembly) hold public classes too.
  for (const name of Object.getOwnPropertyNames(globalThis)) {
    if (!/^[A-Z]/.test(name)) continue;
    try {
      addClasses(set, (globalThis as Record<string, unknown>)[name]);
    } catch {
      /* a getter that refuses: not a class anyone extends */
    }
  }
  addClasses(set, Object.getPrototypeOf(Uint8Array)); // %TypedArray%, a class of the language with no global name
  // Built-in modules resolve from any base path; a fixed one (not
  // import.meta.url) keeps this file valid for the CommonJS build too.
  const load = process.getBuiltinModule ?? createRequire(resolve("index.js"));
  for (const name of NODE_MODULES) {
    try {
      addClasses(set, load(`node:${name}`));
    } catch {
      /* a module this runtime lacks */
    }
  }
  builtins = set;
  return set;
}

function isObject(value: unknown): value is object {
  return value !== null && (typeof value === "object" || typeof value === "function");
}

const NATIVE_SOURCE = /\{\s*\[native code\]\s*\}\s*$/;

/**
 * True for a prototype of JavaScript or Node: `Object.prototype`,
 * `Function.prototype`, a prototype whose constructor is native code, or the
 * prototype of a global class or of a class exported by a Node module.
 *
 * @param proto - a prototype object.
 */
export function isBuiltinPrototype(proto: object): boolean {
  if (proto === Object.prototype || proto === Function.prototype) return true;
  const ctor = Object.getOwnPropertyDescriptor(proto, "constructor")?.value as unknown;
  if (typeof ctor === "function" && NATIVE_SOURCE.test(Function.prototype.toString.call(ctor))) return true;
  return builtinPrototypes().has(proto);
}

/** True for an object whose prototype is `Object.prototype` or `null`: data, all of it reachable. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Names that are never methods: the constructor and conventionally private `_` names. */
function isHiddenName(name: string): boolean {
  return name === "constructor" || name.startsWith("_");
}

/**
 * The application's prototypes of `obj`: from its class up to, not
 * including, the first built-in prototype (none for a plain object or a
 * built-in instance).
 */
function ownClassChain(obj: object): object[] {
  const chain: object[] = [];
  let p = Object.getPrototypeOf(obj) as object | null;
  for (; p !== null && !isBuiltinPrototype(p); p = Object.getPrototypeOf(p) as object | null) chain.push(p);
  // Node's own objects may be JS classes over a native class of its
  // internals (fs/promises' FileHandle over JSTransferable): the classes
  // above such an end are Node's, not the application's, and reach files.
  return p !== null && isInternalNativePrototype(p) ? [] : chain;
}

/**
 * True for the prototype of a native class that JavaScript and Node do
 * not offer to applications: not `Object`, `Function`, a global class or
 * a class a Node module exports.
 */
function isInternalNativePrototype(proto: object): boolean {
  return proto !== Object.prototype && proto !== Function.prototype && !builtinPrototypes().has(proto);
}

/**
 * The names of the methods a remote caller may call on a class instance:
 * functions defined (not as getters) in its own class chain, nearest first.
 * For a plain object, the names of its own function-valued properties.
 *
 * @param obj - the registered object.
 */
export function remoteMethodNames(obj: object): string[] {
  const names = new Set<string>();
  const holders = isPlainObject(obj) ? [obj] : ownClassChain(obj);
  for (const holder of holders) {
    for (const name of Object.getOwnPropertyNames(holder)) {
      if (isHiddenName(name) || names.has(name)) continue;
      const desc = Object.getOwnPropertyDescriptor(holder, name)!;
      if (typeof desc.value === "function") names.add(name);
    }
  }
  return [...names];
}

/**
 * The method `name` of `obj` when a remote caller may call it (see the
 * module comment), else `undefined`.
 *
 * @param obj - the registered object.
 * @param name - the method name the caller asked for.
 */
export function remoteMethod(obj: object, name: string): ((...args: unknown[]) => unknown) | undefined {
  if (isHiddenName(name)) return undefined;
  const holders = isPlainObject(obj) ? [obj] : ownClassChain(obj);
  for (const holder of holders) {
    const desc = Object.getOwnPropertyDescriptor(holder, name);
    if (desc === undefined) continue;
    return typeof desc.value === "function" ? (desc.value as (...args: unknown[]) => unknown) : undefined;
  }
  return undefined;
}
