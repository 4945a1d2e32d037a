/**
 * CURVE authentication against libzmq 4.3.5, both ways: a client with the
 * wrong server key is refused; ZAP (a libzmq ZAP handler, a purezmq ZAP
 * handler, `curveAuthenticator`) sees mechanism "CURVE" with the client's
 * long-term public key, and a refusal reaches both sides as the
 * `handshake:error:auth` event with its status (EACCES on the purezmq
 * client); with no ZAP handler at all, a CURVE server accepts any client
 * that knows its key, in both libraries.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as zmq from "zeromq";
import * as ours from "../../src/index.js";
import { closeAll, nextEvent, withDeadline, type PeerSocket } from "./peers.js";
import { ourError } from "../support/our-error.js";

type AuthEvent = { type: string; error?: { status?: number; code?: string; message: string } };
const event = (socket: unknown, type: string) => nextEvent(socket as PeerSocket, type) as Promise<AuthEvent>;

const server = zmq.curveKeyPair();
const allowed = ours.curveKeyPair();
const refused = zmq.curveKeyPair();

/** libzmq's ZAP handler, in its default context: lets `allowed` in, and records what it was asked. */
let libzmqZap: zmq.Reply;
const asked: Buffer[][] = [];

before(async () => {
  libzmqZap = new zmq.Reply({ linger: 0 });
  await libzmqZap.bind("inproc://zeromq.zap.01");
  void (async () => {
    for await (const frames of libzmqZap) {
      asked.push(frames);
      const ok = frames[5]?.toString() === "CURVE" && ours.z85.encode(frames[6]!) === allowed.publicKey;
      await libzmqZap.send(["1.0", frames[1]!, ok ? "200" : "400", ok ? "OK" : "Denied", ok ? "u" : "", ""]);
    }
  })();
});

after(() => libzmqZap.close());

const clientOptions = (keys: { publicKey: string; secretKey: string }, serverKey = server.publicKey) => ({
  curveServerKey: serverKey, curvePublicKey: keys.publicKey, curveSecretKey: keys.secretKey,
});

test("purezmq client -> libzmq CURVE server: ZAP is asked with mechanism CURVE and the client's public key", async () => {
  const srv = new zmq.Reply({ curveServer: true, curveSecretKey: server.secretKey, linger: 0 });
  const cli = new ours.Request(clientOptions(allowed));
  try {
    await srv.bind("tcp://127.0.0.1:0");
    cli.connect(srv.lastEndpoint!);
    await cli.send("ping");
    assert.equal(String(await withDeadline(srv.receive(), 5000, "the request")), "ping");
    const request = asked.at(-1)!;
    assert.deepEqual(request.slice(0, 6).map(String), ["1.0", request[1]!.toString(), "", "127.0.0.1", "", "CURVE"]);
    assert.equal(request.length, 7);
    assert.deepEqual(request[6], ours.z85.decode(allowed.publicKey));
  } finally {
    closeAll(cli as unknown as PeerSocket, srv as unknown as PeerSocket);
  }
});

test("purezmq client refused by libzmq's ZAP: handshake:error:auth 400 on both sides, EACCES on receive", async () => {
  const srv = new zmq.Reply({ curveServer: true, curveSecretKey: server.secretKey, linger: 0 });
  const cli = new ours.Request(clientOptions(refused));
  try {
    await srv.bind("tcp://127.0.0.1:0");
    const serverAuth = event(srv, "handshake:error:auth");
    const clientAuth = event(cli, "handshake:error:auth");
    cli.connect(srv.lastEndpoint!);
    await cli.send("ping");
    await assert.rejects(withDeadline(cli.receive(), 5000, "the refusal"), (e: unknown) => e instanceof ours.ZmqError && e.code === "EACCES");
    assert.equal((await serverAuth).error?.status, 400);
    assert.equal((await clientAuth).error?.status, 400);
  } finally {
    closeAll(cli as unknown as PeerSocket, srv as unknown as PeerSocket);
  }
});

test("libzmq client -> purezmq CURVE server with curveAuthenticator: allowed key in, user id is its Z85 key", async () => {
  const seen: string[] = [];
  const srv = new ours.Reply({ curveServer: true, curveSecretKey: server.secretKey });
  srv.authenticator = ours.curveAuthenticator({ allow: (key) => (seen.push(key), key === allowed.publicKey) });
  const cli = new zmq.Request({ ...clientOptions(allowed), linger: 0 });
  try {
    await srv.bind("tcp://127.0.0.1:0");
    cli.connect(srv.lastEndpoint!);
    await cli.send("hello");
    assert.equal(String(await withDeadline(srv.receive(), 5000, "the request")), "hello");
    await srv.send("world");
    assert.equal(String(await withDeadline(cli.receive(), 5000, "the reply")), "world");
    assert.deepEqual(seen, [allowed.publicKey]);
  } finally {
    closeAll(cli as unknown as PeerSocket, srv as unknown as PeerSocket);
  }
});

