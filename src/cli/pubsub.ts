/** `purezmq sub` and `purezmq pub`: watch and feed publish-subscribe traffic. */
import { Buffer } from "node:buffer";
import { Subscriber, XPublisher } from "../index.js";
import { luaovermq } from "../rpc/index.js";
import type { EventOfType } from "../index.js";
import { bytesFlag, jsonArg, msFlag, parseArgs, UsageError } from "./args.js";
import { toJson } from "./json-print.js";
import { ProgressLine } from "./progress.js";
import { terminalSafe } from "./terminal-safe.js";

/** Usage line of `purezmq sub`. */
export const SUB_USAGE = "purezmq sub <endpoint> [topic...] [--bind] [--json] [--max-message bytes]";
/** Default of `--max-message`: the largest frame accepted, in octets. */
export const DEFAULT_MAX_MESSAGE = 16 * 1024 * 1024;
/** Usage line of `purezmq pub`. */
export const PUB_USAGE = "purezmq pub <endpoint> <topic> <json> [--connect] [--count n] [--interval ms]";

/** Decodes a value frame as msgpack when it is msgpack, else as text (or hex). */
function frameValue(frame: Buffer): unknown {
  try {
    return luaovermq.decodeValue(frame);
  } catch {
    const text = frame.toString("utf8");
    return Buffer.from(text, "utf8").equals(frame) ? text : { hex: frame.toString("hex") };
  }
}

/** Says on stderr why a publisher's connection ended, when it broke the protocol or `--max-message`. */
function reportDisconnect(event: EventOfType<"disconnect">, maxMessage: number): void {
  const e = event.error;
  if (!e || e.code === "ETIMEDOUT") return;
  const why = e.code === "EMSGSIZE" ? `a message larger than --max-message ${maxMessage} bytes` : e.message;
  console.error(terminalSafe(`purezmq sub: ${event.address ?? "a publisher"} disconnected: ${why} (${e.code})`));
}

/**
 * Prints every message, msgpack-decoded where it decodes. A frame over
 * `--max-message` octets ends that publisher's connection before it is
 * buffered, with a line on stderr.
 */
export async function subCommand(argv: string[], out: (line: string) => void): Promise<void> {
  const args = parseArgs(argv, ["max-message"], ["bind", "json"]);
  const [endpoint, ...topics] = args.positionals;
  if (!endpoint) throw new UsageError("needs an endpoint");
  const maxMessage = bytesFlag(args, "max-message", DEFAULT_MAX_MESSAGE);
  const sub = new Subscriber({ maxMessageSize: maxMessage });
  sub.events.on("disconnect", (event) => reportDisconnect(event, maxMessage));
  sub.subscribe(...(topics.length ? topics : [""]));
  if (args.flags.has("bind")) {
    await sub.bind(endpoint);
    // On stderr, so that stdout carries only messages; it tells the real port when 0 was asked for.
    console.error(`subscribed, listening on ${sub.lastEndpoint}`);
  } else {
    sub.connect(endpoint);
  }
  const json = args.flags.has("json");
  const progress = new ProgressLine(process.stderr, process.stdout.isTTY === true, "messages");
  // Ctrl-C ends the loop, so that the count line is finished; a second one kills.
  const stop = (): void => sub.close();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    for await (const [topic, ...rest] of sub) {
      const values = rest.map(frameValue);
      const value = values.length === 1 ? values[0] : values;
      out(json ? toJson({ topic: topic!.toString("utf8"), value })! : `${topic!.toString("utf8")} ${toJson(value) ?? "null"}`);
      progress.tick();
    }
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    sub.close();
    progress.end();
  }
}

/**
 * Publishes a msgpack value under a topic. It waits until a subscriber for
 * the topic is there, so that a one-shot publish is not lost to a
 * subscriber still joining.
 */
export async function pubCommand(argv: string[], out: (line: string) => void): Promise<void> {
  const args = parseArgs(argv, ["count", "interval"], ["connect"]);
  const [endpoint, topic, value, ...extra] = args.positionals;
  if (!endpoint || topic === undefined || value === undefined || extra.length > 0) throw new UsageError(extra.length > 0 ? `unexpected argument "${extra[0]}"` : "needs an endpoint, a topic and a value");
  const count = Number(args.flags.get("count") ?? 1);
  if (!Number.isInteger(count) || count < 1) throw new UsageError("--count takes a positive whole number");
  const interval = msFlag(args, "interval", 1000);
  const pub = new XPublisher({ linger: 1000 });
  try {
    if (args.flags.has("connect")) {
      pub.connect(endpoint);
    } else {
      await pub.bind(endpoint);
      console.error(`waiting on ${pub.lastEndpoint} for a subscriber to "${topic}"`);
    }
    const topicBuf = Buffer.from(topic, "utf8");
    for (;;) {
      const [sub] = await pub.receive();
      if (sub![0] === 1 && topicBuf.subarray(0, sub!.length - 1).equals(sub!.subarray(1))) break;
    }
    const frames = luaovermq.encodePublish(topic, jsonArg(value));
    for (let i = 0; i < count; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, interval));
      await pub.send(frames);
      out(`published ${topic} ${value}${count > 1 ? ` (${i + 1}/${count})` : ""}`);
    }
  } finally {
    pub.close();
  }
}
