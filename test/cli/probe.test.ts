/**
 * `purezmq probe` against real peers: libzmq 4.3.5 (the `zeromq` package)
 * with NULL, PLAIN and CURVE, purezmq's own sockets, a deliberately broken
 * scripted peer (whose deviations must be reported, with exit status 1)
 * and a silent one (the probe must end, not hang).
 */
import assert from "node:assert/strict";
import * as net from "node:net";
import { after, before, describe, test } from "node:test";
import * as zmq from "zeromq";
import * as ours from "../../src/index.js";
import { runChecks, type ProbeSettings } from "../../src/cli/probe/checks.js";
import type { CheckResult } from "../../src/cli/probe/report.js";
import { FLAG_COMMAND, FrameDecoder, importSecretKey, decodeCommand, encodeCommand, encodeFrame, encodeGreeting, encodeReady } from "../../src/zmtp/wire/index.js";
import { refusedEndpoint } from "../support/refused-port.js";
import { runCli } from "./cli-process.js";

/** Each wait of the probe: short, since every peer here is on loopback. */
const TIMEOUT_MS = 1000;

function verdicts(rows: readonly CheckResult[]): Record<string, string> {
  return Object.fromEntries(rows.map((r) => [r.check, r.result]));
}

function rowOf(rows: readonly CheckResult[], check: string): CheckResult {
  const r = rows.find((x) => x.check === check);
  assert.ok(r, `no row ${check} in ${JSON.stringify(rows)}`);
  return r;
}

function probe(endpoint: string, extra: Partial<ProbeSettings> = {}): Promise<CheckResult[]> {
  return runChecks({ endpoint, security: { mechanism: "NULL" }, timeoutMs: TIMEOUT_MS, ...extra });
}

describe("probe against libzmq 4.3.5", () => {
  let zap: zmq.Reply;
  before(async () => {
    zap = new zmq.Reply({ linger: 0 });
    await zap.bind("inproc://zeromq.zap.01");
    void (async () => {
      for await (const f of zap) {
        const ok = f[5]?.toString() !== "PLAIN" || (f[6]?.toString() === "auditor" && f[7]?.toString() === "right-password");
        await zap.send(["1.0", f[1]!, ok ? "200" : "400", ok ? "OK" : "Denied", "auditor", ""]);
      }
    })();
  });
  after(() => zap.close());

  test("a NULL REP passes every check that applies", async () => {
    const server = new zmq.Reply({ linger: 0 });
    await server.bind("tcp://127.0.0.1:*");
    try {
      const rows = await probe(server.lastEndpoint!);
      const v = verdicts(rows);
      for (const check of ["handshake", "greeting", "greeting-as-server", "greeting-split", "minor-0", "minor-1", "minor-2", "padding",
        "mechanism-mismatch", "ready-mixed-case", "ping-pong", "ping-ttl", "unknown-command", "oversize-frame"]) {
        assert.equal(v[check], "pass", `${check}: ${rowOf(rows, check).detail}`);
      }
      assert.equal(v["subscribe-3.0"], "n.a.");
      assert.match(rowOf(rows, "ping-pong").detail, /purezmq-probe-16/);
      assert.match(rowOf(rows, "handshake").detail, /as DEALER with a REP peer/);
      assert.equal(rows.filter((r) => r.result === "deviation").length, 0);
    } finally {
      server.close();
    }
  });

  test("libzmq's known PLAIN departures are findings, not deviations: the garbled ERROR name and the server's as-server 0", async () => {
    const server = new zmq.Reply({ linger: 0, plainServer: true });
    await server.bind("tcp://127.0.0.1:*");
    try {
      const rows = await probe(server.lastEndpoint!, { security: { mechanism: "PLAIN", plain: { username: "auditor", password: "right-password" } } });
      assert.equal(rowOf(rows, "handshake").result, "pass");
      const refusal = rowOf(rows, "plain-refusal");
      assert.equal(refusal.result, "finding");
      assert.match(refusal.detail, /ERROR "400", its name written 5E 'RROR'/);
      const asServer = rowOf(rows, "greeting-as-server");
      assert.equal(asServer.result, "finding");
      assert.match(asServer.detail, /as-server 0 from the PLAIN server/);
      assert.deepEqual(rows.filter((r) => r.result === "deviation"), []);
      // And the command's exit status: findings alone are not a failure.
      const cli = await runCli(["probe", server.lastEndpoint!, "--mechanism", "plain", "--plain", "auditor:right-password", "--timeout", String(TIMEOUT_MS), "--json"], 30_000);
      assert.equal(cli.status, 0, cli.stderr);
      const json = JSON.parse(cli.stdout) as { mechanism: string; checks: CheckResult[] };
      assert.equal(json.mechanism, "PLAIN");
      assert.equal(rowOf(json.checks, "plain-refusal").result, "finding");
    } finally {
      server.close();
    }
  });

  test("a CURVE REP: the handshake, a HELLO for another key refused", async () => {
    const keys = zmq.curveKeyPair();
    const server = new zmq.Reply({ linger: 0, curveServer: true, curveSecretKey: keys.secretKey });
    await server.bind("tcp://127.0.0.1:*");
    try {
      const clientKeys = ours.curveKeyPair();
      const rows = await probe(server.lastEndpoint!, {
        security: { mechanism: "CURVE", curve: { serverKey: ours.z85.decode(keys.publicKey), keys: importSecretKey(ours.z85.decode(clientKeys.secretKey)) } },
      });
      const v = verdicts(rows);
      assert.equal(v.handshake, "pass");
      assert.equal(v["curve-wrong-key"], "pass");
      assert.equal(v["greeting-as-server"], "finding", "libzmq's CURVE server sends as-server 0, as its PLAIN server does");
      assert.equal(v["ping-pong"], "pass", "PING and PONG travel sealed");
      assert.deepEqual(rows.filter((r) => r.result === "deviation"), []);
    } finally {
      server.close();
    }
  });

  test("a SUB sends its subscriptions as a message to a 3.0 peer and as SUBSCRIBE to a 3.1 peer", async () => {
    const sub = new zmq.Subscriber({ linger: 0 });
    sub.subscribe("probe");
    await sub.bind("tcp://127.0.0.1:*");
    // libzmq attaches a connection's pipe (and sends the subscriptions on
    // it) only when the socket's own thread runs: a pending receive does.
    sub.receive().catch(() => undefined);
    try {
      const rows = await probe(sub.lastEndpoint!);
      assert.equal(rowOf(rows, "subscribe-3.0").result, "pass", rowOf(rows, "subscribe-3.0").detail);
      assert.match(rowOf(rows, "subscribe-3.0").detail, /as a message/);
      assert.equal(rowOf(rows, "subscribe-3.1").result, "pass", rowOf(rows, "subscribe-3.1").detail);
      assert.match(rowOf(rows, "subscribe-3.1").detail, /as a command/);
    } finally {
      sub.close();
    }
  });
});

