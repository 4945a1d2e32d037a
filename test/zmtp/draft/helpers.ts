/**
 * Helpers of the draft socket tests, for purezmq's and libzmq's sockets
 * alike. A radio learns joins asynchronously and tells nobody, so
 * `untilJoined` sends probes to the group until the dish receives one;
 * `nextReal` then skips any late probe.
 */

/** A radio as both libraries expose it. */
export interface RadioLike {
  send(msg: unknown, options: { group: string | Buffer }): Promise<void>;
}

/** A dish as both libraries expose it. */
export interface DishLike {
  receive(): Promise<[Buffer, { group: Buffer }]>;
  receiveTimeout: number;
}

const PROBE = "\u0000probe";

/** Sends probes to `group` until `dish` receives one (its JOIN reached the radio), up to `ms`. */
export async function untilJoined(radio: RadioLike, dish: DishLike, group: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  const saved = dish.receiveTimeout;
  dish.receiveTimeout = 25;
  try {
    while (Date.now() < deadline) {
      await radio.send(PROBE, { group });
      try {
        const [body] = await dish.receive();
        if (body.toString() === PROBE) return;
      } catch (err) {
        if ((err as { code?: string }).code !== "EAGAIN") throw err;
      }
    }
    throw new Error(`no JOIN of ${group} reached the radio within ${ms} ms`);
  } finally {
    dish.receiveTimeout = saved;
  }
}

/** The next message that is not a probe, as `group:body`. */
export async function nextReal(dish: DishLike): Promise<string> {
  for (;;) {
    const [body, { group }] = await dish.receive();
    if (body.toString() !== PROBE) return `${group.toString()}:${body.toString()}`;
  }
}
