/**
 * The Node modules with no counterpart in a browser or a Worker, for the
 * portable bundles: what only a server or a process does (listen, files,
 * temporary paths, module loading, datagrams). Each throws, naming what is missing,
 * when it is called; reading them at load time costs nothing.
 */

/** A function that throws: `what` is not available here. */
function absent(what: string): (...args: unknown[]) => never {
  return () => {
    throw new Error(`${what} is not available in a browser or a Worker: bind() and ipc:// need Node (or Bun, Deno)`);
  };
}

// node:http, node:net
export const createServer = absent("listening (bind)");
/** `instanceof net.Socket` is never true here. */
export class Socket {}
// node:dgram (udp:// for RADIO/DISH)
export const createSocket = absent("udp://");
/** `net.isIP`, roughly: only udp:// (absent here) asks. */
export const isIP = (host: string): number => (/^\d{1,3}(\.\d{1,3}){3}$/.test(host) ? 4 : host.includes(":") ? 6 : 0);
// node:fs
export const existsSync = (): boolean => false;
export const lstatSync = absent("the file system");
export const unlinkSync = absent("the file system");
export const appendFileSync = absent("the file system");
// node:os
export const tmpdir = (): string => "/tmp";
export const hostname = (): string => "localhost";
export const networkInterfaces = absent("network interfaces");
export const constants = { errno: {} as Record<string, number>, signals: {} as Record<string, number> };
// node:path
export const join = (...parts: string[]): string => parts.join("/").replace(/\/+/g, "/");
export const resolve = join;
// node:module
export const createRequire = absent("require()");
// node:util
export const debuglog = (): ((...args: unknown[]) => void) & { enabled: boolean } => Object.assign(() => {}, { enabled: false });
export const inspect = (value: unknown): string => String(value);
/** Only ever applied, at load time, to the zlib functions here, which throw when called. */
export const promisify = <T>(fn: T): T => fn;
// node:worker_threads: inproc across threads uses the host's own BroadcastChannel where there is one.
export const BroadcastChannel = (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel ?? class {
  onmessage: unknown = null;
  postMessage(): void {}
  close(): void {}
  unref(): void {}
};
// node:zlib (the pyzmqrpc3 protocol's compressed messages)
export const inflate = absent("zlib");
export const inflateSync = absent("zlib");
export const deflateSync = absent("zlib");
