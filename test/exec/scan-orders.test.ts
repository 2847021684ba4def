import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { prepareBought, runBought } from '../../src/exec/eval-bought.js';
import { scanOrders } from '../../src/exec/scan-orders.js';
import { countOrdersOnly } from '../../src/exec/count-orders.js';
import { Scratch } from '../../src/exec/scratch.js';
import { Catalog } from '../../src/store/catalog.js';
import { Shard } from '../../src/store/shard.js';
import type { BoughtPlan } from '../../src/elements/bought/index.js';
import type { BoughtTask } from '../../src/exec/bought-task.js';

interface ModelOrder {
  customer: number;
  ts: number;
  cents: number;
  alive: boolean;
}

const orderArb = fc.record({
  customer: fc.integer({ min: 0, max: 11 }),
  ts: fc.integer({ min: 0, max: 100 }),
  lines: fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 3 }),
  alive: fc.boolean(),
});

const queryArb = fc.record({
  lo: fc.oneof(fc.constant(Number.NEGATIVE_INFINITY), fc.integer({ min: -5, max: 105 })),
  span: fc.integer({ min: 0, max: 120 }),
  minCount: fc.integer({ min: 1, max: 4 }),
  maxCount: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
  minAmountCents: fc.option(fc.integer({ min: 0, max: 12000 }), { nil: undefined }),
  maxAmountCents: fc.option(fc.integer({ min: 0, max: 20000 }), { nil: undefined }),
  /** customers the scan is limited to (BoughtTask.candidates), or everyone */
  candidates: fc.option(fc.uniqueArray(fc.integer({ min: 0, max: 11 }), { maxLength: 12 }), { nil: undefined }),
});

function bitsOf(customers: readonly number[]): Int32Array {
  const bits = new Int32Array(1);
  for (const c of customers) bits[c >>> 5]! |= 1 << (c & 31);
  return bits;
}

/** Brute force: customers with alive orders in [lo, hi] whose count and sum pass. */
function expected(orders: readonly ModelOrder[], plan: BoughtPlan): number[] {
  const count = new Map<number, number>(), sum = new Map<number, number>();
  for (const o of orders) {
    if (!o.alive || o.ts < plan.lo || o.ts > plan.hi) continue;
    count.set(o.customer, (count.get(o.customer) ?? 0) + 1);
    sum.set(o.customer, (sum.get(o.customer) ?? 0) + o.cents);
  }
  return [...count.keys()].filter((c) => {
    const n = count.get(c)!, s = sum.get(c)!;
    return n >= plan.minCount && (plan.maxCount === undefined || n <= plan.maxCount)
      && (plan.minAmountCents === undefined || s >= plan.minAmountCents)
      && (plan.maxAmountCents === undefined || s <= plan.maxAmountCents);
  }).sort((a, b) => a - b);
}

