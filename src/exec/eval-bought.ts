import { Bitmap } from '../index/bitmap.js';
import type { DimensionIndex } from '../index/dimension-index.js';
import type { TimePosting } from '../index/time-posting.js';
import type { Dictionary } from '../store/dictionary.js';
import type { Catalog } from '../store/catalog.js';
import type { Shard } from '../store/shard.js';
import { hasQuantityBound, isExistenceOnly, type BoughtQuery } from './bought-query.js';
import { ORDER_DIMENSIONS, type DimensionName, type OrderDimension } from '../model/order-dimensions.js';
import { TUNING } from '../model/defaults.js';
import type { BoughtTask } from './bought-task.js';
import type { Scratch } from './scratch.js';
import { scanOrders } from './scan-orders.js';
import { countOrdersOnly } from './count-orders.js';
import { sumQuantities } from './sum-quantities.js';
import { forEachMatchingLine, isCandidate, lineMatches } from './row-filters.js';

/** A filter as a membership mask by id: undefined = no check needed. */
type IdFilter = Uint8Array | undefined;

/**
 * Forces a kernel where the defaults choose by cost, so tests can run every
 * variant on the same task (test/exec/kernels.test.ts). Production passes
 * none: the choice is by size, as documented at each use.
 */
export interface KernelChoice {
  /** an unfiltered `<bought>`: scan the orders outside the window against the totals (true), inside (false) */
  complement?: boolean;
  /** false: count and sum in scratch.acc even where a byte per customer would do (count-orders.ts; quantity sums: sum-quantities.ts) */
  byteCounts?: boolean;
}

/**
 * Turns a `<bought>` into a task for one shard: drive from the smallest
 * posting lists among the sku and category filters (or the shop or
 * all-orders postings when there are none), take the time window as a slice
 * of each (binary search), and make masks for the other filters. Undefined
 * when nothing can match (an unknown filter value). `candidates`, when
 * given, limits the members to those customers (BoughtTask.candidates).
 */
export function prepareBought(
  plan: BoughtQuery, shard: Shard, catalog: Catalog, shardKey: string, candidates?: Int32Array, choice: KernelChoice = {},
): BoughtTask | undefined {
  const dims = ORDER_DIMENSIONS.map((dim) => ({ dim, index: shard[dim.index], ids: resolveIds(plan[dim.field], catalog[dim.field]) }))
    .filter((d): d is FilterDim => d.ids !== undefined);
  if (dims.some((d) => d.ids.length === 0)) return undefined;

  const common = {
    orderAmount: shard.orderAmount.data,
    lineOrder: shard.lineOrder.data,
    lineSku: shard.lineSku.data,
    lineCategory: shard.lineCategory.data,
    lineAmount: shard.lineAmount.data,
    lineQuantity: shard.lineQuantity.data,
    lineCount: shard.lineCount,
    orderAlive: shard.orderAlive.data,
    orderShop: shard.orderShop.data,
    orderCustomer: shard.orderCustomer.data,
    existence: isExistenceOnly(plan),
    minCount: plan.minCount,
    maxCount: plan.maxCount,
    minAmountCents: plan.minAmountCents,
    maxAmountCents: plan.maxAmountCents,
    minQuantity: plan.minQuantity,
    maxQuantity: plan.maxQuantity,
    customerCount: shard.customerCount,
    shardKey,
    candidates,
  };
  // without a sku or category filter every line of a matching order matches: count orders
  const lineDims = dims.filter((d) => d.dim.level === 'line');
  if (lineDims.length === 0) return { ...common, ...orderSlices(plan, shard, dims[0]?.ids, choice) };

  const driver = lineDims.reduce((best, d) => (d.index.rowCount(d.ids) < best.index.rowCount(best.ids) ? d : best));
  const postings = driver.ids.map((id) => driver.index.posting(id)).filter((p): p is TimePosting => p !== undefined);
  return {
    ...common,
    unit: 'lines',
    slices: postings.flatMap((p) => p.window(plan.lo, plan.hi, shard.rowTime)),
    // spelt out, not looped: every task gets the same literal shape (the kernels read these per row)
    checkSku: maskFor(dims, driver, 'sku', catalog),
    checkCategory: maskFor(dims, driver, 'category', catalog),
    checkShop: maskFor(dims, driver, 'shop', catalog),
  };
}

/**
 * A `<bought>` filtered at most by shop scans orders: those of the shops in
 * the window; unfiltered, all orders in the window, or those outside it
 * against the customers' totals when that reads less (the totals pass
 * touches every customer once, at a fraction of an order's cost).
 */
function orderSlices(
  plan: BoughtQuery, shard: Shard, shopIds: readonly number[] | undefined, choice: KernelChoice,
): Pick<BoughtTask, 'unit' | 'slices' | 'complement'> {
  if (shopIds) {
    const postings = shopIds.map((id) => shard.byShop.posting(id)).filter((p): p is TimePosting => p !== undefined);
    return { unit: 'orders', slices: postings.flatMap((p) => p.window(plan.lo, plan.hi, shard.orderTime)) };
  }
  const { inside, outside } = shard.allOrders.split(plan.lo, plan.hi, shard.orderColumns);
  const size = (slices: typeof inside) => slices.reduce((n, s) => n + s.end - s.start, 0);
  // the totals hold no quantities: a quantity bound counts the orders inside
  if (hasQuantityBound(plan)) return { unit: 'orders', slices: inside };
  if (choice.complement ?? size(outside) + shard.customerCount * TUNING.COMPLEMENT_CUSTOMER_WEIGHT < size(inside)) {
    return { unit: 'orders', slices: outside, complement: { orders: shard.customerOrders.view(), cents: shard.customerCents.view() } };
  }
  return { unit: 'orders', slices: inside };
}

