/**
 * purezmq in a real browser: headless Chromium (Debian's `chromium`,
 * driven by playwright-core) loads a page served here whose script,
 * bundled from `purezmq` with esbuild under the `browser` export
 * condition, calls an RpcServer of this process and subscribes to a
 * Publisher of this process, both over ZeroMQ over WebSocket (ws://).
 * Run by `npm run test:browser` (after `npm test` in .ci/run, which
 * installs chromium); where chromium is missing it fails and says so.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { Publisher } from "../../src/index.js";
import { RpcServer } from "../../src/rpc/index.js";
import { bundlePortable } from "../support/portable-bundle.js";

const CHROMIUM = "/usr/bin/chromium";

/** The page's program: one RPC call, then one published message; the outcome goes to window.__result. */
const APP = `
import { Subscriber } from "purezmq";
import { RpcClient } from "purezmq/rpc";
const query = new URLSearchParams(location.search);
const text = (b) => new TextDecoder().decode(b);
try {
  const client = new RpcClient(query.get("rpc"), { timeout: 10000 });
  const sum = await client.call("add", 2, 40);
  const greeting = await client.call("greet", "browser");
  client.close();
  const sub = new Subscriber();
  sub.subscribe("news");
  sub.connect(query.get("pub"));
  window.__subscribed = true;
  const [topic, body] = await sub.receive();
  sub.close();
  window.__result = { sum, greeting, topic: text(topic), body: text(body) };
} catch (err) {
  window.__result = { error: String(err && err.stack || err) };
}
`;

test("a page in headless Chromium calls an RpcServer and subscribes to a Publisher over ws://", async (t) => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium; .ci/run does) to run the browser test`);
  const bundle = await bundlePortable(APP, ["browser"]);
  assert.ok(bundle.inputs.some((p) => p.startsWith("dist/browser/")), `the browser entry was bundled: ${bundle.inputs.join(", ")}`);
  assert.doesNotMatch(bundle.code, /from\s*["']node:|require\(["']node:/, "no node: module is left in the page's bundle");

  const server = new RpcServer();
  server.register("add", (a: number, b: number) => a + b);
  server.register("greet", (name: string) => `hello, ${name}`);
  await server.bind("ws://127.0.0.1:0/rpc");
  t.after(() => server.close());
  const pub = new Publisher();
  await pub.bind("ws://127.0.0.1:0/feed");
  t.after(() => pub.close());

  const http = createServer((request, response) => {
    if (request.url?.startsWith("/app.js")) response.writeHead(200, { "Content-Type": "text/javascript" }).end(bundle.code);
    else response.writeHead(200, { "Content-Type": "text/html" }).end('<!doctype html><title>purezmq</title><script type="module" src="/app.js"></script>');
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  t.after(() => http.close());
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  const profile = mkdtempSync(join(tmpdir(), "purezmq-chromium-"));
  t.after(() => rmSync(profile, { recursive: true, force: true }));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  t.after(() => browser.close());
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(String(err)));
  await page.goto(`${origin}/?rpc=${encodeURIComponent(server.endpoint!)}&pub=${encodeURIComponent(String(pub.lastEndpoint))}`);

  // The subscription crosses after the connection: publish until the page has a message.
  await page.waitForFunction("window.__subscribed || window.__result", undefined, { timeout: 20_000 });
  const ticker = setInterval(() => void pub.send(["news", "from node"]), 20);
  try {
    await page.waitForFunction("window.__result !== undefined", undefined, { timeout: 20_000 });
  } finally {
    clearInterval(ticker);
  }
  const result = await page.evaluate("window.__result");
  assert.deepEqual(errors, []);
  assert.deepEqual(result, { sum: 42, greeting: "hello, browser", topic: "news", body: "from node" });
});
