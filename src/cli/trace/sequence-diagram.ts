/**
 * `trace --svg FILE`: each traced connection drawn as a sequence diagram,
 * client on the left, server on the right, one arrow per greeting,
 * handshake command, message (the first {@link FIRST_MESSAGES} of each
 * connection; later ones are counted) and violation, in red. Built from
 * the same events the tracer prints, live or from a capture.
 *
 * Everything a peer chooses (metadata, frames, ERROR reasons, mechanism
 * names) reaches the picture only through {@link xmlText}: cut to
 * {@link LABEL_CHARS}, escaped, and with the characters XML forbids
 * replaced, so the file is well-formed whatever crossed the wire. What is
 * kept is bounded: {@link MAX_CONNECTIONS} connections of at most
 * {@link MAX_ROWS} rows each.
 */
import { formatTraceEvent } from "../output.js";
import type { Direction, TraceEvent } from "./events.js";

/** Connections drawn; later ones are counted in a note. */
export const MAX_CONNECTIONS = 64;
/** Arrows and notes drawn per connection; later events are counted. */
export const MAX_ROWS = 40;
/** Messages drawn per connection: the first ones tell how the conversation goes. */
export const FIRST_MESSAGES = 6;
/** Characters of one label. */
export const LABEL_CHARS = 110;

const WIDTH = 960;
const CLIENT_X = 120;
const SERVER_X = WIDTH - 120;
const ROW = 26;
const HEAD = 56;

interface Row {
  dir: Direction;
  text: string;
  violation: boolean;
}

interface Drawing {
  conn: number;
  peer: string;
  rows: Row[];
  messages: number;
  /** Events not drawn: messages past the first, rows past the bound. */
  left: number;
  closed?: string;
}

/**
 * Text for XML: cut to {@link LABEL_CHARS}, the five markup characters
 * escaped, and what XML 1.0 cannot hold (control characters, lone
 * surrogates, U+FFFE and U+FFFF) shown as U+FFFD.
 */
export function xmlText(text: string): string {
  const cut = text.length > LABEL_CHARS ? `${text.slice(0, LABEL_CHARS - 1)}…` : text;
  return cut
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** Collects trace events and draws them. */
export class SequenceDiagram {
  private readonly drawings = new Map<number, Drawing>();
  private undrawn = 0;

  /** Takes one event (any order across connections). */
  add(e: TraceEvent): void {
    if (e.type === "open") {
      if (this.drawings.size >= MAX_CONNECTIONS) {
        this.undrawn++;
        return;
      }
      this.drawings.set(e.conn, { conn: e.conn, peer: e.peer, rows: [], messages: 0, left: 0 });
      return;
    }
    const d = this.drawings.get(e.conn);
    if (!d) return;
    if (e.type === "close") {
      d.closed = e.reason ? `closed: ${e.reason}` : "closed";
      return;
    }
    if ((e.type === "message" || e.type === "lua") && ++d.messages > FIRST_MESSAGES) {
      d.left++;
      return;
    }
    if (d.rows.length >= MAX_ROWS) {
      d.left++;
      return;
    }
    // The tracer's own line, less its "#conn dir" head: the picture says the same as the text.
    const line = formatTraceEvent(e).replace(/^#\d+ (?:c>s|s>c) /, "");
    d.rows.push({ dir: e.dir, text: line, violation: e.type === "violation" });
  }

  /** The SVG document. */
  render(): string {
    const parts: string[] = [];
    let y = 20;
    for (const d of this.drawings.values()) {
      parts.push(this.drawConnection(d, y));
      y += HEAD + (d.rows.length + (d.left > 0 ? 1 : 0) + 1) * ROW + 30;
    }
    if (this.undrawn > 0) {
      parts.push(`<text x="${CLIENT_X}" y="${y + 10}" class="note">${this.undrawn} more connections not drawn (at most ${MAX_CONNECTIONS})</text>`);
      y += 30;
    }
    if (this.drawings.size === 0) {
      parts.push(`<text x="${CLIENT_X}" y="${y + 10}" class="note">no connection was traced</text>`);
      y += 30;
    }
    return [
      `<?xml version="1.0" encoding="UTF-8"?>`,
      `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y + 10}" viewBox="0 0 ${WIDTH} ${y + 10}" font-family="monospace" font-size="12">`,
      `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"/></marker></defs>`,
      `<style>.note{fill:#555}.violation{fill:#c00;font-weight:bold}line.violation{stroke:#c00}.title{font-size:14px;font-weight:bold}</style>`,
      ...parts,
      `</svg>`,
      "",
    ].join("\n");
  }

  private drawConnection(d: Drawing, top: number): string {
    const out: string[] = [`<g id="connection-${d.conn}">`];
    const bottom = top + HEAD + (d.rows.length + (d.left > 0 ? 1 : 0)) * ROW + 10;
    out.push(`<text x="10" y="${top + 14}" class="title">connection #${d.conn} from ${xmlText(d.peer)}</text>`);
    out.push(`<text x="${CLIENT_X}" y="${top + 36}" text-anchor="middle">client</text>`);
    out.push(`<text x="${SERVER_X}" y="${top + 36}" text-anchor="middle">server</text>`);
    out.push(`<line x1="${CLIENT_X}" y1="${top + 42}" x2="${CLIENT_X}" y2="${bottom}" stroke="#999"/>`);
    out.push(`<line x1="${SERVER_X}" y1="${top + 42}" x2="${SERVER_X}" y2="${bottom}" stroke="#999"/>`);
    d.rows.forEach((row, i) => {
      const y = top + HEAD + i * ROW + 14;
      const cls = row.violation ? ` class="violation"` : "";
      const [from, to] = row.dir === "c>s" ? [CLIENT_X, SERVER_X] : [SERVER_X, CLIENT_X];
      out.push(`<text x="${WIDTH / 2}" y="${y - 4}" text-anchor="middle"${cls}>${xmlText(row.text)}</text>`);
      out.push(`<line x1="${from}" y1="${y}" x2="${to}" y2="${y}" stroke="black"${cls} marker-end="url(#arrow)"/>`);
    });
    let y = top + HEAD + d.rows.length * ROW + 14;
    if (d.left > 0) {
      out.push(`<text x="${WIDTH / 2}" y="${y}" text-anchor="middle" class="note">… ${d.left} more events (the first ${FIRST_MESSAGES} messages are drawn)</text>`);
      y += ROW;
    }
    out.push(`<text x="${WIDTH / 2}" y="${y + 6}" text-anchor="middle" class="note">${xmlText(d.closed ?? "still open")}</text>`);
    out.push(`</g>`);
    return out.join("\n");
  }
}
