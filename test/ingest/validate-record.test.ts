import { describe, expect, it } from 'vitest';
import { ShandianError } from '../../src/model/errors.js';
import { validateRecord } from '../../src/ingest/validate-record.js';

const order = (over: Record<string, unknown> = {}, lines?: unknown) => ({
  type: 'order',
  order_id: 'T1001',
  customer_id: 'c42',
  ts: '2026-11-11T00:03:12+08:00',
  shop: 'tmall',
  status: 'paid',
  lines: lines ?? [{ sku: 'A', category: 'shoes', quantity: 1, amount: '299.00' }],
  ...over,
});
const line = (over: Record<string, unknown> = {}) => ({ sku: 'A', category: 'shoes', quantity: 1, amount: '1.00', ...over });

/** The E_BAD_RECORD reason validateRecord throws for `raw`. */
function reasonOf(raw: unknown, options?: { tz?: string }): string {
  try {
    validateRecord(raw, options);
  } catch (e) {
    expect(e).toBeInstanceOf(ShandianError);
    expect((e as ShandianError).code).toBe('E_BAD_RECORD');
    expect((e as ShandianError).where).toEqual({});
    return (e as ShandianError).reason;
  }
  throw new Error(`accepted: ${JSON.stringify(raw)}`);
}

describe('validateRecord: orders', () => {
  it('turns the contract example into the validated shape', () => {
    expect(validateRecord(order())).toEqual({
      type: 'order',
      orderId: 'T1001',
      customerId: 'c42',
      ts: Date.UTC(2026, 10, 10, 16, 3, 12) / 1000,
      shop: 'tmall',
      status: 'paid',
      lines: [{ sku: 'A', category: 'shoes', quantity: 1, amountCents: 29900 }],
    });
  });

  it('ignores unknown extra fields', () => {
    const r = validateRecord(order({ note: 'x', channel: { a: 1 } }, [line({ color: 'red' })]));
    expect(r).not.toHaveProperty('note');
    expect(r.type === 'order' && r.lines[0]).toEqual({ sku: 'A', category: 'shoes', quantity: 1, amountCents: 100 });
  });

  it('keeps status refunded', () => {
    expect(validateRecord(order({ status: 'refunded' }))).toMatchObject({ status: 'refunded' });
  });

  it('stores ts at second resolution, flooring', () => {
    const at = (ts: unknown) => (validateRecord(order({ ts })) as { ts: number }).ts;
    expect(at('2026-11-11T00:00:00Z')).toBe(1794355200);
    expect(at('2026-11-11T00:00:00.999Z')).toBe(1794355200);
    expect(at('2026-11-11T08:00:00+08:00')).toBe(1794355200);
    expect(at('2026-11-11T08:00:00+0800')).toBe(1794355200);
    expect(at('2026-11-10T19:00:00-05:00')).toBe(1794355200);
    expect(at(1794355200999)).toBe(1794355200);
    expect(at(0)).toBe(0);
    expect(Object.is(at(-0), 0)).toBe(true);
    expect(Object.is(at(-1), -1)).toBe(true); // floor, not truncation
    expect(at(-1000)).toBe(-1);
    expect(at(-1001)).toBe(-2);
  });

  it('accepts big, odd and unicode ids as they are', () => {
    const r = validateRecord(order({ order_id: ' ', customer_id: '+86 138-0000-0000', shop: '厦门店 🏬' }));
    expect(r).toMatchObject({ orderId: ' ', customerId: '+86 138-0000-0000', shop: '厦门店 🏬' });
  });

  it('accepts quantities up to 2^32-1 and amounts as numbers', () => {
    const r = validateRecord(order({}, [line({ quantity: 4294967295, amount: 0.29 }), line({ amount: 0 })]));
    expect(r.type === 'order' && r.lines.map((l) => [l.quantity, l.amountCents])).toEqual([[4294967295, 29], [1, 0]]);
  });

  it.each<[string, unknown, string]>([
    ['order_id missing', order({ order_id: undefined }), 'order_id: must be a non-empty string, got nothing'],
    ['order_id empty', order({ order_id: '' }), 'order_id: must be a non-empty string, got ""'],
    ['order_id a number', order({ order_id: 1001 }), 'order_id: must be a non-empty string, got 1001'],
    ['customer_id empty', order({ customer_id: '' }), 'customer_id: must be a non-empty string, got ""'],
    ['customer_id null', order({ customer_id: null }), 'customer_id: must be a non-empty string, got null'],
    ['shop empty', order({ shop: '' }), 'shop: must be a non-empty string, got ""'],
    ['shop an array', order({ shop: ['jd'] }), 'shop: must be a non-empty string, got ["jd"]'],
    ['lone surrogate id', order({ customer_id: 'c\ud800' }), 'customer_id: "c\\ud800" is not valid Unicode (lone surrogate)'],
    ['status missing', order({ status: undefined }), 'status: must be "paid" or "refunded", got nothing'],
    ['status other', order({ status: 'cancelled' }), 'status: must be "paid" or "refunded", got "cancelled"'],
    ['status case', order({ status: 'PAID' }), 'status: must be "paid" or "refunded", got "PAID"'],
    ['lines missing', order({ lines: undefined }), 'lines: must be an array of order lines, got nothing'],
    ['lines an object', order({ lines: { sku: 'A' } }), 'lines: must be an array of order lines, got {"sku":"A"}'],
    ['lines empty', order({}, []), 'lines: an order needs at least one line'],
    ['line not an object', order({}, [line(), 'A']), 'lines[1]: must be an object, got "A"'],
    ['line null', order({}, [null]), 'lines[0]: must be an object, got null'],
    ['sku empty', order({}, [line(), line({ sku: '' })]), 'lines[1].sku: must be a non-empty string, got ""'],
    ['sku a number', order({}, [line({ sku: 7 })]), 'lines[0].sku: must be a non-empty string, got 7'],
    ['category empty', order({}, [line({ category: '' })]), 'lines[0].category: must be a non-empty string, got ""'],
    ['category missing', order({}, [line({ category: undefined })]), 'lines[0].category: must be a non-empty string, got nothing'],
    ['quantity 0', order({}, [line({ quantity: 0 })]), 'lines[0].quantity: must be an integer from 1 to 4294967295, got 0'],
    ['quantity negative', order({}, [line({ quantity: -1 })]), 'lines[0].quantity: must be an integer from 1 to 4294967295, got -1'],
    ['quantity fractional', order({}, [line({ quantity: 1.5 })]), 'lines[0].quantity: must be an integer from 1 to 4294967295, got 1.5'],
    ['quantity too big', order({}, [line({ quantity: 4294967296 })]), 'lines[0].quantity: must be an integer from 1 to 4294967295, got 4294967296'],
    ['quantity a string', order({}, [line({ quantity: '2' })]), 'lines[0].quantity: must be an integer from 1 to 4294967295, got "2"'],
    ['quantity NaN', order({}, [line({ quantity: NaN })]), 'lines[0].quantity: must be an integer from 1 to 4294967295, got NaN'],
    ['quantity missing', order({}, [line({ quantity: undefined })]), 'lines[0].quantity: must be an integer from 1 to 4294967295, got nothing'],
    ['amount 3 decimals', order({}, [line(), line(), line({ amount: '1.005' })]), 'lines[2].amount: "1.005" has more than 2 decimals'],
    ['amount 3 decimals (number)', order({}, [line({ amount: 2.125 })]), 'lines[0].amount: 2.125 has more than 2 decimals'],
    ['amount negative', order({}, [line({ amount: '-1.00' })]), 'lines[0].amount: "-1.00" is negative'],
    ['amount exponent', order({}, [line({ amount: 1e21 })]), 'lines[0].amount: 1e+21 is too large'],
    ['amount missing', order({}, [line({ amount: undefined })]), 'lines[0].amount: must be a decimal string or a number, got nothing'],
    ['amount Infinity', order({}, [line({ amount: Infinity })]), 'lines[0].amount: Infinity is not a finite number'],
  ])('%s', (_name, raw, reason) => {
    expect(reasonOf(raw)).toBe(reason);
  });

  it('checks fields in contract order, reporting the first problem', () => {
    expect(reasonOf(order({ order_id: '', shop: '', lines: [] }))).toMatch(/^order_id:/);
    expect(reasonOf(order({ ts: 'x', shop: '' }))).toMatch(/^ts:/);
    expect(reasonOf(order({ status: 'x' }, []))).toMatch(/^status:/);
  });
});

