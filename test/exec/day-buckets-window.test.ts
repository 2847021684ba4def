import { describe, expect, it, vi } from 'vitest';
import { boughtByDays, DayBucketCache } from '../../src/exec/day-buckets.js';
import { prepareBought, runBought } from '../../src/exec/eval-bought.js';
import { Scratch } from '../../src/exec/scratch.js';
import { Catalog } from '../../src/store/catalog.js';
import { Shard } from '../../src/store/shard.js';
import { Engine } from '../../src/engine/engine.js';
import { generate } from '../../src/gen/generate.js';
import type { InputRecord } from '../../src/model/records.js';

/**
 * Fuzz finding F3 (issue 13): with day buckets on, a `<bought>` window
 * reaching far back walked every day it names: on 300 orders
 * `last="120120d"` took 14 s and `from="0026-11-01"` (730,000 days) did not
 * end. The window is clamped to the days of the shard's orders first.
 */
type Plan = Parameters<typeof boughtByDays>[0];

const DAY = 86_400;
/** 2026-10-01T00:00:00Z and 2026-12-01T00:00:00Z, epoch seconds */
const OCT_1 = Date.UTC(2026, 9, 1) / 1000;
const AS_OF = Date.UTC(2026, 11, 1) / 1000;
/** Epoch seconds of a UTC midnight, any year (Date.UTC reads years 0-99 as 19xx) */
function utc(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, day);
  return d.getTime() / 1000;
}

function store(): { shard: Shard; catalog: Catalog } {
  const catalog = new Catalog();
  for (const s of ['s0', 's1', 's2']) catalog.skus.intern(s);
  for (const c of ['sneakers', 'coffee']) catalog.categories.intern(c);
  catalog.shops.intern('p0');
  const shard = new Shard();
  for (let c = 0; c < 40; c++) shard.customer(`u${c}`);
  // 300 orders over two months, in time order, some late ones out of order
  for (let i = 0; i < 300; i++) {
    const ts = OCT_1 + Math.floor((i * 61 * DAY) / 300) + (i % 7) * 3600;
    shard.addOrder((i * 7) % 40, i % 50 === 49 ? ts - 20 * DAY : ts, 0, i % 11 !== 0,
      [{ skuId: i % 3, categoryId: i % 2, quantity: 1, amountCents: 100 }]);
  }
  return { shard, catalog };
}

const plan = (lo: number, hi: number, categories?: string[]): Plan =>
  ({ kind: 'bought', key: 'k', estimate: 0, lo, hi, minCount: 1, ...(categories ? { categories } : {}) }) as unknown as Plan;

describe('boughtByDays over a window far wider than the data (F3)', () => {
  const cases: Array<[string, Plan]> = [
    ['last="120120d"', plan(AS_OF - 120_120 * DAY + 1, AS_OF)],
    ['category="sneakers" from="0026-11-01" to="2026-11-11"', plan(utc(26, 10, 1), utc(2026, 10, 12) - 1, ['sneakers'])],
    ['last="999999d" (before year 0)', plan(AS_OF - 999_999 * DAY + 1, AS_OF, ['coffee'])],
  ];
  for (const [name, p] of cases) {
    it(`${name}: answers as a scan (buckets off) does, in milliseconds, asked twice (the second builds buckets)`, () => {
      const { shard, catalog } = store();
      const cache = new DayBucketCache(16 << 20, 0);
      const scratch = new Scratch();
      const whole = prepareBought(p, shard, catalog, 's')!;
      const scanned = runBought(whole, scratch).toArray();
      expect(scanned.length).toBeGreaterThan(0);
      const t0 = performance.now();
      for (let k = 0; k < 3; k++) {
        const byDays = boughtByDays(p, shard, catalog, scratch, cache, prepareBought(p, shard, catalog, 's')!);
        if (k > 0) expect(byDays?.toArray()).toEqual(scanned); // from the second ask on, buckets answer
      }
      expect(performance.now() - t0).toBeLessThan(250);
      expect(cache.size.buckets).toBeLessThan(200); // the days that hold data, not the window's
    });
  }

  it('a window below minRows (or a few days) is refused before the shard\'s orders are split: a wide <or> of small windows pays no clamp (regression of 78fb691)', () => {
    const { shard, catalog } = store();
    const small = plan(OCT_1, OCT_1 + 30 * DAY - 1, ['sneakers']);
    const whole = prepareBought(small, shard, catalog, 's')!;
    const rows = whole.slices.reduce((n, s) => n + s.end - s.start, 0);
    expect(rows).toBeGreaterThan(0);
    const short = plan(OCT_1 + 5 * DAY, OCT_1 + 7 * DAY - 1);
    const shortTask = prepareBought(short, shard, catalog, 's')!;
    const split = vi.spyOn(shard.allOrders, 'split');
    // below minRows
    expect(boughtByDays(small, shard, catalog, new Scratch(), new DayBucketCache(16 << 20, rows + 1), whole)).toBeUndefined();
    // fewer whole days than MIN_WHOLE_DAYS
    expect(boughtByDays(short, shard, catalog, new Scratch(), new DayBucketCache(16 << 20, 0), shortTask)).toBeUndefined();
    expect(split).not.toHaveBeenCalled();
    // a window that passes both is clamped (and split) as before
    boughtByDays(small, shard, catalog, new Scratch(), new DayBucketCache(16 << 20, 0), whole);
    expect(split).toHaveBeenCalled();
  });

  it('a window holding no order is left to the scan', () => {
    const { shard, catalog } = store();
    const p = plan(OCT_1 - 400 * DAY, OCT_1 - 300 * DAY);
    const cache = new DayBucketCache(16 << 20, 0);
    const whole = prepareBought(p, shard, catalog, 's');
    if (whole) {
      boughtByDays(p, shard, catalog, new Scratch(), cache, whole);
      expect(boughtByDays(p, shard, catalog, new Scratch(), cache, whole)).toBeUndefined();
    }
  });
});

async function idsOf(engine: Engine, xml: string): Promise<string[]> {
  const out: string[] = [];
  for await (const id of (await engine.query(xml)).ids()) out.push(id);
  return out.sort();
}

describe('the F3 queries on an engine with day buckets on small data (dayBucketMinRows: 0)', () => {
  const QUERIES = [
    '<segment name="dormant-win-back">\n  <bought minCount="3"/>\n  <not><bought last="120120d"/></not>\n</segment>\n',
    '<segment><bought last="120120d"/></segment>',
    '<segment><bought category="sneakers" from="0026-11-01" to="2026-11-11"/></segment>',
    '<segment asOf="2026-12-01T00:00:00+08:00"><bought from="0001-01-01"/></segment>',
  ];

  it('answer as with day buckets off, each ask in well under a second', async () => {
    const records = [...generate({ orders: 300, customers: 40, seed: 13, start: '2026-01-01', end: '2026-11-30' })] as InputRecord[];
    const open = (dayBucketBytes: number) => Engine.open({ threads: 0, shards: 2, dayBucketMinRows: 0, dayBucketBytes, tz: 'Asia/Shanghai' });
    const on = await open(16 << 20), off = await open(0);
    try {
      await on.append(records);
      await off.append(records);
      for (const xml of QUERIES) {
        const want = await idsOf(off, xml);
        for (let k = 0; k < 3; k++) { // buckets are built on the second ask, used on the third
          const t0 = performance.now();
          const got = await idsOf(on, xml);
          expect(performance.now() - t0, `${xml} ask ${k + 1}`).toBeLessThan(500);
          expect(got, xml).toEqual(want);
        }
      }
    } finally {
      await on.close();
      await off.close();
    }
  }, 60_000);
});
