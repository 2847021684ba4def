import type { PostingSlice } from '../index/time-posting.js';
import type { NarrowData } from '../columns/growable.js';

/**
 * One `<bought>` over one shard, for whoever runs it: the calling thread, or
 * a worker (a BoughtRequest of src/exec/protocol.ts, which describes the
 * messages and replies; run by src/exec/bought-worker.ts). Plain data
 * only: typed arrays over the shard's SharedArrayBuffers (shared, not
 * copied), the time-window slices of the posting lists, small id masks and
 * the thresholds. Lengths are fixed when the task is made, so appends that
 * land while it runs are not seen.
 */
export interface BoughtTask {
  /**
   * What the slices hold: line rows of the driving posting in the window
   * ('lines'), or order ordinals ('orders', an unfiltered <bought>; see
   * scan-orders.ts).
   */
  unit: 'lines' | 'orders';
  /** ordered posting rows and the [start, end) to scan in each (order postings: with aligned customer and amount copies) */
  slices: PostingSlice[];
  /**
   * 'orders' only: the slices hold the orders OUTSIDE the window, to subtract
   * from these per-customer alive totals. The totals are live columns, so no
   * append may apply while such a task runs: it runs on the calling thread,
   * or in a worker (from poolMinComplement values read) through the totals
   * gate (engine/totals-gate.ts), which holds appends back until it is done.
   */
  complement?: { orders: Uint32Array; cents: Float64Array };
  /** integer cents per order */
  orderAmount: NarrowData;
  lineOrder: Uint32Array;
  lineSku: Uint32Array;
  lineCategory: NarrowData;
  lineAmount: NarrowData;
  /** quantity per line row (read only by a task with a quantity bound) */
  lineQuantity: NarrowData;
  /** line rows 0..lineCount-1 exist when the task is made (lineOrder is ascending over them) */
  lineCount: number;
  orderAlive: Uint8Array;
  orderShop: NarrowData;
  orderCustomer: Uint32Array;
  /** membership masks by id for the filters the driving posting does not cover */
  checkSku?: Uint8Array;
  checkCategory?: Uint8Array;
  checkShop?: Uint8Array;
  /**
   * A bit per shard-local customer (bit c of word c >>> 5): only these can
   * be members, the rest are skipped before any counting (the <bought>'s
   * `and` siblings, see language/candidate-sources.ts). Undefined: everyone.
   */
  candidates?: Int32Array;
  /** no counting or sums: any matching line makes its customer a member */
  existence: boolean;
  minCount: number;
  maxCount?: number;
  minAmountCents?: number;
  maxAmountCents?: number;
  /** bounds on the sum of the matching lines' quantities: exec/sum-quantities.ts runs such a task */
  minQuantity?: number;
  maxQuantity?: number;
  /** shard-local customers 0..customerCount-1 */
  customerCount: number;
  /** which shard, so a worker keeps one scratch area per shard */
  shardKey: string;
}
