/**
 * A FIFO queue over a power-of-two ring buffer: O(1) push and shift with no
 * copying on either, growing by doubling. Bounds are the caller's business
 * (pipes check their high-water marks before pushing).
 *
 * A queue holds no array until its first push: a connection has two
 * queues, and many connections of a server never use one of them. A ring
 * grown by a burst is kept once empty: a busy pipe empties and refills at
 * every batch, and would regrow it each time; clear() drops it.
 */
/** The smallest ring. */
const MIN_SIZE = 16;
const NONE: never[] = [];

export class Queue<T> {
  private items: (T | undefined)[] = NONE;
  private mask = 0;
  private head = 0;
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(item: T): void {
    if (this.size === this.items.length) this.grow();
    this.items[(this.head + this.size) & this.mask] = item;
    this.size++;
  }

  peek(): T | undefined {
    return this.size === 0 ? undefined : this.items[this.head];
  }

  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.size--;
    return item;
  }

  clear(): void {
    this.items = NONE;
    this.mask = 0;
    this.head = 0;
    this.size = 0;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.size; i++) yield this.items[(this.head + i) & this.mask] as T;
  }

  private grow(): void {
    const old = this.items;
    const next = new Array<T | undefined>(Math.max(MIN_SIZE, old.length * 2));
    for (let i = 0; i < this.size; i++) next[i] = old[(this.head + i) & this.mask];
    this.items = next;
    this.mask = next.length - 1;
    this.head = 0;
  }
}
