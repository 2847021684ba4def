import type { Bitmap } from '../index/bitmap.js';
import type { AttributeIndex } from '../index/attribute-index.js';
import type { AttrValue } from '../model/records.js';
import { TUNING } from '../model/defaults.js';

/** Members per distinct attribute value (strings and numbers apart) and members without the attribute. */
export interface AttrCounts {
  strings: Map<string, number>;
  numbers: Map<number, number>;
  none: number;
}

export function emptyAttrCounts(): AttrCounts {
  return { strings: new Map(), numbers: new Map(), none: 0 };
}

/**
 * Adds one shard's members by value of the attribute into `into`. Each
 * value's count is the cardinality of its bitmap AND the members (no member
 * visited in JavaScript); the values' bitmaps are disjoint, so `(none)` is
 * the members minus their sum. An attribute with very many distinct values
 * for the segment's size (an id-like attribute) reads each member's value
 * from the column instead: one pass over the members beats a native call
 * per value.
 */
export function addAttrCounts(index: AttributeIndex | undefined, members: Bitmap, into: AttrCounts): void {
  const size = members.size;
  if (index === undefined || size === 0) {
    into.none += size;
    return;
  }
  let held = 0;
  const add = (value: AttrValue, n: number) => {
    if (n === 0) return;
    held += n;
    if (typeof value === 'number') into.numbers.set(value, (into.numbers.get(value) ?? 0) + n);
    else into.strings.set(value, (into.strings.get(value) ?? 0) + n);
  };
  if (visitMembers(index, size)) {
    const { valueOf, values } = index.toColumn();
    const counts = countValueIndexes(valueOf, values.length, members);
    for (let i = 0; i < values.length; i++) add(values[i]!, counts[i]!);
  } else {
    for (const [value, holders] of index.valueBitmaps()) add(value, holders.andCardinality(members));
  }
  into.none += size - held;
}

/** True when reading each member's value is cheaper than one bitmap intersection per distinct value. */
export function visitMembers(index: AttributeIndex, members: number): boolean {
  const values = index.distinctValues;
  return values > TUNING.PORTRAIT_BITMAP_VALUES && values * TUNING.PORTRAIT_MEMBERS_PER_VALUE > members;
}

/** Members per value index of the column (`valueOf[c]`, -1: none), in one pass over the members. */
export function countValueIndexes(valueOf: Int32Array, valueCount: number, members: Bitmap): Float64Array {
  const counts = new Float64Array(valueCount);
  const ids = members.toUint32Array(), n = valueOf.length;
  for (let k = 0; k < ids.length; k++) {
    const c = ids[k]!;
    if (c >= n) continue;
    const i = valueOf[c]!;
    if (i >= 0) counts[i]!++;
  }
  return counts;
}
