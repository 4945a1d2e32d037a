/**
 * PLAIN through the socket API, purezmq on both sides: the options, both
 * kinds of authenticator (a function, a ZAP socket in the Context), the
 * refusal surfaced to the client as EACCES without reconnecting, retry
 * after connect(), status 300 and 500, mechanism mismatches, and
 * credentials kept out of every event and error.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Context, Dealer, Reply, Request, Router, ZAP_ENDPOINT, ZmqError, plainAuthenticator, type Authenticator,
  type Socket, type ZapRequest,
} from "../../../src/index.js";
import type { AnyEvent } from "../../support/sockets.js";
import { nextEvent, recordEvents, withDeadline } from "./helpers.js";
import { ourError } from "../../support/our-error.js";

const PASSWORD = "correct horse battery staple";
const WRONG = "wrong-password-0042";
const users = { alice: PASSWORD };

/** Closes sockets at the end of a test, whatever happened. */
function closing(t: { after(fn: () => void): void }, ...sockets: Socket[]): void {
  t.after(() => {
    for (const s of sockets) s.close();
  });
}

/** A PLAIN REP server bound on an ephemeral port; returns its endpoint. */
async function plainServer(options: ConstructorParameters<typeof Reply>[0]): Promise<{ server: Reply; endpoint: string }> {
  const server = new Reply({ plainServer: true, ...options });
  await server.bind("tcp://127.0.0.1:0");
  return { server, endpoint: server.lastEndpoint! };
}

/** Serves one request: echoes it back with a prefix. */
async function echoOnce(server: Reply): Promise<void> {
  const [msg] = await server.receive();
  await server.send(`echo:${msg!.toString()}`);
}

function noSecrets(events: AnyEvent[], ...secrets: string[]): void {
  for (const e of events) {
    const text = `${e.type} ${e.address ?? ""} ${ourError(e)?.message ?? ""} ${JSON.stringify(e.error ?? {})}`;
    for (const s of secrets) assert.ok(!text.includes(s), `event ${e.type} quotes a credential`);
  }
}

test("options: zeromq.js names, defaults and securityMechanism", (t) => {
  const a = new Request();
  const b = new Request({ plainUsername: "alice", plainPassword: PASSWORD });
  const c = new Reply({ plainServer: true, zapDomain: "global" });
  closing(t, a, b, c);
  assert.equal(a.plainServer, false);
  assert.equal(a.plainUsername, null);
  assert.equal(a.plainPassword, null);
  assert.equal(a.zapDomain, null);
  assert.equal(a.securityMechanism, null);
  assert.equal(b.securityMechanism, "plain");
  assert.equal(b.plainUsername, "alice");
  assert.equal(c.securityMechanism, "plain");
  assert.equal(c.zapDomain, "global");
  b.plainUsername = null;
  b.plainPassword = null;
  assert.equal(b.securityMechanism, null);
  a.plainUsername = "x".repeat(255);
  assert.equal(a.plainUsername.length, 255);
  for (const bad of ["y".repeat(256), "", "é".repeat(128)]) {
    assert.throws(
      () => (a.plainPassword = bad),
      (e: unknown) => e instanceof ZmqError && e.code === "EINVAL" && (bad === "" || !e.message.includes(bad)),
    );
  }
});

test("function authenticator: right password passes, the server gets the request it describes", async (t) => {
  const asked: ZapRequest[] = [];
  const auth: Authenticator = (req) => {
    asked.push(req);
    return req.username === "alice" && req.password === PASSWORD;
  };
  const { server, endpoint } = await plainServer({ authenticator: auth, zapDomain: "shop", routingId: "srv" });
  const client = new Request({ plainUsername: "alice", plainPassword: PASSWORD });
  closing(t, server, client);
  client.connect(endpoint);
  await client.send("hi");
  await echoOnce(server);
  assert.equal((await client.receive())[0]!.toString(), "echo:hi");
  assert.equal(asked.length, 1);
  assert.equal(asked[0]!.domain, "shop");
  assert.equal(asked[0]!.address, "127.0.0.1");
  assert.equal(asked[0]!.identity.toString(), "srv");
  assert.equal(asked[0]!.mechanism, "PLAIN");
});