describe('validateRecord: ts', () => {
  it.each<[unknown, string]>([
    ['2026-11-11T00:03:12', 'ts: "2026-11-11T00:03:12" is not an ISO-8601 date-time with offset'],
    ['2026-13-01T00:00:00Z', 'ts: "2026-13-01T00:00:00Z" is not an ISO-8601 date-time with offset'],
    ['2026-02-30T10:00:00+08:00', 'ts: "2026-02-30T10:00:00+08:00" is not an ISO-8601 date-time with offset'],
    ['2026-11-11', 'ts: "2026-11-11" is not an ISO-8601 date-time with offset'],
    ['2026-11-11 00:03:12Z', 'ts: "2026-11-11 00:03:12Z" is not an ISO-8601 date-time with offset'],
    ['2026-11-11T24:00:00Z', 'ts: "2026-11-11T24:00:00Z" is not an ISO-8601 date-time with offset'],
    ['2026-11-11T00:00:60Z', 'ts: "2026-11-11T00:00:60Z" is not an ISO-8601 date-time with offset'],
    ['2026-11-11T00:00:00+24:00', 'ts: "2026-11-11T00:00:00+24:00" is not an ISO-8601 date-time with offset'],
    ['yesterday', 'ts: "yesterday" is not an ISO-8601 date-time with offset'],
    ['1794355200000', 'ts: "1794355200000" is not an ISO-8601 date-time with offset'],
    ['', 'ts: "" is not an ISO-8601 date-time with offset'],
    [1762790400000.5, 'ts: epoch milliseconds must be an integer, got 1762790400000.5'],
    [NaN, 'ts: epoch milliseconds must be an integer, got NaN'],
    [Infinity, 'ts: epoch milliseconds must be an integer, got Infinity'],
    [8.64e15 + 1, 'ts: 8640000000000001 is outside the representable date range'],
    [1e300, 'ts: 1e+300 is outside the representable date range'],
    [undefined, 'ts: must be a date-time with offset or integer epoch milliseconds, got nothing'],
    [null, 'ts: must be a date-time with offset or integer epoch milliseconds, got null'],
    [true, 'ts: must be a date-time with offset or integer epoch milliseconds, got true'],
  ])('refuses ts %j', (ts, reason) => {
    expect(reasonOf(order({ ts }))).toBe(reason);
  });

  it('accepts the range limits', () => {
    expect(validateRecord(order({ ts: 8.64e15 }))).toMatchObject({ ts: 8.64e12 });
    expect(validateRecord(order({ ts: -8.64e15 }))).toMatchObject({ ts: -8.64e12 });
    expect(validateRecord(order({ ts: '0001-01-01T00:00:00Z' }))).toMatchObject({ ts: -62135596800 });
  });

  it('with tz, reads a date-time without offset as wall clock time in that zone', () => {
    const ts = (s: string, tz: string) => (validateRecord(order({ ts: s }), { tz }) as { ts: number }).ts;
    expect(ts('2026-11-11T08:00:00', 'Asia/Shanghai')).toBe(Date.UTC(2026, 10, 11) / 1000);
    expect(ts('2026-11-11T00:00', 'UTC')).toBe(Date.UTC(2026, 10, 11) / 1000);
    expect(ts('2026-07-01T12:00:00.5', 'America/New_York')).toBe(Date.UTC(2026, 6, 1, 16) / 1000);
    // an explicit offset still wins
    expect(ts('2026-11-11T00:00:00Z', 'Asia/Shanghai')).toBe(Date.UTC(2026, 10, 11) / 1000);
  });

  it('with tz, resolves DST gaps forward and overlaps to the earlier instant', () => {
    const ms = (s: string) => (validateRecord(order({ ts: s }), { tz: 'America/New_York' }) as { ts: number }).ts * 1000;
    // 2026-03-08 02:00 EST -> 03:00 EDT: 02:30 does not exist, becomes 03:30 EDT
    expect(ms('2026-03-08T02:30:00')).toBe(Date.UTC(2026, 2, 8, 7, 30));
    expect(ms('2026-03-08T01:59:59')).toBe(Date.UTC(2026, 2, 8, 6, 59, 59));
    expect(ms('2026-03-08T03:00:00')).toBe(Date.UTC(2026, 2, 8, 7, 0));
    // 2026-11-01 02:00 EDT -> 01:00 EST: 01:30 happens twice, the first (EDT) is taken
    expect(ms('2026-11-01T01:30:00')).toBe(Date.UTC(2026, 10, 1, 5, 30));
    expect(ms('2026-11-01T02:30:00')).toBe(Date.UTC(2026, 10, 1, 7, 30));
  });

  it('with tz, still refuses malformed local date-times', () => {
    expect(reasonOf(order({ ts: '2026-02-30T00:00:00' }), { tz: 'UTC' })).toMatch(/^ts: /);
    expect(reasonOf(order({ ts: '2026-11-11' }), { tz: 'UTC' })).toMatch(/^ts: /);
  });

  it('an unknown tz is E_BAD_TZ once it is needed', () => {
    expect(() => validateRecord(order({ ts: '2026-11-11T00:00:00' }), { tz: 'Mars/Olympus' })).toThrow(
      expect.objectContaining({ code: 'E_BAD_TZ' }),
    );
    expect(validateRecord(order(), { tz: 'Mars/Olympus' })).toMatchObject({ type: 'order' });
  });
});

