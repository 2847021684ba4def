import { describe, expect, it } from 'vitest';
import { computeValues, NOT_IN_P, shardValues } from '../../../src/elements/score/values.js';
import { prepareValues, scanBand } from '../../../src/exec/score-values.js';
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

describe('<score> values of a window moved forward (slide.ts)', () => {
  it('equal a full scan of the new window, for every kind, filtered or not, with refunds and same-second orders', async () => {
    const { canSlide } = await import('../../../src/elements/score/values.js');
    const { slideValues } = await import('../../../src/elements/score/slide.js');
    const engine = await Engine.open({ durability: 'none', shards: 2 });
    const recs: object[] = [];
    const T0 = 1_790_000_000;
    for (let i = 0; i < 4000; i++) {
      const ts = (T0 + ((i * 7_919) % 1_000_000) - ((i * 7_919) % 1_000_000) % (i % 3 === 0 ? 60 : 1)) * 1000; // epoch ms; many same-minute orders
      const amount = i % 9 === 0 ? '0.00' : `${(i * 13) % 50}.${String(i % 100).padStart(2, '0')}`;
      recs.push({ type: 'order', order_id: `o${i}`, customer_id: `c${(i * 31) % 300}`, ts, shop: i % 2 ? 'a' : 'b', status: 'paid',
        lines: [{ sku: i % 3 ? 'A' : 'B', category: 'x', quantity: 1 + (i % 3), amount }, ...(i % 4 === 0 ? [{ sku: 'B', category: 'y', quantity: 2, amount: '1.00' }] : [])] });
      if (i % 13 === 0) recs.push({ type: 'refund', order_id: `o${i}` });
    }
    await engine.append(recs);
    const store = (engine as unknown as { store: { shards: import('../../../src/store/shard.js').Shard[]; catalog: import('../../../src/store/catalog.js').Catalog } }).store;
    const run = <T>(steps: Generator<void, T>): T => {
      let r = steps.next();
      while (!r.done) r = steps.next();
      return r.value;
    };
    const full = (spec: Parameters<typeof computeValues>[0], shard: (typeof store.shards)[number]) => run(computeValues(spec, shard, store.catalog, { complement: false }));
    let compared = 0, slid = 0, changed = 0;
    for (const shard of store.shards) {
      for (const by of ['recency', 'frequency', 'monetary', 'quantity'] as const) {
        for (const filters of [{}, { skus: ['B'] }, { shops: ['a'] }]) {
          for (const [lo0, hi0, lo, hi] of [
            [T0 + 100_000, T0 + 600_000, T0 + 100_000, T0 + 600_000 + 3_600],
            [T0 + 100_000, T0 + 600_000, T0 + 100_060, T0 + 600_060],
            [T0 + 100_000, T0 + 600_000, T0 + 150_000, T0 + 650_000],
            [Number.NEGATIVE_INFINITY, T0 + 600_000, Number.NEGATIVE_INFINITY, T0 + 610_000],
            [T0 + 599_000, T0 + 600_000, T0 + 600_001, T0 + 600_900], // nothing in common
          ] as const) {
            const base = full({ by, ...filters, lo: lo0, hi: hi0 }, shard);
            // the bands as slide() scans them (sparse)
            const band = (l: number, h: number) => run(scanBand(prepareValues({ by, ...filters, lo: l, hi: h }, shard, store.catalog, { complement: false })));
            const added = hi > hi0 ? band(Math.max(lo, hi0 + 1), hi) : undefined;
            const removed = by !== 'recency' && lo > lo0 ? band(lo0, Math.min(lo - 1, hi0)) : undefined;
            if (lo > hi0 + 1) continue;
            const got = slideValues(base, by, lo, shard.customerCount, added, removed);
            if ((added?.size ?? 0) + (removed?.size ?? 0) > 0) changed++;
            const want = full({ by, ...filters, lo, hi }, shard);
            compared++;
            if (got === undefined) {
              expect(by).toBe('monetary');
              continue;
            }
            slid++;
            expect([...got.byCustomer], `${by} ${JSON.stringify(filters)} ${lo0}..${hi0} -> ${lo}..${hi}`).toEqual([...want.byCustomer]);
            expect([...got.sorted]).toEqual([...want.sorted]);
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(80);
    expect(slid).toBeGreaterThan(60);
    expect(changed).toBeGreaterThan(40); // cases whose bands held orders
    // through the cache: a later window of the same value is slid, not scanned, and equals the scan
    const shard = store.shards[0]!;
    const first = { by: 'frequency' as const, lo: T0 + 100_000, hi: T0 + 600_000 };
    run(shardValues(first, shard, store.catalog));
    const later = { ...first, lo: first.lo + 3_600, hi: first.hi + 3_600 };
    expect(canSlide(later, shard)).toBe(true);
    expect(canSlide({ ...first, lo: first.lo + 400_000, hi: first.hi + 400_000 }, shard)).toBe(false); // moved too far: scanned
    expect([...run(shardValues(later, shard, store.catalog)).sorted]).toEqual([...full(later, shard).sorted]);
    // an append makes the cached windows of its shard stale: nothing slides from them
    expect(canSlide({ ...later, hi: later.hi + 1 }, shard)).toBe(true);
    const before = store.shards.map((s) => s.changes);
    await engine.append(store.shards.map((_, i) => ({ type: 'order', order_id: `late${i}`, customer_id: `c${i}`, ts: (T0 + 1) * 1000, shop: 'a', status: 'paid', lines: [{ sku: 'A', category: 'x', quantity: 1, amount: '1.00' }] })));
    expect(store.shards[0]!.changes).not.toBe(before[0]);
    expect(canSlide({ ...later, hi: later.hi + 1 }, shard)).toBe(false);
    await engine.close();
  });
});
