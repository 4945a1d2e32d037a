/**
 * Constructor options applied the way zeromq.js applies them, for the
 * Context and the sockets: each own enumerable key (symbols too) in turn,
 * through the property of a sealed object, so that an unknown key throws
 * V8's TypeError for a non-extensible object and a read-only one the
 * TypeError of its getter, with the same texts as zeromq.js.
 */

/** zeromq.js's check of a constructor's options argument (objects and functions pass). */
export function checkOptionsArgument(options: unknown): void {
  if (options !== undefined && (options === null || (typeof options !== "object" && typeof options !== "function"))) {
    throw new TypeError("Options must be an object");
  }
}

/** The keys zeromq.js applies from an options object, in order. */
export function optionKeys(options: object): PropertyKey[] {
  return Reflect.ownKeys(options).filter((key) => Object.prototype.propertyIsEnumerable.call(options, key));
}

/** The TypeError V8 throws when `key` is added to a sealed object in strict code. */
export function notExtensible(key: PropertyKey): TypeError {
  return new TypeError(`Cannot add property ${String(key)}, object is not extensible`);
}

/** Assigns every option of `options` to `target` through its properties. */
export function assignOptions(target: object, options: object): void {
  for (const key of optionKeys(options)) {
    (target as Record<PropertyKey, unknown>)[key] = (options as Record<PropertyKey, unknown>)[key];
  }
}
