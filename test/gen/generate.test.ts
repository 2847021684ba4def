import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generate } from '../../src/gen/generate.js';
import { REFUNDED_LATER, type GenOrderRecord, type GenRecord } from '../../src/gen/records.js';
import { ndjsonLine } from '../../src/gen/write-ndjson.js';
import { AMOUNT, ISO_TS, records } from './helpers.js';

function digest(recs: Iterable<GenRecord>): string {
  const h = createHash('sha256');
  for (const r of recs) h.update(ndjsonLine(r));
  return h.digest('hex');
}

describe('generate: determinism', () => {
  it('gives byte-identical output for the same options', () => {
    const opts = { orders: 5000, seed: 42 };
    expect(digest(generate(opts))).toBe(digest(generate(opts)));
  });

  it('differs for a different seed', () => {
    expect(digest(generate({ orders: 2000, seed: 1 }))).not.toBe(digest(generate({ orders: 2000, seed: 2 })));
  });

  it('serialises generated orders exactly like JSON.stringify', () => {
    for (const r of records({ orders: 3000 })) expect(ndjsonLine(r)).toBe(JSON.stringify(r) + '\n');
  });
});

describe('generate: defaults and options', () => {
  it('defaults to orders/8 customers, seed 1 and Dec 2025 - Nov 2026', () => {
    const recs = records({ orders: 8000 });
    const customers = recs.filter((r) => r.type === 'customer');
    const orders = recs.filter((r): r is GenOrderRecord => r.type === 'order');
    expect(customers).toHaveLength(1000);
    expect(orders).toHaveLength(8000);
    expect(orders[0]!.ts >= '2025-12-01T00:00:00+08:00').toBe(true);
    expect(orders.at(-1)!.ts <= '2026-11-30T23:59:59+08:00').toBe(true);
    expect(digest(recs)).toBe(digest(generate({ orders: 8000, seed: 1, customers: 1000 })));
  });

  it('honours customers, start and end', () => {
    const recs = [...generate({ orders: 500, customers: 7, start: '2024-06-01', end: '2024-06-30' })];
    const custIds = new Set(recs.filter((r) => r.type === 'customer').map((r) => r.customer_id));
    expect(custIds.size).toBe(7);
    for (const r of recs) {
      if (r.type === 'order') {
        expect(custIds.has(r.customer_id)).toBe(true);
        expect(r.ts.slice(0, 7)).toBe('2024-06');
      }
    }
  });

  it('handles tiny and empty data sets', () => {
    const none = [...generate({ orders: 0 })];
    expect(none.filter((r) => r.type === 'customer')).toHaveLength(1);
    expect(none.filter((r) => r.type === 'order')).toHaveLength(0);
    const one = [...generate({ orders: 1, start: '2026-01-01', end: '2026-01-01' })];
    expect(one.filter((r) => r.type === 'order')).toHaveLength(1);
  });

  it('rejects bad options when called, before any record', () => {
    expect(() => generate({ orders: -1 })).toThrow(RangeError);
    expect(() => [...generate({ orders: -1 })]).toThrow(RangeError);
    expect(() => [...generate({ orders: 1.5 })]).toThrow(RangeError);
    expect(() => [...generate({ orders: 10, customers: 0 })]).toThrow(RangeError);
    expect(() => [...generate({ orders: 10, seed: 0.5 })]).toThrow(RangeError);
    expect(() => [...generate({ orders: 10, start: '2026-02-30' })]).toThrow(RangeError);
    expect(() => [...generate({ orders: 10, start: '2026-02-01', end: '2026-01-01' })]).toThrow(RangeError);
    expect(() => [...generate({ orders: 10, start: '1969-12-01', end: '1970-01-05' })]).toThrow(RangeError);
    expect(() => [...generate({ orders: 10, start: '2105-12-01', end: '2106-03-01' })]).toThrow(RangeError);
  });
});

