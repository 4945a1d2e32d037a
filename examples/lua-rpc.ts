/**
 * Mihini Lua RPC: two peers on one TCP connection, each able to call the
 * other. The server exposes a table of functions and values; the client
 * calls them by dotted name and reads a value with eval(); the server calls
 * back into the client. A real Lua peer (Mihini's `rpc` module) could stand
 * on either side: the octets are the same.
 *
 * Run: copy it into a project that has purezmq installed, or, in the
 * repository: npm run build:all && node build/examples/lua-rpc.js
 */
import { multi, newClient, newMultiServer } from "purezmq/lua-rpc";

const api = {
  math: { max: Math.max },
  // Lua functions may return several values: multi() sends them as such.
  divmod: (a: number, b: number) => multi(Math.floor(a / b), a % b),
  config: { version: "1.4", ports: [1999, 2000] },
};

// The server calls back each peer that connects.
let announce: (line: string) => void = () => undefined;
const greeted = new Promise<string>((resolve) => (announce = resolve));
const server = await newMultiServer(
  "127.0.0.1",
  0, // a free port: read it from server.port
  async (peer) => {
    const [name] = await peer.call("whoami");
    announce(`server: ${String(name)} connected`);
  },
  { expose: api },
);

const client = await newClient("127.0.0.1", server.port, { expose: { whoami: () => "example client" }, timeout: 2000 });
try {
  console.log(await greeted); // server: example client connected
  const [max] = await client.call("math.max", 1, 2.5, -3);
  console.log(`math.max(1, 2.5, -3) = ${max}`); // 2.5
  const [q, r] = await client.call("divmod", 17, 5);
  console.log(`divmod(17, 5) = ${q}, ${r}`); // 3, 2
  console.log(`config.version = ${await client.eval("config.version")}`); // 1.4
  await client.call("no.such.thing").catch((err: Error) => console.log(`error: ${err.message}`));
} finally {
  await client.close();
  await server.close();
}
