/**
 * The package as users get it: `npm pack`, installed into a fresh project,
 * then every entry point (`purezmq`, `purezmq/draft`, `purezmq/rpc`,
 * `purezmq/lua-rpc`, `purezmq/wire`, `purezmq/v5-compat`) loaded with
 * `require` and with `import`, doing a Dealer/Router round trip and
 * decoding a greeting. `require` runs with require(esm) turned off where Node has it, so it
 * must find the CommonJS build, as on Node before 20.19. The types of both
 * formats are checked by compiling a consumer of each.
 */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { installPacked, ROOT, run } from "./packed-package.js";

const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");

/** What each consumer prints: the exports it found and the round trip's result. */
const ROUND_TRIP = `
  const kinds = {
    Dealer: typeof zmq.Dealer, Router: typeof zmq.Router, context: typeof zmq.context,
    RpcServer: typeof rpc.RpcServer, RpcClient: typeof rpc.RpcClient,
    newClient: typeof lua.newClient, newMultiServer: typeof lua.newMultiServer,
    FrameDecoder: typeof wire.FrameDecoder,
    greeting: new wire.GreetingReader().push(wire.encodeGreeting("PLAIN", true))?.greeting.mechanism,
    v5socket: typeof v5.socket, v5SndMore: v5.ZMQ_SNDMORE,
    Server: typeof draft.Server, Dish: typeof draft.Dish,
  };
  const router = new zmq.Router();
  const dealer = new zmq.Dealer({ routingId: "d" });
  await router.bind("tcp://127.0.0.1:0");
  dealer.connect(router.lastEndpoint);
  await dealer.send("ping");
  const [id, body] = await router.receive();
  await router.send([id, "pong " + body]);
  const [reply] = await dealer.receive();
  router.close();
  dealer.close();
  console.log(JSON.stringify({ kinds, from: String(id), reply: String(reply), file }));
`;

const EXPECTED_KINDS = {
  Dealer: "function", Router: "function", context: "object",
  RpcServer: "function", RpcClient: "function", newClient: "function", newMultiServer: "function",
  FrameDecoder: "function", greeting: "PLAIN",
  v5socket: "function", v5SndMore: 2,
  Server: "function", Dish: "function",
};

const CONSUMERS: Record<string, string> = {
  "consumer.cjs": `
    const zmq = require("purezmq");
    const rpc = require("purezmq/rpc");
    const lua = require("purezmq/lua-rpc");
    const wire = require("purezmq/wire");
    const v5 = require("purezmq/v5-compat");
    const draft = require("purezmq/draft");
    const file = require.resolve("purezmq").split(/[\\\\/]dist[\\\\/]/)[1];
    (async () => {${ROUND_TRIP}})();
  `,
  "consumer.mjs": `
    import * as zmq from "purezmq";
    import * as rpc from "purezmq/rpc";
    import * as lua from "purezmq/lua-rpc";
    import * as wire from "purezmq/wire";
    import * as v5 from "purezmq/v5-compat";
    import * as draft from "purezmq/draft";
    const file = import.meta.resolve("purezmq").split("/dist/")[1];
    ${ROUND_TRIP}
  `,
  // Both formats in one process: two copies of the library, each with its own default context.
  "both.mjs": `
    import { createRequire } from "node:module";
    import * as esm from "purezmq";
    const cjs = createRequire(import.meta.url)("purezmq");
    const pull = new esm.Pull();
    await pull.bind("inproc://formats");
    const push = new cjs.Push();
    push.connect("inproc://formats");
    await push.send("from the CommonJS copy");
    const [msg] = await pull.receive();
    console.log(JSON.stringify({ sameClass: esm.Push === cjs.Push, sameContext: esm.context === cjs.context, got: String(msg) }));
    pull.close();
    push.close();
  `,
  "types.cts": `
    import zmq = require("purezmq");
    import rpc = require("purezmq/rpc");
    import lua = require("purezmq/lua-rpc");
    import wire = require("purezmq/wire");
    import v5 = require("purezmq/v5-compat");
    import draft = require("purezmq/draft");
    const dealer: zmq.Dealer = new zmq.Dealer();
    const v5sock: v5.Socket = v5.socket("pull");
    v5sock.close();
    export const server2: draft.Server = new draft.Server();
    const server: rpc.RpcServer = new rpc.RpcServer();
    const connect: typeof lua.newClient = lua.newClient;
    const decoder: wire.FrameDecoder = new wire.FrameDecoder({ onFrame: (body: Buffer, flags: number) => void [body, flags] });
    export { dealer, server, connect, decoder, v5sock };
  `,
  "types.mts": `
    import { Dealer } from "purezmq";
    import { RpcServer } from "purezmq/rpc";
    import { newClient } from "purezmq/lua-rpc";
    import { GreetingReader, type Greeting } from "purezmq/wire";
    export const read = (bytes: Buffer): Greeting | undefined => new GreetingReader().push(bytes)?.greeting;
    import { socket, type Socket as V5Socket } from "purezmq/v5-compat";
    export const v5sock: V5Socket = socket("pull").close();
    import { Radio } from "purezmq/draft";
    export const radio: Radio = new Radio();
    export const dealer: Dealer = new Dealer();
    export const server: RpcServer = new RpcServer();
    export const connect: typeof newClient = newClient;
  `,
  "tsconfig.json": JSON.stringify({
    compilerOptions: { module: "Node16", moduleResolution: "Node16", strict: true, noEmit: true, skipLibCheck: true, types: ["node"], typeRoots: [join(ROOT, "node_modules", "@types")] },
    files: ["types.cts", "types.mts"],
  }),
};

let project = "";

before(async () => {
  project = (await installPacked("purezmq-formats-", CONSUMERS)).dir;
});

after(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

/** Runs a consumer in the project and parses what it printed. */
async function consume(file: string, nodeFlags: string[] = []): Promise<unknown> {
  const { stdout } = await run(process.execPath, [...nodeFlags, file], { cwd: project });
  return JSON.parse(stdout);
}

test("require() loads the CommonJS build of every entry point, without require(esm), and a round trip works", async () => {
  const flags = process.allowedNodeEnvironmentFlags.has("--no-experimental-require-module") ? ["--no-experimental-require-module"] : [];
  assert.deepEqual(await consume("consumer.cjs", flags), { kinds: EXPECTED_KINDS, from: "d", reply: "pong ping", file: "cjs/index.js" });
});

test("import loads the ES module build of every entry point, and a round trip works", async () => {
  assert.deepEqual(await consume("consumer.mjs"), { kinds: EXPECTED_KINDS, from: "d", reply: "pong ping", file: "index.js" });
});

test("both formats in one process are two copies with their own default context, yet inproc names reach across", async () => {
  assert.deepEqual(await consume("both.mjs"), { sameClass: false, sameContext: false, got: "from the CommonJS copy" });
});

test("the types of both formats compile for a consumer of each", async () => {
  await run(process.execPath, [TSC, "-p", project], { cwd: project });
});
