/**
 * A raw WebSocket client of a purezmq ws:// listener, for the hostile-peer
 * tests: it speaks bare ZWS2.0 octets of its own choosing.
 */
import WebSocket from "ws";
import { withDeadline } from "../zmtp/sockets/helpers.js";

/** A raw WebSocket client that has sent its routing id (bare ZWS2.0), open. */
export async function rawPeer(endpoint: string): Promise<WebSocket> {
  const ws = new WebSocket(endpoint, ["ZWS2.0"]);
  await withDeadline(new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  }), 5000, "the WebSocket to open");
  ws.send(Buffer.from([0x00, ...Buffer.from("raw")]));
  return ws;
}
