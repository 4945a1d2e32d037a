/**
 * The parameter names of a registered function, read from its source text,
 * for introspection that lists them (zerorpc's `_zerorpc_inspect`). A name
 * that cannot be read (destructuring, native code) is `argN`.
 *
 * @module
 */

/** Text between the parentheses of a function's parameter list, or of a one-parameter arrow. */
function parameterText(source: string): string | undefined {
  const arrow = /^(?:async\s+)?([\w$]+)\s*=>/.exec(source);
  if (arrow) return arrow[1];
  const open = source.indexOf("(");
  if (open < 0) return undefined;
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      depth--;
      if (depth === 0) return source.slice(open + 1, i);
    }
  }
  return undefined;
}

/** Splits on commas outside brackets. */
function topLevelParts(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

/**
 * Parameter names of `fn`, at least `fn.length` of them.
 *
 * @param fn - the function as registered.
 */
export function parameterNames(fn: (...args: never[]) => unknown): string[] {
  let source: string;
  try {
    source = Function.prototype.toString.call(fn);
  } catch {
    source = "";
  }
  const text = parameterText(source.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ""));
  const names = text === undefined ? [] : topLevelParts(text).map((p, i) => /^(?:\.\.\.)?([\w$]+)/.exec(p)?.[1] ?? `arg${i}`);
  for (let i = names.length; i < fn.length; i++) names.push(`arg${i}`);
  return names;
}
