import { Bitmap } from '../index/bitmap.js';
import type { TagIndex } from '../index/tag-index.js';

/** Members per tag id, and members holding no tag. */
export interface TagCounts {
  byTag: Map<number, number>;
  none: number;
}

export function emptyTagCounts(): TagCounts {
  return { byTag: new Map(), none: 0 };
}

/**
 * Adds one shard's members by tag into `into`: each tag's holders AND the
 * members (a member counts once in each of its tags); `(none)` is the
 * members outside the union of every tag's holders.
 */
export function addTagCounts(tags: TagIndex, members: Bitmap, into: TagCounts): void {
  const size = members.size;
  if (size === 0) return;
  const holders: Bitmap[] = [];
  for (const [id, bitmap] of tags.entries()) {
    const n = bitmap.andCardinality(members);
    if (n === 0) continue;
    into.byTag.set(id, (into.byTag.get(id) ?? 0) + n);
    holders.push(bitmap);
  }
  const tagged = holders.length === 0 ? 0 : holders.length === 1 ? holders[0]!.andCardinality(members) : Bitmap.orMany(holders).andCardinality(members);
  into.none += size - tagged;
}
