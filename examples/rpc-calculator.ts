/**
 * The RPC example of the README: a server with functions, a dotted name and
 * an object's methods; a client calling them directly, through a typed
 * proxy and in one batch.
 *
 * Run: copy it into a project that has purezmq installed, or, in the
 * repository: npm run build:all && node build/examples/rpc-calculator.js
 */
import { RpcClient, RpcServer, type RpcError } from "purezmq/rpc";

class Calculator {
  add(a: number, b: number): number {
    return a + b;
  }
  async div(a: number, b: number): Promise<number> {
    if (b === 0) throw new RangeError("division by zero");
    return a / b;
  }
}

interface MyApi {
  add(a: number, b: number): number;
  my: { namespace: { mult(a: number, b: number): number } };
  calc: Calculator;
}

const server = new RpcServer();
server.register("add", (a: number, b: number) => a + b);
server.register("my.namespace.mult", (a, b) => a * b);
server.register("calc", new Calculator());
await server.bind("tcp://127.0.0.1:0"); // the README uses a fixed port, 8004

const client = new RpcClient(server.endpoint!, { timeout: 1000 });
try {
  console.log(await client.call("my.namespace.mult", 5, 7)); // 35
  const api = client.proxy<MyApi>();
  console.log(await api.my.namespace.mult(5, 7)); // 35
  console.log(await api.calc.div(1, 4)); // 0.25
  // A remote exception arrives as an RpcError naming the remote error class.
  await api.calc.div(1, 0).catch((err: RpcError) => console.log(`${err.remoteName}: ${err.remoteMessage}`)); // RangeError: division by zero
  const batch = client.batch();
  batch.add("add", 1, 2);
  batch.add("calc.div", 1, 0);
  const results = await batch.send(); // one result per call, in order; one failure does not fail the batch
  console.log(results.map((r) => (r.ok ? r.value : `failed: ${r.error.message}`))); // [ 3, 'failed: RangeError: division by zero' ]
  console.log((await client.methods()).map((m) => `${m.name}/${m.arity}`).join(" "));
} finally {
  client.close();
  server.close();
}
