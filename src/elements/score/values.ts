import type { KernelChoice } from '../../exec/eval-bought.js';
import { prepareValues, scanValues, type ShardValues, type ValueSpec } from '../../exec/score-values.js';
import { TUNING } from '../../model/defaults.js';
import { filtersKey } from '../../plan/dimension-filters.js';
import type { Catalog } from '../../store/catalog.js';
import type { Shard } from '../../store/shard.js';
import type { Steps } from '../definition.js';

export { NOT_IN_P, type ShardValues, type ValueSpec } from '../../exec/score-values.js';

/** The cache key of a spec: the same value, filters and window give the same values at the same store state. */
export function valueKey(s: ValueSpec): string {
  return `${s.by}(${filtersKey(s)}${s.lo},${s.hi})`;
}

interface Cached {
  readonly changes: number;
  readonly values: ShardValues;
}

/**
 * Per shard, the values of the most recently used specs (at least
 * TUNING.SCORE_CACHE_MIN_ENTRIES, so an RFM query's three stay; more while
 * they hold at most TUNING.SCORE_CACHE_BYTES_PER_LINE bytes per line of the
 * shard), each valid at the shard's change count it was computed at: any
 * append or refund on the shard bumps it (Shard.changes), so a stale entry
 * is never read (read-your-writes, the population included). A repeated
 * RFM query does not rescan: it costs the rank (a few binary searches) and
 * one pass over 4 bytes a customer per shard.
 */
const cache = new WeakMap<Shard, Map<string, Cached>>();

/**
 * v(c) on `shard`, from the cache or computed now: one pass over the
 * matching orders or lines in the window, in steps of
 * TUNING.SCORE_SCAN_STEP rows (the query may pause between them: at 300M
 * lines one shard's scan takes seconds). The store does not change under a
 * query's pauses (the engine holds appends back), so the values are of one
 * state, the one the query's change counts name.
 */
export function* shardValues(spec: ValueSpec, shard: Shard, catalog: Catalog): Steps<ShardValues> {
  const entries = cache.get(shard);
  const key = valueKey(spec);
  const hit = entries?.get(key);
  if (hit && hit.changes === shard.changes) {
    // most recently used last
    entries!.delete(key);
    entries!.set(key, hit);
    return hit.values;
  }
  const changes = shard.changes;
  const values = yield* computeValues(spec, shard, catalog);
  keep(shard, key, changes, values);
  return values;
}

/** Whether `shard`'s values for `spec` are cached at its current state (then the evaluation will not scan). */
export function isCached(spec: ValueSpec, shard: Shard): boolean {
  return cache.get(shard)?.get(valueKey(spec))?.changes === shard.changes;
}

/**
 * Values computed elsewhere (a worker, exec/pool-executor.ts) for `shard`
 * at change count `changes` (the count when their task was prepared: the
 * query holds appends back until it is done, so it is still current).
 */
export function storeValues(spec: ValueSpec, shard: Shard, changes: number, values: ShardValues): void {
  keep(shard, valueKey(spec), changes, values);
}

function keep(shard: Shard, key: string, changes: number, values: ShardValues): void {
  let entries = cache.get(shard);
  if (!entries) cache.set(shard, (entries = new Map()));
  entries.delete(key);
  entries.set(key, { changes, values });
  const budget = TUNING.SCORE_CACHE_BYTES_PER_LINE * shard.lineCount;
  while (entries.size > TUNING.SCORE_CACHE_MIN_ENTRIES && bytesOf(entries) > budget) entries.delete(entries.keys().next().value!);
}

/** Bytes the cached values hold on `shard` (docs and benchmarks report them per order line). */
export function cachedValueBytes(shard: Shard): number {
  const entries = cache.get(shard);
  return entries ? bytesOf(entries) : 0;
}

function bytesOf(entries: Map<string, Cached>): number {
  let bytes = 0;
  for (const { values } of entries.values()) bytes += values.byCustomer.byteLength + values.sorted.byteLength;
  return bytes;
}

/** The scan here, in steps (exec/score-values.ts; `choice` lets tests force the totals or the scan). */
export function computeValues(spec: ValueSpec, shard: Shard, catalog: Catalog, choice: KernelChoice = {}): Steps<ShardValues> {
  return scanValues(prepareValues(spec, shard, catalog, choice));
}
