/** Differential basics: the same round trip gives the same messages in both libraries. */
import { same } from "./differential.js";

same("a Dealer's message reaches a Router with its routing id", async (zmq, { closing }) => {
  const router = closing(new zmq.Router());
  const dealer = closing(new zmq.Dealer({ routingId: "d1" }));
  await router.bind("tcp://127.0.0.1:*");
  dealer.connect(router.lastEndpoint!);
  await dealer.send(["hello", "world"]);
  const [id, ...rest] = await router.receive();
  await router.send([id!, "back"]);
  const [reply] = await dealer.receive();
  return { id: id!.toString(), rest: rest.map(String), reply: reply!.toString() };
}, { id: "d1", rest: ["hello", "world"], reply: "back" });
