/**
 * Socket options that libzmq reads only when it makes a connection or a
 * listener. As in zeromq.js, each is an accessor on the socket's prototype
 * that checks the value's type (TypeError with zeromq.js's text) and, on a
 * socket that is already bound or connected, warns through
 * `process.emitWarning` that the change waits for the next connect/bind.
 */
import { Buffer } from "node:buffer";
import { checkOptionType, optionNumber, optionText, readBackText, type NumberRule, type TextRule } from "../option-values.js";

/** zeromq.js's warning text, word for word. */
export const DEFERRED_OPTION_WARNING = "Socket option will not take effect until next connect/bind.";

/** One option: its kind, its zeromq.js default and, for a number or a text, what libzmq takes. */
export type OptionSpec =
  | { readonly kind: "boolean"; readonly initial: boolean }
  | { readonly kind: "string"; readonly initial: null; readonly rule: TextRule }
  | { readonly kind: "number"; readonly initial: number; readonly rule: NumberRule };

/** What the accessors need from a socket. */
export interface DeferredOptionHost {
  /** Values set so far, by option name. */
  readonly optionValues: Map<string, unknown>;
  /** Called before a value is stored: warns when the socket has endpoints. */
  warnDeferredOption(): void;
}

/** Defines each option of `specs` as an accessor on `proto`. */
export function defineDeferredOptions(proto: object, specs: Readonly<Record<string, OptionSpec>>): void {
  for (const [name, spec] of Object.entries(specs)) {
    Object.defineProperty(proto, name, {
      configurable: true,
      get(this: DeferredOptionHost) {
        const value = this.optionValues.has(name) ? this.optionValues.get(name) : spec.initial;
        // zeromq.js reads every text option back as a string, whatever it was set as.
        return Buffer.isBuffer(value) ? readBackText(value) : value;
      },
      set(this: DeferredOptionHost, value: unknown) {
        checkOptionType(spec.kind, value);
        // zeromq.js warns before libzmq checks the range, so an EINVAL still warns.
        this.warnDeferredOption();
        this.optionValues.set(name, stored(spec, value));
      },
    });
  }
}

/** What libzmq keeps for a value of the right type. */
function stored(spec: OptionSpec, value: unknown): unknown {
  if (spec.kind === "number") return optionNumber(spec.rule, value);
  if (spec.kind === "string") return optionText(spec.rule, value as string | Buffer | null);
  return value;
}
