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
 * rows, child slot, the peer's id entry, pool slack), in octets: it is
 * counted with the topic's length, so that a bound on subscription bytes
 * also bounds a flood of tiny topics. Measured on V8 (heap and array
 * buffers): 41 for a million distinct 7-octet topics of one peer; rounded
 * up for tree shapes that cost more (a split node per topic, sparse direct
 * blocks) and for topics several peers share (a Set of them).
 */
export const SUBSCRIPTION_OVERHEAD = 64;

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

/**
 * One peer's topics, as the tree ids of their nodes (four octets each
 * rather than a copy of the topic), and their total {@link subscriptionCost}.
 *
 * A cancel does not look for its id here: the entry goes stale, and is
 * recognised as such (its node no longer holds the peer) when the list is
 * read. An id may even come back for another topic of the same peer, so
 * readers skip repeats too. Stale entries are swept when the list must
 * grow and more than half of it is stale, which keeps it within twice the
 * peer's live topics at an amortised constant cost per change.
 */
interface PeerTopics {
  ids: Int32Array;
  used: number;
  /** Topics the peer holds. */
  live: number;
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
    return holds(this.trie.get(topic), peer);
  }

  /** Subscribes `peer` to `topic`; true when no peer had that topic before. */
  add(topic: Uint8Array, peer: P): boolean {
    let id = this.trie.idOf(topic);
    const holders = this.trie.valueAt(id);
    if (holders === undefined) {
      id = this.trie.set(topic, peer);
    } else if (holds(holders, peer)) {
      return false;
    } else if (holders instanceof Set) {
      holders.add(peer);
    } else {
      this.trie.replaceAt(id, new Set([holders, peer]));
    }
    let mine = this.byPeer.get(peer);
    if (!mine) this.byPeer.set(peer, (mine = { ids: new Int32Array(4), used: 0, live: 0, cost: 0 }));
    this.remember(peer, mine, id);
    const cost = subscriptionCost(topic);
    mine.cost += cost;
    this.totalCost += cost;
    return holders === undefined;
  }

  /** Cancels `peer`'s subscription to `topic`. */
  remove(topic: Uint8Array, peer: P): RemoveResult {
    const id = this.trie.idOf(topic);
    const holders = this.trie.valueAt(id);
    if (!holds(holders, peer)) return "absent";
    const left = this.release(id, holders!, peer);
    this.forget(peer, this.byPeer.get(peer)!, subscriptionCost(topic));
    return left ? "remaining" : "last";
  }

  /** Removes every subscription of `peer`; `onLast` gets each topic no peer holds any more. */
  removePeer(peer: P, onLast: (topic: Buffer) => void): void {
    const mine = this.byPeer.get(peer);
    if (!mine) return;
    this.byPeer.delete(peer);
    for (let i = 0; i < mine.used; i++) {
      const id = mine.ids[i]!;
      const holders = this.trie.valueAt(id);
      if (!holds(holders, peer)) continue; // stale, or a repeat already removed
      const topic = this.trie.topicAt(id);
      this.totalCost -= subscriptionCost(topic);
      if (!this.release(id, holders!, peer)) onLast(topic);
    }
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
    const mine = this.byPeer.get(peer);
    if (!mine) return [];
    this.sweep(peer, mine);
    return Array.from(mine.ids.subarray(0, mine.used), (id) => this.trie.topicAt(id));
  }

  /** Takes `peer` off the topic of node `id`, which it holds; true when other peers still hold it. */
  private release(id: number, holders: Holders<P>, peer: P): boolean {
    if (!(holders instanceof Set)) {
      this.trie.deleteAt(id);
      return false;
    }
    holders.delete(peer);
    if (holders.size === 1) this.trie.replaceAt(id, holders.values().next().value as P);
    return true;
  }

  /** Appends `id` to the peer's list, sweeping stale entries or growing it when full. */
  private remember(peer: P, mine: PeerTopics, id: number): void {
    mine.live++;
    if (mine.used === mine.ids.length) {
      if (mine.used - mine.live + 1 > mine.used / 2) this.sweep(peer, mine);
      if (mine.used === mine.ids.length) {
        const ids = new Int32Array(Math.ceil(mine.ids.length * 1.5));
        ids.set(mine.ids);
        mine.ids = ids;
      }
    }
    mine.ids[mine.used++] = id;
  }

  /** Keeps only the ids whose node holds the peer, each once. */
  private sweep(peer: P, mine: PeerTopics): void {
    const ids = mine.ids.subarray(0, mine.used).sort();
    let kept = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if ((kept > 0 && ids[kept - 1] === id) || !holds(this.trie.valueAt(id), peer)) continue;
      ids[kept++] = id;
    }
    mine.used = kept;
  }

  private forget(peer: P, mine: PeerTopics, cost: number): void {
    mine.cost -= cost;
    mine.live--;
    this.totalCost -= cost;
    if (mine.live === 0) this.byPeer.delete(peer);
  }
}

/** True when `holders` (a topic's) include `peer`. */
function holds<P>(holders: Holders<P> | undefined, peer: P): boolean {
  return holders === peer || (holders instanceof Set && holders.has(peer));
}