describe('scanOrders (unfiltered <bought>)', () => {
  it('counts orders inside the window and subtracts those outside from the totals alike, through out-of-order appends and refunds', () => {
    fc.assert(fc.property(
      fc.array(orderArb, { minLength: 0, maxLength: 300 }),
      fc.array(fc.nat(), { maxLength: 40 }),
      fc.array(queryArb, { minLength: 1, maxLength: 5 }),
      (input, refunds, queries) => {
        const shard = new Shard();
        // customers exist with and without orders; ids 0..11 in order
        for (let c = 0; c < 12; c++) shard.customer(`c${c}`);
        const model: ModelOrder[] = [];
        const scratch = new Scratch();
        // a few additions per flush and a bucket per 2 customers: flushes mid-scan, many buckets
        const tiny = new Scratch({ pending: 3, bucketShift: 1 });
        const check = () => {
          for (const q of queries) {
            const hi = q.lo === Number.NEGATIVE_INFINITY ? q.span : q.lo + q.span;
            const plan = { kind: 'bought', key: 'k', estimate: 0, lo: q.lo, hi, minCount: q.minCount, maxCount: q.maxCount,
              minAmountCents: q.minAmountCents, maxAmountCents: q.maxAmountCents } satisfies BoughtPlan;
            const want = expected(model, plan);
            const task = prepareBought(plan, shard, new Catalog(), 's')!;
            expect(task.unit).toBe('orders');
            // both strategies, whichever prepareBought picked
            const { inside, outside } = shard.allOrders.split(plan.lo, plan.hi, shard.orderColumns);
            const counted: BoughtTask = { ...task, slices: inside, complement: undefined };
            const subtracted: BoughtTask = { ...task, slices: outside,
              complement: { orders: shard.customerOrders.view(), cents: shard.customerCents.view() } };
            expect(scanOrders(counted, scratch).toArray()).toEqual(want);
            expect(scanOrders(subtracted, scratch).toArray()).toEqual(want);
            expect(scanOrders(task, scratch).toArray()).toEqual(want);
            expect(scanOrders(counted, tiny).toArray()).toEqual(want);
            expect(scanOrders(subtracted, tiny).toArray()).toEqual(want);
            // byte counts when there is no amount bound (count-orders.ts)
            expect(runBought(counted, scratch).toArray()).toEqual(want);
            if (q.candidates) {
              // limited to candidates: the same answer intersected with them
              const candidates = bitsOf(q.candidates);
              const limited = want.filter((c) => q.candidates!.includes(c));
              expect(scanOrders({ ...counted, candidates }, scratch).toArray()).toEqual(limited);
              expect(scanOrders({ ...subtracted, candidates }, tiny).toArray()).toEqual(limited);
              expect(runBought({ ...counted, candidates }, scratch).toArray()).toEqual(limited);
            }
          }
        };
        // queries between appends: the posting's customer/amount copies catch up, and are rebuilt after merges of late rows
        input.forEach((o, i) => {
          const lines = o.lines.map((cents) => ({ skuId: 0, categoryId: 0, quantity: 1, amountCents: cents }));
          shard.addOrder(o.customer, o.ts, 0, o.alive, lines);
          model.push({ customer: o.customer, ts: o.ts, cents: o.lines.reduce((a, b) => a + b, 0), alive: o.alive });
          if (i % 97 === 0) check();
        });
        for (const r of refunds) {
          if (model.length === 0) break;
          const order = r % model.length;
          shard.refund(order); // a second refund of the same order changes nothing
          model[order]!.alive = false;
        }
        check();
      },
    ), { numRuns: 150 });
  });

  it('keeps the posting-order copies right through thousands of late appends (tail merges) and queries between them', () => {
    const shard = new Shard();
    for (let c = 0; c < 50; c++) shard.customer(`c${c}`);
    const model: ModelOrder[] = [];
    const scratch = new Scratch();
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const mergesBefore = shard.allOrders.posting.merges;
    for (let i = 0; i < 5000; i++) {
      const o = { customer: rand(50), ts: rand(1000), cents: rand(10000), alive: rand(10) > 0 };
      shard.addOrder(o.customer, o.ts, 0, o.alive, [{ skuId: 0, categoryId: 0, quantity: 1, amountCents: o.cents }]);
      model.push(o);
      if (i % 250 === 0 || i === 4999) {
        const plan = { kind: 'bought', key: 'k', estimate: 0, lo: 200, hi: 260, minCount: 2, minAmountCents: 15000 } satisfies BoughtPlan;
        const want = expected(model, plan);
        if (i === 4999) expect(want.length).toBeGreaterThan(5); // a selective query, so stale copies would show
        if (i === 4999) expect(want.length).toBeLessThan(45);
        expect(scanOrders(prepareBought(plan, shard, new Catalog(), 's')!, scratch).toArray()).toEqual(want);
      }
    }
    expect(shard.allOrders.posting.merges - mergesBefore).toBeGreaterThan(3);
  });

  it('takes the complement when the window holds most orders', () => {
    const shard = new Shard();
    for (let c = 0; c < 4; c++) shard.customer(`c${c}`);
    for (let i = 0; i < 400; i++) shard.addOrder(i % 4, i, 0, true, [{ skuId: 0, categoryId: 0, quantity: 1, amountCents: 100 }]);
    const plan = { kind: 'bought', key: 'k', estimate: 0, lo: 10, hi: 1000, minCount: 1 } satisfies BoughtPlan;
    const wide = prepareBought(plan, shard, new Catalog(), 's')!;
    expect(wide.complement).toBeDefined();
    expect(wide.slices.reduce((n, s) => n + s.end - s.start, 0)).toBe(10);
    const narrow = prepareBought({ ...plan, lo: 300, hi: 310 }, shard, new Catalog(), 's')!;
    expect(narrow.complement).toBeUndefined();
  });

  it('rebuilding the derived columns gives the same totals and amounts that appends and refunds kept', () => {
    const shard = new Shard();
    for (let c = 0; c < 5; c++) shard.customer(`c${c}`);
    for (let i = 0; i < 50; i++) {
      shard.addOrder(i % 3, 100 - i, 0, i % 7 !== 0, [
        { skuId: 0, categoryId: 0, quantity: 1, amountCents: i * 10 },
        { skuId: 1, categoryId: 0, quantity: 2, amountCents: 5 },
      ]);
    }
    shard.refund(4);
    shard.refund(4);
    const before = { orders: [...shard.customerOrders.view()], cents: [...shard.customerCents.view()], amount: [...shard.orderAmount.view()] };
    shard.rebuildOrderAmounts();
    shard.rebuildCustomerTotals();
    // rebuilt totals cover every customer (the two without orders as zeros)
    expect([...shard.customerOrders.view()]).toEqual([...before.orders, 0, 0]);
    expect([...shard.customerCents.view()]).toEqual([...before.cents, 0, 0]);
    expect([...shard.orderAmount.view()]).toEqual(before.amount);
    expect(before.orders).toEqual([14, 13, 14]); // 17, 17, 16 orders; i % 7 === 0 dead at ingest; order 4 refunded
  });
});

describe('countOrdersOnly (byte counts)', () => {
  it('decides bounds around the saturated byte exactly, and leaves undecidable ones to the sums', () => {
    const shard = new Shard();
    for (let c = 0; c < 3; c++) shard.customer(`c${c}`);
    // c0: 254 orders, c1: 255, c2: 300
    const per = [254, 255, 300];
    per.forEach((n, c) => {
      for (let i = 0; i < n; i++) shard.addOrder(c, i, 0, true, [{ skuId: 0, categoryId: 0, quantity: 1, amountCents: 1 }]);
    });
    const scratch = new Scratch();
    const members = (minCount: number, maxCount?: number) => {
      const plan = { kind: 'bought', key: 'k', estimate: 0, lo: 0, hi: 10_000, minCount, maxCount } satisfies BoughtPlan;
      const task = prepareBought(plan, shard, new Catalog(), 's')!;
      const windowed: BoughtTask = { ...task, slices: shard.allOrders.split(0, 10_000, shard.orderColumns).inside, complement: undefined };
      return { fast: countOrdersOnly(windowed, scratch)?.toArray(), exact: runBought(windowed, scratch).toArray() };
    };
    expect(members(255)).toEqual({ fast: [1, 2], exact: [1, 2] });
    expect(members(1, 254)).toEqual({ fast: [0], exact: [0] });
    expect(members(256).fast).toBeUndefined();
    expect(members(256).exact).toEqual([2]);
    expect(members(1, 255).fast).toBeUndefined();
    expect(members(1, 255).exact).toEqual([0, 1]);
  });
});
