/**
 * A running count on stderr for long commands (`sub`), for a person
 * watching a terminal while the output itself goes to a pipe or a file.
 */

/** The part of a stream the count needs. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** Shortest time between two redraws: a fast feed must not cost a write per message. */
export const REDRAW_MS = 100;

/** Counts events and redraws one `\r`-updated line. */
export class ProgressLine {
  #count = 0;
  #drawnAt = -Infinity;
  #drawn = false;
  /** True when the line is shown at all. */
  readonly enabled: boolean;

  /**
   * @param stream - where the line goes (stderr).
   * @param outputIsTTY - whether the command's own output goes to a terminal.
   * @param label - what is counted, e.g. `"messages"`.
   * @param now - clock in ms (tests give their own).
   */
  constructor(
    private readonly stream: ProgressStream,
    outputIsTTY: boolean,
    private readonly label: string,
    private readonly now: () => number = () => performance.now(),
  ) {
    // Shown only on a terminal, and only when the output is not on that same
    // terminal, where the count line would tear the lines printed there.
    this.enabled = stream.isTTY === true && !outputIsTTY;
  }

  /** Events counted so far. */
  get count(): number {
    return this.#count;
  }

  /** Counts one event; redraws at most every {@link REDRAW_MS}. */
  tick(): void {
    this.#count++;
    if (!this.enabled) return;
    const t = this.now();
    if (t - this.#drawnAt < REDRAW_MS) return;
    this.#drawnAt = t;
    this.draw("");
  }

  /** Draws the final count and ends the line, so that the shell prompt starts on its own line. */
  end(): void {
    if (this.enabled && this.#drawn) this.draw("\n");
  }

  private draw(tail: string): void {
    this.#drawn = true;
    this.stream.write(`\r${this.#count} ${this.label}${tail}`);
  }
}
