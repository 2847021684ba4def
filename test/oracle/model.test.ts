// Self-tests of the reference model on tiny hand-made datasets whose answers
// were computed by hand from the contract.
import { describe, expect, it } from 'vitest';
import { RefBadRecord, RefModel, amountToCents } from './model.js';
import type { BoughtNode, QNode, SegmentTree } from './query-tree.js';
import { endOfDay, parseIsoWithOffset, rawTsToSeconds, startOfDay } from './time.js';

const iso = (s: string) => parseIsoWithOffset(s);
const seg = (...children: QNode[]): SegmentTree => ({ children });
const b = (x: Omit<BoughtNode, 'k'>): BoughtNode => ({ k: 'bought', ...x });
const f = (...values: string[]) => ({ values, form: values.length === 1 ? ('attr' as const) : ('children' as const) });
const sorted = (s: Set<string>) => [...s].sort();

function order(id: string, cid: string, ts: string | number, lines: Array<[string, string, string | number]>, extra: Record<string, unknown> = {}) {
  return {
    type: 'order',
    order_id: id,
    customer_id: cid,
    ts,
    shop: 'tmall',
    status: 'paid',
    lines: lines.map(([sku, category, amount]) => ({ sku, category, quantity: 1, amount })),
    ...extra,
  };
}

describe('reference time arithmetic', () => {
  it('parses offsets and floors to seconds', () => {
    expect(iso('2026-11-11T00:03:12+08:00')).toBe(Date.UTC(2026, 10, 10, 16, 3, 12));
    expect(iso('2026-11-10T16:03:12Z')).toBe(Date.UTC(2026, 10, 10, 16, 3, 12));
    expect(iso('2026-11-10T11:03:12-05:00')).toBe(Date.UTC(2026, 10, 10, 16, 3, 12));
    expect(rawTsToSeconds('2026-11-10T16:03:12.999Z')).toBe(Date.UTC(2026, 10, 10, 16, 3, 12) / 1000);
    expect(rawTsToSeconds(Date.UTC(2026, 10, 10, 16, 3, 12) + 999)).toBe(Date.UTC(2026, 10, 10, 16, 3, 12) / 1000);
    expect(() => iso('2026-11-10T16:03:12')).toThrow();
    expect(() => iso('2026-02-30T00:00:00Z')).toThrow();
  });
  it('finds day bounds in zones, DST-correct', () => {
    expect(startOfDay('2026-03-08', 'Asia/Shanghai')).toBe(Date.UTC(2026, 2, 7, 16));
    expect(endOfDay('2026-03-08', 'Asia/Shanghai')).toBe(Date.UTC(2026, 2, 8, 16) - 1);
    // New York: DST starts 2026-03-08 02:00 local (EST -> EDT): a 23-hour day.
    expect(startOfDay('2026-03-08', 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 5));
    expect(endOfDay('2026-03-08', 'America/New_York')).toBe(Date.UTC(2026, 2, 9, 4) - 1);
    // DST ends 2026-11-01 02:00 local (EDT -> EST): a 25-hour day.
    expect(startOfDay('2026-11-01', 'America/New_York')).toBe(Date.UTC(2026, 10, 1, 4));
    expect(endOfDay('2026-11-01', 'America/New_York')).toBe(Date.UTC(2026, 10, 2, 5) - 1);
    expect(startOfDay('2026-01-01', 'UTC')).toBe(Date.UTC(2026, 0, 1));
  });
  it('parses money exactly', () => {
    expect(amountToCents('299.00')).toBe(29900);
    expect(amountToCents('0.1')).toBe(10);
    expect(amountToCents(0.29)).toBe(29);
    expect(amountToCents(12)).toBe(1200);
    expect(() => amountToCents('1.005')).toThrow(RefBadRecord);
    expect(() => amountToCents(-1)).toThrow(RefBadRecord);
    expect(() => amountToCents('')).toThrow(RefBadRecord);
  });
});

