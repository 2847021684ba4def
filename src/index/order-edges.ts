/**
 * Per customer of one shard, the ts of its earliest and latest counting
 * (alive) order, over all its orders: what an unfiltered `<firstOrder>` or
 * `<lastOrder>` (contract 7.3) asks, answered by one pass over 8 bytes a
 * customer instead of two scans of the orders.
 *
 * Built on first use by one pass over the order columns (nothing on disk:
 * 0 bytes a line in snapshots; 8 bytes a customer in memory once used), then
 * kept current by appends (an alive order can only move first down or last
 * up). A refund of a customer's first or last order cannot be repaired
 * without that customer's other orders, so it drops the whole rollup and the
 * next query rebuilds it (the shard's `orderEdges()`): one pass, a few
 * milliseconds per million orders.
 */
export class OrderEdges {
  /** no counting order: first is NONE (last is then meaningless) */
  static readonly NONE = 0xffffffff;

  private constructor(
    /** by shard-local customer id; customers past `length` have no order */
    private firstTs: Uint32Array,
    private lastTs: Uint32Array,
  ) {}

  /** One pass over the alive orders (orderCustomer, orderTs and orderAlive as the shard holds them). */
  static build(customerCount: number, orderCount: number, customer: ArrayLike<number>, ts: ArrayLike<number>, alive: ArrayLike<number>): OrderEdges {
    const first = new Uint32Array(customerCount).fill(OrderEdges.NONE);
    const last = new Uint32Array(customerCount);
    for (let o = 0; o < orderCount; o++) {
      if (alive[o] === 0) continue;
      const c = customer[o]!, t = ts[o]!;
      if (t < first[c]!) first[c] = t;
      if (t > last[c]!) last[c] = t;
    }
    return new OrderEdges(first, last);
  }

  get length(): number {
    return this.firstTs.length;
  }

  get first(): Uint32Array {
    return this.firstTs;
  }

  get last(): Uint32Array {
    return this.lastTs;
  }

  /** An alive order appended for `customer` at `ts`. */
  add(customer: number, ts: number): void {
    if (customer >= this.firstTs.length) this.grow(customer + 1);
    if (ts < this.firstTs[customer]!) this.firstTs[customer] = ts;
    if (ts > this.lastTs[customer]!) this.lastTs[customer] = ts;
  }

  /** True when refunding an order of `customer` at `ts` may move its first or last order (the rollup must be rebuilt). */
  touches(customer: number, ts: number): boolean {
    return customer < this.firstTs.length && (this.firstTs[customer] === ts || this.lastTs[customer] === ts);
  }

  private grow(min: number): void {
    const size = Math.max(min, Math.ceil(this.firstTs.length * 1.5), 1024);
    const first = new Uint32Array(size).fill(OrderEdges.NONE);
    first.set(this.firstTs);
    const last = new Uint32Array(size);
    last.set(this.lastTs);
    this.firstTs = first;
    this.lastTs = last;
  }
}
