import { describe, expect, it } from 'vitest';
import { OrderPosting, type OrderColumns } from '../../src/index/order-posting.js';

/** Orders with the given timestamps; customer and amount derived from the ordinal. */
function build(tss: number[]) {
  const ts = Float64Array.from(tss);
  const columns: OrderColumns = {
    orderTime: (o) => ts[o]!,
    orderCustomer: Uint32Array.from(tss, (_, o) => (o * 7) % 5),
    orderAmount: Float64Array.from(tss, (_, o) => o * 100 + 1),
  };
  const p = new OrderPosting();
  tss.forEach((t, o) => p.add(o, t, columns.orderTime));
  return { p, columns, ts };
}

/** Every (order, customer, amount) the inside slices give, read the way scans read them. */
function readInside(p: OrderPosting, lo: number, hi: number, columns: OrderColumns) {
  const out: [number, number, number][] = [];
  for (const s of p.split(lo, hi, columns).inside) {
    for (let i = s.start; i < s.end; i++) {
      const order = s.rows[i]!;
      out.push(s.customers ? [order, s.customers[i]!, s.amounts![i]!] : [order, columns.orderCustomer[order]!, columns.orderAmount[order]!]);
    }
  }
  return out.sort((a, b) => a[0] - b[0]);
}

function expected(tss: number[], lo: number, hi: number, columns: OrderColumns) {
  return tss.flatMap((t, o) => (t >= lo && t <= hi ? [[o, columns.orderCustomer[o]!, columns.orderAmount[o]!] as [number, number, number]] : []));
}

describe('OrderPosting', () => {
  it('hands out the order columns themselves when orders arrived in time order', () => {
    const tss = Array.from({ length: 100 }, (_, i) => 1000 + i);
    const { p, columns } = build(tss);
    const [slice] = p.split(1010, 1050, columns).inside;
    expect(slice!.customers).toBe(columns.orderCustomer);
    expect(slice!.amounts).toBe(columns.orderAmount);
    expect(readInside(p, 1010, 1050, columns)).toEqual(expected(tss, 1010, 1050, columns));
  });

  it('keeps aligned copies once late orders were merged in, and they stay right across appends', () => {
    // 300 in order, then 300 late ones (more than the tail holds: a merge)
    const tss = [...Array.from({ length: 300 }, (_, i) => 10_000 + i * 2), ...Array.from({ length: 300 }, (_, i) => 10_001 + i * 2)];
    const { p, columns } = build(tss);
    expect(readInside(p, 10_100, 10_400, columns)).toEqual(expected(tss, 10_100, 10_400, columns));
    const [slice] = p.split(10_100, 10_400, columns).inside;
    expect(slice!.customers).not.toBe(columns.orderCustomer);
    expect(readInside(p, 0, 99_999, columns)).toEqual(expected(tss, 0, 99_999, columns));
  });

  it('answers every window exactly on shuffled timestamps', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const tss = Array.from({ length: 2000 }, () => Math.floor(rand() * 500));
    const { p, columns } = build(tss);
    for (let k = 0; k < 30; k++) {
      const a = Math.floor(rand() * 520), b = Math.floor(rand() * 520);
      const lo = Math.min(a, b), hi = Math.max(a, b);
      expect(readInside(p, lo, hi, columns)).toEqual(expected(tss, lo, hi, columns));
    }
  });
});
