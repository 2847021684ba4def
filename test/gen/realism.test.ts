import { describe, expect, it } from 'vitest';
import type { GenOrderRecord } from '../../src/gen/records.js';
import { records } from './helpers.js';

const recs = records({ orders: 60_000, seed: 3 });
const orders = recs.filter((r): r is GenOrderRecord => r.type === 'order');
const lines = orders.flatMap((o) => o.lines);

function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const it of items) m.set(key(it), (m.get(key(it)) ?? 0) + 1);
  return m;
}

/** Share of `total` taken by the largest `fraction` of the counts. */
function topShare(counts: Iterable<number>, fraction: number, total: number): number {
  const sorted = [...counts].sort((a, b) => b - a);
  const k = Math.max(1, Math.round(sorted.length * fraction));
  return sorted.slice(0, k).reduce((a, b) => a + b, 0) / total;
}

describe('generated data looks like e-commerce', () => {
  it('refunds about 3% of orders, mostly through later refund events', () => {
    const atIngest = orders.filter((o) => o.status === 'refunded').length;
    const later = recs.filter((r) => r.type === 'refund').length;
    const share = (atIngest + later) / orders.length;
    expect(share).toBeGreaterThan(0.02);
    expect(share).toBeLessThan(0.04);
    expect(later).toBeGreaterThan(2 * atIngest);
    expect(atIngest).toBeGreaterThan(0);
  });

  it('peaks on Double-11 and 618', () => {
    const perDay = countBy(orders, (o) => o.ts.slice(0, 10));
    const avg = orders.length / 365;
    expect(perDay.get('2026-11-11')!).toBeGreaterThan(6 * avg);
    expect(perDay.get('2026-06-18')!).toBeGreaterThan(3 * avg);
    const nov1to10 = [...perDay].filter(([d]) => d >= '2026-11-01' && d <= '2026-11-10').reduce((a, [, c]) => a + c, 0);
    expect(nov1to10 / 10).toBeGreaterThan(1.5 * avg);
    // Spring Festival lull (2026-02-17)
    expect(perDay.get('2026-02-17')!).toBeLessThan(avg);
  });

  it('follows a daily rhythm: busy evenings, quiet small hours, midnight rush on Nov 11', () => {
    const perHour = countBy(orders, (o) => o.ts.slice(11, 13));
    expect(perHour.get('21')!).toBeGreaterThan(8 * perHour.get('04')!);
    const nov11 = orders.filter((o) => o.ts.startsWith('2026-11-11'));
    const midnight = nov11.filter((o) => o.ts.slice(11, 13) === '00').length;
    expect(midnight / nov11.length).toBeGreaterThan(0.1);
  });

  it('has Zipf-like SKU popularity', () => {
    const perSku = countBy(lines, (l) => l.sku);
    expect(perSku.size).toBeGreaterThan(1000);
    expect(topShare(perSku.values(), 0.01, lines.length)).toBeGreaterThan(0.25);
  });

  it('has power-law customer activity', () => {
    const perCustomer = countBy(orders, (o) => o.customer_id);
    expect(topShare(perCustomer.values(), 0.01, orders.length)).toBeGreaterThan(0.1);
    expect(topShare(perCustomer.values(), 0.2, orders.length)).toBeGreaterThan(0.6);
    const sorted = [...perCustomer.values()].sort((a, b) => a - b);
    expect(sorted.at(-1)!).toBeGreaterThan(20 * sorted[Math.floor(sorted.length / 2)]!);
  });

  it('has multi-line orders, mostly single-line', () => {
    const multi = orders.filter((o) => o.lines.length > 1).length / orders.length;
    expect(multi).toBeGreaterThan(0.15);
    expect(multi).toBeLessThan(0.45);
    expect(orders.some((o) => o.lines.length === 5)).toBe(true);
    expect(lines.some((l) => l.quantity > 1)).toBe(true);
  });

  it('has about 40 categories and shops of very different sizes', () => {
    const cats = countBy(lines, (l) => l.category);
    expect(cats.size).toBeGreaterThanOrEqual(35);
    const shops = countBy(orders, (o) => o.shop);
    expect(shops.size).toBeGreaterThanOrEqual(10);
    const sizes = [...shops.values()].sort((a, b) => b - a);
    expect(sizes[0]! / sizes.at(-1)!).toBeGreaterThan(20);
    for (const s of ['tmall-flagship', 'jd', 'douyin', 'pdd', 'store-xiamen-01', 'store-shanghai-02']) expect(shops.has(s)).toBe(true);
  });

  it('trades in offline stores only during opening hours', () => {
    for (const o of orders) {
      if (!o.shop.startsWith('store-')) continue;
      const h = Number(o.ts.slice(11, 13));
      expect(h >= 10 && h <= 21).toBe(true);
    }
  });
});
