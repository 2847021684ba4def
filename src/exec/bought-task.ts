/**
 * The message that carries one `<bought>` over one shard to whoever runs it:
 * the calling thread, or a worker (src/exec/bought-worker.ts). Plain data
 * only: typed arrays over the shard's SharedArrayBuffers (shared, not
 * copied), the time-window slices of the posting lists, small id masks and
 * the thresholds. Lengths are fixed when the task is made, so appends that
 * land while it runs are not seen.
 */
export interface BoughtTask {
  /** ordered posting rows and the [start, end) of the window in each */
  slices: { rows: Uint32Array; start: number; end: number }[];
  lineOrder: Uint32Array;
  lineSku: Uint32Array;
  lineCategory: Uint32Array;
  lineAmount: Float64Array;
  orderAlive: Uint8Array;
  orderShop: Uint32Array;
  orderCustomer: Uint32Array;
  /** membership masks by id for the filters the driving posting does not cover */
  checkSku?: Uint8Array;
  checkCategory?: Uint8Array;
  checkShop?: Uint8Array;
  /** no counting or sums: any matching line makes its customer a member */
  existence: boolean;
  minCount: number;
  maxCount?: number;
  minAmountCents?: number;
  maxAmountCents?: number;
  /** shard-local customers 0..customerCount-1 */
  customerCount: number;
  /** which shard, so a worker keeps one scratch area per shard */
  shardKey: string;
}
