/**
 * purezmq in a real browser: headless Chromium (Debian's `chromium`,
 * driven by playwright-core) loads the README's page, served here; its script,
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
import { blockAfter } from "../support/readme-block.js";

const CHROMIUM = "/usr/bin/chromium";

/** The README's page: its HTML, and the module script in it, which is bundled. */
function readmePage(): { html: string; script: string } {
  const html = blockAfter("### Browsers and Cloudflare Workers", "html");
  const script = /<script type="module">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(script, "the README's page has a module script");
  return { html: html.replace(script[0], '<script type="module" src="/app.js"></script>'), script: script[1]! };
}

test("a page in headless Chromium calls an RpcServer and subscribes to a Publisher over ws://", async (t) => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium; .ci/run does) to run the browser test`);
  const readme = readmePage();
  const bundle = await bundlePortable(readme.script, ["browser"]);
  assert.ok(bundle.inputs.some((p) => p.startsWith("dist/browser/")), `the browser entry was bundled: ${bundle.inputs.join(", ")}`);
  assert.doesNotMatch(bundle.code, /from\s*["']node:|require\(["']node:/, "no node: module is left in the page's bundle");

  const server = new RpcServer();
  server.register("add", (a: number, b: number) => a + b);
  await server.bind("ws://127.0.0.1:0/rpc");
  t.after(() => server.close());
  const pub = new Publisher();
  await pub.bind("ws://127.0.0.1:0/feed");
  t.after(() => pub.close());

  const http = createServer((request, response) => {
    if (request.url?.startsWith("/app.js")) response.writeHead(200, { "Content-Type": "text/javascript" }).end(bundle.code);
    else response.writeHead(200, { "Content-Type": "text/html" }).end(readme.html);
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
  // The subscription crosses after the connection: publish until the page shows a message.
  const ticker = setInterval(() => void pub.send(["news", "from node"]), 20);
  try {
    await page.goto(`${origin}/?rpc=${encodeURIComponent(server.endpoint!)}&feed=${encodeURIComponent(String(pub.lastEndpoint))}`);
    await page.waitForFunction("document.getElementById('out').textContent.includes('news:')", undefined, { timeout: 20_000 });
  } finally {
    clearInterval(ticker);
  }
  assert.deepEqual(errors, []);
  assert.equal(await page.textContent("#out"), "add(2, 40) = 42\nnews: from node\n");
});
