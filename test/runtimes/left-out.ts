/**
 * The test files that the Bun and Deno runs leave out, each with its
 * reason. Everything else under test/ runs on Node, Bun and Deno alike
 * (test/runtimes/run.ts). node-only.test.ts checks that the addon entries
 * are exactly the files whose imports reach the `zeromq` package.
 */

/** The Bun and Deno versions the project supports (package.json pins them). */
export type RuntimeName = "bun" | "deno";

/** Why a file that loads libzmq cannot run outside Node. */
export const NATIVE_ADDON =
  "loads the native `zeromq` addon (libzmq): Bun 1.4 aborts in it (no uv_poll_init_socket); under Deno 2.9 it crashes (a segmentation fault) or its sockets miss messages (a libzmq DEALER never gets its replies)";

/** Why the attack tests with memory ceilings are left out on Bun (observed with Bun 1.4.5). */
const MEMORY_CEILINGS =
  "its memory ceilings are calibrated on V8 (Node, Deno); under Bun's JavaScriptCore the same attacks leave more held after a collection (identity-churn: 22 MB against 8), while the bounds stop them and the good client is served";

/** Files run on Node only, by path under test/. */
export const NODE_ONLY: Readonly<Record<string, string>> = {
  "cli/commands.test.ts": NATIVE_ADDON,
  "cli/probe.test.ts": NATIVE_ADDON,
  "cli/trace-curve.test.ts": NATIVE_ADDON,
  "cli/trace-pcap.test.ts": NATIVE_ADDON,
  "cli/trace.test.ts": NATIVE_ADDON,
  "compat/accept-filter.test.ts": NATIVE_ADDON,
  "compat/basics.test.ts": NATIVE_ADDON,
  "compat/close-mid-handshake.test.ts": NATIVE_ADDON,
  "compat/differences-surface.test.ts": NATIVE_ADDON,
  "compat/errors-socket.test.ts": NATIVE_ADDON,
  "compat/event-loop-turns.test.ts": NATIVE_ADDON,
  "compat/handshake-errors.test.ts": NATIVE_ADDON,
  "compat/handshake-loss.test.ts": NATIVE_ADDON,
  "compat/lifetime.test.ts": NATIVE_ADDON,
  "compat/messages-send.test.ts": NATIVE_ADDON,
  "compat/options-by-number.test.ts": NATIVE_ADDON,
  "compat/options-closed.test.ts": NATIVE_ADDON,
  "compat/options-curve.test.ts": NATIVE_ADDON,
  "compat/options-socket.test.ts": NATIVE_ADDON,
  "compat/options-values.test.ts": NATIVE_ADDON,
  "compat/peer-gone.test.ts": NATIVE_ADDON,
  "compat/release.test.ts": NATIVE_ADDON,
  "compat/state-events.test.ts": NATIVE_ADDON,
  "compat/stream.test.ts": NATIVE_ADDON,
  "compat/surface-context.test.ts": NATIVE_ADDON,
  "compat/surface-exports.test.ts": NATIVE_ADDON,
  "compat/surface-sealing.test.ts": NATIVE_ADDON,
  "compat/types-usage.test.ts":
    "type-checks the published declarations against the `zeromq` package's with two TypeScript compilers: nothing in it depends on the runtime",
  "compat/v5-endpoints.test.ts": NATIVE_ADDON,
  "compat/v5-readme-example.test.ts":
    "runs zeromq.js's README example against the native `zeromq` package in a child process of the runtime under test, as well as against purezmq",
  "compat/v5-lifetime.test.ts":
    "runs a script against the native `zeromq` package in a child process of the runtime under test, as well as against purezmq",
  "compat/v5-messages.test.ts": NATIVE_ADDON,
  "compat/v5-monitor.test.ts": NATIVE_ADDON,
  "compat/v5-options.test.ts": NATIVE_ADDON,
  "compat/zap-reply.test.ts": NATIVE_ADDON,
  "interop/curve-auth.test.ts": NATIVE_ADDON,
  "interop/curve-keylog.test.ts": NATIVE_ADDON,
  "interop/curve.test.ts": NATIVE_ADDON,
  "interop/datagram.test.ts": NATIVE_ADDON,
  "interop/draft.test.ts": NATIVE_ADDON,
  "interop/pipeline.test.ts": NATIVE_ADDON,
  "interop/plain.test.ts": NATIVE_ADDON,
  "interop/proxy.test.ts": NATIVE_ADDON,
  "interop/pubsub.test.ts": NATIVE_ADDON,
  "interop/reqrep.test.ts": NATIVE_ADDON,
  "interop/rpc-pubsub.test.ts": NATIVE_ADDON,
  "interop/rpc.test.ts": NATIVE_ADDON,
  "interop/stream-connect.test.ts": NATIVE_ADDON,
  "interop/v5-compat.test.ts": NATIVE_ADDON,
  "rpc/zerorpc/golden.test.ts": NATIVE_ADDON,
  "rpc/zerorpc/one-way.test.ts": NATIVE_ADDON,
  "lua-rpc/exposure-filehandle.test.ts":
    "checks a rule about Node's internals (a FileHandle's class chain ends at a native class Node keeps to itself); Bun's and Deno's FileHandles are plain JavaScript classes, whose methods stay callable there",
  "runtimes/deno-connect.test.ts": NATIVE_ADDON,
  "runtimes/node-only.test.ts": "reads the compiled test files to check this list; what it checks does not depend on the runtime",
};

/** Files left out on one runtime only, by path under test/. */
export const LEFT_OUT: Readonly<Record<RuntimeName, Readonly<Record<string, string>>>> = {
  bun: {
    "hostile/zmtp-subscriptions.test.ts": "one attack runs libzmq's proxy in a child process, which loads the native `zeromq` addon",
    "faults/linger.test.ts": "counts the process's TCP handles with node:async_hooks, which Bun does not report its sockets to",
    "faults/cycles.test.ts": "counts the process's TCP handles with node:async_hooks, which Bun does not report its sockets to (the counts would prove nothing)",
    "faults/slow-consumer.test.ts":
      "asserts Node's 64 KiB socket reads (a read that reaches the high-water mark completes at most two 32 KiB messages); Bun reads more at a time",
    "hostile/lua-attacks.test.ts": MEMORY_CEILINGS,
    "hostile/rpc-attacks.test.ts": MEMORY_CEILINGS,
    "hostile/zmtp-connections.test.ts": MEMORY_CEILINGS,
    "hostile/zmtp-messages.test.ts": MEMORY_CEILINGS,
    "hostile/zws-listener-sockets.test.ts":
      "watches the listener's TCP sockets through node:diagnostics_channel's net.server.socket, which Bun does not publish (the tests would wait for ever)",
  },
  deno: {},
};

/** Why `file` (a path under test/) is not run on `runtime`, or undefined when it is. */
export function leftOutReason(runtime: RuntimeName, file: string): string | undefined {
  return NODE_ONLY[file] ?? LEFT_OUT[runtime][file];
}
