import type { KernelChoice } from '../../exec/eval-bought.js';
import { prepareValues, scanBand, scanValues, type ShardValues, type ValueSpec } from '../../exec/score-values.js';
import { TUNING } from '../../model/defaults.js';
import { filtersKey } from '../../plan/dimension-filters.js';
import type { Catalog } from '../../store/catalog.js';
import type { Shard } from '../../store/shard.js';
import type { Steps } from '../definition.js';
import { slideValues } from './slide.js';

export { NOT_IN_P, type ShardValues, type ValueSpec } from '../../exec/score-values.js';

/** The cache key of a spec: the same value, filters and window give the same values at the same store state. */
export function valueKey(s: ValueSpec): string {
  return `${s.by}(${filtersKey(s)}${s.lo},${s.hi})`;
}

interface Cached {
  readonly changes: number;
  readonly values: ShardValues;
  readonly spec: ValueSpec;
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
  const base = slideBase(spec, shard);
  const values = (base === undefined ? undefined : yield* slide(base, spec, shard, catalog)) ?? (yield* computeValues(spec, shard, catalog));
  keep(shard, spec, changes, values);
  return values;
}

/**
 * A cached window of the same value and filters at the same state that
 * `spec`'s window moved forward from (asOf later, as with asOf = now) by at
 * most TUNING.SCORE_SLIDE_MAX_SHARE of its length at each edge: its values
 * plus and minus the orders between the edges are `spec`'s (slide.ts).
 */
function slideBase(spec: ValueSpec, shard: Shard): Cached | undefined {
  const entries = cache.get(shard);
  if (!entries) return undefined;
  const family = `${spec.by}(${filtersKey(spec)}`;
  const span = spec.hi - spec.lo;
  let best: Cached | undefined;
  for (const e of entries.values()) {
    const old = e.spec;
    if (e.changes !== shard.changes || `${old.by}(${filtersKey(old)}` !== family) continue;
    if (old.hi > spec.hi || old.lo > spec.lo || spec.lo > old.hi + 1) continue;
    const moved = (spec.lo === old.lo ? 0 : spec.lo - old.lo) + (spec.hi - old.hi);
    if (moved > span * TUNING.SCORE_SLIDE_MAX_SHARE) continue;
    if (best === undefined || old.hi > best.spec.hi) best = e;
  }
  return best;
}

/** Whether `shard`'s values for `spec` would come from a cached window (then nothing is worth a worker). */
export function canSlide(spec: ValueSpec, shard: Shard): boolean {
  return slideBase(spec, shard) !== undefined;
}

/** The orders between the two windows' edges, scanned sparse (never from the totals: a band is small), then slide.ts. */
function* slide(base: Cached, spec: ValueSpec, shard: Shard, catalog: Catalog): Steps<ShardValues | undefined> {
  const old = base.spec;
  const band = (lo: number, hi: number) => scanBand(prepareValues({ ...spec, lo, hi }, shard, catalog, { complement: false }));
  const added = spec.hi > old.hi ? yield* band(old.hi + 1, spec.hi) : undefined;
  const removed = spec.by !== 'recency' && spec.lo > old.lo ? yield* band(old.lo, spec.lo - 1) : undefined;
  return slideValues(base.values, spec.by, spec.lo, shard.customerCount, added, removed);
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
  keep(shard, spec, changes, values);
}

function keep(shard: Shard, spec: ValueSpec, changes: number, values: ShardValues): void {
  let entries = cache.get(shard);
  if (!entries) cache.set(shard, (entries = new Map()));
  const key = valueKey(spec);
  entries.delete(key);
  entries.set(key, { changes, values, spec: { by: spec.by, skus: spec.skus, categories: spec.categories, shops: spec.shops, lo: spec.lo, hi: spec.hi } });
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
