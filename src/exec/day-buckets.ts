import { Bitmap } from '../index/bitmap.js';
import type { Catalog } from '../store/catalog.js';
import { DAY_SECONDS, type Shard } from '../store/shard.js';
import { isExistenceOnly, type BoughtQuery } from './bought-query.js';
import { ORDER_DIMENSIONS } from '../model/order-dimensions.js';
import { ENGINE_DEFAULTS, TUNING } from '../model/defaults.js';
import { prepareBought, runBought } from './eval-bought.js';
import type { BoughtTask } from './bought-task.js';
import type { NarrowData } from '../columns/growable.js';
import { lineMatches } from './row-filters.js';
import type { Scratch } from './scratch.js';

/**
 * Time-bucketed bitmaps for the pure existence test "bought X in a window"
 * (design.md): per filter and aligned block of UTC days (1, 4, 16 or 64
 * days), the customers with a matching alive order in it. A window is the
 * OR of the largest blocks that fit in the whole days it covers, plus its
 * partial edge days scanned exactly: a 120-day window over all orders ORs
 * about ten cached bitmaps instead of scanning a third of the store.
 *
 * Blocks are built when a filter is asked for the second time (the days by
 * one scan of the window, a bigger block as the OR of its four quarters)
 * and kept in a size-bounded LRU cache. Every append or refund bumps its day's version in the shard
 * (Shard.dayVersion); a block records the sum of its days' versions when
 * built and is rebuilt when that sum has moved, so answers are always exact.
 */
export class DayBucketCache {
  /** key -> bucket; Map order is the LRU order (oldest first) */
  private readonly buckets = new Map<string, { version: number; members: Bitmap; bytes: number }>();
  private bytes = 0;
  /** filters asked for once: buckets are built on a filter's second use (bounded: cleared when full) */
  private readonly asked = new Set<string>();

  constructor(
    private readonly budgetBytes: number,
    /** a window matching fewer rows than this a shard is scanned, not bucketed */
    readonly minRows = DEFAULT_MIN_ROWS,
  ) {}

  get size(): { buckets: number; bytes: number } {
    return { buckets: this.buckets.size, bytes: this.bytes };
  }

  /**
   * True from a filter's second use on. Building a window's buckets costs
   * 2-5x scanning it (each day becomes a bitmap, blocks are ORed), so a
   * one-off query just scans; a segment run again builds them once and
   * then ORs them.
   */
  askedBefore(filter: string): boolean {
    if (this.asked.has(filter)) return true;
    if (this.asked.size >= MAX_ASKED) this.asked.clear();
    this.asked.add(filter);
    return false;
  }

  get(key: string, version: number): Bitmap | undefined {
    const hit = this.buckets.get(key);
    if (!hit || hit.version !== version) return undefined;
    this.buckets.delete(key); // most recently used goes last
    this.buckets.set(key, hit);
    return hit.members;
  }

  set(key: string, version: number, members: Bitmap): void {
    members.runOptimize();
    members.shrinkToFit();
    const bytes = members.getSerializationSizeInBytes(false) + ENTRY_OVERHEAD_BYTES;
    const old = this.buckets.get(key);
    if (old) this.bytes -= old.bytes, this.buckets.delete(key);
    this.buckets.set(key, { version, members, bytes });
    this.bytes += bytes;
    for (const [k, b] of this.buckets) {
      if (this.bytes <= this.budgetBytes) break;
      this.buckets.delete(k);
      this.bytes -= b.bytes;
    }
  }
}

/** Filters remembered for askedBefore(). */
const MAX_ASKED = TUNING.DAY_BUCKET_MAX_ASKED;
/** A cached bitmap's JS and native object, Map entry and key, beyond its data (an estimate). */
const ENTRY_OVERHEAD_BYTES = TUNING.DAY_BUCKET_ENTRY_OVERHEAD_BYTES;
/** Block sizes in days, largest first: each is four of the next. */
const BLOCK_DAYS = TUNING.DAY_BUCKET_BLOCK_DAYS;
/** Windows with fewer whole days than this are scanned: a scan of a few days is as cheap as their buckets. */
const MIN_WHOLE_DAYS = TUNING.DAY_BUCKET_MIN_WHOLE_DAYS;
/**
 * Nor are windows whose orders span more days than this (about 11 years) a
 * shard: their blocks would be many and mostly empty, a scan is cheaper.
 */
