/**
 * Colour for the command's own words (error prefixes, help headings): only
 * on a terminal, never when `NO_COLOR` is set (https://no-color.org), so
 * that piped output stays plain and stable.
 */

/** The part of a stream and environment colour depends on. */
export interface StyleTarget {
  readonly isTTY?: boolean;
}

/** True when text written to `stream` may be coloured. */
export function colourOn(stream: StyleTarget, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && (env.NO_COLOR ?? "") === "" && env.TERM !== "dumb";
}

/** Wraps text in a colour when `on`, else returns it unchanged. */
export function paint(on: boolean, text: string, colour: "red" | "bold"): string {
  if (!on) return text;
  return colour === "red" ? `\x1b[31m${text}\x1b[39m` : `\x1b[1m${text}\x1b[22m`;
}
