/**
 * What `purezmq serve` serves of a module, whatever its shape: named
 * exports, a default export, a CommonJS `module.exports = { ... }`, or a
 * class, which is instantiated with `new`.
 */
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { CliError } from "./errors.js";

/** A name and what to register under it: a function, or an object whose methods are served as `name.method`. */
export type Served = [name: string, target: object];

/** True for a `class` (called without `new`, it throws). */
function isClass(value: unknown): value is new () => object {
  return typeof value === "function" && /^class[\s{]/.test(Function.prototype.toString.call(value));
}

/** A plain object: its entries are served as if each were exported on its own. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function instantiate(name: string, cls: new () => object, modulePath: string): object {
  try {
    return new cls();
  } catch (err) {
    throw new CliError(`cannot make a ${name} of ${modulePath} (new ${name}() threw: ${(err as Error)?.message ?? String(err)}): give the class a constructor without arguments, or export an instance`);
  }
}

/** One export as what to register, or nothing for values that are neither functions nor objects. */
function servedOf(name: string, value: unknown, modulePath: string): Served | undefined {
  if (isClass(value)) return [name, instantiate(name, value, modulePath)];
  if (typeof value === "function" || (typeof value === "object" && value !== null)) return [name, value];
  return undefined;
}

/**
 * Loads `modulePath` and lists what to serve. The default export, when it
 * is a plain object (a CommonJS module's `module.exports`, or `export
 * default { ... }`), is taken apart like named exports; a default class or
 * function is served under its own name.
 */
export async function loadServed(modulePath: string): Promise<Served[]> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(resolve(modulePath)).href)) as Record<string, unknown>;
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e?.code === "ERR_MODULE_NOT_FOUND" && e.message.includes(resolve(modulePath))) {
      throw new CliError(`no module at ${modulePath}: check the path (a .ts file needs compiling to .js first)`, e.code);
    }
    throw new CliError(`cannot load ${modulePath}: ${e?.message ?? String(err)}`, e?.code, undefined, { cause: err });
  }
  const entries = new Map<string, unknown>();
  const def = mod.default;
  if (isPlainObject(def)) for (const [k, v] of Object.entries(def)) entries.set(k, v);
  else if (typeof def === "function" && def.name) entries.set(def.name, def);
  // Named exports win over the same names in a default object (a CommonJS
  // module shows its exports both ways: they are the same values).
  for (const [k, v] of Object.entries(mod)) if (k !== "default" && k !== "module.exports") entries.set(k, v);
  const served: Served[] = [];
  for (const [name, value] of entries) {
    const s = servedOf(name, value, modulePath);
    if (s) served.push(s);
  }
  return served;
}