describe('reference model: bought', () => {
  const asOf = { asOfMs: iso('2026-11-12T00:00:00+08:00'), tz: 'Asia/Shanghai' };
  const m = new RefModel();
  m.applyAll([
    // c1: A+B in one order (two lines), then B alone
    order('o1', 'c1', '2026-11-11T00:00:00+08:00', [['A', 'shoes', '100.00'], ['B', 'bags', '50.5']]),
    order('o2', 'c1', '2026-11-11T10:00:00+08:00', [['B', 'bags', 20]]),
    // c2: A, but refunded later; another A paid
    order('o3', 'c2', '2026-11-01T00:00:00+08:00', [['A', 'shoes', '10']]),
    order('o4', 'c2', '2026-11-02T00:00:00+08:00', [['A', 'shoes', '10.01']]),
    { type: 'refund', order_id: 'o3' },
    // c3: refunded at ingest, and an order after asOf
    order('o5', 'c3', '2026-11-05T00:00:00+08:00', [['A', 'shoes', '500']], { status: 'refunded' }),
    order('o6', 'c3', '2026-11-12T00:00:01+08:00', [['A', 'shoes', '500']]),
    // c4: jd shop, exactly at asOf
    order('o7', 'c4', '2026-11-12T00:00:00+08:00', [['C', 'shoes', '0']], { shop: 'jd' }),
    // c5: tag only; c6: customer record only
    { type: 'tag', customer_id: 'c5', tag: 'vip', op: 'add' },
    { type: 'customer', customer_id: 'c6', attrs: {} },
  ]);

  it('counts distinct orders and sums only matching lines', () => {
    expect(sorted(m.evaluate(seg(b({ sku: f('A') })), asOf))).toEqual(['c1', 'c2']);
    expect(sorted(m.evaluate(seg(b({ sku: f('B'), minCount: 2 })), asOf))).toEqual(['c1']);
    expect(sorted(m.evaluate(seg(b({ minCount: 2, maxCount: 2 })), asOf))).toEqual(['c1']);
    // c1 amount over sku A|B: 100 + 50.5 + 20 = 170.50
    expect(sorted(m.evaluate(seg(b({ sku: f('A', 'B'), minAmount: '170.5' })), asOf))).toEqual(['c1']);
    expect(sorted(m.evaluate(seg(b({ sku: f('A', 'B'), minAmount: '170.51' })), asOf))).toEqual([]);
    // sku B only: 50.5 + 20 = 70.50 ; inclusive maxAmount
    expect(sorted(m.evaluate(seg(b({ sku: f('B'), maxAmount: '70.50' })), asOf))).toEqual(['c1']);
    expect(sorted(m.evaluate(seg(b({ sku: f('B'), maxAmount: '70.49' })), asOf))).toEqual([]);
    // category shoes: c1 100, c2 10.01 (o3 refunded), c4 0 at exactly asOf
    expect(sorted(m.evaluate(seg(b({ category: f('shoes'), maxAmount: '10.01' })), asOf))).toEqual(['c2', 'c4']);
    expect(sorted(m.evaluate(seg(b({ shop: f('jd') })), asOf))).toEqual(['c4']);
    expect(sorted(m.evaluate(seg(b({ shop: f('jd', 'tmall'), sku: f('C') })), asOf))).toEqual(['c4']);
  });
  it('never matches zero orders, even with maxCount / maxAmount', () => {
    expect(sorted(m.evaluate(seg(b({ sku: f('Z'), maxCount: 5 })), asOf))).toEqual([]);
    expect(sorted(m.evaluate(seg(b({ sku: f('A'), maxAmount: '1000' })), asOf))).toEqual(['c1', 'c2']);
  });
  it('caps at asOf and ignores refunded orders', () => {
    const later = { asOfMs: iso('2026-11-12T00:00:01+08:00'), tz: 'Asia/Shanghai' };
    expect(sorted(m.evaluate(seg(b({ sku: f('A'), minAmount: '500' })), later))).toEqual(['c3']);
    expect(sorted(m.evaluate(seg(b({ sku: f('A'), minAmount: '500' })), asOf))).toEqual([]);
  });
  it('complements against the known universe', () => {
    expect(sorted(m.evaluate(seg({ k: 'not', child: b({}) }), asOf))).toEqual(['c3', 'c5', 'c6']);
    expect(sorted(m.evaluate(seg({ k: 'not', child: { k: 'tag', name: '__none__' } }), asOf))).toEqual([
      'c1', 'c2', 'c3', 'c4', 'c5', 'c6',
    ]);
  });
  it('combines with and/or and refs', () => {
    const notA: QNode = { k: 'not', child: b({ sku: f('A') }) };
    expect(sorted(m.evaluate(seg(b({}), notA), asOf))).toEqual(['c4']);
    expect(sorted(m.evaluate(seg({ k: 'or', children: [b({ shop: f('jd') }), { k: 'tag', name: 'vip' }] }), asOf))).toEqual(['c4', 'c5']);
    m.save('buyers', seg(b({})));
    expect(sorted(m.evaluate(seg({ k: 'not', child: { k: 'ref', name: 'buyers' } }), asOf))).toEqual(['c3', 'c5', 'c6']);
    // ref evaluated with the referring query's asOf
    const later = { asOfMs: iso('2026-11-12T00:00:01+08:00'), tz: 'Asia/Shanghai' };
    expect(sorted(m.evaluate(seg({ k: 'ref', name: 'buyers' }), later))).toEqual(['c1', 'c2', 'c3', 'c4']);
  });
});

