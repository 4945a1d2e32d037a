/** Command line of the benchmark runner. */

export interface BenchArgs {
  /** Rounds per library and case (interleaved). */
  rounds: number;
  /** Messages per throughput round (cases 2, 3 and 7). */
  messages: number;
  /** Seconds a time-boxed round runs (cases 1, 5, 6). */
  seconds: number;
  /** Upper bound in seconds of one throughput round, whatever `messages` says. */
  maxRoundSeconds: number;
  /** Case ids to run (all when empty). */
  only: Set<string>;
  /** Libraries to run: "purezmq", "native", "net". */
  libs: Set<string>;
  /** Where results go (a directory). */
  outDir: string;
  /** Write results files (off with --no-write, e.g. when profiling). */
  write: boolean;
  /** Case 5 with purezmq sockets + codec even when RpcServer/RpcClient exist. */
  rpcStandIn: boolean;
  /** Keep the CPUs from idling during round-trip cases with a lowest-priority spinner (see USAGE). */
  keepAwake: boolean;
}

const USAGE = `usage: node build/bench/run.js [options]
  --rounds N          rounds per library and case, interleaved (default 3)
  --messages N        messages per throughput round (default 1000000), or more
                      until the round has lasted 1 s
  --seconds S         length of a time-boxed round (default 2)
  --max-round S       cap of one throughput round in seconds (default 12)
  --only a,b          run only these cases (reqrep, reqrep-load, dealer-router,
                      push-pull, pub-sub, pub-fanout (or pub-fanout-N for
                      N = 1, 10, 100, 1000), large, rpc (rpc-seq,
                      rpc-one-process, rpc-100), lua-rpc, pub-memory,
                      subscriptions (or subscriptions-N for N = 1000, 10000,
                      100000, 1000000), idle-clients (or idle-clients-N for
                      N = 1, 100, 10000), curve, curve-large, curve-handshake,
                      curve-cpu, inproc (inproc-thread, inproc-large,
                      inproc-workers))
  --libs a,b          run only these sides (purezmq, native, net)
  --out DIR           results directory (default bench/results)
  --no-write          print the table only
  --rpc-stand-in      case 5 on purezmq sockets + luaovermq codec instead of
                      RpcServer/RpcClient (to see what the RPC layer costs)
  --no-keep-awake     do not run the lowest-priority busy loop that keeps the
                      CPUs from idling during the round-trip cases (reqrep,
                      rpc-seq, rpc-one-process, lua-seq; on by default): on
                      a virtual machine, waking an idle vCPU can cost more
                      than a whole round trip, which hides every library (and
                      raw node:net) behind it. Throughput cases never run it:
                      both cores are busy there, and the loop would only take
                      CPU away
`;

export function parseArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = {
    rounds: 3,
    messages: 1_000_000,
    seconds: 2,
    maxRoundSeconds: 12,
    only: new Set(),
    libs: new Set(["purezmq", "native", "net"]),
    outDir: "bench/results",
    write: true,
    rpcStandIn: false,
    keepAwake: true,
  };
  const num = (name: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < min) throw new Error(`${name} needs a number >= ${min}\n${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    switch (a) {
      case "--rounds": args.rounds = Math.floor(num(a, argv[++i], 1)); break;
      case "--messages": args.messages = Math.floor(num(a, argv[++i], 1)); break;
      case "--seconds": args.seconds = num(a, argv[++i], 0.1); break;
      case "--max-round": args.maxRoundSeconds = num(a, argv[++i], 0.5); break;
      case "--only": args.only = new Set((argv[++i] ?? "").split(",").filter(Boolean)); break;
      case "--libs": args.libs = new Set((argv[++i] ?? "").split(",").filter(Boolean)); break;
      case "--out": args.outDir = argv[++i] ?? args.outDir; break;
      case "--no-write": args.write = false; break;
      case "--rpc-stand-in": args.rpcStandIn = true; break;
      case "--keep-awake": args.keepAwake = true; break;
      case "--no-keep-awake": args.keepAwake = false; break;
      case "-h":
      case "--help":
        process.stdout.write(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${a}\n${USAGE}`);
    }
  }
  return args;
}