describe('generate: every record follows the contract', () => {
  const recs = records({ orders: 20_000, seed: 7 });

  it('emits customers first, then orders/refunds, then tags', () => {
    const phase = (r: GenRecord) => (r.type === 'customer' ? 0 : r.type === 'tag' ? 2 : 1);
    for (let i = 1; i < recs.length; i++) expect(phase(recs[i]!)).toBeGreaterThanOrEqual(phase(recs[i - 1]!));
  });

  it('has valid, unique, time-ordered orders', () => {
    const ids = new Set<string>();
    const customers = new Set(recs.filter((r) => r.type === 'customer').map((r) => r.customer_id));
    let prevTs = '';
    let problems = 0;
    for (const r of recs) {
      if (r.type !== 'order') continue;
      if (ids.has(r.order_id) || !/^T\d{8,}$/.test(r.order_id)) problems++;
      ids.add(r.order_id);
      if (!customers.has(r.customer_id) || !/^c\d{7,}$/.test(r.customer_id)) problems++;
      if (!ISO_TS.test(r.ts) || Number.isNaN(Date.parse(r.ts)) || r.ts < prevTs) problems++;
      prevTs = r.ts;
      if (!r.shop || (r.status !== 'paid' && r.status !== 'refunded')) problems++;
      if (r.lines.length < 1 || r.lines.length > 5) problems++;
      for (const l of r.lines) {
        if (!l.sku || !l.category) problems++;
        if (!Number.isInteger(l.quantity) || l.quantity < 1) problems++;
        if (typeof l.amount !== 'string' || !AMOUNT.test(l.amount)) problems++;
      }
    }
    expect(problems).toBe(0);
    expect(ids.size).toBe(20_000);
  });

  it('keeps one category and one unit price per SKU', () => {
    const cat = new Map<string, string>();
    const unit = new Map<string, number>();
    let mismatches = 0;
    for (const r of recs) {
      if (r.type !== 'order') continue;
      for (const l of r.lines) {
        if ((cat.get(l.sku) ?? l.category) !== l.category) mismatches++;
        cat.set(l.sku, l.category);
        const cents = Math.round(Number(l.amount) * 100);
        if (cents === 0) continue; // free gift line
        const u = cents / l.quantity;
        if ((unit.get(l.sku) ?? u) !== u) mismatches++;
        unit.set(l.sku, u);
      }
    }
    expect(mismatches).toBe(0);
  });

  it('refunds only earlier paid orders, once each, marked as known', () => {
    const seen = new Map<string, GenOrderRecord>();
    const refunded = new Set<string>();
    for (const r of recs) {
      if (r.type === 'order') seen.set(r.order_id, r);
      if (r.type === 'refund') {
        const o = seen.get(r.order_id);
        expect(o).toBeDefined();
        expect(o!.status).toBe('paid');
        expect(o![REFUNDED_LATER]).toBe(true);
        expect(r[REFUNDED_LATER]).toBe(true);
        expect(refunded.has(r.order_id)).toBe(false);
        refunded.add(r.order_id);
      }
    }
    const marked = [...seen.values()].filter((o) => o[REFUNDED_LATER]).map((o) => o.order_id);
    expect(new Set(marked)).toEqual(refunded);
  });

  it('gives every customer valid attributes', () => {
    const levels = new Set(['bronze', 'silver', 'gold', 'platinum']);
    const cities = new Set<string>();
    let problems = 0;
    for (const r of recs) {
      if (r.type !== 'customer') continue;
      const a = r.attrs;
      cities.add(a.city);
      if (!levels.has(a.level)) problems++;
      if (!Number.isInteger(a.age) || a.age < 18 || a.age > 70) problems++;
      if (a.gender !== 'F' && a.gender !== 'M') problems++;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(a.signup_date) || a.signup_date >= '2025-12-01') problems++;
    }
    expect(problems).toBe(0);
    expect(cities.size).toBe(15);
    for (const c of ['Xiamen', 'Shanghai', 'Beijing']) expect(cities.has(c)).toBe(true);
  });

  it('tags about 30% of customers and removes only tags that were added', () => {
    const customers = recs.filter((r) => r.type === 'customer').length;
    const held = new Set<string>();
    const tagged = new Set<string>();
    let removals = 0;
    for (const r of recs) {
      if (r.type !== 'tag') continue;
      expect(['vip', 'newsletter', 'churn-risk', 'wholesale']).toContain(r.tag);
      const key = r.customer_id + '\u0000' + r.tag;
      if (r.op === 'add') {
        held.add(key);
        tagged.add(r.customer_id);
      } else {
        expect(r.op).toBe('remove');
        expect(held.has(key)).toBe(true);
        removals++;
      }
    }
    expect(tagged.size / customers).toBeGreaterThan(0.2);
    expect(tagged.size / customers).toBeLessThan(0.4);
    expect(removals).toBeGreaterThan(0);
    expect(removals / tagged.size).toBeLessThan(0.1);
  });
});
