/**
 * Differential: what send() accepts and what arrives, byte for byte, and
 * who owns the bytes after send(): zeromq.js copies parts of up to 128
 * bytes and sends larger ones without a copy.
 */
import { Buffer } from "node:buffer";
import { same, syncOutcome, type Zmq } from "./differential.js";

async function pipeline(zmq: Zmq, closing: <S extends { close(): void }>(s: S) => S, transport: "tcp" | "inproc", name: string) {
  const pull = closing(new zmq.Pull());
  const push = closing(new zmq.Push());
  await pull.bind(transport === "tcp" ? "tcp://127.0.0.1:*" : `inproc://${name}`);
  push.connect(pull.lastEndpoint!);
  return { pull, push };
}

same("values zeromq.js coerces arrive as the same bytes", async (zmq, { closing }) => {
  const { pull, push } = await pipeline(zmq, closing, "tcp", "coerce");
  const values: Record<string, unknown> = {
    buffer: Buffer.from("buf"),
    slice: Buffer.from("abcdef").subarray(2, 4),
    uint8: new Uint8Array([1, 2, 3]),
    uint16: new Uint16Array([1, 2]),
    float64: new Float64Array([1.5]),
    arrayBuffer: new Uint8Array([4, 5]).buffer,
    string: "hé",
    empty: "",
    null: null,
    true: true,
    false: false,
    number: 42,
    float: -1.25,
    bigint: 10n,
    undefinedInArray: undefined,
    object: { a: 1 },
  };
  const got: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    await push.send([value as never]);
    const [part] = await pull.receive();
    got[key] = part!.toString("hex");
  }
  return got;
}, {
  buffer: "627566", slice: "6364", uint8: "010203", uint16: "01000200", float64: "000000000000f83f",
  arrayBuffer: "0405", string: "68c3a9", empty: "", null: "", true: "74727565", false: "66616c7365",
  number: "3432", float: "2d312e3235", bigint: "3130", undefinedInArray: "756e646566696e6564",
  object: "5b6f626a656374204f626a6563745d",
});

same("a single non-array value is one part", async (zmq, { closing }) => {
  const { pull, push } = await pipeline(zmq, closing, "tcp", "single");
  await push.send(5);
  const five = (await pull.receive()).map(String);
  await push.send(null);
  const empty = (await pull.receive()).map((p) => p.length);
  return { five, empty };
}, { five: ["5"], empty: [0] });

same("a part of up to 128 bytes is copied at send: changing it afterwards changes nothing", async (zmq, { closing }) => {
  const { pull, push } = await pipeline(zmq, closing, "tcp", "copy");
  const buffer = Buffer.alloc(128, "a");
  const view = new Uint8Array(16).fill(1);
  const arrayBuffer = new Uint8Array(8).fill(1).buffer;
  await push.send([buffer, view, arrayBuffer]);
  buffer.fill("b");
  view.fill(2);
  new Uint8Array(arrayBuffer).fill(2);
  const [b, v, a] = await pull.receive();
  return { buffer: b!.toString().slice(0, 3), view: v![0], arrayBuffer: a![0] };
}, { buffer: "aaa", view: 1, arrayBuffer: 1 });

same("over inproc, a received part aliases the sent one only above 128 bytes (zero-copy)", async (zmq, { closing }) => {
  const { pull, push } = await pipeline(zmq, closing, "inproc", "messages-alias");
  const result: Record<number, boolean> = {};
  for (const size of [100, 128, 129, 1000]) {
    const sent = Buffer.alloc(size, "a");
    await push.send(sent);
    const [got] = await pull.receive();
    sent.fill("c");
    result[size] = got![0] === "c".charCodeAt(0);
  }
  return result;
}, { 100: false, 128: false, 129: true, 1000: true });

same("send() with no message throws a TypeError at once", (zmq, { closing }) => {
  const push = closing(new zmq.Push());
  return syncOutcome(() => (push.send as (m?: unknown) => Promise<void>)());
}, { threw: { name: "TypeError", message: "Message must be present" } });
