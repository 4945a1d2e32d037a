/**
 * A radix tree over the octets of topics, for RFC 29 prefix matching.
 *
 * Why a tree rather than a list of prefixes: matching a message walks the
 * octets of its first frame once, stopping where no topic continues, so its
 * cost is bounded by the longest subscribed topic and does not grow with the
 * number of topics or subscribers (only with the number of subscribers that
 * actually match, who must each get the message). Each step finds the next
 * node among at most 256 sorted keys: at most eight comparisons.
 *
 * Why a radix tree (a run of octets per node) rather than one node per
 * octet: topics come from the network, so the nodes must follow the topics,
 * not their octets. Here the nodes number at most twice the topics, whatever
 * their length.
 *
 * Why typed arrays rather than an object per node: a million subscriptions
 * are a million nodes, and a V8 object with a Map of children and a string
 * label cost 125 bytes per 7-octet topic. Here a node is a row across a few
 * typed arrays (22 bytes), its label a run in one octet pool and its
 * children a block of ids and keys in one child pool: about 43 bytes per
 * 7-octet topic all in, slack included. The pools are append-only: what a
 * change abandons is counted (outgrown child blocks are reused by size
 * first), and a pool is compacted when it must grow while a large share of
 * it is abandoned, so it stays within a small factor of what is live at an
 * amortised constant cost.
 *
 * Why every pool is a view of one ArrayBuffer: growing the arrays one by
 * one frees their old copies, each of middling size, which the C allocator
 * keeps in its heap (its threshold for handing blocks to the system rises
 * to the largest block freed); a million topics left about 22 bytes per
 * topic of such freed-but-kept memory in the process. One block, grown for
 * every pool at once, is always the largest the tree frees, so the
 * allocator maps and unmaps it and the process keeps only what is live.
 *
 * Why values sit in a table, a node holding the number of its value's
 * slot: the values repeat (a publisher's topics mostly hold one peer each,
 * of a few peers; a subscriber's, a count), so a table of the distinct ones
 * is small, where an array of one value per node was 8 bytes a node and,
 * growing by copies that each outlived a collection, made V8 grow its young
 * generation to the maximum (some 30 MB) while a million topics came in.
 *
 * Node ids are stable while a node holds a value (splits and merges move
 * only valueless nodes), which lets a caller keep the id of a topic (see
 * {@link PrefixTrie.idOf}) instead of a copy of its octets.
 *
 * No operation recurses: a peer chooses the length of its topics, and a
 * recursion one frame per octet (or per node) would let it overflow the
 * stack. Every walk is a loop, with an explicit stack where it must branch.
 */
import { Buffer } from "node:buffer";

/** The root's id: the empty topic. */
const ROOT = 0;
/** Rows, octets and child slots a new (or emptied) tree starts with. */
const INITIAL = 16;
/** Pools grow by a quarter: little slack at a million rows, still amortised constant time per row. */
const GROWTH = 1.25;

/**
 * Past this many children a node's block is direct: 256 slots indexed by
 * octet (0: none; the root is nobody's child), one load per step instead
 * of a search. Below it, keys sorted for a binary search: a small node
 * does not pay for 256 slots (a direct block costs at most five times the
 * sorted one's slots per child).
 */
const DIRECT_ABOVE = 48;

/**
 * Capacity of a child block holding `count` children (so that it need not
 * be stored): the next power of two, or 256 for a direct block.
 */
function capacityFor(count: number): number {
  if (count > DIRECT_ABOVE) return 256;
  return count <= 1 ? count : 1 << (32 - Math.clz32(count - 1));
}

/** Children of one node in octet order, gathered while its block changes layout. */
const scratchKeys = new Uint8Array(257);
const scratchIds = new Int32Array(257);

/**
 * The capacity a pool with `used` elements (or needing that many) of `cap`
 * gets when the block is remade: a quarter more once it is over four fifths
 * full (pools fill at about the same pace, so one move serves them all),
 * else the same.
 */
function capacityAfter(used: number, cap: number): number {
  return used * GROWTH > cap ? Math.max(used, Math.ceil(cap * GROWTH)) : cap;
}

