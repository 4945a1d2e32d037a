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
 */
import { Buffer } from "node:buffer";
import { PrefixTrie } from "./trie.js";

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

/** A publisher's subscriptions: for each topic, the set of peers that asked for it. */
export class SubscriberIndex<P> {
  private readonly trie = new PrefixTrie<Set<P>>();
  /** Each peer's topics (latin1 keys), so a departing peer is removed in O(its topics). */
  private readonly byPeer = new Map<P, Set<string>>();

  /** Subscribes `peer` to `topic`; true when no peer had that topic before. */
  add(topic: Uint8Array, peer: P): boolean {
    let set = this.trie.get(topic);
    const first = set === undefined;
    if (!set) this.trie.set(topic, (set = new Set()));
    set.add(peer);
    let mine = this.byPeer.get(peer);
    if (!mine) this.byPeer.set(peer, (mine = new Set()));
    mine.add(Buffer.from(topic).toString("latin1"));
    return first;
  }

  /** Cancels `peer`'s subscription to `topic`. */
  remove(topic: Uint8Array, peer: P): RemoveResult {
    const set = this.trie.get(topic);
    if (!set || !set.delete(peer)) return "absent";
    this.byPeer.get(peer)?.delete(Buffer.from(topic).toString("latin1"));
    if (set.size > 0) return "remaining";
    this.trie.delete(topic);
    return "last";
  }

  /** Removes every subscription of `peer`; `onLast` gets each topic no peer holds any more. */
  removePeer(peer: P, onLast: (topic: Buffer) => void): void {
    const mine = this.byPeer.get(peer);
    if (!mine) return;
    this.byPeer.delete(peer);
    for (const key of mine) {
      const topic = Buffer.from(key, "latin1");
      const set = this.trie.get(topic);
      if (!set) continue;
      set.delete(peer);
      if (set.size === 0) {
        this.trie.delete(topic);
        onLast(topic);
      }
    }
  }

  /** Calls `visit` for each (peer, topic) pair whose topic prefixes `data`; a peer may come more than once. */
  forEachMatch(data: Uint8Array, visit: (peer: P) => void): void {
    this.trie.forEachPrefixOf(data, (set) => {
      for (const peer of set) visit(peer);
    });
  }

  /** The topics `peer` is subscribed to. */
  topicsOf(peer: P): Buffer[] {
    return [...(this.byPeer.get(peer) ?? [])].map((k) => Buffer.from(k, "latin1"));
  }
}
