/** `purezmq sub` and `purezmq pub`: watch and feed publish-subscribe traffic. */
import { Buffer } from "node:buffer";
import { Subscriber, XPublisher } from "../index.js";
import { ZmtpProtocolError } from "../zmtp/wire/index.js";
import { luaovermq } from "../rpc/index.js";
import type { EventOfType } from "../index.js";
import { bytesOption, countOption, JSON_OPTION, jsonArg, valueLimits, msOption, noMoreArgs, UsageError, type CommandSpec } from "./args.js";
import { CliError, explainBindError } from "./errors.js";
import { toJson } from "./json-print.js";
import { ProgressLine } from "./progress.js";
import { probeEndpoint } from "./reach.js";
import { untilAborted } from "./stop.js";
import { terminalSafe } from "./terminal-safe.js";

/** Default of `--max-message`: the largest frame accepted, in octets. */
export const DEFAULT_MAX_MESSAGE = 16 * 1024 * 1024;

/** How long `sub` tries a first connection before saying that nothing listens yet. */
const SUB_PROBE_MS = 5000;

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
function reportDisconnect(event: EventOfType<"disconnect">, maxMessage: number, log: (line: string) => void): void {
  const e = event.error;
  if (!e || e.code === "ETIMEDOUT") return;
  const why = e.code === "EMSGSIZE" ? `a message larger than --max-message ${maxMessage} bytes` : e.message;
  log(terminalSafe(`purezmq sub: ${event.address ?? "a publisher"} disconnected: ${why} (${e.code})`));
}

/**
 * Prints every message, msgpack-decoded where it decodes. A frame over
 * `--max-message` octets ends that publisher's connection before it is
 * buffered, with a line on stderr. Runs until Ctrl-C.
 */
export const subSpec: CommandSpec = {
  name: "sub",
  args: "<endpoint> [topic...]",
  summary: "subscribe and print every message (connects; --bind to listen)",
  about: [
    "Connects a SUB socket to a publisher (the demo's PUB, purezmq pub) and prints",
    "each message as `topic value`, the value msgpack-decoded when it decodes.",
    "Topics are prefixes; none means everything. With --bind it listens instead,",
    "for publishers that connect (purezmq pub --connect). Runs until Ctrl-C; on a",
    "terminal, a count of messages shows on stderr when stdout is redirected.",
  ],
  options: {
    bind: { type: "boolean", help: "bind the endpoint instead of connecting to it" },
    json: { ...JSON_OPTION, help: "one JSON object per message, {\"topic\", \"value\"} (NaN and ±Infinity become null)" },
    "max-message": { type: "string", value: "bytes", help: "refuse a larger message (default 16 MiB)" },
  },
  async run(ctx) {
    const [endpoint, ...topics] = ctx.positionals;
    if (!endpoint) throw new UsageError("needs an endpoint");
    const maxMessage = bytesOption(ctx, "max-message", DEFAULT_MAX_MESSAGE);
    const sub = new Subscriber({ maxMessageSize: maxMessage });
    sub.events.on("disconnect", (event) => reportDisconnect(event, maxMessage, ctx.log));
    sub.subscribe(...(topics.length ? topics : [""]));
    const progress = new ProgressLine(process.stderr, process.stdout.isTTY === true, "messages");
    const stop = (): void => sub.close();
    ctx.signal.addEventListener("abort", stop, { once: true });
    try {
      if (ctx.options.bind) {
        await sub.bind(endpoint).catch((err: unknown) => {
          throw explainBindError(err, "the endpoint");
        });
        // On stderr, so that stdout carries only messages; it tells the real port when 0 was asked for.
        ctx.log(`subscribed, listening on ${sub.lastEndpoint}`);
      } else {
        // A subscriber may start before its publisher: it waits, but says so.
        probeEndpoint(endpoint, SUB_PROBE_MS).catch((err: Error) => {
          if (!sub.closed) ctx.log(`purezmq sub: ${err.message}; waiting for it (Ctrl-C to stop)`);
        });
        sub.connect(endpoint);
      }
      const json = ctx.options.json === true;
      for await (const [topic, ...rest] of sub) {
        const values = rest.map(frameValue);
        const value = values.length === 1 ? values[0] : values;
        ctx.out(json ? toJson({ topic: topic!.toString("utf8"), value })! : `${topic!.toString("utf8")} ${toJson(value, valueLimits(ctx)) ?? "null"}`);
        progress.tick();
      }
    } finally {
      ctx.signal.removeEventListener("abort", stop);
      sub.close();
      progress.end();
    }
  },
};

