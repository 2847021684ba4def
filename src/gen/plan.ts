/**
 * Generator options, their defaults, and everything derived from them before
 * the first record: the catalog, the customer model and the per-day order
 * counts. Both the record generator and the columnar fast path start from the
 * same plan, which is what makes them produce the same data set.
 */
import { Catalog, skuCountFor } from './catalog.js';
import { CustomerActivity } from './customer-activity.js';
import { CustomerProfiles } from './customers.js';
import { createRng } from './random.js';
import { dailyOrderCounts } from './seasonality.js';
import { daysFromCivil, formatDay, parseDay } from './time-format.js';

export interface GenerateOptions {
  /** number of orders (integer >= 0) */
  orders: number;
  /** number of customers; default max(1, round(orders / 8)) */
  customers?: number;
  /** any safe integer; default 1 */
  seed?: number;
  /** first day `YYYY-MM-DD` (Asia/Shanghai), default 2025-12-01 */
  start?: string;
  /** last day `YYYY-MM-DD` inclusive, default 2026-11-30 */
  end?: string;
}

export const DEFAULT_START = '2025-12-01';
export const DEFAULT_END = '2026-11-30';
/** 1970-01-02 .. 2105-12-31: every second of the range fits in a Uint32 */
const MIN_DAY = daysFromCivil(1970, 1, 2);
const MAX_DAY = daysFromCivil(2105, 12, 31);

export interface GenPlan {
  orders: number;
  customers: number;
  seed: number;
  /** local (+08:00) day number of the first day */
  firstDay: number;
  numDays: number;
  /** orders per day, summing to `orders` */
  dayCounts: Float64Array;
  catalog: Catalog;
  activity: CustomerActivity;
  profiles: CustomerProfiles;
}

function checkCount(name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw new RangeError(`gen: ${name} must be an integer >= ${min}, got ${String(v)}`);
  }
  return v;
}

function checkDay(name: string, v: string): number {
  const day = parseDay(v);
  if (day === undefined) throw new RangeError(`gen: ${name} must be a date YYYY-MM-DD, got ${JSON.stringify(v)}`);
  return day;
}

export function resolveOptions(opts: GenerateOptions): Required<GenerateOptions> {
  const orders = checkCount('orders', opts.orders, 0);
  if (orders >= 2 ** 32) throw new RangeError('gen: orders must be below 2^32');
  const customers = checkCount('customers', opts.customers ?? Math.max(1, Math.round(orders / 8)), 1);
  if (customers >= 2 ** 31) throw new RangeError('gen: customers must be below 2^31');
  const seed = opts.seed ?? 1;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`gen: seed must be a safe integer, got ${String(seed)}`);
  return { orders, customers, seed, start: opts.start ?? DEFAULT_START, end: opts.end ?? DEFAULT_END };
}

export function planGeneration(opts: GenerateOptions): GenPlan {
  const o = resolveOptions(opts);
  const firstDay = checkDay('start', o.start);
  const lastDay = checkDay('end', o.end);
  if (lastDay < firstDay) throw new RangeError(`gen: end ${o.end} is before start ${o.start}`);
  // timestamps are kept as unsigned 32-bit epoch seconds in the columnar path
  if (firstDay < MIN_DAY || lastDay > MAX_DAY) {
    throw new RangeError(`gen: dates must lie between ${formatDay(MIN_DAY)} and ${formatDay(MAX_DAY)}`);
  }
  const numDays = lastDay - firstDay + 1;
  const catalog = new Catalog(skuCountFor(o.orders), createRng(o.seed, 'catalog'));
  const activity = new CustomerActivity(o.customers, createRng(o.seed, 'customer-permutation').nextU32());
  return {
    orders: o.orders,
    customers: o.customers,
    seed: o.seed,
    firstDay,
    numDays,
    dayCounts: dailyOrderCounts(firstDay, numDays, o.orders, createRng(o.seed, 'calendar')),
    catalog,
    activity,
    profiles: new CustomerProfiles(activity, o.seed, firstDay),
  };
}
