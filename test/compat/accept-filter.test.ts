/**
 * Differential: `tcpAcceptFilter`, the addresses a tcp:// listener accepts
 * peers from. Which texts libzmq takes (numeric addresses in inet_aton's
 * and inet_pton's forms, a bit count read as strtol reads it, under the
 * `ipv6` option in force), and what a peer outside the list meets: closed
 * at once, with `accept:error` (EAGAIN) on the listener.
 */
import { Buffer } from "node:buffer";
import { eventName, eventsUntil, same, type Zmq } from "./differential.js";

/** Texts of every form: accepted and refused, IPv4 and IPv6, masks, zones, brackets, C-string ends. */
const TEXTS: Array<string | Buffer | null> = [
  "1.2.3.4", "1.2.3", "1", "0x7f.1", "010.1.1.1", "0377.0.0.1", "0xffffffff", "4294967295", "1.65536", "1.2.256",
  "4294967296", "256.1.1.1", "1.16777216", "1.2.65536", "1.0x100.1", "08.1.1.1", "0x", "1.2.3.0x", "1..2", ".1.2.3",
  "1.2.3.", "1.2.3.4.5", " 1.2.3.4", "1.2.3.4 ", "localhost", "",
  "1.2.3.4/0", "1.2.3.4/", "1.2.3.4/33", "1.2.3.4/1e1", "1.2.3.4/08", "1.2.3.4/00", "1.2.3.4/-1", "1.2.3.4/+5",
  "1.2.3.4/ 5", "1.2.3.4/ 0", "1.2.3.4/abc", "1.2.3.4/32/8", "/8", "1.2.3.4/9999999999999999999999",
  "::1", "::1/128", "::1/129", "::", ":::", "1::2::3", "12345::", ":1::", "1::2:", "1:2:3:4:5:6:7:8",
  "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::", "::1.2.3.4", "::01.2.3.4", "::256.2.3.4", "1:2:3:4:5:6:1.2.3.4",
  "::ffff:1.2.3.4", "::ffff:0102:0304", "::ffff:1.2.3.4/33", "::ffff:1.2.3.4/96",
  "[::1]", "[::1", "[1.2.3.4]", "[::1]/64", "[::1%1]", "[::1]%1", "::1%1", "::1%0", "1.2.3.4%", "1.2.3.4% 1",
  "fe80::1%no-such-interface",
  "1.2.3.4\u0000junk", Buffer.from("1.2.3.4\u0000xx"), Buffer.from("\u0000"), "1".repeat(256), Buffer.alloc(0), null,
];

same("which tcpAcceptFilter texts are taken, with ipv6 off and on", (zmq, { closing }) => {
  const seen: Record<string, string> = {};
  for (const ipv6 of [false, true]) {
    const s = closing(new zmq.Router({ ipv6 })) as unknown as Record<string, unknown>;
    for (const text of TEXTS) {
      const key = `${ipv6 ? "ipv6 " : ""}${Buffer.isBuffer(text) ? `Buffer ${text.toString("hex")}` : JSON.stringify(text)}`;
      try {
        s.tcpAcceptFilter = text;
        seen[key] = "ok";
      } catch (err) {
        seen[key] = String((err as { code?: unknown }).code);
      }
    }
  }
  return seen;
}, expectedTexts());

