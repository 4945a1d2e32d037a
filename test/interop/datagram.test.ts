/**
 * Datagram (DGRAM) against libzmq 4.3.5's (the `zeromq` package's
 * `zeromq/draft`): purezmq and libzmq answering each other over udp://,
 * either one first; then the same checks run against both libraries,
 * which must observe the same: the address form of what comes in, the
 * addresses a send takes and drops, the part rules, the size bounds and
 * the endpoints refused. Last, the deliberate differences, each library
 * giving its own documented outcome.
 */
import * as dgram from "node:dgram";
import { once } from "node:events";
import { test } from "node:test";
import assert from "node:assert/strict";
import "zeromq";
import * as theirs from "zeromq/draft.js";
import * as ours from "../../src/draft/index.js";
import { freeUdpPort, ipcPath, withDeadline, type Impl } from "./peers.js";

const TIMEOUT = 10_000;

type Lib = Pick<typeof ours, "Datagram">;
type DatagramSocket = InstanceType<typeof ours.Datagram>;

const LIBS: Record<Impl, Lib> = { purezmq: ours, libzmq: theirs as unknown as Lib };

/**
 * A Datagram of `impl` bound to a free port of 127.0.0.1, and that port,
 * once it receives: libzmq opens a udp:// endpoint in its I/O thread after
 * bind() has resolved, and a datagram that arrives before is lost, as UDP
 * loses it. Probes go from a plain UDP socket until one is read, then an
 * end marker, read too, so that no probe is left for the test to read.
 */
async function bound(impl: Impl, options: object = {}): Promise<[DatagramSocket, number]> {
  const sock = new LIBS[impl].Datagram({ linger: 0, ...options });
  const port = await freeUdpPort();
  await sock.bind(`udp://127.0.0.1:${port}`);
  const prober = dgram.createSocket("udp4");
  try {
    const probe = (body: string): void => void prober.send(body, port, "127.0.0.1");
    const timer = setInterval(() => probe("probe"), 20);
    probe("probe");
    try {
      await withDeadline(sock.receive(), TIMEOUT, `${impl} Datagram receiving on ${port}`);
    } finally {
      clearInterval(timer);
    }
    probe("probes end");
    // Datagrams between two loopback sockets keep their order.
    for (;;) {
      const [, body] = await withDeadline(sock.receive(), TIMEOUT, "the end of the probes");
      if (String(body) === "probes end") break;
    }
  } finally {
    prober.close();
  }
  return [sock, port];
}

for (const [first, second] of [["purezmq", "libzmq"], ["libzmq", "purezmq"]] as const) {
  test(`Datagram(${first}) sends to Datagram(${second}), which answers by the address received`, async (t) => {
    const [a, portA] = await bound(first);
    const [b, portB] = await bound(second);
    t.after(() => {
      a.close();
      b.close();
    });
    for (const body of ["ping", "", "x".repeat(8192)]) {
      await a.send([`127.0.0.1:${portB}`, body]);
      const [from, got] = await withDeadline(b.receive(), TIMEOUT, "the datagram");
      assert.deepEqual([String(from), String(got)], [`127.0.0.1:${portA}\0`, body]);
      await b.send([from, `re:${body.length}`]);
      const [back, reply] = await withDeadline(a.receive(), TIMEOUT, "the answer");
      assert.deepEqual([String(back), String(reply)], [`127.0.0.1:${portB}\0`, `re:${body.length}`]);
    }
  });
}

/** A node:dgram socket on 127.0.0.1 that collects what it receives. */
async function udpPeer(): Promise<{ port: number; got: string[]; until(body: string): Promise<void>; send(data: Buffer | string, port: number): Promise<void>; close(): void }> {
  const sock = dgram.createSocket("udp4");
  sock.bind(0, "127.0.0.1");
  await once(sock, "listening");
  const got: string[] = [];
  sock.on("message", (d) => got.push(String(d)));
  return {
    port: sock.address().port,
    got,
    // Datagrams on the loopback between two sockets keep their order: once `body` is in, what was sent before is too.
    until: (body) =>
      withDeadline(
        new Promise<void>((resolve) => {
          const check = (): void => {
            if (!got.includes(body)) return;
            sock.off("message", check);
            resolve();
          };
          sock.on("message", check);
          check();
        }),
        TIMEOUT,
        JSON.stringify(body),
      ),
    send: (data, port) => new Promise((resolve, reject) => sock.send(data, port, "127.0.0.1", (e) => (e ? reject(e) : resolve()))),
    close: () => sock.close(),
  };
}