describe('validateRecord: refund, customer, tag', () => {
  it('refund', () => {
    expect(validateRecord({ type: 'refund', order_id: 'T1001' })).toEqual({ type: 'refund', orderId: 'T1001' });
    expect(reasonOf({ type: 'refund' })).toBe('order_id: must be a non-empty string, got nothing');
    expect(reasonOf({ type: 'refund', order_id: '' })).toBe('order_id: must be a non-empty string, got ""');
  });

  it('customer attrs keep the values and delete with null', () => {
    const r = validateRecord({ type: 'customer', customer_id: 'c42', attrs: { city: 'Xiamen', age: 31, phone: null, n: -0 } });
    expect(r.type === 'customer' && { ...r.attrs }).toEqual({ city: 'Xiamen', age: 31, phone: null, n: 0 });
    expect(r.type === 'customer' && Object.is(r.attrs.n, 0)).toBe(true);
  });

  it('an empty attrs object is fine (the customer becomes known)', () => {
    expect(validateRecord({ type: 'customer', customer_id: 'c1', attrs: {} })).toMatchObject({ attrs: {} });
  });

  it('attribute names such as __proto__ are plain names', () => {
    const raw = JSON.parse('{"type":"customer","customer_id":"c1","attrs":{"__proto__":"x","constructor":1}}');
    const r = validateRecord(raw);
    expect(r.type === 'customer' && Object.keys(r.attrs)).toEqual(['__proto__', 'constructor']);
    expect(r.type === 'customer' && r.attrs['__proto__']).toBe('x');
  });

  it.each<[string, unknown, string]>([
    ['no customer_id', { type: 'customer', attrs: {} }, 'customer_id: must be a non-empty string, got nothing'],
    ['attrs missing', { type: 'customer', customer_id: 'c' }, 'attrs: must be an object, got nothing'],
    ['attrs an array', { type: 'customer', customer_id: 'c', attrs: [1] }, 'attrs: must be an object, got [1]'],
    ['attrs a string', { type: 'customer', customer_id: 'c', attrs: 'x' }, 'attrs: must be an object, got "x"'],
    ['nested object', { type: 'customer', customer_id: 'c', attrs: { a: { b: 1 } } }, 'attrs.a: must be a string, a finite number or null (to delete it), got {"b":1}'],
    ['array value', { type: 'customer', customer_id: 'c', attrs: { city: 'X', bad: [1] } }, 'attrs.bad: must be a string, a finite number or null (to delete it), got [1]'],
    ['boolean value', { type: 'customer', customer_id: 'c', attrs: { vip: true } }, 'attrs.vip: must be a string, a finite number or null (to delete it), got true'],
    ['Infinity', { type: 'customer', customer_id: 'c', attrs: { age: Infinity } }, 'attrs.age: must be a string, a finite number or null (to delete it), got Infinity'],
    ['NaN', { type: 'customer', customer_id: 'c', attrs: { age: NaN } }, 'attrs.age: must be a string, a finite number or null (to delete it), got NaN'],
    ['undefined value', { type: 'customer', customer_id: 'c', attrs: { age: undefined } }, 'attrs.age: must be a string, a finite number or null (to delete it), got nothing'],
    ['empty name', { type: 'customer', customer_id: 'c', attrs: { '': 1 } }, 'attrs: attribute names must be non-empty'],
    ['tag: no tag', { type: 'tag', customer_id: 'c', op: 'add' }, 'tag: must be a non-empty string, got nothing'],
    ['tag: empty tag', { type: 'tag', customer_id: 'c', tag: '', op: 'add' }, 'tag: must be a non-empty string, got ""'],
    ['tag: no customer', { type: 'tag', tag: 'vip', op: 'add' }, 'customer_id: must be a non-empty string, got nothing'],
    ['tag: bad op', { type: 'tag', customer_id: 'c', tag: 'vip', op: 'toggle' }, 'op: must be "add" or "remove", got "toggle"'],
    ['tag: no op', { type: 'tag', customer_id: 'c', tag: 'vip' }, 'op: must be "add" or "remove", got nothing'],
    ['tag: op case', { type: 'tag', customer_id: 'c', tag: 'vip', op: 'Add' }, 'op: must be "add" or "remove", got "Add"'],
  ])('%s', (_name, raw, reason) => {
    expect(reasonOf(raw)).toBe(reason);
  });

  it('tag', () => {
    expect(validateRecord({ type: 'tag', customer_id: 'c42', tag: 'vip', op: 'add' })).toEqual({ type: 'tag', customerId: 'c42', tag: 'vip', op: 'add' });
    expect(validateRecord({ type: 'tag', customer_id: 'c42', tag: 'vip', op: 'remove' })).toMatchObject({ op: 'remove' });
  });
});

