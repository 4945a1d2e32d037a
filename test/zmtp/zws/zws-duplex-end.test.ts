/**
 * How a ws:// connection's WebSocket is ended while octets are still
 * unsent (a peer that reads slowly or not at all): dropped with them at a
 * refusal or an abrupt end, so such a peer cannot hold the connection;
 * closed with a closing handshake after a graceful end, so what is in
 * flight still goes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { ZmtpProtocolError } from "../../../src/zmtp/wire/index.js";
import { ZwsDuplex, type WebSocketLike } from "../../../src/zmtp/transport/zws-duplex.js";

/** An open WebSocket whose peer has not read the last `bufferedAmount` octets; records how it was ended. */
class StuckWebSocket implements WebSocketLike {
  binaryType = "";
  readonly protocol = "ZWS2.0";
  readonly bufferedAmount = 64 * 1024;
  readyState = 1;
  ended: string[] = [];
  send(): void {}
  close(code?: number): void {
    this.ended.push(`close ${code}`);
    this.readyState = 2;
  }
  terminate(): void {
    this.ended.push("terminate");
    this.readyState = 3;
  }
  addEventListener(): void {}
}

const ends: Array<{ name: string; end: (duplex: ZwsDuplex) => void; expected: string[] }> = [
  {
    name: "refused by the engine, then ended as it ends a stream",
    end: (duplex) => {
      duplex.refused(new ZmtpProtocolError("frame of 5000 octets exceeds the limit of 1000", "EMSGSIZE"));
      duplex.destroySoon();
    },
    // The close code goes first, for a peer that still reads; then the rest is dropped.
    expected: ["close 1009", "terminate"],
  },
  { name: "destroyed (linger over, or 0)", end: (duplex) => duplex.destroy(), expected: ["terminate"] },
  { name: "ended gracefully, everything written", end: (duplex) => duplex.destroySoon(), expected: ["close 1000"] },
];

for (const { name, end, expected } of ends) {
  test(`a WebSocket with octets unsent, ${name}: ${expected.join(", ")}`, async () => {
    const ws = new StuckWebSocket();
    const duplex = new ZwsDuplex(ws, "DEALER");
    const closed = once(duplex, "close");
    end(duplex);
    await closed;
    assert.deepEqual(ws.ended, expected);
  });
}
