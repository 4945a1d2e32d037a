/**
 * Makes text from the network safe to print on a terminal. A peer controls
 * method names, topics, metadata, error messages and values; printed raw,
 * an escape sequence among them could clear the screen, retitle the window,
 * hide lines or reorder what is shown (bidirectional overrides).
 */

/**
 * C0 controls (newline and tab too: every printed record is one line), DEL,
 * C1 controls (U+009B is a one-character CSI on some terminals), the line
 * and paragraph separators, and the bidirectional embeddings, overrides and
 * isolates.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeOne(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * Returns `text` with every control character and bidirectional control
 * written as a visible escape (`\x1b`, `\u202e`). Everything else, and
 * JSON written by `toJson` (json-print.ts, which leaves no such character),
 * passes unchanged.
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

/** The same characters as {@link terminalSafe}, for JSON strings (`\u001b`), so that the result stays JSON. */
export function jsonSafe(json: string): string {
  return json.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
