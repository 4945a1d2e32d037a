/**
 * Counting what a process holds open, for the fault tests and the live
 * fuzzer: handles by kind and a bounded poll for the cases where no event
 * says that a remote close has been processed.
 */
import { createHook } from "node:async_hooks";

/** The handle kinds counted, by their async_hooks type, under the names `process.getActiveResourcesInfo()` gives them. */
const HANDLE_KINDS: Record<string, string> = {
  TCPWRAP: "TCPSocketWrap",
  TCPSERVERWRAP: "TCPServerWrap",
  PIPEWRAP: "PipeWrap",
  PIPESERVERWRAP: "PipeServerWrap",
  UDPWRAP: "UDPWrap",
  MESSAGEPORT: "MessagePort",
};

/**
 * Live handles, ref'd or not: the library unrefs its sockets and timers
 * (they must not keep the process alive), so `getActiveResourcesInfo()`,
 * which lists only what keeps the loop alive, would not see them.
 */
const live = new Map<number, string>();
createHook({
  init(id, type) {
    const kind = HANDLE_KINDS[type];
    if (kind !== undefined) live.set(id, kind);
  },
  destroy(id) {
    live.delete(id);
  },
}).enable();

/** Open handles by kind (timers aside: test runners keep their own), from when this module was loaded. */
export function openHandles(): Map<string, number> {
  const m = new Map<string, number>();
  for (const kind of live.values()) m.set(kind, (m.get(kind) ?? 0) + 1);
  return m;
}

/** The kinds of which `now` holds more than `base`, as `kind before -> after`. */
export function handleExcess(now: Map<string, number>, base: Map<string, number>): string[] {
  return [...now].filter(([k, n]) => n > (base.get(k) ?? 0)).map(([k, n]) => `${k} ${base.get(k) ?? 0} -> ${n}`);
}

/** Polls `check` every 10 ms until it holds or `ms` pass; returns whether it held. */
export async function pollUntil(ms: number, check: () => boolean): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}
