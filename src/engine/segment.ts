import type { Bitmap } from '../index/bitmap.js';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Shard } from '../store/shard.js';
import { YIELD_BUDGET_MS } from './time-slice.js';
import { TUNING } from '../model/defaults.js';

/** ids() looks at the clock every this many ids. */
const ID_CHUNK = TUNING.IDS_PER_CLOCK_CHECK;

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

  /**
   * External customer ids, shard by shard (order unspecified). Iterating an
   * async iterable runs in microtasks, which never let timers or I/O in, so
   * this gives the event loop a turn whenever YIELD_BUDGET_MS have passed
   * (checked every ID_CHUNK ids): a million members do not freeze the caller.
   */
  async *ids(): AsyncIterable<string> {
    let sliceStart = performance.now();
    let sinceCheck = 0;
    for (const id of this.idsSync()) {
      yield id;
      if (++sinceCheck < ID_CHUNK) continue;
      sinceCheck = 0;
      if (performance.now() - sliceStart >= YIELD_BUDGET_MS) {
        await nextTurn();
        sliceStart = performance.now();
      }
    }
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