/** What a send or call did: its error code, or "ok". */
async function outcome(fn: () => unknown): Promise<string> {
  try {
    await fn();
    return "ok";
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

const checks: Record<string, (impl: Impl) => Promise<unknown>> = {
  "a datagram comes in as ip:port NUL and body, whatever its size up to 8192; longer ones are cut": async (impl) => {
    const [sock, port] = await bound(impl);
    const peer = await udpPeer();
    try {
      const seen = [];
      for (const size of [0, 5, 8192, 9000]) {
        await peer.send(Buffer.alloc(size, 0x61), port);
        const [from, body] = await withDeadline(sock.receive(), TIMEOUT, `a datagram of ${size}`);
        seen.push([String(from) === `127.0.0.1:${peer.port}\0`, body.length]);
      }
      return seen;
    } finally {
      sock.close();
      peer.close();
    }
  },
  "the addresses a send takes (inet_addr and atoi) and those it drops": async (impl) => {
    const [sock] = await bound(impl);
    const peer = await udpPeer();
    const p = peer.port;
    const addresses = [
      `127.0.0.1:${p}`, `127.0.0.1:${p}\0`, "", `localhost:${p}`, `127.1:${p}`, `127.0.1:${p}`, `2130706433:${p}`,
      `0x7f.0.0.1:${p}`, `0177.0.0.1:${p}`, `08.0.0.1:${p}`, `127.0.0.1:${p}junk`, ` 127.0.0.1:${p}`,
      `127.0.0.1: ${p}`, `127.0.0.1:+${p}`, `127.0.0.1:${p + 65536}`, `127.0.0.1:-${65536 - p}`, `127.0.0.1:0`,
      `127.0.0.1:${p}\0garbage`, `[127.0.0.1]:${p}`, `127.0.0.1 :${p}`, `127.0.0.1\0:${p}`, `127.0.0.256:${p}`,
      `127.0.0.1.1:${p}`, `255.255.255.255:${p}`, "127.0.0.1", `127.0.0.1:${p}:1`,
    ];
    try {
      const sent = [];
      for (const [i, address] of addresses.entries()) sent.push(await outcome(() => sock.send([address, `#${i}`])));
      await sock.send([`127.0.0.1:${p}`, "end"]);
      await peer.until("end");
      // Which addresses arrived, by index: the text holds each library's own port.
      return { sent, arrived: peer.got.filter((b) => b !== "end") };
    } finally {
      sock.close();
      peer.close();
    }
  },
  "parts: one or three fail EINVAL; after three, a lone body completes the first part's address": async (impl) => {
    const [sock] = await bound(impl);
    const peer = await udpPeer();
    const to = `127.0.0.1:${peer.port}`;
    try {
      const sent = [
        await outcome(() => sock.send("alone")),
        await outcome(() => sock.send([to, "a", "b"])),
        await outcome(() => sock.send([to, "after"])),
        await outcome(() => sock.send("lone body")),
        await outcome(() => sock.send([to, "end"])),
      ];
      await peer.until("end");
      return { sent, arrived: peer.got };
    } finally {
      sock.close();
      peer.close();
    }
  },
  "a send with nothing bound waits: EAGAIN at sendTimeout": async (impl) => {
    const sock = new LIBS[impl].Datagram({ linger: 0, sendTimeout: 50 });
    try {
      return await outcome(() => sock.send(["127.0.0.1:9", "x"]));
    } finally {
      sock.close();
    }
  },
  "connect fails ENOCOMPATPROTO; an IPv6 bind ENODEV": async (impl) => {
    const sock = new LIBS[impl].Datagram({ linger: 0 });
    try {
      return [
        await outcome(() => sock.connect(`udp://127.0.0.1:${9}`)),
        await outcome(() => sock.bind("udp://[::1]:5555")),
      ];
    } finally {
      sock.close();
    }
  },
  "a second bind succeeds; what reaches it is dropped": async (impl) => {
    const [sock, port] = await bound(impl);
    const peer = await udpPeer();
    try {
      const second = await freeUdpPort();
      const bind = await outcome(() => sock.bind(`udp://127.0.0.1:${second}`));
      await peer.send("to the second", second);
      await peer.send("to the first", port);
      const [, body] = await withDeadline(sock.receive(), TIMEOUT, "a datagram");
      return [bind, String(body)];
    } finally {
      sock.close();
      peer.close();
    }
  },
  "type and threadSafe": async (impl) => {
    const sock = new LIBS[impl].Datagram();
    const seen = [sock.type, sock.threadSafe];
    sock.close();
    return seen;
  },
};

for (const [name, check] of Object.entries(checks)) {
  test(`same outcome on both libraries: ${name}`, async () => {
    const got = await check("libzmq");
    assert.deepEqual(await check("purezmq"), got);
    assert.notEqual(got, undefined);
  });
}

/** Runs `check` against both libraries; each must give its own documented outcome. */
function differs(name: string, check: (impl: Impl) => Promise<unknown>, expected: Record<Impl, unknown>, reason: string): void {
  test(`deliberate difference: ${name} (${reason})`, async () => {
    assert.deepEqual(await check("libzmq"), expected.libzmq);
    assert.deepEqual(await check("purezmq"), expected.purezmq);
  });
}

differs("lastEndpoint after a udp:// bind to port 0", async (impl) => {
  const sock = new LIBS[impl].Datagram({ linger: 0 });
  try {
    await sock.bind("udp://127.0.0.1:0");
    return /^udp:\/\/127\.0\.0\.1:[1-9]\d*$/.test(sock.lastEndpoint!) ? "udp://127.0.0.1:<port>" : sock.lastEndpoint;
  } finally {
    sock.close();
  }
}, { libzmq: "127.0.0.1:0", purezmq: "udp://127.0.0.1:<port>" }, "purezmq tells the port it got");

differs("a bind to tcp://, ipc:// or inproc://", async (impl) => {
  const sock = new LIBS[impl].Datagram({ linger: 0 });
  try {
    return [
      await outcome(() => sock.bind("tcp://127.0.0.1:*")),
      await outcome(() => sock.bind(`ipc://${ipcPath()}`)),
      await outcome(() => sock.bind(`inproc://datagram-${impl}`)),
    ];
  } finally {
    sock.close();
  }
}, { libzmq: ["ok", "ok", "ok"], purezmq: ["ENOCOMPATPROTO", "ENOCOMPATPROTO", "ENOCOMPATPROTO"] }, "a DGRAM delivers nothing usable over them");
