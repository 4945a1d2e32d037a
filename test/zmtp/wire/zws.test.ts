/**
 * The ZWS translation (RFC 45) on its own: the engine's ZMTP octets become
 * one message per frame with the ZWS flags octet, the peer's messages
 * become ZMTP octets that decode to the same frames, bare ZWS2.0 turns
 * READY into the routing id and back, and any message a peer can send
 * either translates or is refused with a ZmtpProtocolError.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  FLAG_COMMAND, FLAG_LONG, FLAG_MORE, FrameDecoder, FrameEncoder, GreetingReader, ZmtpProtocolError,
  decodeCommand, decodeMetadata, encodeCommand, encodeGreeting, encodeMetadata,
} from "../../../src/zmtp/wire/index.js";
import { ZwsInbound, ZwsOutbound, ZwsSession, chooseZwsProtocol, zwsMessageBound, zwsProtocols } from "../../../src/zmtp/wire/zws.js";

/** The frames ZMTP octets hold, after a greeting. */
function framesOf(octets: Buffer[]): { greeting: ReturnType<GreetingReader["push"]>; frames: Array<[number, string]> } {
  const reader = new GreetingReader();
  const frames: Array<[number, string]> = [];
  // The long-size bit is framing, not meaning: left out.
  const decoder = new FrameDecoder({ onFrame: (body, flags) => frames.push([flags & ~FLAG_LONG, body.toString("latin1")]) });
  const all = Buffer.concat(octets);
  const greeting = reader.push(all);
  assert.ok(greeting, "a whole greeting comes first");
  decoder.push(greeting.rest);
  return { greeting, frames };
}

test("with a mechanism: frames one message each, flags 0x00/0x01/0x02 both ways, greeting dropped and made up", () => {
  const ours = new ZwsSession("ZWS2.0/NULL", "DEALER");
  const out = new ZwsOutbound(ours);
  const encoder = new FrameEncoder();
  encoder.raw(encodeGreeting("NULL", false));
  encoder.command(encodeCommand("READY", encodeMetadata([["Socket-Type", "DEALER"]])));
  encoder.message([Buffer.from("a"), Buffer.alloc(300, 1)]);
  const messages = encoder.take().flatMap((chunk) => out.push(chunk));
  assert.deepEqual(messages.map((m) => m[0]), [0x02, 0x01, 0x00]);
  assert.equal(messages[2]!.length, 301);
  assert.equal(ours.asServer, false);

  // The peer's side of the same session: its messages back into octets.
  const inbound = new ZwsInbound(ours);
  const octets = [inbound.greeting(), ...messages.flatMap((m) => inbound.push(Buffer.from(m)))];
  const { greeting, frames } = framesOf(octets);
  assert.equal(greeting!.greeting.mechanism, "NULL");
  assert.equal(greeting!.greeting.asServer, true, "the made-up greeting takes the other role");
  assert.equal(greeting!.greeting.minor, 0, "ZMTP 3.0: subscriptions as messages");
  assert.deepEqual(frames.map(([f]) => f), [FLAG_COMMAND, FLAG_MORE, 0]);
  assert.equal(frames[2]![1], Buffer.alloc(300, 1).toString("latin1"));
});

test("bare ZWS2.0: READY goes out as the routing id, later commands are dropped; the peer's routing id comes in as READY", () => {
  const session = new ZwsSession("ZWS2.0", "ROUTER");
  assert.equal(session.bare, true);
  const out = new ZwsOutbound(session);
  const encoder = new FrameEncoder();
  encoder.raw(encodeGreeting("NULL", false));
  encoder.command(encodeCommand("READY", encodeMetadata([["Socket-Type", "ROUTER"], ["Identity", "me"]])));
  encoder.command(encodeCommand("PING", Buffer.from([0, 0])));
  encoder.message([Buffer.from("x")]);
  const messages = encoder.take().flatMap((chunk) => out.push(chunk)).map((m) => Buffer.from(m).toString("latin1"));
  assert.deepEqual(messages, ["\0me", "\0x"]);

  const inbound = new ZwsInbound(session);
  const octets = [inbound.greeting(), ...inbound.push(Buffer.from("\0peer")), ...inbound.push(Buffer.from("\x01a")), ...inbound.push(Buffer.from("\0b"))];
  const { frames } = framesOf(octets);
  assert.equal(frames[0]![0], FLAG_COMMAND);
  const ready = decodeCommand(Buffer.from(frames[0]![1], "latin1"));
  assert.equal(ready.name, "READY");
  const props = decodeMetadata(ready.data);
  assert.equal(props.get("identity")!.toString(), "peer");
  assert.equal(props.get("socket-type")!.toString(), "REQ", "a type a ROUTER may talk to");
  assert.deepEqual(frames.slice(1), [[FLAG_MORE, "a"], [0, "b"]]);
});

test("subprotocols: WebSockets can offer only bare ZWS2.0 (NULL); a server picks its own mechanism's, or bare for NULL", () => {
  assert.deepEqual(zwsProtocols("NULL"), ["ZWS2.0"]);
  assert.equal(zwsProtocols("PLAIN"), undefined);
  assert.equal(chooseZwsProtocol(["ZWS2.0/NULL", "ZWS2.0"], "NULL"), "ZWS2.0/NULL");
  assert.equal(chooseZwsProtocol(["ZWS2.0"], "NULL"), "ZWS2.0");
  assert.equal(chooseZwsProtocol(["ZWS2.0"], "PLAIN"), false);
  assert.equal(chooseZwsProtocol(["chat"], "NULL"), false);
  assert.throws(() => new ZwsSession("chat", "REQ"), ZmtpProtocolError);
  assert.equal(zwsMessageBound(-1), 100 * 1024 * 1024);
  assert.equal(zwsMessageBound(10), 64 * 1024 + 1);
  assert.equal(zwsMessageBound(1 << 20), (1 << 20) + 1);
});

test("property: any message a peer sends translates to frames or is refused with a ZmtpProtocolError", () => {
  fc.assert(fc.property(fc.boolean(), fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }), (bare, messages) => {
    const session = new ZwsSession(bare ? "ZWS2.0" : "ZWS2.0/NULL", "DEALER");
    new ZwsOutbound(session).push(encodeGreeting("NULL", false));
    const inbound = new ZwsInbound(session);
    const frames: number[] = [];
    const decoder = new FrameDecoder({ onFrame: (_body, flags) => frames.push(flags) });
    decoder.push(inbound.greeting().subarray(64));
    let accepted = 0;
    for (const message of messages) {
      try {
        for (const piece of inbound.push(Buffer.from(message))) decoder.push(piece);
        accepted++;
      } catch (err) {
        assert.ok(err instanceof ZmtpProtocolError, String(err));
        const flags = message[0];
        assert.ok(message.length === 0 || (flags !== 0 && flags !== 1 && (flags !== 2 || bare)) || bare, "refused only for a reason RFC 45 gives");
        return;
      }
    }
    assert.equal(frames.length, accepted, "one frame per accepted message");
  }));
});