describe("probe against purezmq", () => {
  test("a PUB delivers after either subscription form; no deviation", async () => {
    const pub = new ours.Publisher();
    await pub.bind("tcp://127.0.0.1:0");
    const ticker = setInterval(() => void pub.send(["tick", "1"]).catch(() => undefined), 20);
    try {
      const rows = await probe(pub.lastEndpoint!);
      assert.equal(rowOf(rows, "subscribe-3.0").result, "pass", rowOf(rows, "subscribe-3.0").detail);
      assert.equal(rowOf(rows, "subscribe-3.1").result, "pass", rowOf(rows, "subscribe-3.1").detail);
      assert.deepEqual(rows.filter((r) => r.result === "deviation"), []);
    } finally {
      clearInterval(ticker);
      pub.close();
    }
  });

  test("a CURVE server sends as-server 1 (a pass where libzmq's 0 is a finding)", async () => {
    const keys = ours.curveKeyPair();
    const server = new ours.Reply({ curveServer: true, curveSecretKey: keys.secretKey });
    await server.bind("tcp://127.0.0.1:0");
    try {
      const cli = await runCli(["probe", server.lastEndpoint!, "--mechanism", "curve", "--curve-server-key", keys.publicKey, "--timeout", String(TIMEOUT_MS)], 30_000);
      assert.equal(cli.status, 0, cli.stderr);
      assert.match(cli.stdout, /^greeting-as-server +pass +RFC 23 "Security Mechanism" +as-server 1 \(the CURVE server\)$/m);
      assert.match(cli.stdout, /^curve-wrong-key +pass /m);
      assert.match(cli.stdout, /\d+ pass, 0 deviation\(s\), 0 finding\(s\), 2 n\.a\.$/);
    } finally {
      server.close();
    }
  });
});

