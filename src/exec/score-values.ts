import type { NarrowData } from '../columns/growable.js';
import { TUNING } from '../model/defaults.js';
import type { DimensionFilters } from '../model/order-dimensions.js';
import type { Catalog } from '../store/catalog.js';
import type { Shard } from '../store/shard.js';
import type { BoughtTask } from './bought-task.js';
import { prepareBought, type KernelChoice } from './eval-bought.js';
import { lineMatches } from './row-filters.js';
import { firstLine } from './sum-quantities.js';

/**
 * The kernel of `<score>` (contract 7.5, src/elements/score/): v(c) of one
 * shard's customers for a value, filters and window, on the calling thread
 * or in a worker (a ValuesRequest of exec/protocol.ts).
 */

/** What a score ranks customers by. */
export type ValueKind = 'recency' | 'frequency' | 'monetary' | 'quantity';

/** A value, filters and a resolved window (epoch seconds, inclusive). */
export interface ValueSpec extends DimensionFilters {
  readonly by: ValueKind;
  readonly lo: number;
  readonly hi: number;
}

/**
 * v(c) of one shard's customers: a value per shard-local customer, and the
 * population's values ascending (for the whole-store rank). Every value is
 * an integer (seconds, orders, cents, units): 4 bytes each while every
 * value fits below 2^32 - 1 (always for recency and frequency), with
 * NOT_IN_P (2^32 - 1) for a customer outside the population (no counting
 * matching order in the window); else 8 bytes each, with NaN for one
 * outside it.
 */
export interface ShardValues {
  readonly byCustomer: Uint32Array | Float64Array;
  readonly sorted: Uint32Array | Float64Array;
}

/** In a Uint32Array of values: the customer is not in the population. */
export const NOT_IN_P = 0xffffffff;

/**
 * One shard's scan as plain data (typed arrays over the shard's shared
 * columns), so a worker can run it: `<bought>`'s own task for the filters
 * and window (undefined: nothing can match), the value, the order times.
 */
export interface ValuesTask {
  by: ValueKind;
  task: BoughtTask | undefined;
  orderTs: NarrowData;
  customerCount: number;
}

/**
 * `<bought>`'s task for the filters and window: the smallest driving
 * posting, sliced to the window by binary search. An unfiltered frequency
 * or monetary over a window that holds most orders may read the customers'
 * alive totals minus the orders outside it (prepareBought decides, by
 * size; such a task reads live columns, so it runs on the calling thread);
 * the totals hold no latest time or quantity.
 */
export function prepareValues(spec: ValueSpec, shard: Shard, catalog: Catalog, choice: KernelChoice = {}): ValuesTask {
  const totalsServe = spec.by === 'frequency' || spec.by === 'monetary';
  const filters: DimensionFilters = { skus: spec.skus, categories: spec.categories, shops: spec.shops };
  const task = prepareBought({ ...filters, lo: spec.lo, hi: spec.hi, minCount: 1 }, shard, catalog, '', undefined,
    totalsServe ? choice : { ...choice, complement: false });
  return { by: spec.by, task, orderTs: shard.orderTs.data, customerCount: shard.customerCount };
}

/** Rows a task's scan reads: what a worker round trip is weighed against. */
export function valuesTaskRows(t: ValuesTask): number {
  return t.task === undefined ? 0 : t.task.slices.reduce((n, s) => n + s.end - s.start, 0);
}

type Ts = ArrayLike<number>;

/** Rows scanned between pauses. */
const STEP = TUNING.SCORE_SCAN_STEP;

/**
 * The scan of a prepared task (prepareValues), in steps of
 * TUNING.SCORE_SCAN_STEP rows (run to the end in a worker, paused between
 * steps on the calling thread): per counting matching order or line,
 * recency keeps the latest order ts,
 * frequency counts distinct orders, monetary adds the matching lines'
 * cents (an order task's precomputed order amount is the sum of all its
 * lines, all of which match), quantity adds the matching lines' quantities.
 * One loop per value (one shape of reads each): on a cold cache this is
 * the query's whole cost.
 */
export function* scanValues(t: ValuesTask): Generator<void, ShardValues> {
  const n = t.customerCount;
  const acc = new Float64Array(n);
  const seen = new Uint8Array(n);
  const { task, by } = t;
  if (task) {
    if (task.unit === 'lines') yield* scanLines(task, by, t.orderTs, acc, seen);
    else if (task.complement) yield* scanComplement(task, by, acc, seen);
    else yield* scanOrders(task, by, t.orderTs, acc, seen);
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

/** Order tasks (at most a shop filter): every line of an order matches, so an order is one row. */
function* scanOrders(task: BoughtTask, by: ValueKind, orderTs: Ts, acc: Float64Array, seen: Uint8Array): Generator<void, void> {
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
function* scanComplement(task: BoughtTask, by: ValueKind, acc: Float64Array, seen: Uint8Array): Generator<void, void> {
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
function* scanLines(task: BoughtTask, by: ValueKind, orderTs: Ts, acc: Float64Array, seen: Uint8Array): Generator<void, void> {
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
function* orderQuantities(task: BoughtTask): Generator<void, Float64Array> {
  const { lineOrder, lineQuantity, lineCount } = task;
  const out = new Float64Array(task.orderAlive.length);
  for (let from = 0; from < lineCount; from += STEP) {
    const to = Math.min(lineCount, from + STEP);
    for (let row = from; row < to; row++) out[lineOrder[row]!]! += lineQuantity[row]!;
    yield;
  }
  return out;
}

/** v(c) of the customers with counting matching orders in a narrow window only (a band between two windows' edges). */
export type BandValues = Map<number, number>;

/**
 * A band's values, sparse: the few orders between a cached window's edges
 * and a moved one's (elements/score/slide.ts), so no array the size of the
 * shard's customers is made. Quantity of an order task: its lines are
 * contiguous, found by a binary search on lineOrder (ascending).
 */
export function* scanBand(t: ValuesTask): Generator<void, BandValues> {
  const out: BandValues = new Map();
  const { task, by } = t;
  if (task === undefined) return out;
  const { orderAlive, orderCustomer, orderAmount, lineOrder, lineAmount, lineQuantity, lineCount } = task;
  const add = (c: number, v: number) => {
    const old = out.get(c);
    out.set(c, old === undefined ? v : by === 'recency' ? Math.max(old, v) : old + v);
  };
  const counted = new Set<number>();
  let rowsRead = 0;
  for (const { rows, start, end, customers, amounts } of task.slices) {
    for (let i = start; i < end; i++) {
      if (++rowsRead % STEP === 0) yield;
      if (task.unit === 'orders') {
        const order = rows[i]!;
        if (orderAlive[order] === 0) continue;
        const c = customers ? customers[i]! : orderCustomer[order]!;
        if (by === 'recency') add(c, t.orderTs[order]!);
        else if (by === 'frequency') add(c, 1);
        else if (by === 'monetary') add(c, amounts ? amounts[i]! : orderAmount[order]!);
        else {
          let q = 0;
          for (let row = firstLine(lineOrder, lineCount, order); row < lineCount && lineOrder[row] === order; row++) q += lineQuantity[row]!;
          add(c, q);
        }
      } else {
        const row = rows[i]!;
        if (!lineMatches(task, row)) continue;
        const order = lineOrder[row]!;
        const c = orderCustomer[order]!;
        if (by === 'recency') add(c, t.orderTs[order]!);
        else if (by === 'frequency') {
          if (!counted.has(order)) counted.add(order), add(c, 1);
        } else add(c, by === 'monetary' ? lineAmount[row]! : lineQuantity[row]!);
      }
    }
  }
  return out;
}