test("wrong password: EACCES for the pending receive, auth events on both sides, no reconnect", async (t) => {
  const { server, endpoint } = await plainServer({ authenticator: plainAuthenticator({ users }) });
  const client = new Request({ plainUsername: "alice", plainPassword: WRONG, reconnectInterval: 1 });
  closing(t, server, client);
  const serverEvents = recordEvents(server);
  const clientEvents = recordEvents(client);
  const serverAuth = nextEvent(server, "handshake:error:auth");
  const clientAuth = nextEvent(client, "handshake:error:auth");
  client.connect(endpoint);
  await client.send("let me in");
  const started = Date.now();
  await assert.rejects(withDeadline(client.receive(), 5000, "the refusal"), (e: unknown) => {
    assert.ok(e instanceof ZmqError);
    assert.equal(e.code, "EACCES");
    assert.ok(e.message.includes(endpoint), "names the endpoint");
    assert.ok(!e.message.includes(WRONG) && !e.message.includes("alice"));
    return true;
  });
  assert.ok(Date.now() - started < 2000, "refused promptly");
  const se = await serverAuth;
  assert.equal((se.error as { status?: number }).status, 400);
  const ce = await clientAuth;
  assert.equal((ce.error as { status?: number }).status, 400);
  // With a 1 ms reconnect interval, a client that retried would have many attempts by now.
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(clientEvents.filter((e) => e.type === "connect:retry").length, 0);
  assert.equal(serverEvents.filter((e) => e.type === "accept").length, 1);
  // Later calls that would wait, with no peer left, fail the same way instead of hanging.
  await assert.rejects(client.receive(), (e: unknown) => e instanceof ZmqError && e.code === "EACCES");
  noSecrets([...serverEvents, ...clientEvents], WRONG, PASSWORD);
});

test("a pending send with no peer yet is rejected with EACCES too (immediate)", async (t) => {
  const { server, endpoint } = await plainServer({ authenticator: plainAuthenticator({ users }) });
  const client = new Dealer({ plainUsername: "alice", plainPassword: WRONG, immediate: true });
  closing(t, server, client);
  client.connect(endpoint);
  await assert.rejects(withDeadline(client.send("x"), 5000, "the refusal"), (e: unknown) => e instanceof ZmqError && e.code === "EACCES");
});

test("after a refusal, new credentials and connect() again succeed", async (t) => {
  const { server, endpoint } = await plainServer({ authenticator: plainAuthenticator({ users }) });
  const client = new Dealer({ plainUsername: "alice", plainPassword: WRONG });
  closing(t, server, client);
  const refused = nextEvent(client, "handshake:error:auth");
  client.connect(endpoint);
  await refused;
  client.plainPassword = PASSWORD;
  const ok = nextEvent(client, "handshake");
  client.connect(endpoint);
  await ok;
  await client.send(["", "again"]);
  await echoOnce(server);
  const reply = await client.receive();
  assert.equal(reply[1]!.toString(), "echo:again");
});

test("ZAP handler socket (REP on inproc://zeromq.zap.01) answers for the server", async (t) => {
  const context = new Context();
  const zap = new Reply({ context });
  await zap.bind(ZAP_ENDPOINT);
  const requests: string[][] = [];
  void (async () => {
    for await (const frames of zap) {
      requests.push(frames.map((f) => f.toString()));
      const ok = frames[6]!.toString() === "alice" && frames[7]!.toString() === PASSWORD;
      await zap.send(["1.0", frames[1]!, ok ? "200" : "400", ok ? "OK" : "No access", ok ? "alice-id" : "", ""]);
    }
  })();
  const { server, endpoint } = await plainServer({ context, zapDomain: "dom" });
  const good = new Request({ context, plainUsername: "alice", plainPassword: PASSWORD });
  const bad = new Request({ context, plainUsername: "alice", plainPassword: WRONG });
  closing(t, good, bad, server, zap);
  good.connect(endpoint);
  await good.send("a");
  await echoOnce(server);
  assert.equal((await good.receive())[0]!.toString(), "echo:a");
  assert.deepEqual(requests[0], ["1.0", requests[0]![1], "dom", "127.0.0.1", "", "PLAIN", "alice", PASSWORD]);

  const serverAuth = nextEvent(server, "handshake:error:auth");
  bad.connect(endpoint);
  await bad.send("b");
  await assert.rejects(bad.receive(), (e: unknown) => e instanceof ZmqError && e.code === "EACCES");
  const e = await serverAuth;
  assert.equal((e.error as { status?: number }).status, 400);
  assert.match(ourError(e)!.message, /No access/);
  assert.notEqual(requests[1]![1], requests[0]![1], "each request has its own id");
});

test("ZAP handler as a ROUTER works too", async (t) => {
  const context = new Context();
  const zap = new Router({ context });
  await zap.bind(ZAP_ENDPOINT);
  void (async () => {
    for await (const [id, delimiter, , reqId] of zap) await zap.send([id!, delimiter!, "1.0", reqId!, "200", "OK", "", ""]);
  })();
  const { server, endpoint } = await plainServer({ context });
  const client = new Request({ context, plainUsername: "anyone", plainPassword: "anything" });
  closing(t, client, server, zap);
  client.connect(endpoint);
  await client.send("x");
  await echoOnce(server);
  assert.equal((await client.receive())[0]!.toString(), "echo:x");
});

