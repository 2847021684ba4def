import { describe, expect, it } from 'vitest';
import { Bitmap } from '../../src/index/bitmap.js';
import fc from 'fast-check';
import { boughtByDays, DayBucketCache } from '../../src/exec/day-buckets.js';
import { prepareBought, runBought } from '../../src/exec/eval-bought.js';
import { Scratch } from '../../src/exec/scratch.js';
import { Catalog } from '../../src/store/catalog.js';
import { Shard } from '../../src/store/shard.js';
import type { BoughtPlan } from '../../src/elements/bought/index.js';

const range = (n: number) => Bitmap.fromRange(0, n);

describe('DayBucketCache', () => {
  it('answers only for the version a bucket was built at', () => {
    const cache = new DayBucketCache(1 << 20);
    cache.set('a', 3, range(10));
    expect(cache.get('a', 3)?.size).toBe(10);
    expect(cache.get('a', 4)).toBeUndefined();
    cache.set('a', 4, range(5));
    expect(cache.get('a', 4)?.size).toBe(5);
    expect(cache.size.buckets).toBe(1);
  });

  it('stays within its byte budget, dropping the least recently used first', () => {
    const one = new Bitmap([1, 5, 9, 70_000]);
    const bytes = one.getSerializationSizeInBytes(false) + 256;
    const cache = new DayBucketCache(bytes * 3);
    for (const k of ['a', 'b', 'c']) cache.set(k, 0, new Bitmap([1, 5, 9, 70_000]));
    cache.get('a', 0); // a is now more recent than b
    cache.set('d', 0, new Bitmap([1, 5, 9, 70_000]));
    expect(cache.get('b', 0)).toBeUndefined();
    for (const k of ['a', 'c', 'd']) expect(cache.get(k, 0)?.size).toBe(4);
    expect(cache.size.bytes).toBeLessThanOrEqual(bytes * 3);
  });
});

describe('boughtByDays', () => {
  const DAY = 86_400;
  const orderArb = fc.record({
    customer: fc.integer({ min: 0, max: 9 }),
    ts: fc.integer({ min: 0, max: 20 * DAY }),
    shop: fc.integer({ min: 0, max: 1 }),
    alive: fc.boolean(),
    lines: fc.array(fc.record({ sku: fc.integer({ min: 0, max: 2 }), category: fc.integer({ min: 0, max: 1 }) }), { minLength: 1, maxLength: 3 }),
  });
  const queryArb = fc.record({
    skus: fc.option(fc.subarray(['s0', 's1', 's2'], { minLength: 1 }), { nil: undefined }),
    categories: fc.option(fc.subarray(['c0', 'c1'], { minLength: 1 }), { nil: undefined }),
    // unfiltered windows too: a wide one is prepared as the orders outside it (a complement)
    shops: fc.option(fc.subarray(['p0', 'p1'], { minLength: 1 }), { nil: undefined }),
    lo: fc.integer({ min: -DAY, max: 21 * DAY }),
    span: fc.integer({ min: 0, max: 22 * DAY }),
  });

  it('answers as a scan does, with appends and refunds between queries', () => {
    fc.assert(fc.property(
      fc.array(fc.array(orderArb, { maxLength: 40 }), { minLength: 1, maxLength: 4 }),
      fc.array(fc.nat(), { maxLength: 20 }),
      fc.array(fc.oneof(queryArb, queryArb.map((q) => ({ ...q, skus: undefined, categories: undefined, shops: undefined }))), { minLength: 1, maxLength: 6 }),
      (batches, refunds, queries) => {
        const catalog = new Catalog();
        for (const s of ['s0', 's1', 's2']) catalog.skus.intern(s);
        for (const c of ['c0', 'c1']) catalog.categories.intern(c);
        for (const p of ['p0', 'p1']) catalog.shops.intern(p);
        const shard = new Shard();
        for (let c = 0; c < 10; c++) shard.customer(`u${c}`);
        const cache = new DayBucketCache(1 << 20, 0);
        const scratch = new Scratch();
        batches.forEach((batch, b) => {
          for (const o of batch) {
            shard.addOrder(o.customer, o.ts, o.shop, o.alive,
              o.lines.map((l) => ({ skuId: l.sku, categoryId: l.category, quantity: 1, amountCents: 1 })));
          }
          for (const r of refunds.slice(b * 5, b * 5 + 5)) if (shard.orderCount > 0) shard.refund(r % shard.orderCount);
          for (const q of queries) {
            const plan = { kind: 'bought', key: 'k', estimate: 0, skus: q.skus, categories: q.categories, shops: q.shops,
              lo: q.lo, hi: q.lo + q.span, minCount: 1 } satisfies BoughtPlan;
            const whole = prepareBought(plan, shard, catalog, 's');
            const scanned = whole ? runBought(whole, scratch).toArray() : [];
            const byDays = whole ? boughtByDays(plan, shard, catalog, scratch, cache, whole) : undefined;
            if (byDays) expect(byDays.toArray()).toEqual(scanned);
          }
        });
      },
    ), { numRuns: 300 });
  });
});
