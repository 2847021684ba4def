import { fail } from '../model/errors.js';
import { sharedUint32 } from '../columns/growable.js';
import { radixSortU32 } from '../columns/radix-sort.js';
import type { PostingRuns } from './posting-runs.js';
import { TimePosting, type RowTime } from './time-posting.js';

/** Rows 0..n-1 of a bulk-built index, whose postings are found when asked for (loadLazily). */
interface LazyRows {
  values: ArrayLike<number>;
  n: number;
  rowTime: RowTime;
  /** values asked for that no row has */
  missing: Set<number>;
  /** values found by a pass each so far */
  scans: number;
  /** after LAZY_SCANS passes: the rows grouped by value (a stable radix sort), `keys` their values */
  grouped?: { keys: Uint32Array; rows: Uint32Array };
}

/** Single-value passes over a lazily loaded index before its rows are grouped by value in one sort. */
const LAZY_SCANS = 4;

/**
 * One time-ordered posting list per dictionary id of a dimension (sku,
 * category or shop). Postings loaded from a snapshot stay runs of its
 * postings file (PostingRuns) until first used: a query touches a few SKUs,
 * not the catalog.
 */
export class DimensionIndex {
  private readonly postings: (TimePosting | undefined)[] = [];
  /** value id -> run in `runs` (-1: none, or made into a TimePosting already) */
  private runOf: Int32Array = new Int32Array(0);
  private runs: PostingRuns | undefined;
  private rowTime: RowTime | undefined;
  /** (value id, run) pairs between loadPosting and finishLoading */
  private pending: number[] = [];
  /** loadLazily's rows: sorted by value on the first posting asked for */
  private lazy: LazyRows | undefined;

  /**
   * The postings of rows 0..n-1 (in time order) with `values[row]`, each
   * found when first asked for: by one pass over the values for the first
   * few values, then from the rows grouped by value by one radix sort
   * (linear: nothing in the size of the catalog, which a counting sort
   * would clear a slot of per value id). For an index that is built, read
   * for some values and dropped (a live segment's small shard:
   * src/live/touched-shard.ts): it costs nothing when no plan reads this
   * dimension. No `add` after it.
   */
  loadLazily(values: ArrayLike<number>, n: number, rowTime: RowTime): void {
    this.lazy = { values, n, rowTime, missing: new Set(), scans: 0 };
  }

  private lazyPosting(valueId: number): TimePosting | undefined {
    const lazy = this.lazy!;
    const { values, n, rowTime, missing } = lazy;
    if (missing.has(valueId)) return undefined;
    if (lazy.grouped || ++lazy.scans > LAZY_SCANS) {
      const { keys, rows } = (lazy.grouped ??= groupByValue(values, n));
      const start = lowerBound(keys, valueId), end = lowerBound(keys, valueId + 1);
      if (start === end) {
        missing.add(valueId);
        return undefined;
      }
      const made = TimePosting.ofOrderedView(rows.subarray(start, end), rowTime);
      this.postings[valueId] = made;
      return made;
    }
    let count = 0;
    for (let row = 0; row < n; row++) if (values[row] === valueId) count++;
    if (count === 0) {
      missing.add(valueId);
      return undefined;
    }
    const rows = sharedUint32(count);
    for (let row = 0, at = 0; at < count; row++) if (values[row] === valueId) rows[at++] = row;
    const made = TimePosting.ofOrderedView(rows, rowTime);
    this.postings[valueId] = made;
    return made;
  }

  add(valueId: number, row: number, ts: number, rowTime: RowTime): void {
    if (this.lazy) throw fail.internal('add() on a lazily loaded DimensionIndex');
    let p = this.posting(valueId);
    if (!p) this.postings[valueId] = p = new TimePosting();
    p.add(row, ts, rowTime);
  }

  /** Number of value ids with a posting slot (some may be empty). */
  get valueCount(): number {
    if (this.lazy) {
      let max = -1;
      for (let row = 0; row < this.lazy.n; row++) if (this.lazy.values[row]! > max) max = this.lazy.values[row]!;
      return Math.max(this.postings.length, max + 1);
    }
    return Math.max(this.postings.length, this.runOf.length);
  }

  /** Installs a loaded posting (snapshot). */
  setPosting(valueId: number, posting: TimePosting): void {
    this.postings[valueId] = posting;
    if (valueId < this.runOf.length) this.runOf[valueId] = -1;
  }

  /** Notes that run `run` of the postings file is `valueId`'s posting (see finishLoading). */
  loadPosting(valueId: number, run: number): void {
    this.pending.push(valueId, run);
  }

  /** The runs the loadPosting calls pointed into, and the row times their rows are ordered by. */
  finishLoading(runs: PostingRuns, rowTime: RowTime): void {
    const pending = this.pending;
    this.pending = [];
    let max = -1;
    for (let i = 0; i < pending.length; i += 2) max = Math.max(max, pending[i]!);
    const runOf = new Int32Array(max + 1).fill(-1);
    for (let i = 0; i < pending.length; i += 2) runOf[pending[i]!] = pending[i + 1]!;
    this.runOf = runOf;
    this.runs = runs;
    this.rowTime = rowTime;
  }

  posting(valueId: number): TimePosting | undefined {
    const p = this.postings[valueId];
    if (p === undefined && this.lazy) return this.lazyPosting(valueId);
    if (p !== undefined || valueId >= this.runOf.length) return p;
    const run = this.runOf[valueId]!;
    if (run < 0) return undefined;
    const made = TimePosting.ofOrderedView(this.runs!.rows(run), this.rowTime!);
    this.postings[valueId] = made;
    this.runOf[valueId] = -1;
    return made;
  }

  /** A posting's rows in (ts, row) order without making it an object (writing a snapshot). */
  orderedRows(valueId: number, rowTime: RowTime): Uint32Array | undefined {
    const p = this.lazy ? this.posting(valueId) : this.postings[valueId];
    if (p !== undefined) return p.ordered(rowTime);
    const run = valueId < this.runOf.length ? this.runOf[valueId]! : -1;
    return run < 0 ? undefined : this.runs!.rows(run);
  }

  /** Number of line rows carrying any of `valueIds`: the planner's size estimate. */
  rowCount(valueIds: readonly number[]): number {
    let n = 0;
    for (const id of valueIds) {
      const p = this.lazy ? this.posting(id) : this.postings[id];
      if (p !== undefined) n += p.size;
      else if (id < this.runOf.length && this.runOf[id]! >= 0) n += this.runs!.count[this.runOf[id]!]!;
    }
    return n;
  }
}

/** Rows 0..n-1 sorted by value, stably (so in time order within a value), with their values. */
function groupByValue(values: ArrayLike<number>, n: number): { keys: Uint32Array; rows: Uint32Array } {
  const keys = new Uint32Array(n);
  const rows = sharedUint32(n);
  for (let row = 0; row < n; row++) {
    keys[row] = values[row]!;
    rows[row] = row;
  }
  radixSortU32(keys, rows);
  return { keys, rows };
}

/** The first index whose key is >= `key` (keys ascending). */
function lowerBound(keys: Uint32Array, key: number): number {
  let lo = 0, hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
