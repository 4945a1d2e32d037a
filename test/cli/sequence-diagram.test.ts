/**
 * `trace --svg`: the sequence diagram is well-formed XML whatever the peers
 * sent (markup, quotes, control characters, lone surrogates in metadata and
 * ERROR reasons), names what happened (greeting, commands, messages,
 * violations, the close), and stays bounded (first messages drawn, the rest
 * counted; connections past the bound counted). The checker itself is
 * shown to refuse broken documents.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { describe, test } from "node:test";
import { TracedConnection } from "../../src/cli/trace/connection.js";
import type { TraceEvent } from "../../src/cli/trace/events.js";
import { FIRST_MESSAGES, MAX_CONNECTIONS, MAX_ROWS, SequenceDiagram, xmlText } from "../../src/cli/trace/sequence-diagram.js";
import { ZmtpTap } from "../../src/cli/trace/zmtp-tap.js";
import { FLAG_COMMAND, encodeError, encodeFrame, encodePing, encodeGreeting, encodeReady } from "../../src/zmtp/wire/index.js";
import { xmlProblem } from "./xml-check.js";

const HOSTILE = "</text><script>alert(1)</script>&amp;\"'\u0000\u001b[31m\ud800\uffff";

/** Draws one connection whose two directions carry `toServer` and `toClient`. */
function draw(toServer: Buffer, toClient: Buffer, reason?: string): { svg: string; events: TraceEvent[] } {
  const diagram = new SequenceDiagram();
  const events: TraceEvent[] = [];
  const traced = new TracedConnection(1, "127.0.0.1:40000", (conn, dir, report) => new ZmtpTap(conn, dir, report), (e) => {
    events.push(e);
    diagram.add(e);
  });
  traced.push("c>s", toServer);
  traced.push("s>c", toClient);
  traced.close(reason);
  return { svg: diagram.render(), events };
}

describe("the XML checker", () => {
  test("accepts a well-formed document and refuses broken ones", () => {
    assert.equal(xmlProblem(`<?xml version="1.0"?>\n<a x="1"><b y='&amp;&#60;'/>t&lt;</a>`), undefined);
    for (const bad of ["<a><b></a></b>", "<a>&</a>", "<a x=1/>", "<a>\u0001</a>", "<a/><b/>", "<a>", "<a x=\"<\"/>", "<a x=\"1\" x=\"2\"/>", "text<a/>"]) {
      assert.notEqual(xmlProblem(bad), undefined, bad);
    }
  });
});

describe("trace --svg", () => {
  test("hostile metadata and reasons stay text; the picture names the greeting, commands, messages, the violation and the close", () => {
    const toServer = Buffer.concat([
      encodeGreeting("NULL", false),
      encodeFrame(encodeReady([["Socket-Type", "DEALER"], ["X-Evil", Buffer.from(HOSTILE, "utf8")]]), FLAG_COMMAND),
      encodeFrame(Buffer.from([9, 0x41]), FLAG_COMMAND),
      encodeFrame(Buffer.from(HOSTILE, "utf8")),
    ]);
    const toClient = Buffer.concat([encodeGreeting("NULL", false), encodeFrame(encodeError(HOSTILE), FLAG_COMMAND)]);
    const { svg } = draw(toServer, toClient, `server: ${HOSTILE}`);
    assert.equal(xmlProblem(svg), undefined);
    assert.doesNotMatch(svg, /<script>/);
    assert.match(svg, /connection #1 from 127\.0\.0\.1:40000/);
    assert.match(svg, /greeting ZMTP 3\.1 NULL as-server=0/);
    assert.match(svg, /READY metadata=\{&quot;Socket-Type&quot;:&quot;DEALER&quot;/);
    assert.match(svg, /class="violation">VIOLATION command name runs past the end of its frame/);
    assert.match(svg, />message 1 frame /);
    assert.match(svg, />ERROR reason=/);
    assert.match(svg, />closed: server: /);
  });

  test("the first messages are drawn, the rest counted; connections past the bound are counted", () => {
    const messages = Array.from({ length: 100 }, (_, i) => encodeFrame(Buffer.from(`m${i}`)));
    const { svg } = draw(Buffer.concat([encodeGreeting("NULL", false), ...messages]), Buffer.alloc(0));
    assert.equal(xmlProblem(svg), undefined);
    assert.equal(svg.match(/>message 1 frame /g)?.length, FIRST_MESSAGES);
    assert.match(svg, /… 94 more events/);
    assert.match(svg, />closed</);

    // Commands are drawn up to the row bound.
    const pings = Array.from({ length: 100 }, () => encodeFrame(encodePing(10), FLAG_COMMAND));
    const rows = draw(Buffer.concat([encodeGreeting("NULL", false), ...pings]), Buffer.alloc(0)).svg;
    assert.equal(rows.match(/>PING ttl=10 /g)?.length, MAX_ROWS - 1, "the greeting is the first row");
    assert.match(rows, /… 61 more events/);

    const many = new SequenceDiagram();
    for (let conn = 1; conn <= MAX_CONNECTIONS + 5; conn++) many.add({ type: "open", conn, peer: "p" });
    const big = many.render();
    assert.match(big, />still open</, "a connection not closed says so");
    assert.equal(xmlProblem(big), undefined);
    assert.equal(big.match(/<g id="connection-/g)?.length, MAX_CONNECTIONS);
    assert.match(big, /5 more connections not drawn/);
  });

  test("labels are cut and escaped", () => {
    assert.equal(xmlText(`a<b>&"'\u0001`), "a&lt;b&gt;&amp;&quot;&apos;\ufffd");
    assert.equal(xmlText("x".repeat(500)).length, 110);
    assert.equal(xmlProblem(new SequenceDiagram().render()), undefined);
  });
});
