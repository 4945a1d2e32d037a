/**
 * Subscription bookkeeping for RFC 29, on both sides of a publish-subscribe
 * link. Both sit on a {@link PrefixTrie}.
 *
 * Where the counting happens, as libzmq does it (and so as its peers
 * expect): a subscriber counts its own subscriptions, sends every subscribe
 * but a cancel only when the count of that topic reaches zero (so two
 * subscribes need two cancels). A publisher then keeps, per topic, the set
 * of peers subscribed: a repeated subscribe from one peer changes nothing and
 * one cancel removes it. A publisher that counted as well would strand the
 * subscriptions of libzmq subscribers, which send the repeats but not the
 * matching cancels.
 *
 * The publisher's side also weighs what each peer holds (see
 * {@link subscriptionCost}), so that the socket can bound it.
 */
import { Buffer } from "node:buffer";
import { PrefixTrie } from "./trie.js";

/**
 * What a publisher holds for one topic of one peer beyond its octets (tree
 * node, the peer's entry, set entries), in octets, measured on V8: it is
 * counted with the topic's length, so that a bound on subscription bytes
 * also bounds a flood of tiny topics.
 */
export const SUBSCRIPTION_OVERHEAD = 160;

/** The weight of one subscription against the subscription bounds: its octets plus the overhead. */
export function subscriptionCost(topic: Uint8Array): number {
  return topic.length + SUBSCRIPTION_OVERHEAD;
}

/** A subscriber's own topics, each with the number of times it was subscribed. */
export class TopicCounts {
  private readonly trie = new PrefixTrie<number>();

  /** Distinct topics subscribed. */
  get size(): number {
    return this.trie.size;
  }

  /** Counts one more subscription to `topic`; true when the topic is new. */
  add(topic: Uint8Array): boolean {
    const n = this.trie.get(topic) ?? 0;
    this.trie.set(topic, n + 1);
    return n === 0;
  }

  /** Counts one cancel; true when that was the topic's last subscription. False also when absent. */
  remove(topic: Uint8Array): boolean {
    const n = this.trie.get(topic);
    if (n === undefined) return false;
    if (n > 1) {
      this.trie.set(topic, n - 1);
      return false;
    }
    this.trie.delete(topic);
    return true;
  }

  /** True when some subscribed topic is a prefix of `data`. */
  matches(data: Uint8Array): boolean {
    return this.trie.hasPrefixOf(data);
  }

  /** Calls `visit` once per distinct topic. */
  forEach(visit: (topic: Buffer) => void): void {
    this.trie.forEach((topic) => visit(topic));
  }
}

/** What removing a peer's subscription did. */
export type RemoveResult = "absent" | "remaining" | "last";

/** One peer's topics (latin1 keys) and their total {@link subscriptionCost}. */
interface PeerTopics {
  readonly keys: Set<string>;
  cost: number;
}

/**
 * The peers holding one topic: the peer itself while it is the only one
 * (the common case, and the one a flood of distinct topics makes), a Set
 * from the second on. Peers must therefore not be Sets themselves.
 */
type Holders<P> = P | Set<P>;

/** A publisher's subscriptions: for each topic, the set of peers that asked for it. */
export class SubscriberIndex<P> {
  private readonly trie = new PrefixTrie<Holders<P>>();
  /** Each peer's topics, so a departing peer is removed in O(its topics). */
  private readonly byPeer = new Map<P, PeerTopics>();
  private totalCost = 0;

  /** The {@link subscriptionCost} of every (peer, topic) pair held. */
  get cost(): number {
    return this.totalCost;
  }

  /** The {@link subscriptionCost} of what `peer` holds. */
  costOf(peer: P): number {
    return this.byPeer.get(peer)?.cost ?? 0;
  }

  /** True when `peer` holds `topic`. */
  has(topic: Uint8Array, peer: P): boolean {
    const holders = this.trie.get(topic);
    return holders === peer || (holders instanceof Set && holders.has(peer));
  }

  /** Subscribes `peer` to `topic`; true when no peer had that topic before. */
  add(topic: Uint8Array, peer: P): boolean {
    const holders = this.trie.get(topic);
    if (holders === undefined) {
      this.trie.set(topic, peer);
    } else if (holders === peer || (holders instanceof Set && holders.has(peer))) {
      return false;
    } else if (holders instanceof Set) {
      holders.add(peer);
    } else {
      this.trie.set(topic, new Set([holders as P, peer]));
    }
    let mine = this.byPeer.get(peer);
    if (!mine) this.byPeer.set(peer, (mine = { keys: new Set(), cost: 0 }));
    mine.keys.add(Buffer.from(topic.buffer, topic.byteOffset, topic.byteLength).toString("latin1"));
    const cost = subscriptionCost(topic);
    mine.cost += cost;
    this.totalCost += cost;
    return holders === undefined;
  }

  /** Cancels `peer`'s subscription to `topic`. */
  remove(topic: Uint8Array, peer: P): RemoveResult {
    const holders = this.trie.get(topic);
    if (holders === undefined) return "absent";
    let left: boolean;
    if (holders === peer) {
      this.trie.delete(topic);
      left = false;
    } else if (holders instanceof Set && holders.delete(peer)) {
      left = true;
      if (holders.size === 1) this.trie.set(topic, holders.values().next().value as P);
    } else {
      return "absent";
    }
    const mine = this.byPeer.get(peer)!;
    mine.keys.delete(Buffer.from(topic.buffer, topic.byteOffset, topic.byteLength).toString("latin1"));
    this.forget(peer, mine, subscriptionCost(topic));
    return left ? "remaining" : "last";
  }

  /** Removes every subscription of `peer`; `onLast` gets each topic no peer holds any more. */
  removePeer(peer: P, onLast: (topic: Buffer) => void): void {
    const mine = this.byPeer.get(peer);
    if (!mine) return;
    for (const key of mine.keys) {
      const topic = Buffer.from(key, "latin1");
      if (this.remove(topic, peer) === "last") onLast(topic);
    }
    this.byPeer.delete(peer);
  }

  /** Calls `visit` for each (peer, topic) pair whose topic prefixes `data`; a peer may come more than once. */
  forEachMatch(data: Uint8Array, visit: (peer: P) => void): void {
    this.trie.forEachPrefixOf(data, (holders) => {
      if (holders instanceof Set) for (const peer of holders) visit(peer);
      else visit(holders);
    });
  }

  /** The topics `peer` is subscribed to. */
  topicsOf(peer: P): Buffer[] {
    return [...(this.byPeer.get(peer)?.keys ?? [])].map((k) => Buffer.from(k, "latin1"));
  }

  private forget(peer: P, mine: PeerTopics, cost: number): void {
    mine.cost -= cost;
    this.totalCost -= cost;
    if (mine.keys.size === 0) this.byPeer.delete(peer);
  }
}
