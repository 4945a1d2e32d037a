/** `purezmq probe`: check any ZMTP peer against the RFCs, step by step. */
import { Buffer } from "node:buffer";
import { z85 } from "../zmtp/security/z85.js";
import { generateKeyPair, importSecretKey, type MechanismName, type SocketTypeName, SOCKET_TYPE_NUMBER } from "../zmtp/wire/index.js";
import { JSON_OPTION, msOption, noMoreArgs, UsageError, type CommandContext, type CommandSpec } from "./args.js";
import { CliError, EXIT, unreachable } from "./errors.js";
import { probeEndpoint } from "./reach.js";
import { PLAIN_OPTION, plainOption } from "./rpc-options.js";
import { runChecks } from "./probe/checks.js";
import type { ProbeSecurity } from "./probe/handshake.js";
import { formatTable, probeStatus, summary } from "./probe/report.js";

/** Deadline of each wait for the peer by default: long enough for a loaded host, short enough for a silent peer. */
const DEFAULT_TIMEOUT_MS = 2000;

function keyOption(ctx: CommandContext, name: string): Buffer | undefined {
  const v = ctx.options[name];
  if (typeof v !== "string") return undefined;
  try {
    const key = z85.decode(v);
    if (key.length === 32) return key;
  } catch {
    /* said below */
  }
  throw new UsageError(`--${name} takes a 40-character Z85 key (from purezmq keygen)`);
}

function securityOf(ctx: CommandContext): ProbeSecurity {
  const given = ctx.options.mechanism;
  const mechanism = (typeof given === "string" ? given.toUpperCase() : "NULL") as MechanismName;
  if (!["NULL", "PLAIN", "CURVE"].includes(mechanism)) throw new UsageError(`--mechanism takes null, plain or curve, not "${String(given)}"`);
  const plain = plainOption(ctx);
  if (plain && mechanism !== "PLAIN") throw new UsageError("--plain goes with --mechanism plain");
  const serverKey = keyOption(ctx, "curve-server-key");
  const secret = keyOption(ctx, "curve-secret-key");
  if (mechanism !== "CURVE") {
    if (serverKey || secret) throw new UsageError("the CURVE keys go with --mechanism curve");
    return { mechanism, ...(plain ? { plain } : {}) };
  }
  if (!serverKey) throw new UsageError("--mechanism curve needs --curve-server-key, the server's public key");
  return { mechanism, curve: { serverKey, keys: secret ? importSecretKey(secret) : generateKeyPair() } };
}

/** Probes a peer and prints the table (or JSON); exits 1 when a check found a deviation. */
export const probeSpec: CommandSpec = {
  name: "probe",
  args: "<endpoint>",
  summary: "check a ZMTP peer against the RFCs (greeting, commands, PING, subscriptions, PLAIN, CURVE)",
  about: [
    "Connects to the peer at <endpoint> several times, one connection per check,",
    "and plays each step of ZMTP 3.0/3.1 (RFC 23, 37), PLAIN (RFC 24) or CURVE",
    "(RFC 26) a certain way: the greeting split at every offset, other minor",
    "versions, padding and filler, a mechanism mismatch, mixed-case READY",
    "properties, PING and its TTL, an unknown command, an oversize frame, both",
    "subscription forms, refused PLAIN credentials, a HELLO for another CURVE key.",
    "Prints one row per check: pass, deviation (the peer broke the RFC), finding",
    "(allowed or known departures, such as libzmq 4.3's) or n.a.",
    "Exit status: 0 without deviations, 1 with any (or when the peer cannot be reached).",
  ],
  options: {
    mechanism: { type: "string", value: "name", help: "the peer's security: null (default), plain or curve" },
    plain: { ...PLAIN_OPTION, help: "with --mechanism plain: credentials the peer accepts (default: made-up ones)" },
    "curve-server-key": { type: "string", value: "key", help: "with --mechanism curve: the server's public key (Z85)" },
    "curve-secret-key": { type: "string", value: "key", help: "with --mechanism curve: the probe's secret key (default: a new key pair)" },
    "socket-type": { type: "string", value: "type", help: "socket type the probe plays (default: one the peer's type talks to)" },
    timeout: { type: "string", value: "ms", help: `how long each step waits for the peer (default ${DEFAULT_TIMEOUT_MS})` },
    json: { ...JSON_OPTION, help: "print the rows as one JSON object" },
  },
  async run(ctx) {
    noMoreArgs(ctx, 1);
    const endpoint = ctx.positionals[0];
    if (endpoint === undefined) throw new UsageError("needs the endpoint of the peer to probe");
    const security = securityOf(ctx);
    const type = ctx.options["socket-type"];
    const socketType = typeof type === "string" ? (type.toUpperCase() as SocketTypeName) : undefined;
    if (socketType !== undefined && !Object.hasOwn(SOCKET_TYPE_NUMBER, socketType)) throw new UsageError(`--socket-type takes a ZMTP socket type, not "${String(type)}"`);
    const timeoutMs = msOption(ctx, "timeout", DEFAULT_TIMEOUT_MS);
    // A bad endpoint is a bad command line, and nobody there one line that says so.
    await probeEndpoint(endpoint, timeoutMs);
    let rows;
    try {
      rows = await runChecks({ endpoint, security, timeoutMs, ...(socketType ? { socketType } : {}) });
    } catch (err) {
      throw unreachable(err, endpoint) ?? new CliError(`cannot probe ${endpoint}: ${err instanceof Error ? err.message : String(err)}`, undefined, EXIT.failed, { cause: err });
    }
    if (ctx.options.json === true) ctx.out(JSON.stringify({ endpoint, mechanism: security.mechanism, checks: rows }));
    else {
      for (const line of formatTable(rows)) ctx.out(line);
      ctx.out(summary(rows));
    }
    const status = probeStatus(rows);
    if (status !== EXIT.ok) throw new CliError(`${endpoint} deviates from the RFCs (see the rows marked deviation)`, "EPROBE", status);
  },
};
