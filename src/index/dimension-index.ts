import type { PostingRuns } from './posting-runs.js';
import { TimePosting, type RowTime } from './time-posting.js';

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

  add(valueId: number, row: number, ts: number, rowTime: RowTime): void {
    let p = this.posting(valueId);
    if (!p) this.postings[valueId] = p = new TimePosting();
    p.add(row, ts, rowTime);
  }

  /** Number of value ids with a posting slot (some may be empty). */
  get valueCount(): number {
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
    const p = this.postings[valueId];
    if (p !== undefined) return p.ordered(rowTime);
    const run = valueId < this.runOf.length ? this.runOf[valueId]! : -1;
    return run < 0 ? undefined : this.runs!.rows(run);
  }

  /** Number of line rows carrying any of `valueIds`: the planner's size estimate. */
  rowCount(valueIds: readonly number[]): number {
    let n = 0;
    for (const id of valueIds) {
      const p = this.postings[id];
      if (p !== undefined) n += p.size;
      else if (id < this.runOf.length && this.runOf[id]! >= 0) n += this.runs!.count[this.runOf[id]!]!;
    }
    return n;
  }
}
