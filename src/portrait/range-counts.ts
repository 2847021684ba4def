import type { Bitmap } from '../index/bitmap.js';
import type { AttributeIndex } from '../index/attribute-index.js';
import { countValueIndexes, visitMembers } from './attr-counts.js';

/** Members per numeric range (index 0: `< b1`, i: `[b_i, b_i+1)`, last: `>= bm`) and members without a numeric value. */
export interface RangeCounts {
  ranges: Float64Array;
  none: number;
}

export function emptyRangeCounts(bounds: readonly number[]): RangeCounts {
  return { ranges: new Float64Array(bounds.length + 1), none: 0 };
}

/** The range a number falls in: how many bounds are <= it. */
export function rangeOf(value: number, bounds: readonly number[]): number {
  let lo = 0, hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (bounds[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Adds one shard's members by numeric range into `into`: each distinct
 * number's bitmap AND the members, summed into its range (or one pass over
 * the members when the attribute has very many distinct values). A string
 * value is no number: those members are `(none)` with the ones without the
 * attribute.
 */
export function addRangeCounts(index: AttributeIndex | undefined, bounds: readonly number[], members: Bitmap, into: RangeCounts): void {
  const size = members.size;
  if (index === undefined || size === 0) {
    into.none += size;
    return;
  }
  let numeric = 0;
  if (visitMembers(index, size)) {
    const { valueOf, values } = index.toColumn();
    const counts = countValueIndexes(valueOf, values.length, members);
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (typeof v !== 'number' || counts[i] === 0) continue;
      into.ranges[rangeOf(v, bounds)]! += counts[i]!;
      numeric += counts[i]!;
    }
  } else {
    for (const [value, holders] of index.valueBitmaps()) {
      if (typeof value !== 'number') continue;
      const n = holders.andCardinality(members);
      into.ranges[rangeOf(value, bounds)]! += n;
      numeric += n;
    }
  }
  into.none += size - numeric;
}