test("libzmq client refused by curveAuthenticator: handshake:error:auth 400 on both sides", async () => {
  const srv = new ours.Reply({ curveServer: true, curveSecretKey: server.secretKey });
  srv.authenticator = ours.curveAuthenticator({ allow: [allowed.publicKey] });
  const cli = new zmq.Request({ ...clientOptions(refused), linger: 0 });
  try {
    await srv.bind("tcp://127.0.0.1:0");
    const serverAuth = event(srv, "handshake:error:auth");
    const clientAuth = event(cli, "handshake:error:auth");
    cli.connect(srv.lastEndpoint!);
    const se = await serverAuth;
    assert.equal(se.error?.status, 400);
    assert.equal(ourError(se)?.code, "EACCES");
    // libzmq reads our ERROR command as an authentication failure with its status.
    assert.equal((await clientAuth).error?.status, 400);
  } finally {
    closeAll(cli as unknown as PeerSocket, srv as unknown as PeerSocket);
  }
});

test("libzmq client -> purezmq CURVE server with a ZAP handler in its Context: the request carries CURVE and the raw key", async () => {
  const context = new ours.Context();
  const zap = new ours.Reply({ context });
  await zap.bind(ours.ZAP_ENDPOINT);
  const requests: Buffer[][] = [];
  void (async () => {
    for await (const frames of zap) {
      requests.push(frames);
      await zap.send(["1.0", frames[1]!, "200", "OK", "curve-user", ""]);
    }
  })();
  const srv = new ours.Reply({ context, curveServer: true, curveSecretKey: server.secretKey });
  const cli = new zmq.Request({ ...clientOptions(refused), linger: 0 });
  try {
    await srv.bind("tcp://127.0.0.1:0");
    cli.connect(srv.lastEndpoint!);
    await cli.send("hi");
    assert.equal(String(await withDeadline(srv.receive(), 5000, "the request")), "hi");
    assert.equal(requests.length, 1);
    assert.equal(requests[0]![5]!.toString(), "CURVE");
    assert.deepEqual(requests[0]![6], ours.z85.decode(refused.publicKey));
  } finally {
    closeAll(cli as unknown as PeerSocket, srv as unknown as PeerSocket, zap as unknown as PeerSocket);
  }
});

for (const [serverLib, clientLib] of [["purezmq", "libzmq"], ["libzmq", "purezmq"]] as const) {
  test(`a ${clientLib} client with the wrong server key is refused by a ${serverLib} server; nothing gets through`, async () => {
    const wrong = ours.curveKeyPair().publicKey;
    const srvOptions = { curveServer: true, curveSecretKey: server.secretKey, linger: 0 };
    const srv = serverLib === "purezmq" ? new ours.Pull(srvOptions) : new zmq.Pull(srvOptions);
    const cliOptions = { ...clientOptions(allowed, wrong), linger: 0 };
    const cli = clientLib === "purezmq" ? new ours.Push(cliOptions) : new zmq.Push(cliOptions);
    try {
      await srv.bind("tcp://127.0.0.1:0");
      const failed = event(srv, "handshake:error:protocol");
      cli.connect(srv.lastEndpoint!);
      void cli.send("must not arrive").catch(() => undefined);
      const e = await failed;
      if (serverLib === "purezmq") assert.match(ourError(e)!.message, /HELLO does not open/);
      (srv as { receiveTimeout: number }).receiveTimeout = 200;
      await assert.rejects(srv.receive(), (err: unknown) => (err as { code?: string }).code === "EAGAIN");
    } finally {
      closeAll(cli as unknown as PeerSocket, srv as unknown as PeerSocket);
    }
  });
}

test("with no ZAP handler, a CURVE server of either library lets in any client that knows its key", async () => {
  const nativeContext = new zmq.Context();
  const servers = [
    new ours.Pull({ context: new ours.Context(), curveServer: true, curveSecretKey: server.secretKey }),
    new zmq.Pull({ context: nativeContext, curveServer: true, curveSecretKey: server.secretKey, linger: 0 }),
  ];
  const clients: Array<ours.Push | zmq.Push> = [];
  try {
    for (const srv of servers) {
      await srv.bind("tcp://127.0.0.1:0");
      for (const lib of [ours, zmq]) {
        const cli = new lib.Push({ ...clientOptions(refused), linger: 0 } as never);
        clients.push(cli);
        cli.connect(srv.lastEndpoint!);
        await cli.send("in");
        assert.equal(String(await withDeadline(srv.receive(), 5000, "the message")), "in");
      }
    }
  } finally {
    closeAll(...([...clients, ...servers] as unknown as PeerSocket[]));
  }
});