describe('validateRecord: not a record', () => {
  it.each<[unknown, string]>([
    [null, 'record: must be an object, got null'],
    [[1, 2], 'record: must be an object, got [1,2]'],
    ['order', 'record: must be an object, got "order"'],
    [42, 'record: must be an object, got 42'],
    [undefined, 'record: must be an object, got nothing'],
    [{}, 'type: must be "order", "refund", "customer" or "tag", got nothing'],
    [{ type: 'visit' }, 'type: must be "order", "refund", "customer" or "tag", got "visit"'],
    [{ type: 'Order' }, 'type: must be "order", "refund", "customer" or "tag", got "Order"'],
  ])('%j', (raw, reason) => {
    expect(reasonOf(raw)).toBe(reason);
  });

  it('shortens long values in reasons', () => {
    expect(reasonOf(order({ status: 'x'.repeat(1000) })).length).toBeLessThan(120);
  });

  it('survives values JSON cannot write', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(reasonOf(order({ shop: cyclic }))).toBe('shop: must be a non-empty string, got [object Object]');
    expect(reasonOf(order({ shop: 10n }))).toBe('shop: must be a non-empty string, got 10');
  });

  it('carries a hint', () => {
    try {
      validateRecord(order({ status: 'x' }));
    } catch (e) {
      expect((e as ShandianError).hint).toMatch(/skip-bad/);
    }
  });
});
