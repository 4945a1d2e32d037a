/**
 * LuaOverMQ publish-subscribe: an RpcPublisher sends msgpack values under
 * topics, an RpcSubscriber receives them decoded, filtered by topic prefix.
 * The wire form ([topic, msgpack value]) is LuaOverMQ's, so Lua and Python
 * LuaOverMQ peers publish and subscribe alongside.
 *
 * Run: copy it into a project that has purezmq installed, or, in the
 * repository: npm run build:all && node build/examples/rpc-pubsub.js
 */
import { RpcPublisher, RpcSubscriber } from "purezmq/rpc";

interface Reading {
  sensor: string;
  celsius: number;
  at: number;
}

const publisher = new RpcPublisher();
await publisher.bind("tcp://127.0.0.1:0");
const subscriber = new RpcSubscriber<Reading>();
subscriber.connect(publisher.endpoint!).subscribe("temperature/");

// A steady feed: a subscriber only gets what is published after its
// subscription reached the publisher.
let n = 0;
const feed = setInterval(() => {
  n++;
  void publisher.publish(`temperature/room${n % 2}`, { sensor: `t${n % 2}`, celsius: 20 + n / 10, at: Date.now() });
  void publisher.publish("humidity/room0", { percent: 40 + n }); // not subscribed: never arrives
}, 20);

try {
  let received = 0;
  for await (const { topic, value } of subscriber) {
    console.log(`${topic}: ${value.sensor} ${value.celsius.toFixed(1)} C`); // temperature/room1: t1 20.1 C
    if (++received === 3) break;
  }
} finally {
  clearInterval(feed);
  subscriber.close();
  publisher.close();
}
