import { describe, expect, it } from 'vitest';
import { CustomerOrders } from '../../src/live/customer-orders.js';
import { markStore, roundOf } from '../../src/live/round-screen.js';
import { LiveRoundFixture } from './live-round-fixture.js';

/** Each customer's orders, after every append, are exactly the shard's orders of that customer (base, recent level, lists and regroupings alike). */
describe('CustomerOrders', () => {
  it('collects each customer\'s orders (ordinal, ts, shop, amount, liveness after refunds) and first lines as a pass over the shard finds them', async () => {
    for (let t = 0; t < 6; t++) {
      const f = await LiveRoundFixture.create(9000 + t);
      const orders = f.store.shards.map(() => new CustomerOrders(f.rng.pick([1, 3, 50]), f.rng.pick([1, 4, 40, 100_000])));
      let rebuiltChecks = 0;
      while (!f.done) {
        const mark = markStore(f.store);
        const rounds = roundOf(f.store, await f.append(f.rng.pick([1, 7, 30])), mark);
        f.store.shards.forEach((shard, s) => {
          const index = orders[s]!;
          index.sync(shard);
          for (const o of rounds[s]!.orders) index.noteRefund(shard, o); // as the live segments tell it
          const byCustomer = new Map<number, number[]>();
          for (let o = 0; o < shard.orderCount; o++) {
            const c = shard.orderCustomer.data[o]!;
            byCustomer.set(c, [...(byCustomer.get(c) ?? []), o]);
          }
          // every customer, and a random few, asked at once
          for (const customers of [Uint32Array.from({ length: shard.customerCount }, (_, c) => c), Uint32Array.from([...byCustomer.keys()].filter(() => f.rng.bool(0.3)).sort((a, b) => a - b))]) {
            const total = [...customers].reduce((n, c) => n + index.count(c), 0);
            const into = { ordinal: new Uint32Array(total), ts: new Float64Array(total), shop: new Uint32Array(total), amount: new Float64Array(total), alive: new Uint8Array(total), owner: new Uint32Array(total) };
            expect(index.collectColumns(shard, customers, into)).toBe(total);
            customers.forEach((c, i) => {
              const want = byCustomer.get(c) ?? [];
              expect(index.count(c)).toBe(want.length);
              const got = [...into.ordinal].filter((_, k) => into.owner[k] === i).sort((a, b) => a - b);
              expect(got).toEqual(want);
            });
            for (let k = 0; k < total; k++) {
              const o = into.ordinal[k]!;
              expect(customers[into.owner[k]!]).toBe(shard.orderCustomer.data[o]);
              expect([into.ts[k], into.shop[k], into.amount[k], into.alive[k]]).toEqual([shard.orderTs.data[o], shard.orderShop.data[o], shard.orderAmount.data[o], shard.orderAlive.data[o]]);
            }
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
