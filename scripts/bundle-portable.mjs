// The portable builds: purezmq's client side as self-contained ESM for
// browsers (dist/browser/) and Cloudflare Workers (dist/workerd/), bundled
// from the compiled dist/ with no `node:` import left in them. The Node
// modules the library uses come from small shims in dist/portable/ (and
// the `buffer`, `events` and `readable-stream` packages, bundled in);
// package.json's export conditions `browser`, `worker` and `workerd`
// select these files. Run by `npm run build`, after tsc.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = join(ROOT, "dist");
const SHIMS = join(DIST, "portable");

/** Where each Node module a bundle meets comes from. */
function nodeModules(target) {
  const hostOnly = join(SHIMS, "host-only.js");
  return {
    buffer: join(SHIMS, "buffer.js"),
    crypto: join(SHIMS, "crypto.js"),
    events: "events",
    stream: "readable-stream",
    net: join(SHIMS, target === "workerd" ? "net-workerd.js" : "net-browser.js"),
    http: hostOnly, dgram: hostOnly, fs: hostOnly, os: hostOnly, path: hostOnly, module: hostOnly, util: hostOnly, url: hostOnly,
    worker_threads: hostOnly, zlib: hostOnly,
    process: join(SHIMS, "globals.js"),
  };
}

/** Resolves `node:x` to its shim (packages' own bare imports, as readable-stream's of `buffer`, resolve as usual). */
function shimNode(target) {
  const map = nodeModules(target);
  return {
    name: "purezmq-node-shims",
    setup(b) {
      b.onResolve({ filter: /^node:/ }, async (args) => {
        const to = map[args.path.slice("node:".length)];
        if (to === undefined) return { errors: [{ text: `${args.path} has no shim in the portable build (scripts/bundle-portable.mjs)` }] };
        if (to.startsWith("/")) return { path: to };
        return b.resolve(to, { kind: args.kind, resolveDir: ROOT });
      });
    },
  };
}

for (const target of ["browser", "workerd"]) {
  await build({
    entryPoints: { index: join(DIST, "index.js"), rpc: join(DIST, "rpc", "index.js") },
    outdir: join(DIST, target),
    bundle: true,
    splitting: true,
    format: "esm",
    // "browser" also applies packages' `browser` maps (readable-stream's); Workers are browser-like there.
    platform: "browser",
    target: "es2022",
    mainFields: ["browser", "module", "main"],
    conditions: ["browser"],
    external: ["cloudflare:sockets"],
    inject: [join(SHIMS, "globals.js")],
    plugins: [shimNode(target)],
    logLevel: "warning",
    legalComments: "none",
  });
}
