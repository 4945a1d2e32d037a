/**
 * A small strict check that a document is well-formed XML 1.0, enough for
 * the tracer's SVG: one prolog, elements properly nested (an explicit
 * stack, no recursion), attributes quoted and unique, text and attribute
 * values with no raw `<`, no `&` outside the five named entities and
 * numeric references, and no character XML cannot hold.
 */

const NAME = "[A-Za-z_:][-A-Za-z0-9_:.]*";
const REFERENCE = /&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/y;
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Returns what is wrong with `doc`, or undefined when it is well-formed. */
export function xmlProblem(doc: string): string | undefined {
  if (FORBIDDEN.test(doc)) return "a character XML cannot hold";
  let pos = 0;
  const prolog = /^<\?xml [^?]*\?>\s*/.exec(doc);
  if (prolog) pos = prolog[0].length;
  const stack: string[] = [];
  let roots = 0;
  const textOk = (text: string): string | undefined => {
    for (let i = text.indexOf("&"); i >= 0; i = text.indexOf("&", i + 1)) {
      REFERENCE.lastIndex = i;
      if (!REFERENCE.test(text)) return `a bare & at ${text.slice(i, i + 12)}`;
    }
    return text.includes("<") ? "a raw < in a value" : undefined;
  };
  while (pos < doc.length) {
    const lt = doc.indexOf("<", pos);
    const text = doc.slice(pos, lt < 0 ? doc.length : lt);
    if (stack.length === 0 && text.trim() !== "") return `text outside the root: ${text.slice(0, 20)}`;
    const bad = textOk(text);
    if (bad) return bad;
    if (lt < 0) break;
    const gt = doc.indexOf(">", lt);
    if (gt < 0) return "a tag that never ends";
    const tag = doc.slice(lt + 1, gt);
    pos = gt + 1;
    if (tag.startsWith("/")) {
      const name = tag.slice(1).trim();
      if (stack.pop() !== name) return `</${name}> closes nothing open`;
      continue;
    }
    const m = new RegExp(`^(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)$`).exec(tag);
    if (!m) return `a malformed tag <${tag.slice(0, 40)}>`;
    const names = [...m[2]!.matchAll(new RegExp(`(${NAME})\\s*=\\s*("[^"]*"|'[^']*')`, "g"))];
    if (new Set(names.map((a) => a[1])).size !== names.length) return `a repeated attribute in <${m[1]}>`;
    for (const a of names) {
      const valueProblem = textOk(a[2]!.slice(1, -1));
      if (valueProblem) return `${valueProblem} (attribute ${a[1]})`;
    }
    if (stack.length === 0 && ++roots > 1) return "more than one root element";
    if (m[3] !== "/") stack.push(m[1]!);
  }
  if (stack.length > 0) return `<${stack.at(-1)}> never closed`;
  return roots === 1 ? undefined : "no root element";
}
