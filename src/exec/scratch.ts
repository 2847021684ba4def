import { ByteCounts } from './scratch/byte-counts.js';
import { CustomerMarks } from './scratch/customer-marks.js';
import { CustomerQuantities } from './scratch/customer-quantities.js';
import { CustomerSums } from './scratch/customer-sums.js';
import { OrderMarks } from './scratch/order-marks.js';
import { ReusedBuffers } from './scratch/reused-buffers.js';

/**
 * A shard's reusable working memory for the `<bought>` kernels, so a query
 * allocates nothing proportional to the store: one of each structure in
 * src/exec/scratch/, on one thread (the calling thread's per shard in
 * evaluate.ts, a worker's per shard in bought-worker.ts). The methods are
 * the kernels' short names for the parts'; each part documents its
 * invariants (all clear between queries).
 *
 * What the parts share: the hits and gather buffers (ReusedBuffers), and
 * the customer marks, which a complement pass borrows to flag the customers
 * CustomerSums touched (markTouched / unmarkTouched).
 */
export class Scratch {
  readonly buffers = new ReusedBuffers();
  /** counts and sums per customer (counted `<bought>`) */
  readonly sums: CustomerSums;
  /** a bit per customer (existence scans) */
  readonly marks = new CustomerMarks(this.buffers);
  /** a bit per order (counting an order once over several slices) */
  readonly orderMarks = new OrderMarks();
  /** a saturating byte count per customer (count-orders.ts) */
  readonly counts = new ByteCounts(this.buffers);
  /** a sum of line quantities per customer (sum-quantities.ts) */
  readonly quantities = new CustomerQuantities();

  /** The defaults are the tuned sizes; tests shrink them to exercise flushes and buckets on small data. */
  constructor(sizes: { pending?: number; bucketShift?: number } = {}) {
    this.sums = new CustomerSums(this.buffers, sizes);
  }

  // CustomerSums
  get acc(): Float64Array {
    return this.sums.acc;
  }
  get touched(): Uint32Array {
    return this.sums.touched;
  }
  get touchedCount(): number {
    return this.sums.touchedCount;
  }
  ensureCustomers(n: number): void {
    this.sums.ensure(n);
  }
  /** See CustomerSums.add: call finish() before reading acc or touched. */
  add(c: number, countsOrder: boolean, cents: number): void {
    this.sums.add(c, countsOrder, cents);
  }
  finish(): void {
    this.sums.finish();
  }
  reset(): void {
    this.sums.reset();
  }

  // ReusedBuffers
  ensureGather(n: number): Uint32Array {
    return this.buffers.ensureGather(n);
  }
  /** A reused buffer for up to `n` passing customers: no per-query garbage on the hot path. */
  ensureHits(n: number): Uint32Array {
    return this.buffers.ensureHits(n);
  }

  // CustomerMarks
  /** Room for marks of customers 0..n-1. */
  ensureMarks(n: number): void {
    this.marks.ensure(n);
  }
  /** Marks `customer` as present (existence scans); marking twice is harmless. */
  mark(customer: number): void {
    this.marks.mark(customer);
  }
  /** The marked customers, ascending, and every mark cleared. The view is reused by the next call. */
  takeMarks(): Uint32Array {
    return this.marks.take();
  }
  /** Flags every touched customer (of 0..n-1) in the customer marks, which must be clear; unmarkTouched() clears them. */
  markTouched(n: number): Int32Array {
    return this.marks.markAll(this.sums.touched, this.sums.touchedCount, n);
  }
  unmarkTouched(): void {
    this.marks.unmarkAll(this.sums.touched, this.sums.touchedCount);
  }

  // OrderMarks
  /** Room for order marks of orders 0..n-1. */
  ensureOrderMarks(n: number): void {
    this.orderMarks.ensure(n);
  }
  /** Marks `order`; true if it was not marked yet. */
  markOrder(order: number): boolean {
    return this.orderMarks.mark(order);
  }
  clearOrder(order: number): void {
    this.orderMarks.clear(order);
  }

  // ByteCounts
  ensureCounts(n: number): Uint8Array {
    return this.counts.ensure(n);
  }
  /** The customers 0..n-1 whose count is within [min, max], ascending, and every count cleared (ByteCounts.take). */
  takeCounts(customers: number, min: number, max: number): Uint32Array {
    return this.counts.take(customers, min, max);
  }
}