/** What libzmq 4.3 answers for each text (read off zeromq.js once; the test holds both libraries to it). */
function expectedTexts(): Record<string, string> {
  const refused4 = new Set([
    "4294967296", "256.1.1.1", "1.16777216", "1.2.65536", "1.0x100.1", "08.1.1.1", "0x", "1.2.3.0x", "1..2", ".1.2.3",
    "1.2.3.", "1.2.3.4.5", " 1.2.3.4", "1.2.3.4 ", "localhost", "", "1.2.3.4/", "1.2.3.4/33", "1.2.3.4/00",
    "1.2.3.4/-1", "1.2.3.4/ 0", "1.2.3.4/abc", "1.2.3.4/32/8", "/8", "1.2.3.4/9999999999999999999999",
    "::1", "::1/128", "::1/129", "::", ":::", "1::2::3", "12345::", ":1::", "1::2:", "1:2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::", "::1.2.3.4", "::01.2.3.4", "::256.2.3.4", "1:2:3:4:5:6:1.2.3.4",
    "::ffff:1.2.3.4/33", "::ffff:1.2.3.4/96", "[::1]", "[::1", "[::1]/64", "[::1%1]", "[::1]%1", "::1%1", "::1%0",
    "1.2.3.4%", "fe80::1%no-such-interface", "Buffer 00", "1".repeat(256),
  ]);
  // With ipv6 on, IPv6 texts are taken and IPv4 ones become IPv4-mapped IPv6 (so /33 and /96 fit).
  const taken6 = new Set([
    "::1", "::1/128", "::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::1.2.3.4", "1:2:3:4:5:6:1.2.3.4", "1.2.3.4/33",
    "::ffff:1.2.3.4/33", "::ffff:1.2.3.4/96", "[::1]", "[::1]/64", "[::1%1]", "::1%1",
  ]);
  const out: Record<string, string> = {};
  for (const ipv6 of [false, true]) {
    for (const text of TEXTS) {
      const name = Buffer.isBuffer(text) ? `Buffer ${text.toString("hex")}` : text;
      const key = `${ipv6 ? "ipv6 " : ""}${Buffer.isBuffer(text) ? name : JSON.stringify(text)}`;
      const refused = typeof name === "string" && refused4.has(name) && !(ipv6 && taken6.has(name));
      out[key] = refused ? "EINVAL" : "ok";
    }
  }
  return out;
}

/**
 * Binds a ROUTER with `filters` at `host`, connects a DEALER that sends
 * "hi": the message the ROUTER gets, or the code of the `accept:error` it
 * reports first (as "accept:error:CODE").
 */
async function peerMeets(zmq: Zmq, closing: <S extends { close(): void }>(s: S) => S, host: string, filters: Array<string | null>, ipv6 = false): Promise<string> {
  const router = closing(new zmq.Router({ ipv6 }));
  for (const filter of filters) (router as unknown as Record<string, unknown>).tcpAcceptFilter = filter;
  await router.bind(`tcp://${host}:*`);
  const refused = eventsUntil(router, "accept:error").then((seen) => eventName(seen.at(-1)!));
  // linger 0: a refused peer keeps "hi" queued, which would hold zeromq.js's exit.
  const dealer = closing(new zmq.Dealer({ ipv6, linger: 0 }));
  dealer.connect(router.lastEndpoint!);
  await dealer.send("hi");
  const received = router.receive().then(([, body]) => `received ${String(body)}`);
  return Promise.race([refused, received]);
}

same("a peer outside the filters is closed at once with accept:error; one inside them passes", async (zmq, { closing }) => ({
  outside: await peerMeets(zmq, closing, "127.0.0.1", ["10.0.0.0/8"]),
  inside: await peerMeets(zmq, closing, "127.0.0.1", ["10.0.0.1", "127.0.0.0/8"]),
  shortForm: await peerMeets(zmq, closing, "127.0.0.1", ["127.1"]),
  maskedOut: await peerMeets(zmq, closing, "127.0.0.1", ["127.0.0.2/31"]),
  maskedIn: await peerMeets(zmq, closing, "127.0.0.1", ["127.0.0.0/31"]),
  partOfFirstOctet: await peerMeets(zmq, closing, "127.0.0.1", ["126.0.0.0/7"]),
  cleared: await peerMeets(zmq, closing, "127.0.0.1", ["10.0.0.1", null]),
}), {
  outside: "accept:error:EAGAIN",
  inside: "received hi",
  shortForm: "received hi",
  maskedOut: "accept:error:EAGAIN",
  maskedIn: "received hi",
  partOfFirstOctet: "received hi",
  cleared: "received hi",
});

same("with ipv6 on an IPv4 filter is IPv4-mapped: it does not match a peer at ::1", async (zmq, { closing }) => ({
  mapped: await peerMeets(zmq, closing, "[::1]", ["127.0.0.1"], true),
  loopback: await peerMeets(zmq, closing, "[::1]", ["::1"], true),
  prefix: await peerMeets(zmq, closing, "[::1]", ["::/64"], true),
}), {
  mapped: "accept:error:EAGAIN",
  loopback: "received hi",
  prefix: "received hi",
});
