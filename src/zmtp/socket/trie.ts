/**
 * A trie over the octets of topics, for RFC 29 prefix matching.
 *
 * Why a trie rather than a list of prefixes: matching a message walks one
 * node per octet of the message's first frame, stopping where no topic
 * continues, so its cost is bounded by the longest subscribed topic and does
 * not grow with the number of topics or subscribers (only with the number
 * of subscribers that actually match, who must each get the message).
 * Sorted prefixes would need one binary search per distinct prefix length.
 * Children are kept in a Map keyed by octet, so sparse nodes stay small.
 */
import { Buffer } from "node:buffer";

class TrieNode<V> {
  value: V | undefined;
  children: Map<number, TrieNode<V>> | undefined;
}

/** Maps topics (octet strings) to values and finds every topic that prefixes a message. */
export class PrefixTrie<V> {
  private readonly root = new TrieNode<V>();
  private count = 0;

  /** Topics with a value. */
  get size(): number {
    return this.count;
  }

  /** The value stored for exactly `topic`. */
  get(topic: Uint8Array): V | undefined {
    let node: TrieNode<V> | undefined = this.root;
    for (let i = 0; i < topic.length && node; i++) node = node.children?.get(topic[i]!);
    return node?.value;
  }

  /** Stores a value for `topic`. */
  set(topic: Uint8Array, value: V): void {
    let node = this.root;
    for (let i = 0; i < topic.length; i++) {
      const octet = topic[i]!;
      let next = node.children?.get(octet);
      if (!next) {
        next = new TrieNode<V>();
        (node.children ??= new Map()).set(octet, next);
      }
      node = next;
    }
    if (node.value === undefined) this.count++;
    node.value = value;
  }

  /** Removes `topic`, pruning nodes no other topic needs. Returns false when absent. */
  delete(topic: Uint8Array): boolean {
    const path: TrieNode<V>[] = [this.root];
    let node: TrieNode<V> | undefined = this.root;
    for (let i = 0; i < topic.length; i++) {
      node = node.children?.get(topic[i]!);
      if (!node) return false;
      path.push(node);
    }
    if (node.value === undefined) return false;
    node.value = undefined;
    this.count--;
    for (let i = topic.length; i > 0; i--) {
      const n = path[i]!;
      if (n.value !== undefined || (n.children && n.children.size > 0)) break;
      const parent = path[i - 1]!;
      parent.children!.delete(topic[i - 1]!);
      if (parent.children!.size === 0) parent.children = undefined;
    }
    return true;
  }

  /** Calls `visit` with the value of every stored topic that is a prefix of `data` (shortest first). */
  forEachPrefixOf(data: Uint8Array, visit: (value: V) => void): void {
    let node: TrieNode<V> | undefined = this.root;
    for (let i = 0; ; i++) {
      if (node.value !== undefined) visit(node.value);
      if (i >= data.length) return;
      node = node.children?.get(data[i]!);
      if (!node) return;
    }
  }

  /** True when some stored topic is a prefix of `data`. */
  hasPrefixOf(data: Uint8Array): boolean {
    let node: TrieNode<V> | undefined = this.root;
    for (let i = 0; ; i++) {
      if (node.value !== undefined) return true;
      if (i >= data.length) return false;
      node = node.children?.get(data[i]!);
      if (!node) return false;
    }
  }

  /** Calls `visit` for every stored topic. */
  forEach(visit: (topic: Buffer, value: V) => void): void {
    const walk = (node: TrieNode<V>, prefix: number[]): void => {
      if (node.value !== undefined) visit(Buffer.from(prefix), node.value);
      if (!node.children) return;
      for (const [octet, child] of node.children) {
        prefix.push(octet);
        walk(child, prefix);
        prefix.pop();
      }
    };
    walk(this.root, []);
  }
}
