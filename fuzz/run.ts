/**
 * The fuzz runner: `npm run fuzz -- [--seconds N | --runs N] [--seed S]
 * [--only name[,name]] [--path P]`.
 *
 * Targets: `zmtp` (greeting, frames, commands), `plain` (the PLAIN
 * handshake), `curve` (the CURVE handshake and sealed frames), `rpc` (LuaOverMQ, Manley, pyzmqrpc3 codecs), `lua-rpc`
 * (luatobin and Lua RPC frames), `pcap` (the capture reader, packet parser
 * and TCP reassembly of `trace --pcap`), `live` (running servers under hostile
 * connections), `attacks` (each ZMTP attack at full size against a server
 * process of its own, with its memory and time), `attacks-rpc` (one hostile
 * peer against each RPC and Lua RPC bound, measured in child processes),
 * `attacks-cli` (the tracer and `call` under full-size attacks); the attack
 * targets ignore the budget. With `--seconds`, the time is shared out: a quarter to
 * `live`, the rest evenly over the properties; with `--runs` (default
 * 1000), each property runs that many times and `live` opens that many
 * connections. A failure prints the seed, the replay path and the shrunk
 * input, with the command that reproduces it; the exit code is 1.
 */
import { attacksTarget } from "./attacks/zmtp.js";
import { rpcAttacksTarget } from "./attacks/rpc.js";
import { cliTarget } from "./attacks/cli.js";
import { luaRpcTarget } from "./lua-rpc/fuzz.js";
import { liveTarget } from "./live.js";
import { checkTarget, type FuzzTarget } from "./lib/target.js";
import { rpcTarget } from "./rpc/fuzz.js";
import { zmtpTarget } from "./zmtp/fuzz.js";
import { plainTarget } from "./zmtp/plain.js";
import { curveTarget } from "./zmtp/curve.js";
import { pcapTarget } from "./pcap/fuzz.js";

const TARGETS: FuzzTarget[] = [zmtpTarget, plainTarget, curveTarget, rpcTarget, luaRpcTarget, pcapTarget, liveTarget, attacksTarget, rpcAttacksTarget, cliTarget];
const USAGE = `usage: npm run fuzz -- [--seconds N | --runs N] [--seed S] [--only ${TARGETS.map((t) => t.name).join(",")}] [--path P]`;

/** The command-line options. */
interface Options {
  seconds: number;
  runs: number;
  seed: number;
  only: string[];
  path: string | undefined;
}

function parse(argv: readonly string[]): Options {
  const o: Options = { seconds: 0, runs: 1000, seed: (Date.now() ^ (Math.random() * 0x100000000)) | 0, only: [], path: undefined };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    const int = (): number => {
      const n = Number(value);
      if (!Number.isInteger(n)) throw new Error(`${flag} needs an integer, got ${value}`);
      return n;
    };
    if (flag === "--seconds") o.seconds = int();
    else if (flag === "--runs") o.runs = int();
    else if (flag === "--seed") o.seed = int();
    else if (flag === "--only") o.only = value.split(",");
    else if (flag === "--path") o.path = value;
    else throw new Error(`unknown option ${flag}`);
  }
  for (const name of o.only) if (!TARGETS.some((t) => t.name === name)) throw new Error(`no target named ${name}`);
  if (o.path !== undefined && o.only.length !== 1) throw new Error("--path replays one failure: name its target with --only");
  if (o.seconds < 0 || o.runs < 1) throw new Error("--seconds and --runs must be positive");
  return o;
}

async function main(): Promise<number> {
  let o: Options;
  try {
    o = parse(process.argv.slice(2));
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const targets = TARGETS.filter((t) => o.only.length === 0 || o.only.includes(t.name));
  const properties = targets.reduce((n, t) => n + t.properties.length, 0);
  const live = targets.some((t) => t.run !== undefined);
  const totalMs = o.seconds * 1000;
  const liveMs = live ? (properties === 0 ? totalMs : totalMs / 4) : 0;
  const propertyMs = properties === 0 ? 0 : Math.floor((totalMs - liveMs) / properties);
  console.log(`fuzzing ${targets.map((t) => t.name).join(", ")}: ${o.seconds > 0 ? `${o.seconds} s` : `${o.runs} runs per property`}, seed ${o.seed}`);
  const started = Date.now();
  let ok = true;
  for (const t of targets) {
    const millis = o.seconds > 0 ? Math.max(1, t.run ? liveMs : propertyMs) : 0;
    const argsOf = (seed: number, path?: string): string =>
      `--only ${t.name} --seed ${seed} --runs ${o.runs}${path !== undefined ? ` --path ${path}` : ""}`;
    ok = (await checkTarget(t, { runs: o.runs, millis, seed: o.seed, path: o.path }, argsOf)) && ok;
  }
  console.log(`${ok ? "all properties held" : "FAILURES above"} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return ok ? 0 : 1;
}

process.exitCode = await main();