/** Fails once the peer of a `--connect` turns out not to be a subscriber (the demo's PUB, say). */
function notASubscriber(pub: XPublisher, endpoint: string): Promise<never> {
  return new Promise((_, reject) => {
    pub.events.on("handshake:error:protocol", (event) => {
      // The cause says what went wrong in our words, with our code (ESOCKETTYPE).
      const why = event.error.cause instanceof ZmtpProtocolError ? event.error.cause : event.error;
      reject(new CliError(`${endpoint} is not a subscriber (${why.message}): with --connect, start a subscriber that binds first (purezmq sub --bind ${endpoint})`, why.code));
    });
  });
}

/**
 * Publishes a msgpack value under a topic. It waits until a subscriber for
 * the topic is there, so that a one-shot publish is not lost to a
 * subscriber still joining.
 */
export const pubSpec: CommandSpec = {
  name: "pub",
  args: "<endpoint> <topic> <json>",
  summary: "publish a value under a topic once a subscriber is there (binds; --connect to dial)",
  about: [
    "BINDS <endpoint> and waits for a subscriber to <topic> (purezmq sub <endpoint>),",
    "then publishes <json> msgpack-encoded, --count times. The demo's PUB port is",
    "taken while it runs: pick another port. With --connect it dials a subscriber",
    "that binds (purezmq sub --bind) instead.",
  ],
  options: {
    connect: { type: "boolean", help: "connect to a subscriber that binds, instead of binding" },
    count: { type: "string", value: "n", help: "publish n times (default 1)" },
    interval: { type: "string", value: "ms", help: "time between two publishes (default 1000)" },
    timeout: { type: "string", value: "ms", help: "give up when no subscriber came within this long (default: wait)" },
  },
  async run(ctx) {
    const [endpoint, topic, value] = ctx.positionals;
    if (!endpoint || topic === undefined || value === undefined) throw new UsageError("needs an endpoint, a topic and a value");
    noMoreArgs(ctx, 3);
    const count = countOption(ctx, "count", 1);
    const interval = msOption(ctx, "interval", 1000);
    const timeout = ctx.options.timeout === undefined ? undefined : msOption(ctx, "timeout", 1);
    const pub = new XPublisher({ linger: 1000 });
    let timer: NodeJS.Timeout | undefined;
    try {
      if (ctx.options.connect) {
        await untilAborted(probeEndpoint(endpoint, timeout ?? 5000), ctx.signal);
        pub.connect(endpoint);
      } else {
        await pub.bind(endpoint).catch((err: unknown) => {
          throw explainBindError(err, "the endpoint (or --connect to a subscriber that binds)");
        });
        ctx.log(`waiting on ${pub.lastEndpoint} for a subscriber to "${topic}"`);
      }
      const topicBuf = Buffer.from(topic, "utf8");
      const subscribed = (async () => {
        for (;;) {
          const [sub] = await pub.receive();
          if (sub![0] === 1 && topicBuf.subarray(0, sub!.length - 1).equals(sub!.subarray(1))) return;
        }
      })();
      const late = timeout === undefined ? [] : [new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new CliError(`no subscriber to "${topic}" came within ${timeout} ms: start one (purezmq sub ${pub.lastEndpoint ?? endpoint} ${topic})`, "ETIMEDOUT")), timeout);
      })];
      await untilAborted(Promise.race([subscribed, notASubscriber(pub, endpoint), ...late]), ctx.signal);
      const frames = luaovermq.encodePublish(topic, jsonArg(value));
      for (let i = 0; i < count; i++) {
        if (i > 0) await untilAborted(new Promise((r) => setTimeout(r, interval)), ctx.signal);
        await pub.send(frames);
        ctx.out(`published ${topic} ${value}${count > 1 ? ` (${i + 1}/${count})` : ""}`);
      }
    } finally {
      clearTimeout(timer);
      pub.close();
    }
  },
};