/**
 * A REP-like peer that breaks the RFCs on purpose: as-server 1 under NULL,
 * a filler that is not zero, PONGs with the wrong context, and it never
 * closes (not even on a mechanism mismatch).
 */
function brokenPeer(properties: ReadonlyArray<readonly [string, string]> = [["Socket-Type", "REP"]]): Promise<net.Server> {
  const server = net.createServer((socket) => {
    const greeting = encodeGreeting("NULL", true);
    greeting.fill(0xee, 33, 64);
    socket.write(greeting);
    let skipped = 0;
    let ready = false;
    const decoder = new FrameDecoder({
      onFrame(body, flags) {
        if ((flags & FLAG_COMMAND) === 0) return;
        if (decodeCommand(body).name === "PING") socket.write(encodeFrame(encodeCommand("PONG", Buffer.from("not-yours")), FLAG_COMMAND));
      },
    }, 1 << 20);
    socket.on("data", (chunk: Buffer) => {
      if (skipped < 64) {
        const take = Math.min(64 - skipped, chunk.length);
        skipped += take;
        chunk = chunk.subarray(take);
        if (skipped < 64) return;
        if (!ready) {
          ready = true;
          socket.write(encodeFrame(encodeReady(properties), FLAG_COMMAND));
        }
      }
      try {
        decoder.push(chunk);
      } catch {
        /* garbage (the oversize frame) is ignored: this peer never closes */
      }
    });
    socket.on("error", () => undefined);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

describe("probe against broken peers", () => {
  test("a scripted peer's deviations are reported, and the command exits 1", async () => {
    const server = await brokenPeer();
    const endpoint = `tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    try {
      const rows = await probe(endpoint, { timeoutMs: TIMEOUT_MS });
      const v = verdicts(rows);
      assert.equal(v["greeting-as-server"], "deviation");
      assert.equal(v["greeting-filler"], "deviation");
      assert.match(rowOf(rows, "ping-pong").detail, /PONG context 6e6f742d796f757273, not the PING's/);
      assert.equal(v["ping-pong"], "deviation");
      assert.equal(v["mechanism-mismatch"], "deviation");
      assert.equal(v["ping-ttl"], "finding");
      const cli = await runCli(["probe", endpoint, "--timeout", String(TIMEOUT_MS)], 30_000);
      assert.equal(cli.status, 1);
      assert.match(cli.stdout, /^ping-pong +deviation +RFC 37 "The PING Command" +PONG context/m);
      assert.match(cli.stderr, /deviates from the RFCs/);
    } finally {
      server.close();
    }
  });

  test("what a peer names itself is only text: an odd Socket-Type and a huge READY are shown cut", async () => {
    const many = Array.from({ length: 150 }, (_, i): [string, string] => [`X-${String(i).padStart(3, "0")}-${"n".repeat(240)}`, "v"]);
    const server = await brokenPeer([["Socket-Type", "__proto__"], ...many]);
    try {
      const rows = await probe(`tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`, { timeoutMs: TIMEOUT_MS });
      assert.match(rowOf(rows, "handshake").detail, /as DEALER with a __proto__ peer/);
      assert.equal(rowOf(rows, "subscribe-3.0").result, "n.a.");
      const ready = rowOf(rows, "ready-properties").detail;
      assert.match(ready, /…\(\d+ more chars\)$/);
      for (const r of rows) assert.ok(r.detail.length <= 340, `${r.check}: ${r.detail.length} characters`);
    } finally {
      server.close();
    }
  });

  test("a silent peer ends the probe at its deadline (a deviation: a peer must greet), nothing else run", async () => {
    const held: net.Socket[] = [];
    const server = net.createServer((s) => held.push(s));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const endpoint = `tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    try {
      const started = Date.now();
      const rows = await probe(endpoint, { timeoutMs: 300 });
      assert.ok(Date.now() - started < 5000);
      assert.deepEqual(rows.map((r) => [r.check, r.result]), [["handshake", "deviation"]]);
      assert.match(rows[0]!.detail, /no greeting \(timeout\)/);
    } finally {
      for (const s of held) s.destroy();
      server.close();
    }
  });

  test("nothing listening: one line, exit status 1", async () => {
    const cli = await runCli(["probe", await refusedEndpoint()]);
    assert.equal(cli.status, 1);
    assert.equal(cli.stdout, "");
    assert.match(cli.stderr, /nothing listens at/);
  });
});