describe('reference model: windows', () => {
  const m = new RefModel();
  const NY = 'America/New_York';
  // day start of 2026-03-08 in New York is 05:00Z; end is 2026-03-09T03:59:59Z
  m.applyAll([
    order('w1', 'before', '2026-03-08T04:59:59Z', [['A', 'x', 1]]),
    order('w2', 'start', '2026-03-08T05:00:00Z', [['A', 'x', 1]]),
    order('w3', 'end', '2026-03-09T03:59:59Z', [['A', 'x', 1]]),
    order('w4', 'after', Date.UTC(2026, 2, 9, 4, 0, 0), [['A', 'x', 1]]),
    order('w5', 'msfloor', Date.UTC(2026, 2, 8, 12, 0, 0) + 700, [['A', 'x', 1]]), // stored 12:00:00
  ]);
  const ctx = { asOfMs: iso('2026-04-01T00:00:00Z'), tz: NY };
  it('date-only bounds are whole local days, inclusive', () => {
    const r = m.evaluate(seg(b({ from: { kind: 'date', date: '2026-03-08' }, to: { kind: 'date', date: '2026-03-08' } })), ctx);
    expect(sorted(r)).toEqual(['end', 'msfloor', 'start']);
    // same dates in Shanghai: 2026-03-07T16:00Z .. 2026-03-08T15:59:59Z
    const r2 = m.evaluate(seg(b({ from: { kind: 'date', date: '2026-03-08' }, to: { kind: 'date', date: '2026-03-08' } })), { ...ctx, tz: 'Asia/Shanghai' });
    expect(sorted(r2)).toEqual(['before', 'msfloor', 'start']);
  });
  it('date-time bounds with milliseconds compare against stored seconds', () => {
    // from 12:00:00.500: stored 12:00:00 is before it
    expect(sorted(m.evaluate(seg(b({ from: { kind: 'datetime', text: '2026-03-08T12:00:00.500Z' }, to: { kind: 'date', date: '2026-03-08' } })), ctx))).toEqual(['end']);
    // to 12:00:00.000 includes stored 12:00:00 (original 12:00:00.700)
    expect(sorted(m.evaluate(seg(b({ from: { kind: 'datetime', text: '2026-03-08T07:00:00-05:00' }, to: { kind: 'datetime', text: '2026-03-08T12:00:00Z' } })), ctx))).toEqual(['msfloor']);
    expect(sorted(m.evaluate(seg(b({ to: { kind: 'datetime', text: '2026-03-08T05:00:00Z' } })), ctx))).toEqual(['before', 'start']);
  });
  it('last: asOf - N*unit < ts <= asOf', () => {
    const at = { asOfMs: iso('2026-03-09T04:00:00Z'), tz: NY }; // == 'after'
    // 1d back = 2026-03-08T04:00:00Z exclusive
    expect(sorted(m.evaluate(seg(b({ last: { n: 1, unit: 'd' } })), at))).toEqual(['after', 'before', 'end', 'msfloor', 'start']);
    // 23h back = 2026-03-08T05:00:00Z exclusive -> 'start' excluded
    expect(sorted(m.evaluate(seg(b({ last: { n: 23, unit: 'h' } })), at))).toEqual(['after', 'end', 'msfloor']);
    const atMs = { asOfMs: iso('2026-03-09T04:00:00.500Z'), tz: NY };
    // 23h back = 05:00:00.500 -> 'start' (05:00:00) excluded; asOf .500 includes 'after'
    expect(sorted(m.evaluate(seg(b({ last: { n: 23, unit: 'h' } })), atMs))).toEqual(['after', 'end', 'msfloor']);
    const justBefore = { asOfMs: iso('2026-03-09T03:59:59.999Z'), tz: NY };
    expect(sorted(m.evaluate(seg(b({ last: { n: 1, unit: 'w' } })), justBefore))).toEqual(['before', 'end', 'msfloor', 'start']);
  });
});

