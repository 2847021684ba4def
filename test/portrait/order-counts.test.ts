// Order dimensions straight on a Store (no query): both ways of counting distinct
// customers per value (the bit matrix and the grouped pairs), orders ingested in and
// out of time order, against the reference portrait for random member sets.
import { describe, expect, it } from 'vitest';
import { Bitmap } from '../../src/index/bitmap.js';
import { validateRecord } from '../../src/ingest/validate-record.js';
import { portraitSteps } from '../../src/portrait/compute-portrait.js';
import { parseDimensions } from '../../src/portrait/dimension.js';
import { Store } from '../../src/store/store.js';
import { RefModel } from '../oracle/model.js';
import { refPortrait } from '../oracle/portrait.js';
import { LAST_CHOICES, Rng, genDataset } from '../oracle/random-data.js';

function run<T>(steps: Generator<void, T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** Orders first, in time order (the posting is the identity), then everything else. */
function timeOrdered(records: Record<string, unknown>[]): Record<string, unknown>[] {
  const ms = (ts: unknown) => (typeof ts === 'number' ? ts : Date.parse(String(ts)));
  const orders = records.filter((r) => r.type === 'order').sort((a, b) => ms(a.ts) - ms(b.ts));
  return [...orders, ...records.filter((r) => r.type !== 'order')];
}

describe('order dimensions on a store', () => {
  for (const [label, arrange] of [['as generated', (r: Record<string, unknown>[]) => r], ['orders in time order', timeOrdered]] as const) {
    it(`matrix and pairs agree with the reference portrait (${label})`, () => {
      for (let seed = 1; seed <= 6; seed++) {
        const ds = genDataset(seed * 7717, { minCustomers: 60, maxCustomers: 300 });
        const records = arrange(ds.records);
        const model = new RefModel();
        model.applyAll(records);
        const store = new Store(1 + (seed % 3));
        store.apply(records.map((r) => validateRecord(r)));
        const rng = new Rng(seed);
        for (let q = 0; q < 10; q++) {
          const memberIds = new Set<string>();
          const keep = rng.pick([0.05, 0.3, 0.7, 1]);
          const parts = store.shards.map((shard) => {
            const locals: number[] = [];
            for (let c = 0; c < shard.customerCount; c++) {
              if (!rng.bool(keep)) continue;
              locals.push(c);
              memberIds.add(shard.customers.value(c));
            }
            return { shard, members: new Bitmap(locals) };
          });
          const l = rng.pick(LAST_CHOICES);
          const by = ['shop', 'category', 'sku', `shop:last=${l.n}${l.unit}`, `category:last=${l.n}${l.unit}`, `sku:last=${l.n}${l.unit}`];
          const asOfMs = rng.pick(ds.vocab.asOfs) + rng.pick([0, -1000, 1000]);
          const expected = refPortrait(model, memberIds, by, { asOfMs, tz: 'UTC' });
          for (const matrixBytes of [undefined, 0]) {
            const got = run(portraitSteps({ dimensions: parseDimensions(by), parts, catalog: store.catalog, asOfMs, tz: 'UTC', matrixBytes }));
            expect({ count: got.count, dimensions: got.dimensions.map((d) => ({ by: d.by, buckets: d.buckets })) }, `seed ${seed} query ${q} matrixBytes ${matrixBytes}`).toEqual(expected);
          }
        }
      }
    });
  }
});
