/**
 * Publish-subscribe: a PUB socket sends readings under topics; a SUB socket
 * subscribed to the "weather" prefix gets those and never the others (the
 * filtering happens at the publisher, so unwanted messages do not travel).
 *
 * A subscriber only gets what is published after its subscription reached
 * the publisher, so the publisher here is a steady feed, as real ones are.
 *
 * Run: copy it into a project that has purezmq installed, or, in the
 * repository: npm run build:all && node build/examples/pubsub.js
 */
import { Publisher, Subscriber } from "purezmq";

const pub = new Publisher();
await pub.bind("tcp://127.0.0.1:0");
const sub = new Subscriber();
sub.connect(pub.lastEndpoint!);
sub.subscribe("weather"); // a prefix: matches "weather/paris" and "weather/oslo"

let n = 0;
const feed = setInterval(() => {
  n++;
  void pub.send(["sports/score", `${n}-0`]);
  void pub.send([n % 2 ? "weather/paris" : "weather/oslo", `${15 + n} C`]);
}, 20);

try {
  let received = 0;
  for await (const [topic, reading] of sub) {
    console.log(`${topic} ${reading}`); // e.g. weather/paris 18 C
    if (++received === 3) break; // leaving the loop does not close the socket
  }
} finally {
  clearInterval(feed);
  sub.close();
  pub.close();
}
