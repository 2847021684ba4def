import type { Bitmap } from '../index/bitmap.js';
import type { Shard } from '../store/shard.js';

/**
 * A query's answer: one bitmap of shard-local customer ids per shard.
 * Shards are disjoint, so the count is a sum and the members a concatenation.
 * The bitmaps are the segment's own; later appends do not change it.
 */
export class Segment {
  readonly count: number;

  constructor(private readonly parts: readonly { shard: Shard; members: Bitmap }[]) {
    this.count = parts.reduce((n, p) => n + p.members.size, 0);
  }

  /** External customer ids, shard by shard (order unspecified). */
  async *ids(): AsyncIterable<string> {
    yield* this.idsSync();
  }

  *idsSync(): IterableIterator<string> {
    for (const { shard, members } of this.parts) {
      for (const local of members) yield shard.customers.value(local);
    }
  }

  has(customerId: string): boolean {
    return this.parts.some(({ shard, members }) => {
      const local = shard.customers.lookup(customerId);
      return local !== undefined && members.has(local);
    });
  }
}
