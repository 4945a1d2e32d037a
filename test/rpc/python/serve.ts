/**
 * The server the Python seed connector runs against (see run.sh): the test
 * methods on a free TCP port, whose endpoint is printed as the first line of
 * stdout. Stops when stdin closes or on SIGTERM.
 */
import { startServer } from "../helpers.js";

const server = await startServer();
// The seed's own example call: rpc.call("your_function", "arg1", 2, True).
server.register("your_function", (...args: unknown[]) => args);
process.stdout.write(`${server.endpoint}\n`);
const stop = (): void => {
  server.close();
  process.exit(0);
};
process.once("SIGTERM", stop);
process.stdin.on("end", stop).resume();
