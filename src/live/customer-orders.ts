import type { Shard } from '../store/shard.js';

/**
 * Each customer's orders on one shard, for a live segment's round to pick
 * the touched customers' orders (touched-shard.ts) without a pass over the
 * shard: the orders indexed at the last rebuild grouped by customer, in
 * ordinal order, in one array (`start[c] .. start[c + 1]` of `grouped`,
 * 4 bytes an order and 4 a customer), and the orders appended since as
 * linked lists (`head[c]`, `prev[o - built]`). When those outgrow a quarter
 * of the grouped ones, the grouping is rebuilt by a counting sort, so an
 * append costs O(1) amortised and collecting a customer's orders is a copy.
 * Built on the first round with a live segment, brought up to date at each.
 */
export class CustomerOrders {
  private start: Int32Array = new Int32Array(1);
  private grouped: Uint32Array = new Uint32Array(0);
  /** orders 0..built-1 are in `grouped` */
  private built = 0;
  /** the newest order since `built` per customer (-1: none), and each such order's previous one */
  private head: Int32Array = new Int32Array(0);
  private prev: Int32Array = new Int32Array(0);
  /** orders per customer (refunded ones too) */
  private counts: Int32Array = new Int32Array(0);
  /** each order's first line row (lines of an order are contiguous rows, in order) */
  firstLine: Int32Array = new Int32Array(0);
  private indexed = 0;
  private indexedLines = 0;

  /** @param rebuildMin orders appended since the last grouping that stay in the lists at least (tests make it small) */
  constructor(private readonly rebuildMin = REBUILD_MIN) {}

  /** Takes in the orders appended since the last call. */
  sync(shard: Shard): void {
    const orders = shard.orderCount, customers = shard.customerCount;
    const orderCustomer = shard.orderCustomer.data;
    if (orders - this.built > Math.max(this.rebuildMin, this.built / 4)) {
      this.rebuild(orderCustomer, orders, customers);
    } else {
      if (customers > this.head.length) {
        this.head = grow(this.head, customers, -1);
        this.counts = grow(this.counts, customers, 0);
      }
      if (orders - this.built > this.prev.length) this.prev = grow(this.prev, orders - this.built, -1);
      for (let o = this.indexed; o < orders; o++) {
        const c = orderCustomer[o]!;
        this.prev[o - this.built] = this.head[c]!;
        this.head[c] = o;
        this.counts[c]!++;
      }
    }
    this.indexed = orders;
    if (orders > this.firstLine.length) this.firstLine = grow(this.firstLine, orders, -1);
    const lineOrder = shard.lineOrder.data, lines = shard.lineCount;
    for (let row = this.indexedLines; row < lines; row++) {
      const o = lineOrder[row]!;
      if (row === 0 || lineOrder[row - 1] !== o) this.firstLine[o] = row;
    }
    this.indexedLines = lines;
  }

  /** Orders 0..orders-1 grouped by customer (a stable counting sort); nothing left in the lists. */
  private rebuild(orderCustomer: ArrayLike<number>, orders: number, customers: number): void {
    const start = new Int32Array(customers + 1);
    for (let o = 0; o < orders; o++) start[orderCustomer[o]! + 1]!++;
    for (let c = 0; c < customers; c++) start[c + 1]! += start[c]!;
    const next = start.slice(0, customers);
    const grouped = new Uint32Array(orders);
    for (let o = 0; o < orders; o++) grouped[next[orderCustomer[o]!]!++] = o;
    this.start = start;
    this.grouped = grouped;
    this.built = orders;
    this.counts = new Int32Array(Math.max(customers, 1024));
    for (let c = 0; c < customers; c++) this.counts[c] = start[c + 1]! - start[c]!;
    this.head = new Int32Array(Math.max(customers, 1024)).fill(-1);
    this.prev = new Int32Array(Math.max(this.rebuildMin, orders >>> 2) + 1).fill(-1);
  }

  private miniOfBuffer: Int32Array = new Int32Array(0);

  /**
   * A map from the shard's customers to a small shard's (touched-shard.ts),
   * reused round after round: -1 everywhere between rounds (whoever sets
   * entries resets them), at least `customers` long.
   */
  miniOf(customers: number): Int32Array {
    if (this.miniOfBuffer.length < customers) this.miniOfBuffer = grow(this.miniOfBuffer, customers, -1);
    return this.miniOfBuffer;
  }

  /** How many orders the customer has. */
  count(customer: number): number {
    return customer < this.counts.length ? this.counts[customer]! : 0;
  }

  /** Writes the customer's orders into `into` from `at` (in no particular order); returns the next position. */
  collect(customer: number, into: Uint32Array, at: number): number {
    if (customer + 1 < this.start.length) {
      const from = this.start[customer]!, to = this.start[customer + 1]!;
      into.set(this.grouped.subarray(from, to), at);
      at += to - from;
    }
    for (let o = customer < this.head.length ? this.head[customer]! : -1; o >= 0; o = this.prev[o - this.built]!) into[at++] = o;
    return at;
  }
}

/** Orders appended since the last grouping that always fit the lists (more, up to a quarter of the grouped ones). */
const REBUILD_MIN = 65_536;

function grow(a: Int32Array, atLeast: number, fill: number): Int32Array {
  const next = new Int32Array(Math.max(atLeast, Math.ceil(a.length * 1.5), 1024)).fill(fill);
  next.set(a);
  return next;
}
