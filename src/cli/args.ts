/**
 * The command line of each `purezmq` command, read with `node:util`'s
 * `parseArgs`, and the help text made from the same description, so that
 * what `--help` lists is exactly what is accepted.
 */
import { parseArgs } from "node:util";
import { RESULT_LIMITS, RESULT_TEXT, type PrintLimits } from "./json-print.js";

/** Raised for bad command lines: printed with the usage, exit status 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** One option of a command. */
export interface OptionSpec {
  /** `string` takes a value (`--name value` or `--name=value`); `boolean` is a switch. */
  readonly type: "string" | "boolean";
  /** What the value is, in the usage line (`ms`, `endpoint`...). */
  readonly value?: string;
  /** One line for `--help`. */
  readonly help: string;
}

/** What a command is given to run. */
export interface CommandContext {
  /** Arguments that are not options, in order. */
  readonly positionals: string[];
  /** Option values by name: the text, or `true` for a switch given. */
  readonly options: Readonly<Record<string, string | true | undefined>>;
  /** Prints one line on stdout (made terminal-safe by the caller). */
  readonly out: (line: string) => void;
  /** Prints one line on stderr: status and log lines that are not the command's output. */
  readonly log: (line: string) => void;
  /** Aborted on Ctrl-C (SIGINT) or SIGTERM: a long-running command closes its sockets and resolves. */
  readonly signal: AbortSignal;
}

/** A command: its description, options and what it does. */
export interface CommandSpec {
  readonly name: string;
  /** The arguments after the command name, for the usage line. */
  readonly args: string;
  /** One line for the list of commands. */
  readonly summary: string;
  /** Further lines of `--help`: what it does, what it binds or connects. */
  readonly about: readonly string[];
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** What to say of an unknown option that people may still use (an option renamed), by its name. */
  readonly hints?: Readonly<Record<string, string>>;
  /** Runs the command; long-running ones resolve once `signal` aborts and they have closed. */
  run(ctx: CommandContext): Promise<void>;
}

/** `--json` means the same wherever it is: strictly JSON on stdout, one value per line, for programs. */
export const JSON_OPTION: OptionSpec = { type: "boolean", help: "strict JSON, one value per line (NaN and ±Infinity become null)" };

/** How a command prints a value: strict JSON with `--json`, else with NaN and ±Infinity shown. */
export function valueLimits(ctx: CommandContext): PrintLimits {
  return ctx.options.json === true ? RESULT_LIMITS : RESULT_TEXT;
}

/** Every command takes `--help` (`-h`). */
const HELP: OptionSpec = { type: "boolean", help: "print this help and exit" };

/** The one-line usage of a command. */
export function usageLine(spec: CommandSpec): string {
  const opts = Object.entries(spec.options).map(([name, o]) => (o.type === "string" ? `[--${name} ${o.value ?? "value"}]` : `[--${name}]`));
  return ["purezmq", spec.name, spec.args, ...opts].filter(Boolean).join(" ");
}

/** The full help of a command: usage, what it does, each option. */
export function helpText(spec: CommandSpec): string {
  const options = { ...spec.options, help: HELP };
  const names = Object.entries(options).map(([name, o]) => `--${name}${name === "help" ? ", -h" : ""}${o.type === "string" ? ` <${o.value ?? "value"}>` : ""}`);
  const width = Math.max(...names.map((n) => n.length));
  const lines = Object.values(options).map((o, i) => `  ${names[i]!.padEnd(width)}  ${o.help}`);
  return [`usage: ${usageLine(spec)}`, "", ...spec.about, "", "options:", ...lines].join("\n");
}

/** Numbers such as `-3` or `-2.5` are arguments, not options (`lua call ... math.max 1 -3`). */
const NEGATIVE_NUMBER = /^-(?:\d|\.\d)/;

/** The result of reading a command line: its values, or that help was asked for. */
export type ParsedLine = { help: true } | { help: false; positionals: string[]; options: Record<string, string | true | undefined> };

/**
 * Reads `argv` against the command's options. Unknown options, a missing
 * value and a value given to a switch are refused with a {@link UsageError}
 * that names the option.
 */
export function parseCommandLine(spec: CommandSpec, argv: readonly string[]): ParsedLine {
  const options: Record<string, OptionSpec> = { ...spec.options, help: HELP };
  // parseArgs takes "-3" for a short option: such numbers pass as placeholders.
  const numbers = new Map<string, string>();
  const args = argv.map((a, i) => {
    if (!NEGATIVE_NUMBER.test(a)) return a;
    const key = `\u0000${i}`;
    numbers.set(key, a);
    return key;
  });
  const { tokens } = parseArgs({
    args,
    options: Object.fromEntries(Object.entries(options).map(([n, o]) => [n, n === "help" ? { type: o.type, short: "h" } : { type: o.type }])),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const positionals: string[] = [];
  const values: Record<string, string | true | undefined> = {};
  let help = false;
  for (const t of tokens) {
    if (t.kind === "positional") positionals.push(numbers.get(t.value) ?? t.value);
    if (t.kind !== "option") continue;
    const o = Object.hasOwn(options, t.name) ? options[t.name] : undefined;
    if (!o) throw new UsageError(spec.hints?.[t.name] ?? `unknown option ${t.rawName}`);
    if (t.name === "help") help = true;
    if (o.type === "boolean") {
      if (t.value !== undefined) throw new UsageError(`${t.rawName} takes no value`);
      values[t.name] = true;
    } else {
      if (t.value === undefined) throw new UsageError(`${t.rawName} needs a value`);
      values[t.name] = numbers.get(t.value) ?? t.value;
    }
  }
  return help ? { help: true } : { help: false, positionals, options: values };
}

/** Numbers JSON cannot write, read as JavaScript writes them (and as the command prints them). */
const NON_FINITE: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity };

/** Parses a command-line argument as JSON (or `NaN`, `±Infinity`), or takes it as a string when it is not JSON. */
export function jsonArg(text: string): unknown {
  if (Object.hasOwn(NON_FINITE, text)) return NON_FINITE[text];
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** An option's text value, or `fallback`. */
export function textOption(ctx: CommandContext, name: string, fallback: string): string {
  const v = ctx.options[name];
  return typeof v === "string" ? v : fallback;
}

/** An option's value as a positive number of milliseconds. */
export function msOption(ctx: CommandContext, name: string, fallback: number): number {
  return numberOption(ctx, name, fallback, (n) => Number.isFinite(n) && n > 0, "a positive number of milliseconds");
}

/** An option's value as a positive whole number of bytes (a size limit). */
export function bytesOption(ctx: CommandContext, name: string, fallback: number): number {
  return numberOption(ctx, name, fallback, (n) => Number.isSafeInteger(n) && n > 0, "a positive whole number of bytes");
}

/** An option's value as a positive whole number. */
export function countOption(ctx: CommandContext, name: string, fallback: number): number {
  return numberOption(ctx, name, fallback, (n) => Number.isSafeInteger(n) && n > 0, "a positive whole number");
}

function numberOption(ctx: CommandContext, name: string, fallback: number, ok: (n: number) => boolean, what: string): number {
  const v = ctx.options[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== "string" || v.trim() === "" || !ok(n)) throw new UsageError(`--${name} takes ${what}`);
  return n;
}

/** Refuses arguments past the `expected` ones. */
export function noMoreArgs(ctx: CommandContext, expected: number): void {
  const extra = ctx.positionals[expected];
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
}
