import { TimePosting, type RowTime } from './time-posting.js';

/** One time-ordered posting list per dictionary id of a dimension (sku, category or shop). */
export class DimensionIndex {
  private readonly postings: (TimePosting | undefined)[] = [];

  add(valueId: number, row: number, ts: number, rowTime: RowTime): void {
    let p = this.postings[valueId];
    if (!p) this.postings[valueId] = p = new TimePosting();
    p.add(row, ts, rowTime);
  }

  /** Number of value ids with a posting slot (some may be empty). */
  get valueCount(): number {
    return this.postings.length;
  }

  /** Installs a loaded posting (snapshot). */
  setPosting(valueId: number, posting: TimePosting): void {
    this.postings[valueId] = posting;
  }

  posting(valueId: number): TimePosting | undefined {
    return this.postings[valueId];
  }

  /** Number of line rows carrying any of `valueIds`: the planner's size estimate. */
  rowCount(valueIds: readonly number[]): number {
    let n = 0;
    for (const id of valueIds) n += this.postings[id]?.size ?? 0;
    return n;
  }

}
