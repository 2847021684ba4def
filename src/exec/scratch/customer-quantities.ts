/**
 * A sum of line quantities per customer, for a `<bought>` with a quantity
 * bound (exec/sum-quantities.ts), beside CustomerSums' count and cents: all
 * zero between queries. Written directly (not buffered like CustomerSums):
 * quantity bounds are rare enough that the simple path is kept.
 */
export class CustomerQuantities {
  private sums = new Float64Array(0);

  /** per order: its lines' quantities (the order path over many orders); overwritten per query */
  private perOrder = new Uint32Array(0);

  ensureOrders(n: number): Uint32Array {
    if (this.perOrder.length < n) this.perOrder = new Uint32Array(Math.max(n, this.perOrder.length * 2, 1024));
    return this.perOrder.subarray(0, n);
  }

  ensure(n: number): Float64Array {
    if (this.sums.length < n) this.sums = new Float64Array(Math.max(n, this.sums.length * 2, 1024));
    return this.sums;
  }
}
