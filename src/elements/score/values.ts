import { prepareBought, type KernelChoice } from '../../exec/eval-bought.js';
import type { BoughtTask } from '../../exec/bought-task.js';
import { lineMatches } from '../../exec/row-filters.js';
import { TUNING } from '../../model/defaults.js';
import type { DimensionFilters } from '../../model/order-dimensions.js';
import { filtersKey, filtersOf } from '../../plan/dimension-filters.js';
import type { Catalog } from '../../store/catalog.js';
import type { Shard } from '../../store/shard.js';
import type { Steps } from '../definition.js';
import type { ScoreBy } from './node.js';

/** What a score ranks: the value, the filters and the resolved window (a ScorePlan is one). */
export interface ValueSpec extends DimensionFilters {
  readonly by: ScoreBy;
  readonly lo: number;
  readonly hi: number;
}

/**
 * v(c) of one shard's customers (contract 7.5): a value per shard-local
 * customer, and the population's values ascending (for the whole-store rank,
 * rank.ts). Every value is an integer (seconds, orders, cents, units): 4
 * bytes each while every value fits below 2^32 - 1 (always for recency and
 * frequency), with NOT_IN_P (2^32 - 1) for a customer outside the
 * population (no counting matching order in the window); else 8 bytes
 * each, with NaN for one outside it.
 */
export interface ShardValues {
  readonly byCustomer: Uint32Array | Float64Array;
  readonly sorted: Uint32Array | Float64Array;
}

/** In a Uint32Array of values: the customer is not in the population. */
export const NOT_IN_P = 0xffffffff;

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
  let entries = cache.get(shard);
  if (!entries) cache.set(shard, (entries = new Map()));
  const key = valueKey(spec);
  const hit = entries.get(key);
  if (hit && hit.changes === shard.changes) {
    // most recently used last
    entries.delete(key);
    entries.set(key, hit);
    return hit.values;
  }
  const changes = shard.changes;
  const values = yield* computeValues(spec, shard, catalog);
  entries.delete(key);
  entries.set(key, { changes, values });
  const budget = TUNING.SCORE_CACHE_BYTES_PER_LINE * shard.lineCount;
  while (entries.size > TUNING.SCORE_CACHE_MIN_ENTRIES && bytesOf(entries) > budget) entries.delete(entries.keys().next().value!);
  return values;
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

/** Rows scanned between pauses. */
const STEP = TUNING.SCORE_SCAN_STEP;

/**
 * The scan: `<bought>`'s own task for the filters and window (the smallest
 * driving posting, sliced to the window by binary search; never the
 * complement of the totals, which hold no latest time or quantity), then
 * per counting matching order or line: recency keeps the latest order ts,
 * frequency counts distinct orders, monetary adds the matching lines'
 * cents (an order task's precomputed order amount is the sum of all its
 * lines, all of which match), quantity adds the matching lines' quantities.
 * One loop per value (one shape of reads each): on a cold cache this is
 * the query's whole cost.
 */
export function* computeValues(spec: ValueSpec, shard: Shard, catalog: Catalog, choice: KernelChoice = {}): Steps<ShardValues> {
  const n = shard.customerCount;
  const acc = new Float64Array(n);
  const seen = new Uint8Array(n);
  // the totals hold every customer's alive order count and cents: an unfiltered frequency or monetary
  // over a window that holds most orders subtracts the few outside it (prepareBought decides, by size)
  const totalsServe = spec.by === 'frequency' || spec.by === 'monetary';
  const task = prepareBought({ ...filtersOf(spec), lo: spec.lo, hi: spec.hi, minCount: 1 }, shard, catalog, '', undefined,
    totalsServe ? choice : { ...choice, complement: false });
  if (task) {
    if (task.unit === 'lines') yield* scanLines(task, spec.by, shard.orderTs.data, acc, seen);
    else if (task.complement) yield* scanComplement(task, spec.by, acc, seen);
    else yield* scanOrders(task, spec.by, shard.orderTs.data, acc, seen);
  }
  let count = 0, wide = false;
  for (let c = 0; c < n; c++) {
    if (seen[c] === 0) continue;
    count++;
    if (acc[c]! >= NOT_IN_P) wide = true;
  }
  const byCustomer = wide ? acc : new Uint32Array(n);
  const sorted = wide ? new Float64Array(count) : new Uint32Array(count);
  const none = wide ? Number.NaN : NOT_IN_P;
  let k = 0;
  for (let c = 0; c < n; c++) {
    if (seen[c] === 0) byCustomer[c] = none;
    else {
      byCustomer[c] = acc[c]!;
      sorted[k++] = acc[c]!;
    }
  }
  sorted.sort();
  return { byCustomer, sorted };
}

type Ts = ArrayLike<number>;