describe('reference model: attributes and tags', () => {
  const m = new RefModel();
  m.applyAll([
    { type: 'customer', customer_id: 'n31', attrs: { age: 31, city: 'Xiamen' } },
    { type: 'customer', customer_id: 's31', attrs: { age: '31', city: 'xiamen' } },
    { type: 'customer', customer_id: 'n18', attrs: { age: 18.5, phone: '13800138000' } },
    { type: 'customer', customer_id: 'gone', attrs: { age: 40, phone: 'x' } },
    { type: 'customer', customer_id: 'gone', attrs: { age: null, level: 'gold' } },
    { type: 'tag', customer_id: 't', tag: 'vip', op: 'add' },
    { type: 'tag', customer_id: 't', tag: 'vip', op: 'add' },
    { type: 'tag', customer_id: 'u', tag: 'vip', op: 'add' },
    { type: 'tag', customer_id: 'u', tag: 'vip', op: 'remove' },
    { type: 'tag', customer_id: 'v', tag: 'vip', op: 'add' },
    { type: 'tag', customer_id: 'v', tag: 'vip', op: 'remove' },
    { type: 'tag', customer_id: 'v', tag: 'vip', op: 'add' },
    { type: 'tag', customer_id: 'w', tag: 'vip', op: 'remove' },
  ]);
  const ctx = { asOfMs: 0, tz: 'UTC' };
  const q = (n: QNode) => sorted(m.evaluate(seg(n), ctx));
  it('eq compares strings to strings and numbers to numbers', () => {
    expect(q({ k: 'attr', name: 'age', eq: '31' })).toEqual(['n31', 's31']);
    expect(q({ k: 'attr', name: 'age', eq: '31.0' })).toEqual(['n31']);
    expect(q({ k: 'attr', name: 'age', eq: '18.5' })).toEqual(['n18']);
    expect(q({ k: 'attr', name: 'city', eq: 'Xiamen' })).toEqual(['n31']);
    expect(q({ k: 'attr', name: 'city', values: ['Xiamen', 'xiamen', 'nowhere'] })).toEqual(['n31', 's31']);
    expect(q({ k: 'attr', name: 'phone', eq: '13800138000' })).toEqual(['n18']);
  });
  it('numeric comparisons only match numeric values', () => {
    expect(q({ k: 'attr', name: 'age', gt: '18' })).toEqual(['n18', 'n31']);
    expect(q({ k: 'attr', name: 'age', gte: '18.5', lt: '31' })).toEqual(['n18']);
    expect(q({ k: 'attr', name: 'age', lte: '31' })).toEqual(['n18', 'n31']);
    expect(q({ k: 'attr', name: 'phone', gt: '0' })).toEqual([]);
  });
  it('exists and null deletion', () => {
    expect(q({ k: 'attr', name: 'age', exists: true })).toEqual(['n18', 'n31', 's31']);
    expect(q({ k: 'attr', name: 'age', exists: false })).toEqual(['gone', 't', 'u', 'v', 'w']);
    expect(q({ k: 'attr', name: 'phone', exists: true })).toEqual(['gone', 'n18']);
    expect(q({ k: 'not', child: { k: 'attr', name: 'age', gt: '0' } })).toEqual(['gone', 's31', 't', 'u', 'v', 'w']);
  });
  it('tags hold now', () => {
    expect(q({ k: 'tag', name: 'vip' })).toEqual(['t', 'v']);
  });
});

describe('reference model: bad records', () => {
  it('rejects without partial effect', () => {
    const m = new RefModel();
    m.apply(order('o1', 'c1', '2026-01-01T00:00:00Z', [['A', 'x', 1]]));
    const bad: unknown[] = [
      order('o1', 'c2', '2026-01-01T00:00:00Z', [['A', 'x', 1]]),
      { type: 'refund', order_id: 'nope' },
      order('o2', 'c3', '2026-01-01T00:00:00Z', [['A', 'x', 1], ['B', 'x', '1.005']]),
      order('o3', 'c4', '2026-01-01T00:00:00Z', [['', 'x', 1]]),
      order('o4', 'c5', '2026-13-01T00:00:00Z', [['A', 'x', 1]]),
      { ...order('o5', 'c6', '2026-01-01T00:00:00Z', [['A', 'x', 1]]), lines: [{ sku: 'A', category: 'x', quantity: 0, amount: 1 }] },
    ];
    for (const r of bad) expect(() => m.apply(r)).toThrow(RefBadRecord);
    expect(sorted(m.known)).toEqual(['c1']);
    expect([...m.orders.keys()]).toEqual(['o1']);
  });
});