/** Maps topics (octet strings) to values and finds every topic that prefixes a message. */
export class PrefixTrie<V> {
  // Every typed array below is a view of one block (see repool()).
  // One row per node id. A free row has labelLength -1 and parent = the next free id.
  private labelAt = new Int32Array(0);
  private labelLength = new Int32Array(0);
  private parent = new Int32Array(0);
  private kidsAt = new Int32Array(0);
  private kidCount = new Uint16Array(0);
  /** Node `n` holds table[valueSlot[n]]; slot 0 is no value. */
  private valueSlot = new Int32Array(0);
  /** The distinct values held, by slot; `uses` counts the nodes holding each. */
  private table: Array<V | undefined> = [undefined];
  private uses: number[] = [0];
  private readonly slots = new Map<V, number>();
  private freeSlots: number[] = [];
  /** Rows in use or on the free list; ids from here on are fresh. */
  private rows = 1;
  private freeRow = -1;

  /** Labels: node `n` holds octets[labelAt[n] .. labelAt[n] + labelLength[n]]. */
  private octets = new Uint8Array(0);
  private octetsEnd = 0;
  private liveOctets = 0;

  /** Children: node `n` has kidCount[n] ids and first octets at kidsAt[n], sorted by octet. */
  private kidIds = new Int32Array(0);
  private kidKeys = new Uint8Array(0);
  private kidsEnd = 0;
  private liveKids = 0;
  /**
   * Abandoned child blocks by capacity class (log2 of 1 .. 256), each list
   * threaded through the first id slot of its blocks: nodes grow through the
   * same sizes, so a block one node outgrows soon serves another.
   */
  private freeKids = new Int32Array(9).fill(-1);

  private count = 0;
  private nodes = 1;

  constructor() {
    this.repool(INITIAL, INITIAL, INITIAL);
  }

  /** Topics with a value. */
  get size(): number {
    return this.count;
  }

  /** @internal Nodes in the tree, the root included: at most twice the topics plus one. */
  get nodeCount(): number {
    return this.nodes;
  }

  /** @internal Bytes of the block behind the tree's typed arrays (the table of values aside), for tests and benchmarks. */
  get poolBytes(): number {
    return this.labelAt.buffer.byteLength;
  }

  /** The value stored for exactly `topic`. */
  get(topic: Uint8Array): V | undefined {
    const id = this.idOf(topic);
    return id < 0 ? undefined : this.table[this.valueSlot[id]!];
  }

  /**
   * The id of the node holding exactly `topic` (with or without a value),
   * or -1. The id of a topic with a value stays the same until the topic is
   * deleted.
   */
  idOf(topic: Uint8Array): number {
    let node = ROOT;
    let pos = 0;
    while (pos < topic.length) {
      const child = this.step(node, topic, pos);
      if (child < 0) return -1;
      node = child;
      pos += this.labelLength[child]!;
    }
    return node;
  }

  /** The value held by node `id`; undefined for a valueless, free or unknown id. */
  valueAt(id: number): V | undefined {
    return id >= 0 && id < this.rows ? this.table[this.valueSlot[id]!] : undefined;
  }

  /** Replaces the value of node `id`, which must hold one. */
  replaceAt(id: number, value: V): void {
    const old = this.valueSlot[id]!;
    if (old === 0) throw new RangeError(`node ${id} holds no topic`);
    this.valueSlot[id] = this.intern(value);
    this.release(old);
  }

  /** The topic of node `id` (a fresh Buffer), found by walking up to the root. */
  topicAt(id: number): Buffer {
    let length = 0;
    for (let n = id; n !== ROOT; n = this.parent[n]!) length += this.labelLength[n]!;
    const topic = Buffer.allocUnsafe(length);
    let end = length;
    for (let n = id; n !== ROOT; n = this.parent[n]!) {
      const at = this.labelAt[n]!;
      const len = this.labelLength[n]!;
      end -= len;
      topic.set(this.octets.subarray(at, at + len), end);
    }
    return topic;
  }

