import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { prepareBought, runBought } from '../../src/exec/eval-bought.js';
import { countOrdersOnly } from '../../src/exec/count-orders.js';
import { Scratch } from '../../src/exec/scratch.js';
import { Catalog } from '../../src/store/catalog.js';
import { Shard } from '../../src/store/shard.js';
import type { BoughtPlan } from '../../src/elements/bought/index.js';

const lineArb = fc.record({ sku: fc.integer({ min: 0, max: 2 }), category: fc.integer({ min: 0, max: 1 }) });
const orderArb = fc.record({
  customer: fc.integer({ min: 0, max: 7 }),
  ts: fc.integer({ min: 0, max: 50 }),
  alive: fc.boolean(),
  // several lines of one category or SKU in an order: it still counts once
  lines: fc.array(lineArb, { minLength: 1, maxLength: 4 }),
});

describe('countOrdersOnly over lines (byte counts)', () => {
  it('counts each matching order once per customer, over one posting or several, as a brute force does', () => {
    fc.assert(fc.property(
      fc.array(orderArb, { maxLength: 120 }),
      fc.record({
        categories: fc.option(fc.subarray(['c0', 'c1'], { minLength: 1 }), { nil: undefined }),
        skus: fc.option(fc.subarray(['s0', 's1', 's2'], { minLength: 1 }), { nil: undefined }),
        lo: fc.integer({ min: 0, max: 50 }),
        span: fc.integer({ min: 0, max: 50 }),
        minCount: fc.integer({ min: 1, max: 4 }),
        maxCount: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
      }).filter((q) => q.categories !== undefined || q.skus !== undefined),
      (orders, q) => {
        const catalog = new Catalog();
        for (const s of ['s0', 's1', 's2']) catalog.skus.intern(s);
        for (const c of ['c0', 'c1']) catalog.categories.intern(c);
        const shard = new Shard();
        for (let c = 0; c < 8; c++) shard.customer(`u${c}`);
        for (const o of orders) {
          shard.addOrder(o.customer, o.ts, 0, o.alive, o.lines.map((l) => ({ skuId: l.sku, categoryId: l.category, quantity: 1, amountCents: 100 })));
        }
        const plan = { kind: 'bought', key: 'k', estimate: 0, skus: q.skus, categories: q.categories, lo: q.lo, hi: q.lo + q.span,
          minCount: q.minCount, maxCount: q.maxCount } satisfies BoughtPlan;
        const counts = new Map<number, number>();
        for (const o of orders) {
          if (!o.alive || o.ts < plan.lo || o.ts > plan.hi) continue;
          const hit = o.lines.some((l) => (!q.skus || q.skus.includes(`s${l.sku}`)) && (!q.categories || q.categories.includes(`c${l.category}`)));
          if (hit) counts.set(o.customer, (counts.get(o.customer) ?? 0) + 1);
        }
        const want = [...counts].filter(([, n]) => n >= q.minCount && (q.maxCount === undefined || n <= q.maxCount)).map(([c]) => c).sort((a, b) => a - b);
        const task = prepareBought(plan, shard, catalog, 's');
        if (!task) return expect(want).toEqual([]);
        const scratch = new Scratch();
        // existence-only tasks (minCount 1, no maxCount) take the marks path instead
        if (!task.existence) expect(countOrdersOnly(task, scratch)?.toArray()).toEqual(want);
        expect(runBought(task, scratch).toArray()).toEqual(want);
      },
    ), { numRuns: 300 });
  });
});
