import { describe, expect, it } from 'vitest';
import { CustomerOrders } from '../../src/live/customer-orders.js';
import { LiveRoundFixture } from './live-round-fixture.js';

/** Each customer's orders, after every append, are exactly the shard's orders of that customer (grouped part, lists and rebuilds alike). */
describe('CustomerOrders', () => {
  it('collects each customer\'s orders and first lines as a pass over the shard finds them', async () => {
    for (let t = 0; t < 6; t++) {
      const f = await LiveRoundFixture.create(9000 + t);
      const orders = f.store.shards.map(() => new CustomerOrders(f.rng.pick([1, 3, 50])));
      let rebuiltChecks = 0;
      while (!f.done) {
        await f.append(f.rng.pick([1, 7, 30]));
        f.store.shards.forEach((shard, s) => {
          const index = orders[s]!;
          index.sync(shard);
          const byCustomer = new Map<number, number[]>();
          for (let o = 0; o < shard.orderCount; o++) {
            const c = shard.orderCustomer.data[o]!;
            byCustomer.set(c, [...(byCustomer.get(c) ?? []), o]);
          }
          for (let c = 0; c < shard.customerCount; c++) {
            const want = byCustomer.get(c) ?? [];
            const into = new Uint32Array(want.length + 4);
            const end = index.collect(c, into, 2);
            expect(index.count(c)).toBe(want.length);
            expect(end).toBe(2 + want.length);
            expect([...into.subarray(2, end)].sort((a, b) => a - b)).toEqual(want);
            rebuiltChecks++;
          }
          for (let row = 0; row < shard.lineCount; row++) {
            const o = shard.lineOrder.data[row]!;
            if (row === 0 || shard.lineOrder.data[row - 1] !== o) expect(index.firstLine[o]).toBe(row);
          }
          // lines are appended with their order: order o's lines end where order o + 1's begin (touched-shard.ts relies on it)
          for (let o = 0; o + 1 < shard.orderCount; o++) expect(index.firstLine[o + 1]).toBeGreaterThan(index.firstLine[o]!);
        });
      }
      expect(rebuiltChecks).toBeGreaterThan(0);
      await f.engine.close();
    }
  }, 60_000);
});
