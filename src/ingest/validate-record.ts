import { ShandianError } from '../model/errors.js';
import { parseAmountCents } from '../model/money.js';
import type { AttrValue, EngineRecord, OrderLine } from '../model/records.js';
import { isValidTimeZone, parseDateTimeWithOffset, zoneOffsetMs } from '../model/time.js';

export interface ValidateOptions {
  /** zone for date-times written without an offset; without it such a ts is refused */
  tz?: string;
}

const MAX_QUANTITY = 4_294_967_295;
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;

/**
 * Raw contract record (NDJSON object, CSV/Arrow row group, `append`
 * argument) -> validated record. Throws E_BAD_RECORD naming the field; the
 * caller adds the file and line. Unknown extra fields are ignored.
 */
export function validateRecord(raw: unknown, options: ValidateOptions = {}): EngineRecord {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('a record must be a JSON object');
  const r = raw as Record<string, unknown>;
  switch (r.type) {
    case 'order': {
      const lines = r.lines;
      if (!Array.isArray(lines) || lines.length === 0) fail('lines: an order needs a non-empty array of lines');
      const status = r.status === undefined ? 'paid' : r.status;
      if (status !== 'paid' && status !== 'refunded') fail(`status: must be "paid" or "refunded", got ${show(r.status)}`);
      return {
        type: 'order',
        orderId: nonEmpty(r, 'order_id'),
        customerId: nonEmpty(r, 'customer_id'),
        ts: timestampSeconds(r.ts, options.tz),
        shop: nonEmpty(r, 'shop'),
        status,
        lines: lines.map((l, i) => line(l, i)),
      };
    }
    case 'refund':
      return { type: 'refund', orderId: nonEmpty(r, 'order_id') };
    case 'customer':
      return { type: 'customer', customerId: nonEmpty(r, 'customer_id'), attrs: attributes(r.attrs) };
    case 'tag': {
      if (r.op !== 'add' && r.op !== 'remove') fail(`op: must be "add" or "remove", got ${show(r.op)}`);
      return { type: 'tag', customerId: nonEmpty(r, 'customer_id'), tag: nonEmpty(r, 'tag'), op: r.op };
    }
    default:
      fail(`type: must be one of order, refund, customer, tag; got ${show(r.type)}`);
  }
}

function line(raw: unknown, i: number): OrderLine {
  const at = `lines[${i}]`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(`${at}: a line must be an object`);
  const l = raw as Record<string, unknown>;
  const q = l.quantity;
  if (typeof q !== 'number' || !Number.isInteger(q) || q < 1 || q > MAX_QUANTITY) {
    fail(`${at}.quantity: must be an integer from 1 to ${MAX_QUANTITY}, got ${show(q)}`);
  }
  const amountCents = parseAmountCents(l.amount);
  if (amountCents === undefined) {
    fail(`${at}.amount: must be a decimal >= 0 with at most 2 decimals (e.g. "299.00"), got ${show(l.amount)}`);
  }
  return { sku: nonEmpty(l, 'sku', at), category: nonEmpty(l, 'category', at), quantity: q, amountCents };
}

/** ISO-8601 with offset, or integer epoch milliseconds -> whole epoch seconds. */
function timestampSeconds(ts: unknown, tz: string | undefined): number {
  let ms: number | undefined;
  if (typeof ts === 'number') {
    if (!Number.isSafeInteger(ts)) fail(`ts: epoch milliseconds must be an integer, got ${show(ts)}`);
    ms = ts;
  } else if (typeof ts === 'string') {
    ms = parseDateTimeWithOffset(ts) ?? (tz !== undefined ? localDateTime(ts, tz) : undefined);
    if (ms === undefined) {
      fail(`ts: ${show(ts)} is not an ISO-8601 date-time with offset`,
        'write it like 2026-11-11T00:03:12+08:00 or ...Z, or pass epoch milliseconds');
    }
  } else {
    fail(`ts: required, a date-time with offset or epoch milliseconds; got ${show(ts)}`);
  }
  // second resolution: floor, so that 1999 ms is second 1 and -1 ms is second -1
  return Math.floor(ms / 1000);
}

/** A date-time without offset, read as wall-clock time in `tz` (ingest --tz). */
function localDateTime(s: string, tz: string): number | undefined {
  if (!LOCAL_DATE_TIME.test(s) || !isValidTimeZone(tz)) return undefined;
  const naive = parseDateTimeWithOffset(s + 'Z');
  if (naive === undefined) return undefined;
  // two passes settle the offset except inside a DST gap, where the later offset wins
  const first = naive - zoneOffsetMs(naive, tz);
  return naive - zoneOffsetMs(first, tz);
}

function attributes(raw: unknown): Record<string, AttrValue | null> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('attrs: must be an object of name -> string, number or null');
  const out: Record<string, AttrValue | null> = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (name.length === 0) fail('attrs: attribute names must be non-empty');
    if (value === null || typeof value === 'string') out[name] = value;
    else if (typeof value === 'number' && Number.isFinite(value)) out[name] = Object.is(value, -0) ? 0 : value;
    else fail(`attrs.${name}: must be a string, a finite number or null (to delete), got ${show(value)}`);
  }
  return out;
}

function nonEmpty(r: Record<string, unknown>, field: string, prefix?: string): string {
  const v = r[field];
  if (typeof v !== 'string' || v.length === 0) fail(`${prefix ? prefix + '.' : ''}${field}: must be a non-empty string, got ${show(v)}`);
  return v;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

function fail(reason: string, hint = 'fix or remove the record; --skip-bad skips such records and reports them'): never {
  throw new ShandianError('E_BAD_RECORD', reason, {}, hint);
}