/** Order tasks (at most a shop filter): every line of an order matches, so an order is one row. */
function* scanOrders(task: BoughtTask, by: ScoreBy, orderTs: Ts, acc: Float64Array, seen: Uint8Array): Steps<void> {
  const { orderAlive, orderCustomer, orderAmount } = task;
  const perOrder = by === 'quantity' ? yield* orderQuantities(task) : undefined;
  for (const { rows, start, end, customers, amounts } of task.slices) {
    for (let from = start; from < end; from += STEP) {
      const to = Math.min(end, from + STEP);
      if (by === 'recency') {
        for (let i = from; i < to; i++) {
          const order = rows[i]!;
          if (orderAlive[order] === 0) continue;
          const c = customers ? customers[i]! : orderCustomer[order]!;
          const ts = orderTs[order]!;
          if (seen[c] === 0 || ts > acc[c]!) acc[c] = ts;
          seen[c] = 1;
        }
      } else if (by === 'frequency') {
        for (let i = from; i < to; i++) {
          const order = rows[i]!;
          if (orderAlive[order] === 0) continue;
          const c = customers ? customers[i]! : orderCustomer[order]!;
          acc[c]!++;
          seen[c] = 1;
        }
      } else if (by === 'monetary') {
        for (let i = from; i < to; i++) {
          const order = rows[i]!;
          if (orderAlive[order] === 0) continue;
          const c = customers ? customers[i]! : orderCustomer[order]!;
          acc[c]! += amounts ? amounts[i]! : orderAmount[order]!;
          seen[c] = 1;
        }
      } else {
        for (let i = from; i < to; i++) {
          const order = rows[i]!;
          if (orderAlive[order] === 0) continue;
          const c = customers ? customers[i]! : orderCustomer[order]!;
          acc[c]! += perOrder![order]!;
          seen[c] = 1;
        }
      }
      yield;
    }
  }
}

/**
 * An unfiltered frequency or monetary over most of the orders: each
 * customer's alive totals (orders, cents) minus their alive orders outside
 * the window (the task's slices). In the population when orders are left.
 * The totals are live columns: the query holds appends back while it runs.
 */
function* scanComplement(task: BoughtTask, by: ScoreBy, acc: Float64Array, seen: Uint8Array): Steps<void> {
  const { orderAlive, orderCustomer, orderAmount } = task;
  const { orders, cents } = task.complement!;
  const outCount = new Uint32Array(acc.length);
  for (const { rows, start, end, customers, amounts } of task.slices) {
    for (let from = start; from < end; from += STEP) {
      const to = Math.min(end, from + STEP);
      for (let i = from; i < to; i++) {
        const order = rows[i]!;
        if (orderAlive[order] === 0) continue;
        const c = customers ? customers[i]! : orderCustomer[order]!;
        outCount[c]!++;
        if (by === 'monetary') acc[c]! += amounts ? amounts[i]! : orderAmount[order]!;
      }
      yield;
    }
  }
  // customers past the totals' length have no orders
  const n = Math.min(acc.length, orders.length);
  for (let c = 0; c < n; c++) {
    const left = orders[c]! - outCount[c]!;
    if (left <= 0) continue;
    seen[c] = 1;
    acc[c] = by === 'frequency' ? left : cents[c]! - acc[c]!;
  }
}

/**
 * Line tasks (a sku or category filter): the driving posting's rows in the
 * window, the other filters checked per line. An order's lines need not be
 * adjacent (several postings, late rows): frequency counts an order at its
 * first matching line, by a bit per order.
 */
function* scanLines(task: BoughtTask, by: ScoreBy, orderTs: Ts, acc: Float64Array, seen: Uint8Array): Steps<void> {
  const { lineOrder, orderCustomer, lineAmount, lineQuantity } = task;
  const counted = by === 'frequency' ? new Int32Array((task.orderAlive.length + 31) >>> 5) : undefined;
  for (const { rows, start, end } of task.slices) {
    for (let from = start; from < end; from += STEP) {
      const to = Math.min(end, from + STEP);
      for (let i = from; i < to; i++) {
        const row = rows[i]!;
        if (!lineMatches(task, row)) continue;
        const order = lineOrder[row]!;
        const c = orderCustomer[order]!;
        if (by === 'recency') {
          const ts = orderTs[order]!;
          if (seen[c] === 0 || ts > acc[c]!) acc[c] = ts;
        } else if (by === 'frequency') {
          const bit = 1 << (order & 31);
          if ((counted![order >>> 5]! & bit) === 0) {
            counted![order >>> 5]! |= bit;
            acc[c]!++;
          }
        } else {
          acc[c]! += by === 'monetary' ? lineAmount[row]! : lineQuantity[row]!;
        }
        seen[c] = 1;
      }
      yield;
    }
  }
}

/** Every order's quantity (the sum of its lines'), in one sequential pass over the lines. */
function* orderQuantities(task: BoughtTask): Steps<Float64Array> {
  const { lineOrder, lineQuantity, lineCount } = task;
  const out = new Float64Array(task.orderAlive.length);
  for (let from = 0; from < lineCount; from += STEP) {
    const to = Math.min(lineCount, from + STEP);
    for (let row = from; row < to; row++) out[lineOrder[row]!]! += lineQuantity[row]!;
    yield;
  }
  return out;
}
