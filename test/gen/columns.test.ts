import { describe, expect, it } from 'vitest';
import { generate } from '../../src/gen/generate.js';
import { formatCents } from '../../src/gen/money.js';
import {
  generateOrderColumns,
  MAX_LINES_PER_ORDER,
  REFUND_AT_INGEST,
  REFUND_LATER,
  type OrderColumnBatch,
} from '../../src/gen/order-columns.js';
import type { GenOrderRecord } from '../../src/gen/records.js';

/** Rebuilds contract-shaped orders (and refund events) from column batches. */
function fromColumns(opts: Parameters<typeof generateOrderColumns>[0], batchLines?: number) {
  const orders: object[] = [];
  const refunds: string[] = [];
  const events: string[] = []; // order and refund ids in emission order
  let lastOrder = -1;
  const batches: number[] = [];
  let problems = 0; // counted rather than expect()ed per line: keeps the test fast
  const dict = generateOrderColumns(
    opts,
    (b: OrderColumnBatch, d) => {
      batches.push(b.length);
      let i = 0;
      let counted = 0;
      while (i < b.length) {
        const o = b.orderIndex[i]!;
        if (o !== lastOrder + 1) problems++; // orders numbered densely in emission order
        lastOrder = o;
        const lines = [];
        const first = i;
        do {
          if (b.refund[i] !== b.refund[first] || b.customerIndex[i] !== b.customerIndex[first]) problems++;
          if (b.ts[i] !== b.ts[first] || b.shopIndex[i] !== b.shopIndex[first]) problems++;
          if (b.categoryIndex[i] !== d.skuCategory[b.skuIndex[i]!]) problems++;
          lines.push({
            sku: d.skus[b.skuIndex[i]!],
            category: d.categories[b.categoryIndex[i]!],
            quantity: b.quantity[i],
            amount: formatCents(b.amountCents[i]!),
          });
          i++;
        } while (i < b.length && b.orderIndex[i] === o);
        counted++;
        const r = b.refund[first];
        orders.push({
          type: 'order',
          order_id: d.orderId(o),
          customer_id: d.customerId(b.customerIndex[first]!),
          ts: d.formatTs(b.ts[first]!),
          shop: d.shops[b.shopIndex[first]!],
          status: r === REFUND_AT_INGEST ? 'refunded' : 'paid',
          lines,
        });
        events.push(d.orderId(o) + (r === REFUND_LATER ? '*' : ''));
      }
      if (counted !== b.orderCount) problems++;
      if (b.length > 0 && b.firstOrder !== b.orderIndex[0]) problems++;
      for (const o of b.refundEvents) {
        refunds.push(d.orderId(o));
        events.push('refund ' + d.orderId(o));
      }
    },
    batchLines,
  );
  return { orders, refunds, events, dict, batches, problems };
}

describe('generateOrderColumns', () => {
  const opts = { orders: 20_000, seed: 11 };
  const recs = [...generate(opts)];
  const expectedOrders = recs
    .filter((r): r is GenOrderRecord => r.type === 'order')
    .map((o) => ({ type: o.type, order_id: o.order_id, customer_id: o.customer_id, ts: o.ts, shop: o.shop, status: o.status, lines: o.lines }));
  const refunded = new Set(recs.flatMap((r) => (r.type === 'refund' ? [r.order_id] : [])));
  const expectedEvents = recs
    .filter((r) => r.type === 'order' || r.type === 'refund')
    .map((r) => (r.type === 'refund' ? 'refund ' : '') + r.order_id + (r.type === 'order' && refunded.has(r.order_id) ? '*' : ''));

  it('produces the same orders, lines and refund events as generate()', () => {
    const got = fromColumns(opts);
    expect(got.problems).toBe(0);
    expect(got.orders).toEqual(expectedOrders);
    expect(got.events).toEqual(expectedEvents);
    expect(got.dict.orders).toBe(20_000);
    expect(got.dict.customers).toBe(2500);
  });

  it('does not depend on the batch size', () => {
    const got = fromColumns(opts, 7);
    expect(got.problems).toBe(0);
    expect(got.orders).toEqual(expectedOrders);
    expect(got.events).toEqual(expectedEvents);
    expect(Math.max(...got.batches)).toBeLessThanOrEqual(7 + MAX_LINES_PER_ORDER - 1);
  });

  it('bounds batches near the requested size', () => {
    const sizes: number[] = [];
    generateOrderColumns({ orders: 50_000 }, (b) => sizes.push(b.length), 4096);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4096 + MAX_LINES_PER_ORDER - 1);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeGreaterThan(50_000);
  });
});
