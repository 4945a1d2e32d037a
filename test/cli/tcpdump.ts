/**
 * Real captures for the tests of `trace --pcap`: tcpdump on loopback,
 * filtered on one port, written packet by packet (`-U`, immediate mode),
 * stopped with SIGINT once the capture holds what the test waits for.
 * A capture counts as started once it holds one of the UDP probes it is
 * sent (the filter lets them in; `trace --pcap` skips UDP), not when
 * tcpdump says "listening": a capture that missed a connection's first
 * packets would never show it finished. (One full run under load ended
 * with a capture that never showed its connection finished; a failure now
 * also says what the capture held.)
 * Capturing needs tcpdump (the Debian package, which .ci/run installs) and
 * root: without either the test fails and says so, it does not skip.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TraceEvent } from "../../src/cli/trace/events.js";
import { ZmtpTap } from "../../src/cli/trace/zmtp-tap.js";
import { traceCaptureChunks } from "../../src/cli/trace/pcap/capture-trace.js";

/** Fails the test unless tcpdump can capture here. */
export function requireTcpdump(): void {
  const probe = spawnSync("tcpdump", ["--version"], { encoding: "utf8" });
  assert.ok(!probe.error, `tcpdump is needed to capture traffic for these tests and is not installed (${probe.error?.message}): apt-get install tcpdump (.ci/run installs it)`);
  assert.equal(process.getuid?.(), 0, "capturing on the loopback interface with tcpdump needs root (CI runs as root)");
}

/** A running capture. */
export interface Capture {
  /** The capture file. */
  file: string;
  /**
   * Resolves once the file holds `closes` finished connections (so every
   * packet the test made is in it), then stops tcpdump.
   */
  stop(closes: number): Promise<void>;
}

/** Starts tcpdump on `iface` (`lo`: Ethernet headers; `any`: Linux cooked SLL2) for TCP on `port`. */
export async function startCapture(port: number, iface: "lo" | "any" = "lo"): Promise<Capture> {
  requireTcpdump();
  const dir = mkdtempSync(join(tmpdir(), "purezmq-pcap-"));
  const file = join(dir, "capture.pcap");
  const probe = createSocket("udp4");
  probe.bind(0, "127.0.0.1");
  await once(probe, "listening");
  const probePort = probe.address().port;
  const child = spawn("tcpdump", ["-i", iface, "-U", "--immediate-mode", "-s", "262144", "-w", file, `tcp port ${port} or udp port ${probePort}`], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tcpdump did not start: ${stderr}`)), 10_000);
    child.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (/listening on/.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("error", (err) => reject(err));
    void exited.then(() => reject(new Error(`tcpdump ended: ${stderr}`)));
  });
  try {
    // Probes until one is in the file (a pcap file header is 24 octets; no TCP traffic has begun).
    const deadline = Date.now() + 10_000;
    while ((statSync(file, { throwIfNoEntry: false })?.size ?? 0) <= 24) {
      assert.ok(Date.now() < deadline, `tcpdump captured none of the probes: ${stderr}`);
      probe.send("probe", probePort, "127.0.0.1");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } catch (err) {
    child.kill("SIGINT");
    throw err;
  } finally {
    probe.close();
  }
  return {
    file,
    async stop(closes: number) {
      const deadline = Date.now() + 10_000;
      try {
        // The capture is written packet by packet: read it until the last FIN is in.
        for (;;) {
          const ends = connectionEnds(file);
          if (ends.filter((e) => e.reason === undefined).length >= closes) break;
          assert.ok(Date.now() < deadline, `the capture never held ${closes} finished connections (${ends.length} ended: ${JSON.stringify(ends)}): ${stderr}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      } finally {
        child.kill("SIGINT");
        await exited;
      }
    },
  };
}

/** The close events of the connections ended in the capture so far (a clean close, both FINs, has no reason). */
function connectionEnds(file: string): Extract<TraceEvent, { type: "close" }>[] {
  const events: TraceEvent[] = [];
  try {
    traceCaptureChunks([readFileSync(file)], (conn, dir, report) => new ZmtpTap(conn, dir, report), (e) => events.push(e));
  } catch {
    /* written up to the middle of a record: what came before counts */
  }
  return events.filter((e) => e.type === "close");
}

/** Removes a capture's directory. */
export function removeCapture(capture: Capture | undefined): void {
  if (capture) rmSync(join(capture.file, ".."), { recursive: true, force: true });
}
