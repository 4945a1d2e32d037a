/**
 * A loopback tcp:// endpoint where nothing listens, for tests of refused
 * dials. Binding port 0 and closing would hand back a port from the
 * ephemeral range, which the next bind to port 0 of a test running in
 * parallel may take (a "refused" dial then reached some other test's
 * server). This picks a free port below that range instead, where no test
 * binds.
 */
import { readFileSync } from "node:fs";
import net from "node:net";

/** The lowest ephemeral port of this host (Linux's default where /proc does not say). */
function ephemeralLow(): number {
  try {
    return Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "latin1").trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
}

/** True when `port` can be listened on now. */
function free(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** `tcp://127.0.0.1:PORT` with nothing listening on PORT, outside the ephemeral range. */
export async function refusedEndpoint(): Promise<string> {
  const high = ephemeralLow();
  const low = Math.max(10_000, high - 20_000);
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (await free(port)) return `tcp://127.0.0.1:${port}`;
  }
  throw new Error(`no free port found in ${low}-${high - 1}`);
}