  /** Stores a value for `topic`; returns the id of its node. */
  set(topic: Uint8Array, value: V): number {
    let node = ROOT;
    let pos = 0;
    while (pos < topic.length) {
      const child = this.childAt(node, topic[pos]!);
      if (child < 0) {
        const leaf = this.newNode(node, topic, pos, topic.length);
        this.insertKid(node, topic[pos]!, leaf);
        node = leaf;
        break;
      }
      const same = this.agreement(child, topic, pos);
      if (same < this.labelLength[child]!) {
        // The topic leaves (or ends inside) the child's label: a new node
        // takes the shared octets, the first part of the child's run (no
        // copy), and the child keeps the rest.
        const mid = this.allocRow();
        this.labelAt[mid] = this.labelAt[child]!;
        this.labelLength[mid] = same;
        this.parent[mid] = node;
        this.labelAt[child] += same;
        this.labelLength[child] -= same;
        this.parent[child] = mid;
        this.kidIds[this.kidsAt[node]! + this.slotOf(node, topic[pos]!)] = mid;
        this.insertKid(mid, this.octets[this.labelAt[child]!]!, child);
        node = mid;
      } else {
        node = child;
      }
      pos += same;
    }
    const old = this.valueSlot[node]!;
    if (old === 0) this.count++;
    this.valueSlot[node] = this.intern(value);
    if (old !== 0) this.release(old);
    return node;
  }

  /** Removes `topic`, merging nodes no other topic needs. Returns false when absent. */
  delete(topic: Uint8Array): boolean {
    const id = this.idOf(topic);
    if (id < 0 || this.valueSlot[id] === 0) return false;
    this.deleteAt(id);
    return true;
  }

  /** Removes the topic of node `id`, which must hold one (see {@link delete}). */
  deleteAt(id: number): void {
    const slot = this.valueSlot[id]!;
    if (slot === 0) throw new RangeError(`node ${id} holds no topic`);
    this.valueSlot[id] = 0;
    this.release(slot);
    this.count--;
    if (this.count === 0) {
      // Nothing left: give the pools back rather than keep a peak's worth.
      this.reset();
      return;
    }
    if (id === ROOT) return; // the root stays, with or without the empty topic
    const kids = this.kidCount[id]!;
    if (kids === 1) {
      this.absorb(id);
    } else if (kids === 0) {
      const parent = this.parent[id]!;
      this.removeKid(parent, this.octets[this.labelAt[id]!]!);
      this.liveOctets -= this.labelLength[id]!;
      this.freeNode(id);
      // The parent may now be a valueless node with one child: merge it, so
      // that nodes stay at most twice the topics.
      if (parent !== ROOT && this.valueSlot[parent] === 0 && this.kidCount[parent] === 1) this.absorb(parent);
    }
  }

  /** Calls `visit` with the value of every stored topic that is a prefix of `data` (shortest first). */
  forEachPrefixOf(data: Uint8Array, visit: (value: V) => void): void {
    const slots = this.valueSlot;
    let node = ROOT;
    let pos = 0;
    for (;;) {
      const slot = slots[node]!;
      if (slot !== 0) visit(this.table[slot]!);
      if (pos >= data.length) return;
      const child = this.step(node, data, pos);
      if (child < 0) return;
      node = child;
      pos += this.labelLength[child]!;
    }
  }

  /** True when some stored topic is a prefix of `data`. */
  hasPrefixOf(data: Uint8Array): boolean {
    const slots = this.valueSlot;
    let node = ROOT;
    let pos = 0;
    for (;;) {
      if (slots[node] !== 0) return true;
      if (pos >= data.length) return false;
      const child = this.step(node, data, pos);
      if (child < 0) return false;
      node = child;
      pos += this.labelLength[child]!;
    }
  }

