import { describe, expect, it } from 'vitest';
import { Shard } from '../../src/store/shard.js';

interface Order { customer: number; ts: number; shop: number; alive: boolean; lines: { sku: number; category: number; quantity: number; amount: number }[] }

function randomOrders(n: number, seed: number, inTimeOrder: boolean): Order[] {
  let s = seed;
  const rand = (k: number) => Math.floor(((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * k);
  let t = 1_700_000_000;
  return Array.from({ length: n }, () => {
    t += rand(3); // ties too
    return {
      customer: rand(40), ts: inTimeOrder ? t : 1_700_000_000 + rand(500), shop: rand(4), alive: rand(10) > 0,
      lines: Array.from({ length: 1 + rand(3) }, () => ({ sku: rand(30), category: rand(5), quantity: 1 + rand(3), amount: rand(10_000) })),
    };
  });
}

function load(orders: Order[], bulk: boolean): Shard {
  const shard = new Shard();
  if (bulk) shard.beginBulk(orders.length, orders.length * 3);
  for (const o of orders) {
    const lines = {
      skuIds: o.lines.map((l) => l.sku), categoryIds: o.lines.map((l) => l.category),
      quantities: o.lines.map((l) => l.quantity), amountCents: o.lines.map((l) => l.amount),
    };
    shard.addOrderFromColumns(o.customer, o.ts, o.shop, o.alive, lines, 0, o.lines.length);
  }
  if (bulk) shard.finishBulk();
  return shard;
}

/** Every posting's rows in (ts, row) order, per dimension and value. */
function postings(shard: Shard) {
  const out: Record<string, number[][]> = {};
  for (const [name, time] of [['bySku', shard.rowTime], ['byCategory', shard.rowTime], ['byShop', shard.orderTime]] as const) {
    const index = shard[name];
    out[name] = Array.from({ length: index.valueCount }, (_, v) => Array.from(index.posting(v)?.ordered(time) ?? []));
  }
  out.allOrders = [Array.from(shard.allOrders.posting.ordered(shard.orderTime))];
  return out;
}

describe('Shard bulk load', () => {
  for (const inTimeOrder of [true, false]) {
    it(`builds the same postings and totals as row-by-row appends (${inTimeOrder ? 'orders in time order: counting sort' : 'shuffled times: row by row'})`, () => {
      const orders = randomOrders(3000, inTimeOrder ? 11 : 12, inTimeOrder);
      const a = load(orders, false), b = load(orders, true);
      expect(postings(b)).toEqual(postings(a));
      expect(Array.from(b.customerOrders.view())).toEqual(Array.from(a.customerOrders.view()));
      expect(Array.from(b.customerCents.view())).toEqual(Array.from(a.customerCents.view()));
      expect(Array.from(b.orderAmount.view())).toEqual(Array.from(a.orderAmount.view()));
      // windows over the bulk-built postings answer like the appended ones
      const lo = 1_700_000_100, hi = 1_700_000_300;
      const sku = Array.from({ length: a.bySku.valueCount }, (_, v) => v).find((v) => (a.bySku.posting(v)?.size ?? 0) > 10)!;
      const rowsIn = (s: Shard) => s.bySku.posting(sku)!.window(lo, hi, s.rowTime).flatMap((sl) => Array.from(sl.rows.subarray(sl.start, sl.end))).sort((x, y) => x - y);
      expect(rowsIn(b)).toEqual(rowsIn(a));
    });
  }

  it('keeps appending after a bulk load (postings over one shared buffer grow into their own)', () => {
    const orders = randomOrders(500, 13, true);
    const shard = load(orders, true);
    const last = orders[orders.length - 1]!.ts;
    shard.addOrderFromColumns(1, last + 10, 0, true, { skuIds: [3], categoryIds: [1], quantities: [1], amountCents: [100] }, 0, 1);
    const reference = load([...orders, { customer: 1, ts: last + 10, shop: 0, alive: true, lines: [{ sku: 3, category: 1, quantity: 1, amount: 100 }] }], false);
    expect(postings(shard)).toEqual(postings(reference));
  });
});