const MAX_WINDOW_DAYS = TUNING.DAY_BUCKET_MAX_WINDOW_DAYS;
/** Nor, by default, are windows with fewer matching rows than this a shard. */
const DEFAULT_MIN_ROWS: number = ENGINE_DEFAULTS.dayBucketMinRows.value;

/**
 * An existence-only `<bought>` on one shard from day buckets, or undefined
 * when it does not qualify (counted, an open or short window, few rows):
 * then it is scanned as usual.
 */
export function boughtByDays(
  plan: BoughtQuery,
  shard: Shard,
  catalog: Catalog,
  scratch: Scratch,
  cache: DayBucketCache | undefined,
  /** the task a scan of the whole window would run (prepared by the caller): its size decides */
  whole: BoughtTask,
): Bitmap | undefined {
  if (!cache || !isExistenceOnly(plan) || !Number.isFinite(plan.lo)) return undefined;
  // the cheap refusals first, before orderDays() splits the shard's orders
  // (the late tail one by one): most windows of a wide <or> are small, and
  // clamping only narrows a window, so these refuse it clamped or not
  if (whole.slices.reduce((n, s) => n + s.end - s.start, 0) < cache.minRows) return undefined;
  if (Math.floor((plan.hi + 1) / DAY_SECONDS) - Math.ceil(plan.lo / DAY_SECONDS) < MIN_WHOLE_DAYS) return undefined;
  // the window clamped to the days of the shard's orders inside it: a window
  // reaching back centuries (last="120120d", from="0026-11-01") walks the
  // days that hold data, not every day it names (fuzz finding F3)
  const data = orderDays(shard, plan.lo, plan.hi);
  if (!data || data.last - data.first + 1 > MAX_WINDOW_DAYS) return undefined;
  const lo = Math.max(plan.lo, data.first * DAY_SECONDS);
  const hi = Math.min(plan.hi, (data.last + 1) * DAY_SECONDS - 1);
  const firstDay = Math.ceil(lo / DAY_SECONDS);
  const lastDay = Math.floor((hi + 1) / DAY_SECONDS) - 1;
  if (lastDay - firstDay + 1 < MIN_WHOLE_DAYS) return undefined;

  const scan = (lo: number, hi: number): Bitmap => {
    const task = prepareBought({ ...plan, lo, hi }, shard, catalog, '');
    return task ? runBought(task, scratch) : new Bitmap();
  };
  const filter = ORDER_DIMENSIONS.map((d) => plan[d.field]?.join('\u0000') ?? '*').join('|');
  const keyOf = (first: number, days: number) => `${filter}|${first}+${days}`;
  const versionOf = (first: number, days: number) => {
    let version = 0;
    for (let d = first; d < first + days; d++) version += shard.dayVersion(d);
    return version;
  };
  const cached = (first: number, days: number) => cache.get(keyOf(first, days), versionOf(first, days));
  const block = (first: number, days: number): Bitmap => {
    let members = cached(first, days);
    if (members) return members;
    if (days === 1) members = scan(first * DAY_SECONDS, (first + 1) * DAY_SECONDS - 1);
    else {
      const quarter = days / 4;
      members = Bitmap.orMany([0, 1, 2, 3].map((q) => block(first + q * quarter, quarter)));
    }
    cache.set(keyOf(first, days), versionOf(first, days), members);
    return members;
  };

  const pieces: Array<[first: number, days: number]> = [];
  for (let day = firstDay; day <= lastDay;) {
    const days = BLOCK_DAYS.find((n) => day % n === 0 && day + n - 1 <= lastDay)!;
    pieces.push([day, days]);
    day += days;
  }
  // days that a missing block needs and the cache lacks: built together, in one scan
  let fromDay = Infinity, toDay = -Infinity;
  for (const [first, days] of pieces) {
    if (cached(first, days)) continue;
    for (let d = first; d < first + days; d++) {
      if (d >= fromDay && d <= toDay) continue;
      if (!cached(d, 1)) fromDay = Math.min(fromDay, d), toDay = Math.max(toDay, d);
    }
  }
  if (fromDay <= toDay) {
    if (!cache.askedBefore(filter)) return undefined;
    const lo = fromDay * DAY_SECONDS, hi = (toDay + 1) * DAY_SECONDS - 1;
    let task = prepareBought({ ...plan, lo, hi }, shard, catalog, '');
    // a wide unfiltered window may come as the orders outside it (a complement): this pass reads those inside
    if (task?.complement) task = { ...task, slices: shard.allOrders.split(lo, hi, shard.orderColumns).inside, complement: undefined };
    const byDay = task ? customersByDay(task, shard.orderTs.data, fromDay, toDay - fromDay + 1, scratch) : [];
    for (let d = fromDay; d <= toDay; d++) cache.set(keyOf(d, 1), shard.dayVersion(d), byDay[d - fromDay] ?? new Bitmap());
  }

  const parts: Bitmap[] = pieces.map(([first, days]) => block(first, days));
  if (lo < firstDay * DAY_SECONDS) parts.push(scan(lo, firstDay * DAY_SECONDS - 1));
  if (hi >= (lastDay + 1) * DAY_SECONDS) parts.push(scan((lastDay + 1) * DAY_SECONDS, hi));
  return Bitmap.orMany(parts);
}

