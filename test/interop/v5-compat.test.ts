/**
 * purezmq's v5 API against libzmq through zeromq.js's v6 sockets: a v5
 * socket of purezmq on one side, a native socket on the other, either side
 * binding, over tcp and ipc: REP serving a native REQ, REQ asking a native
 * REP, SUB under a native PUB, DEALER with a native ROUTER (multipart,
 * identity), PULL from a native PUSH.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { describe, test } from "node:test";
import * as native from "zeromq";
import * as v5 from "../../src/v5-compat/index.js";

type Transport = "tcp" | "ipc";

/** A fresh endpoint to bind on `transport` (tcp: a port the system chooses). */
function bindAddress(transport: Transport): string {
  return transport === "tcp" ? "tcp://127.0.0.1:*" : "ipc://*";
}

/** Binds a v5 socket, resolving with the endpoint it got. */
function bindV5(sock: v5.Socket, transport: Transport): Promise<string> {
  return new Promise((resolve, reject) => sock.bind(bindAddress(transport), (err) => (err ? reject(err) : resolve(sock.last_endpoint as string))));
}

/** Connects `v5sock` and `nativeSock`, the one binding as `binder` says. */
async function link(v5sock: v5.Socket, nativeSock: native.Socket, binder: "v5" | "native", transport: Transport): Promise<void> {
  if (binder === "v5") {
    nativeSock.connect(await bindV5(v5sock, transport));
  } else {
    await nativeSock.bind(bindAddress(transport));
    v5sock.connect(nativeSock.lastEndpoint!);
  }
}

for (const transport of ["tcp", "ipc"] as const) {
  for (const binder of ["v5", "native"] as const) {
    describe(`v5 API with libzmq over ${transport}, ${binder} side binding`, { timeout: 20_000 }, () => {
      test("v5 REP serves a native REQ", async () => {
        const rep = v5.socket("rep");
        const req = new native.Request();
        try {
          rep.on("message", (msg: Buffer) => rep.send([`re:${msg}`, "second part"]));
          await link(rep, req, binder, transport);
          for (const body of ["a", "b"]) {
            await req.send(body);
            assert.deepEqual((await req.receive()).map(String), [`re:${body}`, "second part"]);
          }
        } finally {
          rep.close();
          req.close();
        }
      });

      test("v5 REQ asks a native REP, with a send callback", async () => {
        const req = v5.socket("req");
        const rep = new native.Reply();
        try {
          await link(req, rep, binder, transport);
          const sent = new Promise<Error | undefined>((resolve) => req.send(["q", "2"], 0, resolve));
          const request = await rep.receive();
          const reply = once(req, "message");
          await rep.send(["answer", ...request]);
          assert.equal(await sent, undefined);
          assert.deepEqual((await reply).map(String), ["answer", "q", "2"]);
        } finally {
          req.close();
          rep.close();
        }
      });

      test("v5 SUB receives a native PUB's subscribed topic only", async () => {
        const sub = v5.socket("sub");
        const pub = new native.Publisher();
        try {
          sub.subscribe("news");
          await link(sub, pub, binder, transport);
          const got = once(sub, "message");
          // The subscription reaches the publisher in its own time: publish until it is served.
          const timer = setInterval(() => {
            void pub.send(["other", "x"]);
            void pub.send(["news", "hello"]);
          }, 10);
          const parts = await got;
          clearInterval(timer);
          assert.deepEqual(parts.map(String), ["news", "hello"]);
        } finally {
          sub.close();
          pub.close();
        }
      });

      test("v5 DEALER with a native ROUTER: identity and multipart both ways", async () => {
        const dealer = v5.socket("dealer", { identity: "v5-dealer" });
        const router = new native.Router();
        try {
          await link(dealer, router, binder, transport);
          dealer.send("part 1", v5.ZMQ_SNDMORE);
          dealer.send("part 2");
          const [id, ...parts] = await router.receive();
          assert.equal(String(id), "v5-dealer");
          assert.deepEqual(parts.map(String), ["part 1", "part 2"]);
          const reply = once(dealer, "message");
          await router.send([id!, "back", ""]);
          assert.deepEqual((await reply).map(String), ["back", ""]);
        } finally {
          dealer.close();
          router.close();
        }
      });

      test("v5 PULL takes a native PUSH's messages in order", async () => {
        const pull = v5.socket("pull");
        const push = new native.Push();
        try {
          await link(pull, push, binder, transport);
          const got: string[] = [];
          const all = new Promise<void>((resolve) =>
            pull.on("message", (msg: Buffer) => {
              got.push(String(msg));
              if (got.length === 100) resolve();
            }),
          );
          for (let i = 0; i < 100; i++) await push.send(String(i));
          await all;
          assert.deepEqual(got, Array.from({ length: 100 }, (_, i) => String(i)));
        } finally {
          pull.close();
          push.close();
        }
      });
    });
  }
}