  /**
   * Calls `visit` for every stored topic (a fresh Buffer each), in octet
   * order, depth first with an explicit stack. `visit` must not change the
   * tree.
   */
  forEach(visit: (topic: Buffer, value: V) => void): void {
    const stack: number[] = [ROOT];
    const depths: number[] = [0];
    let path = Buffer.allocUnsafe(256);
    while (stack.length > 0) {
      const node = stack.pop()!;
      const depth = depths.pop()!;
      const len = node === ROOT ? 0 : this.labelLength[node]!;
      const end = depth + len;
      if (end > path.length) {
        const larger = Buffer.allocUnsafe(Math.max(end, path.length * 2));
        path.copy(larger, 0, 0, depth);
        path = larger;
      }
      const at = this.labelAt[node]!;
      path.set(this.octets.subarray(at, at + len), depth);
      const slot = this.valueSlot[node]!;
      if (slot !== 0) visit(Buffer.from(path.subarray(0, end)), this.table[slot]!);
      const count = this.gatherKids(node, -1, -1);
      for (let i = count - 1; i >= 0; i--) {
        stack.push(scratchIds[i]!);
        depths.push(end);
      }
    }
  }

  /** The child of `node` whose label starts with `octet`, or -1. */
  private childAt(node: number, octet: number): number {
    const slot = this.slotOf(node, octet);
    return slot < 0 ? -1 : this.kidIds[this.kidsAt[node]! + slot]!;
  }

  /** Where the child of `node` for `octet` is in its block (the octet itself in a direct one), or -1. */
  private slotOf(node: number, octet: number): number {
    const count = this.kidCount[node]!;
    const first = this.kidsAt[node]!;
    if (count > DIRECT_ABOVE) return this.kidIds[first + octet] !== 0 ? octet : -1;
    const keys = this.kidKeys;
    let lo = 0;
    let hi = count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const key = keys[first + mid]!;
      if (key === octet) return mid;
      if (key < octet) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /**
   * The child of `node` whose whole label is at `pos` in `data` (which has
   * an octet there), or -1: one step of every walk down, matching's hot path.
   */
  private step(node: number, data: Uint8Array, pos: number): number {
    const count = this.kidCount[node]!;
    if (count === 0) return -1;
    const first = this.kidsAt[node]!;
    const octet = data[pos]!;
    let child = 0;
    if (count > DIRECT_ABOVE) {
      child = this.kidIds[first + octet]!;
    } else {
      const keys = this.kidKeys;
      let lo = first;
      let hi = first + count - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const key = keys[mid]!;
        if (key === octet) {
          child = this.kidIds[mid]!;
          break;
        }
        if (key < octet) lo = mid + 1;
        else hi = mid - 1;
      }
    }
    if (child === 0) return -1;
    const len = this.labelLength[child]!;
    if (len > data.length - pos) return -1;
    const octets = this.octets;
    const at = this.labelAt[child]! - pos;
    for (let i = pos + 1; i < pos + len; i++) if (octets[at + i] !== data[i]) return -1;
    return child;
  }

  /** How far `data` from `pos` agrees with the label of `node`; its first octet is known to agree. */
  private agreement(node: number, data: Uint8Array, pos: number): number {
    const octets = this.octets;
    const at = this.labelAt[node]!;
    const n = Math.min(this.labelLength[node]!, data.length - pos);
    let i = 1;
    while (i < n && octets[at + i] === data[pos + i]) i++;
    return i;
  }

  /** A new node under `parent` labelled with `data[from..to)`, copied into the pool. */
  private newNode(parent: number, data: Uint8Array, from: number, to: number): number {
    const id = this.allocRow();
    const at = this.allocOctets(to - from);
    this.octets.set(data.subarray(from, to), at);
    this.liveOctets += to - from;
    this.labelAt[id] = at;
    this.labelLength[id] = to - from;
    this.parent[id] = parent;
    return id;
  }

