/**
 * The differential harness of the zeromq.js compatibility suite: one test
 * body, run against the native `zeromq` package (libzmq) and against
 * purezmq, must give the same observable outcome (a value the body returns:
 * results, error codes/errno/messages, event sequences, exit codes).
 *
 * A behaviour where purezmq deliberately differs is declared with
 * {@link differs}: both outcomes are still computed and each is asserted
 * against its own documented value, so the test fails when either library
 * stops behaving as the README's "Deliberate differences" says.
 */
import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import * as native from "zeromq";
import * as ours from "../../src/index.js";
import type { Event } from "../../src/index.js";

/**
 * The module a body gets: typed as purezmq's surface, since that is the
 * surface both must share (the native module is cast to it).
 */
export type Zmq = typeof ours;

/** Which library a body is running against. */
export type LibName = "zeromq" | "purezmq";

/** Both libraries, native first. */
export const LIBS: ReadonlyArray<{ readonly name: LibName; readonly zmq: Zmq }> = [
  { name: "zeromq", zmq: native as unknown as Zmq },
  { name: "purezmq", zmq: ours },
];

/** What a body sees besides the module. */
export interface Run {
  /** The library under test. */
  readonly lib: LibName;
  /** The node:test context (for `after` clean-up). */
  readonly t: TestContext;
  /** Closes `s` when the test ends, whatever happens; returns it. */
  closing<S extends { close(): void }>(s: S): S;
}

/** A body of a differential test: returns the observable outcome. */
export type Body<T> = (zmq: Zmq, run: Run) => Promise<T> | T;

async function outcomeOf<M, T>(name: LibName, zmq: M, t: TestContext, body: (zmq: M, run: Run) => Promise<T> | T): Promise<T> {
  const open: Array<{ close(): void }> = [];
  const run: Run = {
    lib: name,
    t,
    closing: (s) => {
      open.push(s);
      return s;
    },
  };
  try {
    return await body(zmq, run);
  } finally {
    for (const s of open) {
      try {
        s.close();
      } catch {
        // already closed by the body
      }
    }
  }
}

/**
 * Registers a test that runs `body` against both libraries and asserts the
 * two outcomes are deep-equal. `expected`, when given, pins the native
 * outcome too, so the test also fails if both change together.
 */
export function same<T>(title: string, body: Body<T>, expected?: T): void {
  sameAcross(LIBS, title, body, expected);
}

/**
 * {@link same} for another pair of modules (the native package's
 * `zeromq/v5-compat` and purezmq's, say): `libs` lists the native one first.
 */
export function sameAcross<M, T>(libs: ReadonlyArray<{ readonly name: LibName; readonly zmq: M }>, title: string, body: (zmq: M, run: Run) => Promise<T> | T, expected?: T): void {
  test(title, async (t) => {
    const outcomes: Partial<Record<LibName, T>> = {};
    for (const { name, zmq } of libs) outcomes[name] = await outcomeOf(name, zmq, t, body);
    if (expected !== undefined) assert.deepStrictEqual(outcomes.zeromq, expected, "native outcome");
    assert.deepStrictEqual(outcomes.purezmq, outcomes.zeromq, "purezmq's outcome differs from zeromq's");
  });
}

/**
 * Registers a test of a deliberate difference: each library's outcome must
 * equal its own documented value. `reason` is the README's wording.
 */
export function differs<T>(title: string, body: Body<T>, expected: Record<LibName, T>, reason: string): void {
  differsAcross(LIBS, title, body, expected, reason);
}

/** {@link differs} for another pair of modules, as {@link sameAcross}. */
export function differsAcross<M, T>(
  libs: ReadonlyArray<{ readonly name: LibName; readonly zmq: M }>,
  title: string,
  body: (zmq: M, run: Run) => Promise<T> | T,
  expected: Record<LibName, T>,
  reason: string,
): void {
  test(`${title} (deliberate difference: ${reason})`, async (t) => {
    for (const { name, zmq } of libs) {
      assert.deepStrictEqual(await outcomeOf(name, zmq, t, body), expected[name], `${name} outcome`);
    }
  });
}

/**
 * The observable shape of a thrown or rejected error: what code written
 * for zeromq.js tests for. Non-errors come back as `{ value }`.
 */
export function errorShape(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { value: err };
  const e = err as Error & { code?: unknown; errno?: unknown; address?: unknown };
  const shape: Record<string, unknown> = { name: e.name, message: e.message };
  if (e.code !== undefined) shape.code = e.code;
  if (e.errno !== undefined) shape.errno = e.errno;
  if (e.address !== undefined) shape.address = e.address;
  return shape;
}

/** Runs `fn` and returns the shape of what it threw, or `{ returned }`. */
export async function outcome(fn: () => unknown): Promise<Record<string, unknown>> {
  try {
    const value = await fn();
    return { returned: value === undefined ? "undefined" : value };
  } catch (err) {
    return errorShape(err);
  }
}

/** Runs `fn` synchronously: whether it threw at once matters (EBUSY, EINVAL). */
export function syncOutcome(fn: () => unknown): Record<string, unknown> {
  try {
    const value = fn();
    if (value instanceof Promise) {
      value.catch(() => undefined);
      return { returned: "promise" };
    }
    return { returned: value === undefined ? "undefined" : value };
  } catch (err) {
    return { threw: errorShape(err) };
  }
}

/**
 * Runs `fn` synchronously and returns what code can test of what it threw:
 * whether it is a TypeError or another Error, its message and code; or
 * `{ returned }`. For argument and option checks, where the error's class
 * name is not what callers look at.
 */
export function thrown(fn: () => unknown): Record<string, unknown> {
  try {
    const value = fn();
    return { returned: value === undefined ? "undefined" : value };
  } catch (err) {
    if (!(err instanceof Error)) return { value: err };
    const shape: Record<string, unknown> = { kind: err instanceof TypeError ? "TypeError" : "Error", message: err.message };
    const code = (err as { code?: unknown }).code;
    if (code !== undefined) shape.code = code;
    return shape;
  }
}

/** An event as "type", or "type:code" when it carries an error with a code. */
export function eventName(event: Event): string {
  const code = "error" in event ? (event.error as { code?: unknown } | undefined)?.code : undefined;
  return code === undefined ? event.type : `${event.type}:${String(code)}`;
}

/**
 * The events of `socket` up to and including the first of type `last`,
 * read with `events.receive()`, which keeps the process alive while it
 * waits (a reconnect timer alone would not). The socket's observer is made
 * at the call, and neither library keeps an event from before it: call
 * this before the action whose events it waits for.
 */
export async function eventsUntil(socket: { events: { receive(): Promise<Event> } }, last: string): Promise<Event[]> {
  const observer = socket.events;
  const seen: Event[] = [];
  for (;;) {
    const event = await observer.receive();
    seen.push(event);
    if (event.type === last) return seen;
  }
}
