/**
 * Remote methods as local ones: `api.my.namespace.mult(5, 7)` calls
 * `my.namespace.mult`. Property access builds the dotted name, a call sends it.
 *
 * @module
 */

/** A function type made remote: same parameters, the result as a promise. */
export type RemoteFunction<F> = F extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;

/**
 * The remote view of an API type: functions return promises, nested objects
 * are namespaces (`calc.add`).
 */
export type RemoteApi<T> = {
  readonly [K in keyof T]: T[K] extends (...args: never[]) => unknown ? RemoteFunction<T[K]> : RemoteApi<T[K]>;
};

/** Names a proxy never turns into remote calls, so that it is not mistaken for a promise or printed oddly. */
const LOCAL_NAMES = new Set(["then", "catch", "finally", "toJSON", "constructor", "inspect"]);

/**
 * A proxy whose property paths call `invoke(dottedName, args)`.
 *
 * @param invoke - performs the call.
 * @param prefix - the namespace this proxy stands for (`""` at the root).
 */
export function remoteProxy<T>(invoke: (method: string, args: unknown[]) => unknown, prefix = ""): RemoteApi<T> {
  const cache = new Map<string, unknown>();
  const target = function remote(): void {};
  return new Proxy(target, {
    get(_t, key) {
      if (typeof key === "symbol" || LOCAL_NAMES.has(key)) return undefined;
      let child = cache.get(key);
      if (child === undefined) {
        child = remoteProxy(invoke, prefix === "" ? key : `${prefix}.${key}`);
        cache.set(key, child);
      }
      return child;
    },
    apply(_t, _this, args: unknown[]) {
      if (prefix === "") throw new TypeError("call a method of the proxy, not the proxy itself");
      return invoke(prefix, args);
    },
  }) as unknown as RemoteApi<T>;
}
