/**
 * Bodies of the differential surface tests whose native side runs in a
 * child process (see surface-child.ts): constructors that throw after
 * zeromq.js made the socket or context. Each returns JSON data.
 */
import { thrown, type Zmq } from "./differential.js";

type Ctor<T> = new (...args: unknown[]) => T;

export const bodies = {
  /** Socket constructor options that zeromq.js refuses once the socket exists. */
  socketOptions(zmq: Zmq): unknown {
    const made: Array<{ close(): void }> = [];
    const make = (options: unknown) => thrown(() => {
      const s = new zmq.Dealer(options as never);
      made.push(s);
      return s.type;
    });
    const outcomes = [
      make({ foo: 1 }),
      make({ foo: undefined }),
      make({ linger: 0, foo: 2 }),
      make({ [Symbol("x")]: 1 }),
      make({ type: 1 }),
      make({ lastEndpoint: "x" }),
      make({ closed: true }),
      make({ events: 1 }),
      make({ send: 5 }),
      make({ mandatory: true }),
      make({ subscribe: 1 }),
    ];
    for (const s of made) s.close();
    return outcomes;
  },

  /** A subclass may add methods but no fields: the socket is sealed when its constructor returns. */
  subclass(zmq: Zmq): unknown {
    class WithMethod extends zmq.Dealer {
      hello(): string {
        return "hi";
      }
    }
    class WithField extends zmq.Dealer {
      extra = 1;
    }
    const withMethod = new WithMethod();
    const method = thrown(() => withMethod.hello());
    withMethod.close();
    return { method, field: thrown(() => new WithField().extra) };
  },

  /** Context constructor options that zeromq.js refuses once the context exists. */
  contextOptions(zmq: Zmq): unknown {
    const make = (options: unknown) => thrown(() => new (zmq.Context as Ctor<object>)(options) && "made");
    return [
      make({ foo: 1 }),
      make({ maxSocketsLimit: 1 }),
      make({ ioThreads: "x", foo: 1 }),
      make({ blocky: undefined }),
      make({ maxSockets: 0 }),
      make({ threadPriority: -1 }),
    ];
  },
};
