/**
 * A radix tree over the octets of topics, for RFC 29 prefix matching.
 *
 * Why a tree rather than a list of prefixes: matching a message walks the
 * octets of its first frame once, stopping where no topic continues, so its
 * cost is bounded by the longest subscribed topic and does not grow with the
 * number of topics or subscribers (only with the number of subscribers that
 * actually match, who must each get the message).
 *
 * Why a radix tree (a run of octets per node) rather than one node per
 * octet: topics come from the network, and a node costs a hundred and more
 * bytes of heap. Here the nodes number at most twice the topics, whatever
 * their length, and the octets are held once, as one-byte strings (16 bytes
 * of header each, no separate backing store), so memory follows the topic
 * bytes rather than two hundred times them.
 *
 * No operation recurses: a peer chooses the length of its topics, and a
 * recursion one frame per octet (or per node) would let it overflow the
 * stack. Every walk is a loop, with an explicit stack where it must branch.
 */
import { Buffer } from "node:buffer";

/**
 * A node holds the octets `label.slice(start)` of the path from its parent
 * (the first of them is its key in the parent's children). A split moves
 * `start` forward instead of copying the rest of a long label; merging back
 * moves it backward when the label still holds those octets. Both halves of
 * a label are thus never held twice for long: a node's string is made for
 * that node, so what it keeps before `start` is bounded by its own length.
 */
class RadixNode<V> {
  value: V | undefined = undefined;
  children: Map<number, RadixNode<V>> | undefined = undefined;
  constructor(
    /** Latin-1 string: one char per octet. */
    public label: string,
    public start: number,
  ) {}

  get length(): number {
    return this.label.length - this.start;
  }
}

/** Octets `from` to `to` of `data` as a string of its own (never a slice that keeps a larger one alive). */
function octetsOf(data: Uint8Array, from: number, to: number): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("latin1", from, to);
}

/** How far `data` from `pos` agrees with the node's label; the label's first octet is known to agree. */
function agreement(node: RadixNode<unknown>, data: Uint8Array, pos: number): number {
  const label = node.label;
  const n = Math.min(node.length, data.length - pos);
  let i = 1;
  for (let j = node.start + 1; i < n && label.charCodeAt(j) === data[pos + i]; i++, j++);
  return i;
}

/** Maps topics (octet strings) to values and finds every topic that prefixes a message. */
export class PrefixTrie<V> {
  private readonly root = new RadixNode<V>("", 0);
  private count = 0;
  private nodes = 1;

  /** Topics with a value. */
  get size(): number {
    return this.count;
  }

  /** @internal Nodes in the tree, the root included: at most twice the topics plus one. */
  get nodeCount(): number {
    return this.nodes;
  }

  /** The value stored for exactly `topic`. */
  get(topic: Uint8Array): V | undefined {
    return this.find(topic)?.value;
  }

  /** Stores a value for `topic`. */
  set(topic: Uint8Array, value: V): void {
    let node = this.root;
    let pos = 0;
    while (pos < topic.length) {
      const child = node.children?.get(topic[pos]!);
      if (child === undefined) {
        const leaf = new RadixNode<V>(octetsOf(topic, pos, topic.length), 0);
        (node.children ??= new Map()).set(topic[pos]!, leaf);
        this.nodes++;
        node = leaf;
        pos = topic.length;
        break;
      }
      const same = agreement(child, topic, pos);
      if (same < child.length) {
        // The topic leaves (or ends inside) the child's label: a new node
        // takes the shared octets, copied from the topic (the caller paid
        // for those), and the child keeps its string past them.
        const mid = new RadixNode<V>(octetsOf(topic, pos, pos + same), 0);
        child.start += same;
        mid.children = new Map([[child.label.charCodeAt(child.start), child]]);
        node.children!.set(topic[pos]!, mid);
        this.nodes++;
        node = mid;
      } else {
        node = child;
      }
      pos += same;
    }
    if (node.value === undefined) this.count++;
    node.value = value;
  }

