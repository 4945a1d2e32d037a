/**
 * The v5 API's `Context`: static accessors of the default context's
 * settings. v5 code cannot make a context of its own.
 */
import { defaultContext } from "../zmtp/context.js";

/** The default context's settings, as the v5 API offers them. */
export class Context {
  /** Sets the default context's `ioThreads` (checked and kept: purezmq has no I/O threads). */
  static setMaxThreads(value: number): void {
    defaultContext.ioThreads = value;
  }

  /** The default context's `ioThreads`. */
  static getMaxThreads(): number {
    return defaultContext.ioThreads;
  }

  /** Sets the default context's `maxSockets` (reported, not enforced). */
  static setMaxSockets(value: number): void {
    defaultContext.maxSockets = value;
  }

  /** The default context's `maxSockets`. */
  static getMaxSockets(): number {
    return defaultContext.maxSockets;
  }

  /** @throws Error always: the v5 API has only the default context. */
  constructor() {
    throw new Error("Context cannot be instantiated in compatibility mode");
  }
}
