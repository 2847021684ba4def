import type { Bitmap } from '../index/bitmap.js';
import type { Shard } from '../store/shard.js';
import type { DayBucketCache } from './day-buckets.js';
import { evaluateShards, runPrefetchHere, type DayBucketShards, type ExecutionQuery, type Executor } from './executor.js';

/**
 * Everything on the calling thread: each shard's plan in time slices, the
 * `<bought>` nodes scanned (or taken from day buckets) as the evaluation
 * reaches them.
 */
export class InProcessExecutor implements Executor {
  readonly workers: readonly { terminate(): Promise<number> }[] = [];

  constructor(private readonly days: DayBucketShards) {}

  async run(query: ExecutionQuery): Promise<Bitmap[]> {
    // Evaluating on this thread never waits on I/O: give the event loop a
    // turn first, so callers querying in a tight loop cannot starve timers,
    // appends' disk writes or other callers.
    await query.slice.pause();
    await runPrefetchHere(query);
    return evaluateShards(query);
  }

  dayBuckets(shard: Shard): DayBucketCache | undefined {
    return this.days.for(shard);
  }

  async close(): Promise<void> {}
}
