import type { Shard } from '../store/shard.js';

/**
 * Each customer's orders on one shard, for a live segment's round to copy
 * the touched customers' orders into a small shard (touched-shard.ts)
 * without a pass over the shard and without a cache miss per order and
 * column: the orders indexed at the last rebuild grouped by customer, in
 * ordinal order (`start[c] .. start[c + 1]`), with a copy of their ordinal,
 * ts, shop, amount and liveness in that order (15 bytes an order, 4 a
 * customer), so a customer's orders are one contiguous read; the orders
 * appended since as linked lists (`head[c]`, `prev[o - built]`) read from
 * the shard's columns. When those outgrow a quarter of the grouped ones, the
 * grouping is rebuilt by a counting sort, so an append costs O(1)
 * amortised. A refund of a grouped order must be told (noteRefund: the
 * live segments do it for every round's refunds, before anything else of
 * the round). Built when a live segment is saved or the store opens with
 * one, dropped when none is left; only stores with live segments pay its
 * memory.
 */
export class CustomerOrders {
  private start: Int32Array = new Int32Array(1);
  private grouped: Uint32Array = new Uint32Array(0);
  /** ts, shop and amount of `grouped`'s orders, in its order (the shard's column types at the rebuild) */
  private groupedTs: ArrayLike<number> = new Uint32Array(0);
  private groupedShop: ArrayLike<number> = new Uint16Array(0);
  private groupedAmount: ArrayLike<number> = new Uint32Array(0);
  private groupedAlive: Uint8Array = new Uint8Array(0);
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
      this.rebuild(shard, orders, customers);
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
  private rebuild(shard: Shard, orders: number, customers: number): void {
    const orderCustomer = shard.orderCustomer.data;
    const start = new Int32Array(customers + 1);
    for (let o = 0; o < orders; o++) start[orderCustomer[o]! + 1]!++;
    for (let c = 0; c < customers; c++) start[c + 1]! += start[c]!;
    const next = start.slice(0, customers);
    const grouped = new Uint32Array(orders);
    for (let o = 0; o < orders; o++) grouped[next[orderCustomer[o]!]!++] = o;
    this.start = start;
    this.grouped = grouped;
    this.groupedTs = gather(shard.orderTs.data, grouped);
    this.groupedShop = gather(shard.orderShop.data, grouped);
    this.groupedAmount = gather(shard.orderAmount.data, grouped);
    this.groupedAlive = gather(shard.orderAlive.data, grouped) as Uint8Array;
    this.built = orders;
    this.counts = new Int32Array(Math.max(customers, 1024));
    for (let c = 0; c < customers; c++) this.counts[c] = start[c + 1]! - start[c]!;
    this.head = new Int32Array(Math.max(customers, 1024)).fill(-1);
    this.prev = new Int32Array(Math.max(this.rebuildMin, orders >>> 2) + 1).fill(-1);
  }

  /** Order `o` was refunded: its grouped copy follows the shard's liveness (orders since the grouping are read from the shard anyway). */
  noteRefund(shard: Shard, o: number): void {
    if (o >= this.built) return;
    const c = shard.orderCustomer.data[o]!;
    // the customer's grouped orders are in ordinal order: a binary search
    let lo = this.start[c]!, hi = this.start[c + 1]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1, v = this.grouped[mid]!;
      if (v === o) {
        this.groupedAlive[mid] = shard.orderAlive.data[o]!;
        return;
      }
      if (v < o) lo = mid + 1;
      else hi = mid - 1;
    }
  }

  /** Bytes of memory its arrays hold. */
  get bytes(): number {
    const arrays: ArrayLike<number>[] = [this.start, this.grouped, this.groupedTs, this.groupedShop, this.groupedAmount, this.groupedAlive, this.head, this.prev, this.counts, this.firstLine];
    return arrays.reduce((n, a) => n + (a as unknown as { byteLength: number }).byteLength, 0);
  }

  /** How many orders the customer has. */
  count(customer: number): number {
    return customer < this.counts.length ? this.counts[customer]! : 0;
  }

  /**
   * The orders of `customers` (shard-local ids), customer by customer, into
   * `into` from position 0: ordinal, ts, shop, amount, liveness and the index in
   * `customers` of their customer. `into`'s arrays hold at least the sum of
   * their counts. Returns how many were written.
   */
  collectColumns(shard: Shard, customers: Uint32Array, into: PickedColumns): number {
    const { ordinal, ts, shop, amount, alive, owner } = into;
    const gOrder = this.grouped, gTs = this.groupedTs, gShop = this.groupedShop, gAmount = this.groupedAmount, gAlive = this.groupedAlive;
    const sTs = shard.orderTs.data, sShop = shard.orderShop.data, sAmount = shard.orderAmount.data, sAlive = shard.orderAlive.data;
    let at = 0;
    for (let i = 0; i < customers.length; i++) {
      const c = customers[i]!;
      if (c + 1 < this.start.length) {
        for (let g = this.start[c]!, end = this.start[c + 1]!; g < end; g++, at++) {
          ordinal[at] = gOrder[g]!;
          ts[at] = gTs[g]!;
          shop[at] = gShop[g]!;
          amount[at] = gAmount[g]!;
          alive[at] = gAlive[g]!;
          owner[at] = i;
        }
      }
      for (let o = c < this.head.length ? this.head[c]! : -1; o >= 0; o = this.prev[o - this.built]!, at++) {
        ordinal[at] = o;
        ts[at] = sTs[o]!;
        shop[at] = sShop[o]!;
        amount[at] = sAmount[o]!;
        alive[at] = sAlive[o]!;
        owner[at] = i;
      }
    }
    return at;
  }
}

/** Orders appended since the last grouping that always fit the lists (more, up to a quarter of the grouped ones). */
const REBUILD_MIN = 65_536;

/** Order columns picked for a small shard (CustomerOrders.collectColumns). */
export interface PickedColumns {
  ordinal: Uint32Array;
  ts: Float64Array;
  shop: Uint32Array;
  amount: Float64Array;
  alive: Uint8Array;
  /** index of the order's customer in the customers asked for */
  owner: Uint32Array;
}

/** `values` at `at`, in a new array of the same type. */
function gather(values: Uint8Array | Uint16Array | Uint32Array | Float64Array, at: Uint32Array): ArrayLike<number> {
  const Ctor = values.constructor as new (length: number) => Uint8Array | Uint16Array | Uint32Array | Float64Array;
  const out = new Ctor(at.length);
  for (let i = 0; i < at.length; i++) out[i] = values[at[i]!]!;
  return out;
}

function grow(a: Int32Array, atLeast: number, fill: number): Int32Array {
  const next = new Int32Array(Math.max(atLeast, Math.ceil(a.length * 1.5), 1024)).fill(fill);
  next.set(a);
  return next;
}