  /** Replaces `node` (valueless, one child) by its child, which takes over its octets. */
  private absorb(node: number): void {
    const child = this.kidIds[this.kidsAt[node]!]!;
    const parent = this.parent[node]!;
    const key = this.octets[this.labelAt[node]!]!;
    const shared = this.labelLength[node]!;
    const own = this.labelLength[child]!;
    if (this.labelAt[node]! + shared === this.labelAt[child]) {
      // The two runs still touch, as a split left them: extend the child's.
      this.labelAt[child] = this.labelAt[node]!;
    } else {
      const at = this.allocOctets(shared + own); // may compact: read the runs after it
      this.octets.copyWithin(at, this.labelAt[node]!, this.labelAt[node]! + shared);
      this.octets.copyWithin(at + shared, this.labelAt[child]!, this.labelAt[child]! + own);
      this.labelAt[child] = at;
    }
    this.labelLength[child] = shared + own;
    this.parent[child] = parent;
    this.kidIds[this.kidsAt[parent]! + this.slotOf(parent, key)] = child;
    this.freeKidBlock(this.kidsAt[node]!, 1);
    this.liveKids -= 1;
    this.kidCount[node] = 0;
    this.freeNode(node);
  }

  /** Adds `child` under `node` with first octet `key` (which it has not). */
  private insertKid(node: number, key: number, child: number): void {
    const count = this.kidCount[node]!;
    if (capacityFor(count + 1) !== capacityFor(count)) {
      this.relayout(node, this.gatherKids(node, key, child));
    } else if (count > DIRECT_ABOVE) {
      this.kidIds[this.kidsAt[node]! + key] = child;
    } else {
      const first = this.kidsAt[node]!;
      let i = first + count;
      while (i > first && this.kidKeys[i - 1]! > key) {
        this.kidKeys[i] = this.kidKeys[i - 1]!;
        this.kidIds[i] = this.kidIds[i - 1]!;
        i--;
      }
      this.kidKeys[i] = key;
      this.kidIds[i] = child;
    }
    this.kidCount[node] = count + 1;
  }

  /** Removes the child of `node` with first octet `key` (which it has). */
  private removeKid(node: number, key: number): void {
    const count = this.kidCount[node]!;
    if (capacityFor(count - 1) !== capacityFor(count)) {
      this.relayout(node, this.gatherKids(node, key, -1));
    } else if (count > DIRECT_ABOVE) {
      this.kidIds[this.kidsAt[node]! + key] = 0;
    } else {
      const first = this.kidsAt[node]!;
      const slot = first + this.slotOf(node, key);
      this.kidKeys.copyWithin(slot, slot + 1, first + count);
      this.kidIds.copyWithin(slot, slot + 1, first + count);
    }
    this.kidCount[node] = count - 1;
  }

  /**
   * Copies the children of `node` into the scratch arrays in octet order,
   * with `key` added as `child`, or removed when `child` is -1 (`key` -1:
   * no change). Returns how many there are then.
   */
  private gatherKids(node: number, key: number, child: number): number {
    const count = this.kidCount[node]!;
    const first = this.kidsAt[node]!;
    const ids = this.kidIds;
    let n = 0;
    const put = (k: number, id: number): void => {
      if (k === key) {
        if (child < 0) return;
        id = child;
      }
      scratchKeys[n] = k;
      scratchIds[n++] = id;
    };
    if (count > DIRECT_ABOVE) {
      for (let k = 0; k < 256; k++) if (ids[first + k] !== 0 || (k === key && child >= 0)) put(k, ids[first + k]!);
    } else {
      let added = child < 0;
      for (let i = 0; i < count; i++) {
        const k = this.kidKeys[first + i]!;
        if (!added && k > key) {
          put(key, child);
          added = true;
        }
        put(k, ids[first + i]!);
      }
      if (!added) put(key, child);
    }
    return n;
  }

  /** Moves the children of `node` to a block fitting `count` gathered children (see {@link gatherKids}). */
  private relayout(node: number, count: number): void {
    const oldCap = capacityFor(this.kidCount[node]!);
    const cap = capacityFor(count);
    const at = cap > 0 ? this.allocKids(cap) : 0; // may compact: the old block moves
    this.freeKidBlock(this.kidsAt[node]!, oldCap);
    if (cap === 256) {
      this.kidIds.fill(0, at, at + 256);
      for (let i = 0; i < count; i++) this.kidIds[at + scratchKeys[i]!] = scratchIds[i]!;
    } else {
      this.kidKeys.set(scratchKeys.subarray(0, count), at);
      this.kidIds.set(scratchIds.subarray(0, count), at);
    }
    this.kidsAt[node] = at;
    this.liveKids += cap - oldCap;
  }

