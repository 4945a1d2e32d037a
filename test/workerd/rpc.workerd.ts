/**
 * purezmq in Cloudflare Workers: the README's Worker, bundled from `purezmq` with
 * esbuild under the `workerd` export condition runs in workerd (the npm
 * package's binary), and on each HTTP request calls an RpcServer of this
 * process over tcp:// with a plain `new RpcClient("tcp://host:port")`,
 * which dials through `connect()` of `cloudflare:sockets`. Both
 * configurations: with `nodejs_compat` and a recent compatibility date,
 * and without it on an older date. Run by `npm run test:browser`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RpcServer } from "../../src/rpc/index.js";
import { ROOT, bundlePortable } from "../support/portable-bundle.js";
import { withDeadline } from "../support/deadline.js";
import { blockAfter } from "../support/readme-block.js";

const WORKERD = join(ROOT, "node_modules", ".bin", "workerd");

/** A workerd configuration: the Worker with its flags, an HTTP socket, and outbound TCP allowed to this host. */
function config(compatibilityDate: string, flags: string[]): string {
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker.mjs", esModule = embed "worker.mjs")],
  compatibilityDate = "${compatibilityDate}",
  compatibilityFlags = [${flags.map((f) => JSON.stringify(f)).join(", ")}],
  globalOutbound = "internet",
);
`;
}

/** A listening TCP socket for workerd to serve on (handed over as a file descriptor: no port to guess). */
async function listeningSocket(): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

const CONFIGURATIONS = [
  { name: "with nodejs_compat and a recent compatibility date", date: "2026-11-01", flags: ["nodejs_compat"] },
  { name: "without nodejs_compat, on an older compatibility date", date: "2024-01-01", flags: [] },
];

for (const c of CONFIGURATIONS) {
  test(`a Worker ${c.name} calls an RpcServer over tcp:// through cloudflare:sockets`, async (t) => {
    const bundle = await bundlePortable(blockAfter("### Browsers and Cloudflare Workers", "js worker.mjs"), ["workerd", "worker", "browser"], ["cloudflare:sockets"]);
    assert.ok(bundle.inputs.some((p) => p.startsWith("dist/workerd/")), `the workerd entry was bundled: ${bundle.inputs.join(", ")}`);
    assert.doesNotMatch(bundle.code, /from\s*["']node:|require\(["']node:/, "no node: module is left in the Worker");
    const dir = mkdtempSync(join(tmpdir(), "purezmq-workerd-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "worker.mjs"), bundle.code);
    writeFileSync(join(dir, "config.capnp"), config(c.date, c.flags));

    const server = new RpcServer();
    server.register("add", (a: number, b: number) => a + b);
    await server.bind("tcp://127.0.0.1:0");
    t.after(() => server.close());

    const http = await listeningSocket();
    const port = (http.address() as AddressInfo).port;
    const fd = (http as unknown as { _handle: { fd: number } })._handle.fd;
    const output: Buffer[] = [];
    const child = spawn(WORKERD, ["serve", join(dir, "config.capnp"), "--socket-fd", "http=3"], { stdio: ["ignore", "pipe", "pipe", fd] });
    child.stdout!.on("data", (c: Buffer) => output.push(c));
    child.stderr!.on("data", (c: Buffer) => output.push(c));
    t.after(() => child.kill());
    // The socket is workerd's now (it has its own copy): this process stops accepting on it.
    http.close();
    const url = `http://127.0.0.1:${port}/?rpc=${encodeURIComponent(server.endpoint!)}`;
    const response = await withDeadline(fetch(url), 20_000, `the Worker's answer (workerd said: ${Buffer.concat(output).toString()})`);
    const body = await response.json();
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.deepEqual(body, { sum: 42 });
  });
}
