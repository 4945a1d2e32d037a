/**
 * How a dotted path sent by the remote peer (`"math.max"`, `"config.v"`,
 * `"list.1"`) resolves in the object the application exposed: the Lua side
 * indexes its global table, we index what the application gave, and no more.
 * What is reachable follows `../exposure.ts`: the contents of plain objects,
 * arrays (by 1-based index), Maps and LuaTables; of a class instance only
 * the methods of its own class chain, never its fields nor the built-in
 * methods it inherits (an exposed array has no `push`, an EventEmitter no
 * `emit`).
 *
 * @module
 */
import { isPlainObject, remoteMethod } from "../exposure.js";
import { LuaTable } from "./values.js";

/** The value of a path that leads nowhere. */
export const NOT_FOUND: unique symbol = Symbol("not found");

/** Segments never followed, even as own keys of a plain object. */
const FORBIDDEN_SEGMENTS = new Set(["__proto__", "constructor", "prototype"]);

const INDEX_RE = /^[0-9]+$/;

/**
 * One step of a path from `cur`: an array element (1-based), a Map or
 * LuaTable entry (a numeric segment tries the number key first), an own
 * property of a plain object, or a method of a class instance.
 *
 * @param cur - the object reached so far.
 * @param seg - the next segment.
 */
export function pathStep(cur: object, seg: string): unknown {
  if (Array.isArray(cur)) {
    if (!INDEX_RE.test(seg)) return NOT_FOUND;
    const i = Number(seg) - 1;
    return i >= 0 && i < cur.length ? cur[i] : NOT_FOUND;
  }
  if (cur instanceof Map || cur instanceof LuaTable) {
    const num = Number(seg);
    const byNum = seg !== "" && Number.isFinite(num) ? cur.get(num) : undefined;
    const v = byNum !== undefined ? byNum : cur.get(seg);
    return v === undefined ? NOT_FOUND : v;
  }
  if (FORBIDDEN_SEGMENTS.has(seg)) return NOT_FOUND;
  if (isPlainObject(cur)) return Object.prototype.hasOwnProperty.call(cur, seg) ? cur[seg] : NOT_FOUND;
  if (typeof cur === "function") return NOT_FOUND; // a function's properties are the language's
  return remoteMethod(cur, seg) ?? NOT_FOUND;
}

/**
 * Resolves a dotted path (empty segments ignored, as Lua's `[^.]+` does).
 *
 * @param root - the exposed object.
 * @param path - the path the remote peer sent.
 * @returns the value ({@link NOT_FOUND} when the path leads nowhere) and the
 *   object holding it (the `this` of a call).
 */
export function resolvePath(root: object, path: string): { value: unknown; parent: unknown } {
  const segs = path.split(".").filter((s) => s !== "");
  if (segs.length === 0) return { value: NOT_FOUND, parent: undefined };
  let parent: unknown = undefined;
  let cur: unknown = root;
  for (const seg of segs) {
    if (cur === null || (typeof cur !== "object" && typeof cur !== "function")) return { value: NOT_FOUND, parent: undefined };
    parent = cur;
    cur = pathStep(cur, seg);
    if (cur === NOT_FOUND) return { value: NOT_FOUND, parent: undefined };
  }
  return { value: cur, parent };
}
