/** validateRecord against the data model of contract section 1: every rule, with the reason naming the field. */
import { describe, expect, it } from 'vitest';
import { validateRecord } from '../../src/ingest/validate-record.js';
import { ShandianError } from '../../src/model/errors.js';
import type { OrderRecord } from '../../src/model/records.js';

const LINE = { sku: 'A', category: 'shoes', quantity: 1, amount: '299.00' };
const ORDER = { type: 'order', order_id: 'T1001', customer_id: 'c42', ts: '2026-11-11T00:03:12+08:00', shop: 'tmall', status: 'paid', lines: [LINE] };

/** Expects E_BAD_RECORD whose reason names `field`; returns the error. */
function rejects(raw: unknown, field: string, options = {}): ShandianError {
  let caught: unknown;
  try {
    validateRecord(raw, options);
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${JSON.stringify(raw)} to be refused`).toBeInstanceOf(ShandianError);
  const err = caught as ShandianError;
  expect(err.code).toBe('E_BAD_RECORD');
  expect(err.reason, err.message).toContain(field);
  expect(err.hint).toBeTruthy();
  return err;
}

const withOrder = (patch: Record<string, unknown>) => ({ ...ORDER, ...patch });
const withLine = (patch: Record<string, unknown>) => ({ ...ORDER, lines: [{ ...LINE, ...patch }] });
const tsOf = (ts: unknown, options = {}) => (validateRecord(withOrder({ ts }), options) as OrderRecord).ts;

describe('validateRecord (contract): orders', () => {
  it('turns the contract example into the stored shape', () => {
    expect(validateRecord(ORDER)).toEqual({
      type: 'order', orderId: 'T1001', customerId: 'c42', ts: Date.UTC(2026, 10, 10, 16, 3, 12) / 1000, shop: 'tmall', status: 'paid',
      lines: [{ sku: 'A', category: 'shoes', quantity: 1, amountCents: 29900 }],
    });
  });

  it('keeps refunded orders and several lines; ignores unknown fields', () => {
    const r = validateRecord({ ...ORDER, status: 'refunded', note: 'x', lines: [LINE, { ...LINE, sku: 'B', quantity: 3, amount: 5, extra: true }] }) as OrderRecord;
    expect(r.status).toBe('refunded');
    expect(r.lines).toEqual([
      { sku: 'A', category: 'shoes', quantity: 1, amountCents: 29900 },
      { sku: 'B', category: 'shoes', quantity: 3, amountCents: 500 },
    ]);
    expect(r).not.toHaveProperty('note');
  });

  for (const field of ['order_id', 'customer_id', 'shop']) {
    it(`${field} must be a non-empty string`, () => {
      for (const v of ['', 5, null, true, ['x'], { a: 1 }]) rejects(withOrder({ [field]: v }), field);
      const { [field]: _, ...without } = ORDER;
      rejects(without, field);
    });
  }

  for (const field of ['sku', 'category']) {
    it(`lines[].${field} must be a non-empty string, and the reason names the line`, () => {
      for (const v of ['', 7, null, false]) {
        const err = rejects(withLine({ [field]: v }), field);
        expect(err.reason).toContain('lines[0]');
      }
      const r = { ...ORDER, lines: [LINE, { ...LINE, [field]: '' }] };
      expect(rejects(r, field).reason).toContain('lines[1]');
    });
  }

  it('non-ASCII ids are kept as written', () => {
    const r = validateRecord(withOrder({ customer_id: '张三@例子.中国', shop: '京东-厦门', order_id: 'T-😀' })) as OrderRecord;
    expect(r.customerId).toBe('张三@例子.中国');
    expect(r.shop).toBe('京东-厦门');
    expect(r.orderId).toBe('T-😀');
  });

  it('ts: ISO-8601 with offset, Z or +hhmm, to whole epoch seconds', () => {
    const s = Date.UTC(2026, 10, 10, 16, 3, 12) / 1000;
    expect(tsOf('2026-11-11T00:03:12+08:00')).toBe(s);
    expect(tsOf('2026-11-10T16:03:12Z')).toBe(s);
    expect(tsOf('2026-11-11T00:03:12+0800')).toBe(s);
    expect(tsOf('2026-11-10T11:03:12-05:00')).toBe(s);
    expect(tsOf('2026-11-11T00:03+08:00')).toBe(s - 12);
  });

  it('ts with fractional seconds is floored to the second, before 1970 too', () => {
    const s = Date.UTC(2026, 10, 10, 16, 3, 12) / 1000;
    expect(tsOf('2026-11-11T00:03:12.999+08:00')).toBe(s);
    expect(tsOf('2026-11-11T00:03:12.5+08:00')).toBe(s);
    expect(tsOf('2026-11-11T00:03:12.123456789+08:00')).toBe(s);
    expect(tsOf('1969-12-31T23:59:59.500Z')).toBe(-1);
  });

  it('ts as integer epoch milliseconds, floored to the second', () => {
    expect(tsOf(1_731_254_592_999)).toBe(1_731_254_592);
    expect(tsOf(0)).toBe(0);
    expect(tsOf(1999)).toBe(1);
    expect(tsOf(-1)).toBe(-1);
    expect(tsOf(-1001)).toBe(-2);
    expect(tsOf(-0) === 0).toBe(true);
  });

  it('ts: non-integer epoch ms, and every malformed form, is refused naming ts', () => {
    for (const ts of [1.5, 1_731_254_592_123.4, Number.NaN, Number.POSITIVE_INFINITY, undefined, null, true, {}, [1]]) {
      rejects(withOrder({ ts }), 'ts');
    }
    for (const ts of [
      '2026-11-11', // date only
      '2026-11-11T00:03:12', // no offset
      '2026-11-11 00:03:12+08:00', // space
      '2026-02-30T00:00:00Z', // no such day
      '2026-13-01T00:00:00Z',
      '2026-11-11T24:00:00Z',
      '2026-11-11T23:60:00Z',
      '2026-11-11T00:03:12+24:00',
      '1731254592123', // epoch ms must be a number in NDJSON
      '',
      'yesterday',
      ' 2026-11-11T00:03:12Z',
    ]) {
      rejects(withOrder({ ts }), 'ts');
    }
  });

  it('ts without offset is read in the given zone, and only then', () => {
    rejects(withOrder({ ts: '2026-11-11T00:03:12' }), 'ts');
    expect(tsOf('2026-11-11T00:03:12', { tz: 'Asia/Shanghai' })).toBe(Date.UTC(2026, 10, 10, 16, 3, 12) / 1000);
    expect(tsOf('2026-11-11T00:03:12', { tz: 'UTC' })).toBe(Date.UTC(2026, 10, 11, 0, 3, 12) / 1000);
    // an explicit offset wins over the zone
    expect(tsOf('2026-11-11T00:03:12Z', { tz: 'Asia/Shanghai' })).toBe(Date.UTC(2026, 10, 11, 0, 3, 12) / 1000);
  });

  it('status: paid or refunded only', () => {
    for (const status of ['PAID', 'cancelled', '', 1, null]) rejects(withOrder({ status }), 'status');
  });

  it('lines: a non-empty array of objects', () => {
    rejects(withOrder({ lines: [] }), 'lines');
    rejects(withOrder({ lines: undefined }), 'lines');
    rejects(withOrder({ lines: LINE }), 'lines');
    rejects(withOrder({ lines: 'A' }), 'lines');
    rejects(withOrder({ lines: [null] }), 'lines[0]');
    rejects(withOrder({ lines: [LINE, 'x'] }), 'lines[1]');
  });

  it('quantity: an integer >= 1 (a JSON number)', () => {
    for (const quantity of [0, -1, 1.5, '1', null, undefined, Number.NaN]) rejects(withLine({ quantity }), 'quantity');
    expect((validateRecord(withLine({ quantity: 1 })) as OrderRecord).lines[0]!.quantity).toBe(1);
    expect((validateRecord(withLine({ quantity: 1000 })) as OrderRecord).lines[0]!.quantity).toBe(1000);
  });

  it('amount: decimal >= 0 with at most 2 decimals, exactly as cents', () => {
    for (const amount of ['1.005', '-1', '-0.01', '1e3', 1e21, 0.1 + 0.2, 1.005, -1, '', ' 1', '1 ', '1,00', '.5', '5.', '+5', 'NaN', null, undefined, true, Number.NaN, Number.POSITIVE_INFINITY]) {
      rejects(withLine({ amount }), 'amount');
    }
    const cents = (amount: unknown) => (validateRecord(withLine({ amount })) as OrderRecord).lines[0]!.amountCents;
    expect(cents('299.00')).toBe(29900);
    expect(cents('0.29')).toBe(29);
    expect(cents(0.29)).toBe(29);
    expect(cents(299)).toBe(29900);
    expect(cents('0')).toBe(0);
    expect(cents(0)).toBe(0);
    expect(cents('0.5')).toBe(50);
    expect(cents(1.1)).toBe(110);
  });

  it('the first bad line is the one named', () => {
    const r = { ...ORDER, lines: [LINE, { ...LINE, amount: '2.345' }, { ...LINE, quantity: 0 }] };
    const err = rejects(r, 'lines[1]');
    expect(err.reason).toContain('amount');
  });
});

describe('validateRecord (contract): refunds, customers, tags', () => {
  it('refund needs an order_id', () => {
    expect(validateRecord({ type: 'refund', order_id: 'T1' })).toEqual({ type: 'refund', orderId: 'T1' });
    rejects({ type: 'refund' }, 'order_id');
    rejects({ type: 'refund', order_id: '' }, 'order_id');
    rejects({ type: 'refund', order_id: 1001 }, 'order_id');
  });

  it('customer attrs: strings, finite numbers, null (delete)', () => {
    expect(validateRecord({ type: 'customer', customer_id: 'c42', attrs: { city: 'Xiamen', age: 31, phone: null, score: -1.5 } })).toMatchObject({
      type: 'customer', customerId: 'c42', attrs: { city: 'Xiamen', age: 31, phone: null, score: -1.5 },
    });
    expect(validateRecord({ type: 'customer', customer_id: 'c42', attrs: {} })).toMatchObject({ attrs: {} });
  });

  it('customer attrs: nested object, array, boolean, non-finite are refused naming the attribute', () => {
    for (const v of [{ a: 1 }, [1], true, false, Number.POSITIVE_INFINITY, Number.NaN]) {
      rejects({ type: 'customer', customer_id: 'c42', attrs: { ok: 'x', bad_one: v } }, 'bad_one');
    }
    for (const attrs of [undefined, null, 'city=Xiamen', [['city', 'Xiamen']]]) rejects({ type: 'customer', customer_id: 'c42', attrs }, 'attrs');
    rejects({ type: 'customer', attrs: {} }, 'customer_id');
  });

  it('tag: op add or remove, a non-empty tag and customer', () => {
    expect(validateRecord({ type: 'tag', customer_id: 'c42', tag: 'vip', op: 'add' })).toEqual({ type: 'tag', customerId: 'c42', tag: 'vip', op: 'add' });
    expect(validateRecord({ type: 'tag', customer_id: 'c42', tag: 'vip', op: 'remove' })).toMatchObject({ op: 'remove' });
    for (const op of ['toggle', 'ADD', '', undefined, 1]) rejects({ type: 'tag', customer_id: 'c42', tag: 'vip', op }, 'op');
    rejects({ type: 'tag', customer_id: 'c42', tag: '', op: 'add' }, 'tag');
    rejects({ type: 'tag', customer_id: '', tag: 'vip', op: 'add' }, 'customer_id');
  });

  it('type must be one of the four; a record must be an object', () => {
    for (const type of ['orders', 'Order', '', undefined, 1]) rejects({ type, order_id: 'x' }, 'type');
    for (const raw of [null, [], 'order', 42]) {
      let caught: unknown;
      try {
        validateRecord(raw);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ShandianError);
      expect((caught as ShandianError).code).toBe('E_BAD_RECORD');
    }
  });
});
