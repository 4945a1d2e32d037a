/**
 * Request-reply: a REP server answers each request of a REQ client, in
 * strict turn (send, receive, send, receive). The same code runs against
 * libzmq peers: purezmq speaks ZMTP 3.1 with the zeromq.js v6 API.
 *
 * Run: copy it into a project that has purezmq installed, or, in the
 * repository: npm run build:all && node build/examples/reqrep.js
 */
import { Reply, Request } from "purezmq";

const rep = new Reply();
await rep.bind("tcp://127.0.0.1:0"); // port 0: the OS picks a free port
const req = new Request({ receiveTimeout: 2000 }); // fail instead of waiting forever
req.connect(rep.lastEndpoint!);

// The server: answers every request until its socket is closed.
const serving = (async () => {
  for await (const [name, greeting] of rep) {
    await rep.send(`${greeting} ${name}!`);
  }
})();

try {
  for (const name of ["Ada", "Grace"]) {
    await req.send([name, "hello"]); // a multipart message: two frames
    const [reply] = await req.receive();
    console.log(reply!.toString()); // hello Ada! / hello Grace!
  }
} finally {
  req.close();
  rep.close(); // ends the server's for-await loop
  await serving;
}
