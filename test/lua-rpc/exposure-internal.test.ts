/**
 * The application's classes over public built-ins keep their own methods
 * for remote callers, whatever the rule for Node's internals
 * (exposure-filehandle.test.ts) hides.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { remoteMethodNames } from "../../src/exposure.js";

class Registry extends Map<string, number> {
  total(): number {
    return [...this.values()].reduce((a, b) => a + b, 0);
  }
}
class Bytes extends Uint8Array {
  sum(): number {
    return this.reduce((a, b) => a + b, 0);
  }
}
class Service extends EventEmitter {
  hello(): string {
    return "hello";
  }
}

test("classes of the application over public built-ins keep their own methods", () => {
  assert.deepEqual(remoteMethodNames(new Registry([["a", 1]])), ["total"]);
  assert.deepEqual(remoteMethodNames(new Bytes(2)), ["sum"]);
  assert.deepEqual(remoteMethodNames(new Service()), ["hello"]);
  assert.deepEqual(remoteMethodNames(new Intl.Collator()), []);
});