  /** Removes `topic`, merging nodes no other topic needs. Returns false when absent. */
  delete(topic: Uint8Array): boolean {
    let parent: RadixNode<V> | undefined;
    let node: RadixNode<V> = this.root;
    let pos = 0;
    while (pos < topic.length) {
      const child = node.children?.get(topic[pos]!);
      if (child === undefined || child.length > topic.length - pos || agreement(child, topic, pos) < child.length) return false;
      parent = node;
      node = child;
      pos += child.length;
    }
    if (node.value === undefined) return false;
    node.value = undefined;
    this.count--;
    if (parent === undefined) return true; // the root stays, with or without the empty topic
    const children = node.children?.size ?? 0;
    if (children === 1) {
      this.absorb(parent, node);
    } else if (children === 0) {
      parent.children!.delete(node.label.charCodeAt(node.start));
      this.nodes--;
      if (parent.children!.size === 0) parent.children = undefined;
      // The parent may now be a valueless node with one child: merge it, so
      // that nodes stay at most twice the topics. Its own parent is needed
      // for that; one more walk down finds it (no parent pointers to keep).
      if (parent !== this.root && parent.value === undefined && parent.children?.size === 1) {
        const grand = this.parentOf(topic, parent);
        this.absorb(grand, parent);
      }
    }
    return true;
  }

  /** Calls `visit` with the value of every stored topic that is a prefix of `data` (shortest first). */
  forEachPrefixOf(data: Uint8Array, visit: (value: V) => void): void {
    let node: RadixNode<V> = this.root;
    let pos = 0;
    for (;;) {
      if (node.value !== undefined) visit(node.value);
      if (pos >= data.length) return;
      const child = node.children?.get(data[pos]!);
      if (child === undefined || child.length > data.length - pos || agreement(child, data, pos) < child.length) return;
      node = child;
      pos += child.length;
    }
  }

  /** True when some stored topic is a prefix of `data`. */
  hasPrefixOf(data: Uint8Array): boolean {
    let node: RadixNode<V> = this.root;
    let pos = 0;
    for (;;) {
      if (node.value !== undefined) return true;
      if (pos >= data.length) return false;
      const child = node.children?.get(data[pos]!);
      if (child === undefined || child.length > data.length - pos || agreement(child, data, pos) < child.length) return false;
      node = child;
      pos += child.length;
    }
  }

  /** Calls `visit` for every stored topic (a fresh Buffer each), depth first with an explicit stack. */
  forEach(visit: (topic: Buffer, value: V) => void): void {
    const stack: Array<[node: RadixNode<V>, depth: number]> = [[this.root, 0]];
    let path = Buffer.allocUnsafe(256);
    let entry: [RadixNode<V>, number] | undefined;
    while ((entry = stack.pop()) !== undefined) {
      const [node, depth] = entry;
      const end = depth + node.length;
      if (end > path.length) {
        const grown = Buffer.allocUnsafe(Math.max(end, path.length * 2));
        path.copy(grown, 0, 0, depth);
        path = grown;
      }
      path.write(node.label.substring(node.start), depth, "latin1");
      if (node.value !== undefined) visit(Buffer.from(path.subarray(0, end)), node.value);
      if (node.children) for (const child of node.children.values()) stack.push([child, end]);
    }
  }

  /** The node holding exactly `topic`, if the tree has one. */
  private find(topic: Uint8Array): RadixNode<V> | undefined {
    let node: RadixNode<V> = this.root;
    let pos = 0;
    while (pos < topic.length) {
      const child = node.children?.get(topic[pos]!);
      if (child === undefined || child.length > topic.length - pos || agreement(child, topic, pos) < child.length) return undefined;
      node = child;
      pos += child.length;
    }
    return node;
  }

  /** The parent of `target`, a node on the path of `topic`. */
  private parentOf(topic: Uint8Array, target: RadixNode<V>): RadixNode<V> {
    let node = this.root;
    let pos = 0;
    for (;;) {
      const child = node.children!.get(topic[pos]!)!;
      if (child === target) return node;
      node = child;
      pos += child.length;
    }
  }

  /** Replaces `node` (valueless, one child) in `parent` by its child, which takes over its octets. */
  private absorb(parent: RadixNode<V>, node: RadixNode<V>): void {
    const child = node.children!.values().next().value!;
    const key = node.label.charCodeAt(node.start);
    const shared = node.length;
    if (child.start >= shared) {
      // The child's string still holds those octets, from before a split.
      child.start -= shared;
    } else {
      const merged = Buffer.allocUnsafe(shared + child.length);
      merged.write(node.label.substring(node.start), 0, "latin1");
      merged.write(child.label.substring(child.start), shared, "latin1");
      child.label = merged.toString("latin1");
      child.start = 0;
    }
    parent.children!.set(key, child);
    this.nodes--;
  }
}
