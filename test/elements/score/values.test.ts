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
      const steps = computeValues(spec, shard, store.catalog);
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
