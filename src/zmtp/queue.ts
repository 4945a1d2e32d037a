/**
 * A FIFO queue over a power-of-two ring buffer: O(1) push and shift with no
 * copying on either, growing by doubling. Bounds are the caller's business
 * (pipes check their high-water marks before pushing).
 *
 * A queue holds no array until its first push, and drops back to the
 * smallest one when a burst has emptied it: a connection has two queues,
 * and most connections of a busy server are idle most of the time.
 */
/** The smallest ring (and the size a queue drops back to once empty). */
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
    if (--this.size === 0 && this.items.length > MIN_SIZE) this.clear();
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
