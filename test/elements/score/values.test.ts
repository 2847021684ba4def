import { describe, expect, it } from 'vitest';
import { computeValues, NOT_IN_P, shardValues } from '../../../src/elements/score/values.js';
import { Engine } from '../../../src/index.js';
import { TUNING } from '../../../src/model/defaults.js';

const order = (i: number, c: string, amount: string, sku = 'A') => ({
  type: 'order', order_id: `o${i}`, customer_id: c, ts: 1_790_000_000 + (i % 1000), shop: 's', status: 'paid',
  lines: [{ sku, category: 'x', quantity: 2, amount }],
});

describe('<score> value scan', () => {
  it('pauses every SCORE_SCAN_STEP rows (a cold scan at 300M lines takes seconds), with the same values', async () => {
    const engine = await Engine.open({ durability: 'none', shards: 1 });
    const n = TUNING.SCORE_SCAN_STEP * 2 + 10;
    const records = Array.from({ length: n }, (_, i) => order(i, `c${i % 5000}`, '1.00', i % 2 === 0 ? 'A' : 'B'));
    for (let i = 0; i < records.length; i += 20_000) await engine.append(records.slice(i, i + 20_000));
    const store = (engine as unknown as { store: { shards: import('../../../src/store/shard.js').Shard[]; catalog: import('../../../src/store/catalog.js').Catalog } }).store;
    const shard = store.shards[0]!;
    for (const [spec, minSteps] of [
      [{ by: 'frequency' as const, lo: Number.NEGATIVE_INFINITY, hi: 2e9 }, 3], // an order task: n orders
      [{ by: 'monetary' as const, skus: ['A', 'B'], lo: Number.NEGATIVE_INFINITY, hi: 2e9 }, 3], // a line task: two postings of n/2 lines
      [{ by: 'quantity' as const, lo: Number.NEGATIVE_INFINITY, hi: 2e9 }, 5], // the per-order quantities first, then the orders
    ] as const) {
      const steps = computeValues(spec, shard, store.catalog, { complement: false }); // the scan (the totals would read no rows)
      let yields = 0, next = steps.next();
      while (!next.done) {
        yields++;
        next = steps.next();
      }
      expect(yields, spec.by).toBeGreaterThanOrEqual(minSteps);
      const values = next.value;
      expect(values.byCustomer).toBeInstanceOf(Uint32Array);
      expect(values.sorted.length).toBe(5000);
      const c0 = shard.customer('c0');
      const perCustomer = Math.ceil(n / 5000); // c0 has orders 0, 5000, 10000, ...
      expect(values.byCustomer[c0]).toBe(spec.by === 'frequency' ? perCustomer : spec.by === 'monetary' ? perCustomer * 100 : perCustomer * 2);
    }
    // a customer with no order in the window is outside the population
    const none = (function* () { return yield* shardValues({ by: 'recency', lo: 0, hi: 1 }, shard, store.catalog); })();
    let r = none.next();
    while (!r.done) r = none.next();
    expect(r.value.sorted.length).toBe(0);
    expect(r.value.byCustomer[0]).toBe(NOT_IN_P);
    await engine.close();
  }, 60_000);
});

describe('<score> values from the totals', () => {
  it('frequency and monetary: totals minus the orders outside the window == the orders inside (refunds, orders after asOf, empty windows)', async () => {
    const engine = await Engine.open({ durability: 'none', shards: 2 });
    const recs: object[] = [];
    for (let i = 0; i < 3000; i++) {
      recs.push({ ...order(i, `c${(i * 7919) % 400}`, `${(i * 37) % 500}.${String(i % 100).padStart(2, '0')}`), ts: 1_790_000_000 + ((i * 104_729) % 2_000_000) });
      if (i % 11 === 0) recs.push({ type: 'refund', order_id: `o${i}` });
    }
    await engine.append(recs);
    const store = (engine as unknown as { store: { shards: import('../../../src/store/shard.js').Shard[]; catalog: import('../../../src/store/catalog.js').Catalog } }).store;
    const run = <T>(steps: Generator<void, T>): T => {
      let r = steps.next();
      while (!r.done) r = steps.next();
      return r.value;
    };
    let compared = 0;
    for (const shard of store.shards) {
      for (const by of ['frequency', 'monetary'] as const) {
        for (const [lo, hi] of [[Number.NEGATIVE_INFINITY, 2e9], [1_790_100_000, 1_791_900_000], [1_790_000_000, 1_791_000_000], [1_791_999_990, 2e9], [1, 2]]) {
          const spec = { by, lo: lo!, hi: hi! };
          const byTotals = run(computeValues(spec, shard, store.catalog, { complement: true }));
          const byScan = run(computeValues(spec, shard, store.catalog, { complement: false }));
          expect([...byTotals.byCustomer], `${by} ${lo}..${hi}`).toEqual([...byScan.byCustomer]);
          expect([...byTotals.sorted]).toEqual([...byScan.sorted]);
          compared++;
        }
      }
    }
    expect(compared).toBe(20);
    await engine.close();
  });
});
