/** A small argument parser: positionals, `--flag value` and `--switch`. */

/** Raised for bad command lines: printed with the usage, exit status 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A parsed command line. */
export interface ParsedArgs {
  /** Arguments that are not options, in order. */
  positionals: string[];
  /** Options by name: the value, or `true` for a switch. */
  flags: Map<string, string | true>;
}

/**
 * Parses `argv`. `valued` names the flags that take a value; any other
 * `--name` is a switch. Unknown flags are refused.
 */
export function parseArgs(argv: readonly string[], valued: readonly string[], switches: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--") || arg === "--") {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (valued.includes(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      flags.set(name, value);
    } else if (switches.includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags.set(name, true);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return { positionals, flags };
}

/** Parses a command-line argument as JSON, or takes it as a string when it is not JSON. */
export function jsonArg(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A flag's value as a positive number of milliseconds. */
export function msFlag(args: ParsedArgs, name: string, fallback: number): number {
  const v = args.flags.get(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v === true || !Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} takes a positive number of milliseconds`);
  return n;
}

/** A flag's value as a positive whole number of bytes (a size limit). */
export function bytesFlag(args: ParsedArgs, name: string, fallback: number): number {
  const v = args.flags.get(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v === true || !Number.isSafeInteger(n) || n <= 0) throw new UsageError(`--${name} takes a positive whole number of bytes`);
  return n;
}