/**
 * The first and last UTC day holding one of the shard's orders (alive or
 * not, any filter) with ts in [lo, hi], or undefined when none does: the
 * window's ordered slice gives them by its ends, late orders (the posting's
 * small unsorted tail, later slices) are looked at one by one.
 */
function orderDays(shard: Shard, lo: number, hi: number): { first: number; last: number } | undefined {
  const ts = shard.orderTs.data;
  let min = Infinity, max = -Infinity;
  shard.allOrders.split(lo, hi, shard.orderColumns).inside.forEach(({ rows, start, end }, k) => {
    if (end <= start) return;
    if (k === 0) {
      min = Math.min(min, ts[rows[start]!]!);
      max = Math.max(max, ts[rows[end - 1]!]!);
      return;
    }
    for (let i = start; i < end; i++) {
      const t = ts[rows[i]!]!;
      if (t < min) min = t;
      if (t > max) max = t;
    }
  });
  if (min > max) return undefined;
  return { first: Math.floor(min / DAY_SECONDS), last: Math.floor(max / DAY_SECONDS) };
}

/**
 * One pass over an existence task's rows (whole days `firstDay` ..
 * `firstDay + days - 1`): the customers of each day, as bitmaps. Building a
 * month of buckets costs one scan of that month, not thirty small ones.
 * Slices are in time order (late rows come in a small slice of their own),
 * so a day's customers are marked in the scratch bitset until the day
 * changes, then collected in order.
 */
function customersByDay(task: BoughtTask, orderTs: NarrowData, firstDay: number, days: number, scratch: Scratch): Bitmap[] {
  const out: Bitmap[] = Array.from({ length: days }, () => new Bitmap());
  scratch.ensureMarks(task.customerCount);
  // no closures over these: variables a closure captures live in a heap context, slow in the loop
  let day = -1, dayStart = 0, dayEnd = 0;
  const { orderAlive, orderCustomer, lineOrder } = task;
  const byOrder = task.unit === 'orders';
  for (const { rows, start, end } of task.slices) {
    for (let i = start; i < end; i++) {
      const row = rows[i]!;
      let order: number;
      if (byOrder) {
        order = row;
        if (orderAlive[order] === 0) continue;
      } else {
        if (!lineMatches(task, row)) continue;
        order = lineOrder[row]!;
      }
      const ts = orderTs[order]!;
      // rows come in time order: the day is recomputed only when a row leaves the current one
      if (ts < dayStart || ts >= dayEnd) {
        if (day >= 0) out[day]!.addMany(scratch.takeMarks());
        day = Math.floor(ts / DAY_SECONDS) - firstDay;
        dayStart = (firstDay + day) * DAY_SECONDS;
        dayEnd = dayStart + DAY_SECONDS;
      }
      scratch.mark(orderCustomer[order]!);
    }
  }
  if (day >= 0) out[day]!.addMany(scratch.takeMarks());
  return out;
}
