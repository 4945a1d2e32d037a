/**
 * Router-dealer: an asynchronous server. A ROUTER socket receives each
 * message prefixed with the routing id of the peer that sent it, and routes
 * a reply back by that id. DEALER clients send without waiting for replies
 * (unlike REQ), so several requests can be in flight at once.
 *
 * Run: copy it into a project that has purezmq installed, or, in the
 * repository: npm run build:all && node build/examples/router-dealer.js
 */
import { Dealer, Router } from "purezmq";

const router = new Router();
await router.bind("tcp://127.0.0.1:0");

// The server: [routing id, request] in, [routing id, reply] out.
const serving = (async () => {
  for await (const [client, request] of router) {
    await router.send([client!, `${request} done for ${client}`]);
  }
})();

// Each client names itself; without routingId the ROUTER makes up an id.
const clients = ["alpha", "beta"].map((id) => {
  const dealer = new Dealer({ routingId: id, receiveTimeout: 2000 });
  dealer.connect(router.lastEndpoint!);
  return dealer;
});

try {
  // Two requests from each client, all sent before any reply is read.
  for (const dealer of clients) {
    await dealer.send("job 1");
    await dealer.send("job 2");
  }
  for (const dealer of clients) {
    for (let i = 0; i < 2; i++) {
      const [reply] = await dealer.receive();
      console.log(reply!.toString()); // job 1 done for alpha ...
    }
  }
} finally {
  for (const dealer of clients) dealer.close();
  router.close();
  await serving;
}