/**
 * Runs a task: check liveness and the other filters per row in the window
 * slices, then either collect customers (existence) or count distinct
 * orders and sum matching line amounts per customer. The same code runs on
 * the calling thread and in workers.
 */
export function runBought(task: BoughtTask, scratch: Scratch, choice: KernelChoice = {}): Bitmap {
  if (hasQuantityBound(task)) return sumQuantities(task, scratch, choice);
  const counted = choice.byteCounts === false ? undefined : countOrdersOnly(task, scratch);
  if (counted) return counted;
  if (task.unit === 'orders') return scanOrders(task, scratch);
  // One slice (one posting, no late rows): lines of an order are adjacent in
  // it, so counting can run in the same pass that checks the rows.
  if (!task.existence && task.slices.length === 1) {
    const { rows, start, end } = task.slices[0]!;
    return aggregate(task, scratch, rows, start, end);
  }
  const { lineOrder, orderCustomer, candidates } = task;
  if (task.existence) {
    // a bit per customer (scratch marks), collected in order: no duplicates or unsorted ids for the bitmap
    scratch.ensureMarks(task.customerCount);
    for (const { rows, start, end } of task.slices) {
      for (let i = start; i < end; i++) {
        const row = rows[i]!;
        if (!lineMatches(task, row)) continue;
        const c = orderCustomer[lineOrder[row]!]!;
        if (candidates === undefined || isCandidate(candidates, c)) scratch.mark(c);
      }
    }
    const result = new Bitmap();
    result.addMany(scratch.takeMarks());
    return result;
  }
  return aggregateSlices(task, scratch);
}

/**
 * Distinct matching orders and matching-line amounts per customer over
 * `rows[start..end)` (lines of one order adjacent), then the thresholds.
 */
function aggregate(task: BoughtTask, scratch: Scratch, rows: Uint32Array, start: number, end: number): Bitmap {
  scratch.ensureCustomers(task.customerCount);
  const { lineOrder, lineAmount, orderCustomer, orderAlive, lineSku, lineCategory, orderShop } = task;
  // the filter checks are lineMatches() inlined by hand: this loop is the hot path of every counted <bought>
  const { checkSku, checkCategory, checkShop, candidates } = task;
  // an order's lines are adjacent here: it counts when it differs from the last matching line's
  let lastOrder = -1;
  for (let i = start; i < end; i++) {
    const row = rows[i]!;
    const order = lineOrder[row]!;
    if (orderAlive[order] === 0) continue;
    if (checkSku !== undefined && checkSku[lineSku[row]!] !== 1) continue;
    if (checkCategory !== undefined && checkCategory[lineCategory[row]!] !== 1) continue;
    if (checkShop !== undefined && checkShop[orderShop[order]!] !== 1) continue;
    const c = orderCustomer[order]!;
    if (candidates !== undefined && (candidates[c >>> 5]! & (1 << (c & 31))) === 0) continue;
    scratch.add(c, order !== lastOrder, lineAmount[row]!);
    lastOrder = order;
  }
  return passing(task, scratch);
}

/**
 * As aggregate(), over several slices (several SKUs or categories, late
 * rows) where an order's lines need not be adjacent: an order is counted
 * the first time one of its lines matches, by a bit per order, instead of
 * gathering and sorting every matching row first (at 2.9M lines the sort
 * was a third of such a query).
 */
function aggregateSlices(task: BoughtTask, scratch: Scratch): Bitmap {
  scratch.ensureCustomers(task.customerCount);
  const { lineAmount } = task;
  forEachMatchingLine(task, scratch, (c, row, first) => scratch.add(c, first, lineAmount[row]!));
  return passing(task, scratch);
}

/** The touched customers whose count and sum pass the task's thresholds (then scratch is reset). */
function passing(task: BoughtTask, scratch: Scratch): Bitmap {
  scratch.finish();
  const { acc } = scratch;
  const { minCount, maxCount, minAmountCents, maxAmountCents } = task;
  const hits = scratch.ensureHits(scratch.touchedCount);
  let h = 0;
  for (let i = 0; i < scratch.touchedCount; i++) {
    const c = scratch.touched[i]!;
    const count = acc[2 * c]!, sum = acc[2 * c + 1]!;
    if (count < minCount) continue;
    if (maxCount !== undefined && count > maxCount) continue;
    if (minAmountCents !== undefined && sum < minAmountCents) continue;
    if (maxAmountCents !== undefined && sum > maxAmountCents) continue;
    hits[h++] = c;
  }
  scratch.reset();
  const result = new Bitmap();
  result.addMany(hits.subarray(0, h));
  return result;
}

function resolveIds(values: readonly string[] | undefined, dict: Dictionary): number[] | undefined {
  if (values === undefined) return undefined;
  const ids = new Set<number>();
  for (const v of values) {
    const id = dict.lookup(v);
    if (id !== undefined) ids.add(id);
  }
  return [...ids];
}

/** A membership mask by id for a non-driving filter (undefined: no check needed). */
function maskFor(dims: readonly FilterDim[], driver: FilterDim | undefined, name: DimensionName, catalog: Catalog): IdFilter {
  const d = dims.find((f) => f.dim.name === name);
  if (!d || d === driver) return undefined;
  const mask = new Uint8Array(catalog[d.dim.field].size);
  for (const id of d.ids) mask[id] = 1;
  return mask;
}

/** A dimension the `<bought>` filters on, with its value ids in the catalog. */
interface FilterDim {
  dim: OrderDimension;
  index: DimensionIndex;
  ids: number[];
}