test("with no authenticator at all, the server refuses with status 500 and says why", async (t) => {
  const { server, endpoint } = await plainServer({ context: new Context() });
  const client = new Request({ plainUsername: "alice", plainPassword: PASSWORD });
  closing(t, server, client);
  const serverAuth = nextEvent(server, "handshake:error:auth");
  const clientAuth = nextEvent(client, "handshake:error:auth");
  client.connect(endpoint);
  const se = await serverAuth;
  assert.equal((se.error as { status?: number }).status, 500);
  assert.match(ourError(se)!.message, /no authenticator/);
  assert.equal(((await clientAuth).error as { status?: number }).status, 500);
});

test("status 300 (temporary) closes without ERROR; the client reconnects and gets in", async (t) => {
  let calls = 0;
  const { server, endpoint } = await plainServer({ authenticator: () => (++calls === 1 ? { status: 300, statusText: "busy" } : true) });
  const client = new Request({ plainUsername: "alice", plainPassword: PASSWORD, reconnectInterval: 10 });
  closing(t, server, client);
  const retry = nextEvent(client, "connect:retry");
  client.connect(endpoint);
  await client.send("x");
  await retry;
  await echoOnce(server);
  assert.equal((await client.receive())[0]!.toString(), "echo:x");
  assert.equal(calls, 2);
});

test("an authenticator that throws refuses with 500 and its message stays out of events", async (t) => {
  const { server, endpoint } = await plainServer({
    authenticator: (req) => {
      throw new Error(`cannot check ${req.password}`);
    },
  });
  const client = new Request({ plainUsername: "alice", plainPassword: PASSWORD });
  closing(t, server, client);
  const serverAuth = nextEvent(server, "handshake:error:auth");
  client.connect(endpoint);
  const e = await serverAuth;
  assert.equal((e.error as { status?: number }).status, 500);
  assert.ok(!ourError(e)!.message.includes(PASSWORD));
});

test("plainAuthenticator: users, allow and deny lists", async () => {
  const base: ZapRequest = {
    domain: "", address: "10.0.0.5", identity: Buffer.alloc(0), mechanism: "PLAIN", username: "alice", password: PASSWORD,
    credentials: [],
  };
  const plain = plainAuthenticator({ users });
  assert.equal((await plain(base) as { status: number }).status, 200);
  assert.equal((await plain({ ...base, password: WRONG }) as { status: number }).status, 400);
  assert.equal((await plain({ ...base, username: "bob" }) as { status: number }).status, 400);
  const denying = plainAuthenticator({ users, deny: ["10.0.0.5"] });
  assert.equal((await denying(base) as { status: number }).status, 400);
  assert.equal((await denying({ ...base, address: "10.0.0.6" }) as { status: number }).status, 200);
  const allowing = plainAuthenticator({ users: new Map([["alice", PASSWORD]]), allow: ["10.0.0.6"], deny: ["10.0.0.5"] });
  assert.equal((await allowing(base) as { status: number }).status, 400);
  assert.equal((await allowing({ ...base, address: "::ffff:10.0.0.6" }) as { status: number }).status, 200);
});

test("plainAuthenticator deny list refuses a real connection by address", async (t) => {
  const { server, endpoint } = await plainServer({ authenticator: plainAuthenticator({ users, deny: ["127.0.0.1"] }) });
  const client = new Request({ plainUsername: "alice", plainPassword: PASSWORD });
  closing(t, server, client);
  const serverAuth = nextEvent(server, "handshake:error:auth");
  client.connect(endpoint);
  assert.match(ourError(await serverAuth)!.message, /address 127\.0\.0\.1 not allowed/);
});

test("mechanism mismatch closes: NULL client to a PLAIN server, PLAIN client to a NULL server", async (t) => {
  const { server, endpoint } = await plainServer({ authenticator: plainAuthenticator({ users }) });
  const nullServer = new Reply();
  await nullServer.bind("tcp://127.0.0.1:0");
  const nullClient = new Request();
  const plainClient = new Request({ plainUsername: "alice", plainPassword: PASSWORD });
  closing(t, server, nullServer, nullClient, plainClient);
  const a = nextEvent(server, "handshake:error:protocol");
  const b = nextEvent(nullServer, "handshake:error:protocol");
  nullClient.connect(endpoint);
  plainClient.connect(nullServer.lastEndpoint!);
  assert.match(ourError(await a)!.message, /NULL mechanism, this socket uses PLAIN/);
  assert.match(ourError(await b)!.message, /PLAIN mechanism, this socket uses NULL/);
});

test("two PLAIN servers do not pair: the one that sees as-server=1 from its client side refuses", async (t) => {
  const { server, endpoint } = await plainServer({ authenticator: plainAuthenticator({ users }) });
  const other = new Dealer({ plainServer: true, authenticator: plainAuthenticator({ users }) });
  closing(t, server, other);
  const refused = nextEvent(server, "handshake:error:protocol");
  other.connect(endpoint);
  assert.match(ourError(await refused)!.message, /both peers claim the PLAIN server role/);
});
