import { Bitmap } from '../index/bitmap.js';
import type { Catalog } from '../store/catalog.js';
import { DAY_SECONDS, type Shard } from '../store/shard.js';
import { isExistenceOnly, type BoughtPlan } from '../plan/plan-node.js';
import { prepareBought, runBought } from './eval-bought.js';
import type { Scratch } from './scratch.js';

/**
 * Time-bucketed bitmaps for the pure existence test "bought X in a window"
 * (design.md): per filter and aligned block of UTC days (1, 4, 16 or 64
 * days), the customers with a matching alive order in it. A window is the
 * OR of the largest blocks that fit in the whole days it covers, plus its
 * partial edge days scanned exactly: a 120-day window over all orders ORs
 * about ten cached bitmaps instead of scanning a third of the store.
 *
 * Blocks are built on first use (a day by a scan of that day, a bigger
 * block as the OR of its four quarters) and kept in a size-bounded LRU
 * cache. Every append or refund bumps its day's version in the shard
 * (Shard.dayVersion); a block records the sum of its days' versions when
 * built and is rebuilt when that sum has moved, so answers are always exact.
 */
export class DayBucketCache {
  /** key -> bucket; Map order is the LRU order (oldest first) */
  private readonly buckets = new Map<string, { version: number; members: Bitmap; bytes: number }>();
  private bytes = 0;

  constructor(
    private readonly budgetBytes: number,
    /** a window matching fewer rows than this a shard is scanned, not bucketed */
    readonly minRows = DEFAULT_MIN_ROWS,
  ) {}

  get size(): { buckets: number; bytes: number } {
    return { buckets: this.buckets.size, bytes: this.bytes };
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
    const bytes = members.getSerializationSizeInBytes(false) + 64;
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

/** Block sizes in days, largest first: each is four of the next. */
const BLOCK_DAYS = [64, 16, 4, 1] as const;
/** Windows with fewer whole days than this are scanned: a scan of a few days is as cheap as their buckets. */
const MIN_WHOLE_DAYS = 4;
/** Nor, by default, are windows with fewer matching rows than this a shard. */
const DEFAULT_MIN_ROWS = 100_000;

/**
 * An existence-only `<bought>` on one shard from day buckets, or undefined
 * when it does not qualify (counted, an open or short window, few rows):
 * then it is scanned as usual. `candidates` limits the result as in a scan.
 */
export function boughtByDays(
  plan: BoughtPlan,
  shard: Shard,
  catalog: Catalog,
  scratch: Scratch,
  cache: DayBucketCache | undefined,
  candidates: Bitmap | undefined,
): Bitmap | undefined {
  if (!cache || !isExistenceOnly(plan) || !Number.isFinite(plan.lo)) return undefined;
  const firstDay = Math.ceil(plan.lo / DAY_SECONDS);
  const lastDay = Math.floor((plan.hi + 1) / DAY_SECONDS) - 1;
  if (lastDay - firstDay + 1 < MIN_WHOLE_DAYS) return undefined;
  const whole = prepareBought(plan, shard, catalog, '');
  if (!whole) return new Bitmap();
  if (whole.slices.reduce((n, s) => n + s.end - s.start, 0) < cache.minRows) return undefined;

  const scan = (lo: number, hi: number): Bitmap => {
    const task = prepareBought({ ...plan, lo, hi }, shard, catalog, '');
    return task ? runBought(task, scratch) : new Bitmap();
  };
  const filter = `${plan.skus?.join('\u0000') ?? '*'}|${plan.categories?.join('\u0000') ?? '*'}|${plan.shops?.join('\u0000') ?? '*'}`;
  const block = (first: number, days: number): Bitmap => {
    let version = 0;
    for (let d = first; d < first + days; d++) version += shard.dayVersion(d);
    const key = `${filter}|${first}+${days}`;
    let members = cache.get(key, version);
    if (members) return members;
    if (days === 1) members = scan(first * DAY_SECONDS, (first + 1) * DAY_SECONDS - 1);
    else {
      const quarter = days / 4;
      members = Bitmap.orMany([0, 1, 2, 3].map((q) => block(first + q * quarter, quarter)));
    }
    cache.set(key, version, members);
    return members;
  };
  const parts: Bitmap[] = [];
  if (plan.lo < firstDay * DAY_SECONDS) parts.push(scan(plan.lo, firstDay * DAY_SECONDS - 1));
  for (let day = firstDay; day <= lastDay;) {
    const days = BLOCK_DAYS.find((n) => day % n === 0 && day + n - 1 <= lastDay)!;
    parts.push(block(day, days));
    day += days;
  }
  if (plan.hi >= (lastDay + 1) * DAY_SECONDS) parts.push(scan((lastDay + 1) * DAY_SECONDS, plan.hi));
  const all = Bitmap.orMany(parts);
  return candidates ? all.andInPlace(candidates) : all;
}