  /** A row for a new node: a freed one, or the next fresh one (growing the rows). */
  private allocRow(): number {
    this.nodes++;
    let id = this.freeRow;
    if (id >= 0) {
      this.freeRow = this.parent[id]!;
    } else {
      id = this.rows++;
      if (id >= this.labelAt.length) this.regrow(id + 1, this.octetsEnd, this.kidsEnd);
    }
    this.kidCount[id] = 0;
    this.valueSlot[id] = 0;
    return id;
  }

  /** The slot of `value` in the table, one more node holding it. */
  private intern(value: V): number {
    let slot = this.slots.get(value);
    if (slot === undefined) {
      slot = this.freeSlots.pop() ?? this.table.length;
      this.table[slot] = value;
      this.uses[slot] = 0;
      this.slots.set(value, slot);
    }
    this.uses[slot]!++;
    return slot;
  }

  /** One node fewer holds the value of `slot`; the slot is freed with the last. */
  private release(slot: number): void {
    if (--this.uses[slot]! > 0) return;
    this.slots.delete(this.table[slot]!);
    this.table[slot] = undefined;
    this.freeSlots.push(slot);
  }

  /** Puts the row of `id` (valueless, no children, label already accounted) on the free list. */
  private freeNode(id: number): void {
    this.nodes--;
    this.labelLength[id] = -1;
    this.parent[id] = this.freeRow;
    this.freeRow = id;
  }

  /** Room for `length` octets at the end of the label pool; compacts it first when half of it is abandoned. */
  private allocOctets(length: number): number {
    if (this.octetsEnd + length > this.octets.length) {
      const abandoned = this.octetsEnd - this.liveOctets;
      if (abandoned >= this.liveOctets) {
        this.compactOctets(Math.ceil((this.liveOctets + length) * GROWTH));
      } else {
        this.regrow(this.rows, this.octetsEnd + length, this.kidsEnd);
      }
    }
    const at = this.octetsEnd;
    this.octetsEnd += length;
    return at;
  }

  /** Puts the abandoned block at `at` of capacity `cap` (a power of two, or 0: nothing) on its free list. */
  private freeKidBlock(at: number, cap: number): void {
    if (cap === 0) return;
    const size = 31 - Math.clz32(cap);
    this.kidIds[at] = this.freeKids[size]!;
    this.freeKids[size] = at;
  }

  /**
   * Room for a block of `cap` children: an abandoned block of that size,
   * else at the end of the child pool, compacting it first when half of it
   * is abandoned.
   */
  private allocKids(cap: number): number {
    const size = 31 - Math.clz32(cap);
    const reused = this.freeKids[size]!;
    if (reused >= 0) {
      this.freeKids[size] = this.kidIds[reused]!;
      return reused;
    }
    if (this.kidsEnd + cap > this.kidIds.length) {
      // Blocks outgrown by nodes that stop growing stay abandoned (nothing
      // asks for their size any more): compact at a third of the pool.
      const abandoned = this.kidsEnd - this.liveKids;
      if (2 * abandoned >= this.liveKids) {
        this.compactKids(Math.ceil((this.liveKids + cap) * GROWTH));
      } else {
        this.regrow(this.rows, this.octetsEnd, this.kidsEnd + cap);
      }
    }
    const at = this.kidsEnd;
    this.kidsEnd += cap;
    return at;
  }

  /** Copies every live label, in row order, into a fresh pool of `size` octets. */
  private compactOctets(size: number): void {
    const from = this.octets;
    const to = new Uint8Array(this.octetsEnd);
    let end = 0;
    for (let id = 1; id < this.rows; id++) {
      const len = this.labelLength[id]!;
      if (len < 0) continue;
      const at = this.labelAt[id]!;
      to.set(from.subarray(at, at + len), end);
      this.labelAt[id] = end;
      end += len;
    }
    this.octetsEnd = end;
    this.repool(this.labelAt.length, Math.max(size, INITIAL), this.kidIds.length, to.subarray(0, end));
  }

