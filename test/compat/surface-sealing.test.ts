/**
 * Sockets and contexts take no new properties and keep their read-only ones,
 * as in zeromq.js: the same TypeErrors, from assignments and from
 * constructor options.
 */
import { bodies } from "./surface-bodies.js";
import { sameInChild } from "./surface-child.js";
import { same, thrown, type Zmq } from "./differential.js";

const bodiesUrl = new URL("./surface-bodies.js", import.meta.url).href;

type Assignable = Record<PropertyKey, unknown>;

/** What assigning `value` to `name` does (these modules run in strict mode). */
function assign(target: object, name: PropertyKey, value: unknown): Record<string, unknown> {
  return thrown(() => {
    (target as Assignable)[name] = value;
  });
}

same("a socket is sealed: a new property, a read-only one or a method cannot be assigned", (zmq, { closing }) => {
  const dealer = closing(new zmq.Dealer());
  const sub = closing(new zmq.Subscriber());
  const readOnly = ["type", "lastEndpoint", "closed", "events", "context", "readable", "writable", "securityMechanism", "threadSafe"];
  const methods = ["bind", "unbind", "connect", "disconnect", "close", "send", "receive"];
  return {
    extensible: Object.isExtensible(dealer),
    sealed: Object.isSealed(dealer),
    unknown: assign(dealer, "foo", 1),
    symbol: assign(dealer, Symbol("x"), 1),
    readOnly: readOnly.map((name) => assign(dealer, name, 1)),
    methods: methods.map((name) => assign(dealer, name, 1)),
    subscribe: assign(sub, "subscribe", 1),
    option: assign(dealer, "linger", 0),
    lingerAfter: dealer.linger,
  };
});

same("a Context is sealed: a new property or maxSocketsLimit cannot be assigned", (zmq) => {
  const ctx = new zmq.Context();
  return {
    extensible: Object.isExtensible(ctx),
    sealed: Object.isSealed(ctx),
    unknown: assign(ctx, "foo", 1),
    limit: assign(ctx, "maxSocketsLimit", 1),
    shared: assign(zmq.context, "bar", 1),
  };
});

sameInChild("socket constructor options: unknown, read-only and method keys throw the same TypeErrors", bodiesUrl, "socketOptions", bodies);

same("socket constructor options: a context that is not a Context, or options that are not an object", (zmq) => {
  // zeromq.js checks these before it makes the socket.
  const make = (options: unknown) => thrown(() => new zmq.Dealer(options as never));
  return [
    make({ context: 1 }),
    make({ context: undefined }),
    make({ context: null }),
    make({ foo: 2, context: 1 }),
    make(Object.create({ context: 1 })),
    make(1),
    make(null),
    make("x"),
  ];
});

same("socket constructor options: what is applied and what is skipped", (zmq, { closing }) => {
  const linger = (options: unknown) => closing(new zmq.Dealer({ ...(options as object), context: new zmq.Context() })).linger;
  const hidden = Object.defineProperty({}, "foo", { value: 1, enumerable: false });
  return {
    given: closing(new zmq.Dealer({ linger: 5, routingId: "me", context: new zmq.Context() })).linger,
    inherited: closing(new zmq.Dealer(Object.create({ linger: 5 }))).linger,
    nonEnumerable: thrown(() => closing(new zmq.Dealer(hidden)).type),
    array: thrown(() => closing(new zmq.Dealer([] as never)).type),
    spread: linger({ linger: 7 }),
    extraArgument: thrown(() => closing(new (zmq.Dealer as new (...a: unknown[]) => InstanceType<Zmq["Dealer"]>)({}, {})).type),
  };
}, { given: 5, inherited: -1, nonEnumerable: { returned: 5 }, array: { returned: 5 }, spread: 7, extraArgument: { returned: 5 } });

sameInChild("a subclass may add methods but not fields (the socket is sealed by then)", bodiesUrl, "subclass", bodies, {
  method: { returned: "hi" },
  field: { kind: "TypeError", message: "Cannot define property extra, object is not extensible" },
});
