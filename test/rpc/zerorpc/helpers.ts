/**
 * Shared pieces of the zerorpc tests: a server with the methods of the
 * golden capture (`add`, `fail`, `count`, `slow`) and a client for it.
 */
import { Dealer } from "../../../src/index.js";
import { RpcClient, RpcServer, type RpcClientOptions, type RpcServerOptions } from "../../../src/rpc/index.js";
import { delay } from "../helpers.js";

/** The golden capture's server ("Api"), bound to a free port. */
export async function goldenServer(options: RpcServerOptions = {}): Promise<RpcServer> {
  const server = new RpcServer({ protocol: "zerorpc", name: "Api", ...options });
  server.register("add", (a: number, b: number) => a + b, { doc: "Adds two numbers." });
  server.register("fail", () => {
    throw new RangeError("bad value");
  });
  server.register("count", function* (n: number) {
    for (let i = 0; i < n; i++) yield i;
  });
  server.register("slow", async (ms: number) => {
    await delay(ms);
    return ms;
  });
  await server.bind("tcp://127.0.0.1:0");
  return server;
}

/** A zerorpc client of `server`, closed when the test ends. */
export function clientOf(t: { after(fn: () => void): void }, server: RpcServer, options: RpcClientOptions = {}): RpcClient {
  const client = new RpcClient(server.endpoint!, { protocol: "zerorpc", timeout: 5000, ...options });
  t.after(() => client.close());
  return client;
}

/** A bare DEALER connected to `server`, for events written by hand; closed when the test ends. */
export function rawPeerOf(t: { after(fn: () => void): void }, server: RpcServer): Dealer {
  const raw = new Dealer({ linger: 0 });
  t.after(() => raw.close());
  raw.connect(server.endpoint!);
  return raw;
}