  /** Copies every live child block, in row order, into a fresh pool of `size` slots. */
  private compactKids(size: number): void {
    const ids = new Int32Array(this.kidsEnd);
    const keys = new Uint8Array(ids.length);
    let end = 0;
    for (let id = 0; id < this.rows; id++) {
      const count = this.kidCount[id]!;
      if (count === 0 || (id !== ROOT && this.labelLength[id]! < 0)) continue;
      const at = this.kidsAt[id]!;
      const used = count > DIRECT_ABOVE ? 256 : count;
      ids.set(this.kidIds.subarray(at, at + used), end);
      keys.set(this.kidKeys.subarray(at, at + used), end);
      this.kidsAt[id] = end;
      end += capacityFor(count);
    }
    this.kidsEnd = end;
    this.freeKids.fill(-1);
    this.repool(this.labelAt.length, this.octets.length, Math.max(size, INITIAL), undefined, ids.subarray(0, end), keys.subarray(0, end));
  }

  /** Remakes the block with room for `rows` rows, `octets` label octets and `kids` child slots in use. */
  private regrow(rows: number, octets: number, kids: number): void {
    this.repool(capacityAfter(rows, this.labelAt.length), capacityAfter(octets, this.octets.length), capacityAfter(kids, this.kidIds.length));
  }

  /**
   * Moves every pool into one fresh block of the given capacities, keeping
   * the rows, label octets and child slots in use (the labels and children
   * from `labels`, `ids` and `keys` when a compaction gathered them).
   */
  private repool(
    rowCap: number,
    octetCap: number,
    kidCap: number,
    labels = this.octets.subarray(0, this.octetsEnd),
    ids = this.kidIds.subarray(0, this.kidsEnd),
    keys = this.kidKeys.subarray(0, this.kidsEnd),
  ): void {
    // Four-octet columns first, so that every view is aligned.
    const block = new ArrayBuffer((5 * rowCap + kidCap) * 4 + rowCap * 2 + octetCap + kidCap);
    let at = 0;
    const int32s = (n: number) => {
      const view = new Int32Array(block, at, n);
      at += n * 4;
      return view;
    };
    const rows = this.rows;
    const labelAt = int32s(rowCap);
    const labelLength = int32s(rowCap);
    const parent = int32s(rowCap);
    const kidsAt = int32s(rowCap);
    const valueSlot = int32s(rowCap);
    const kidIds = int32s(kidCap);
    const kidCount = new Uint16Array(block, at, rowCap);
    at += rowCap * 2;
    const octets = new Uint8Array(block, at, octetCap);
    const kidKeys = new Uint8Array(block, at + octetCap, kidCap);
    labelAt.set(this.labelAt.subarray(0, rows));
    labelLength.set(this.labelLength.subarray(0, rows));
    parent.set(this.parent.subarray(0, rows));
    kidsAt.set(this.kidsAt.subarray(0, rows));
    valueSlot.set(this.valueSlot.subarray(0, rows));
    kidCount.set(this.kidCount.subarray(0, rows));
    octets.set(labels);
    kidIds.set(ids);
    kidKeys.set(keys);
    this.labelAt = labelAt;
    this.labelLength = labelLength;
    this.parent = parent;
    this.kidsAt = kidsAt;
    this.valueSlot = valueSlot;
    this.kidCount = kidCount;
    this.octets = octets;
    this.kidIds = kidIds;
    this.kidKeys = kidKeys;
  }

  /** Back to a tree of the root alone, with small pools. */
  private reset(): void {
    this.table = [undefined];
    this.uses = [0];
    this.slots.clear();
    this.freeSlots = [];
    this.rows = 0; // nothing kept: the root's row starts zeroed, as a new tree's
    this.freeRow = -1;
    this.octetsEnd = 0;
    this.liveOctets = 0;
    this.kidsEnd = 0;
    this.liveKids = 0;
    this.freeKids.fill(-1);
    this.repool(INITIAL, INITIAL, INITIAL);
    this.rows = 1;
    this.nodes = 1;
  }
}
