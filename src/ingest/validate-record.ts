import { ShandianError } from '../model/errors.js';
import { amountProblem, parseAmountCents } from '../model/money.js';
import type { AttrValue, EngineRecord, OrderLine, OrderRecord } from '../model/records.js';
import { isValidTimeZone, parseDateTimeWithOffset } from '../model/time.js';
import { localDateTimeToMs } from './local-time.js';

export interface ValidateOptions {
  /**
   * IANA zone for date-times written without an offset (`ingest --tz`).
   * Without it such a ts is a bad record, as the contract requires an offset.
   */
  tz?: string;
}

/** Quantities are stored as u32. */
export const MAX_QUANTITY = 4_294_967_295;
/** The ECMAScript Date range: anything beyond cannot be shown as a date. */
const MAX_EPOCH_MS = 8.64e15;

const HINT = 'fix or remove the record; --skip-bad skips such records and reports them';

/**
 * Raw contract record (NDJSON object, grouped CSV/Arrow rows, `append`
 * element) -> validated record. Fields are checked in the contract's order
 * and the first problem is thrown as E_BAD_RECORD whose reason starts with
 * the field path (`lines[2].amount: "1.005" has more than 2 decimals`); the
 * caller adds file and line. Unknown extra fields are ignored.
 */
export function validateRecord(raw: unknown, options: ValidateOptions = {}): EngineRecord {
  const r = object(raw, 'record');
  switch (r.type) {
    case 'order':
      return validateOrder(r, options);
    case 'refund':
      return { type: 'refund', orderId: text(r, 'order_id') };
    case 'customer':
      return { type: 'customer', customerId: text(r, 'customer_id'), attrs: attributes(r.attrs) };
    case 'tag': {
      const customerId = text(r, 'customer_id');
      const tag = text(r, 'tag');
      if (r.op !== 'add' && r.op !== 'remove') fail(`op: must be "add" or "remove", got ${show(r.op)}`);
      return { type: 'tag', customerId, tag, op: r.op };
    }
    default:
      fail(`type: must be "order", "refund", "customer" or "tag", got ${show(r.type)}`);
  }
}

function validateOrder(r: Record<string, unknown>, options: ValidateOptions): OrderRecord {
  const orderId = text(r, 'order_id');
  const customerId = text(r, 'customer_id');
  const ts = Math.floor(timestampMs(r.ts, options.tz) / 1000) || 0; // second resolution; || 0 drops -0
  const shop = text(r, 'shop');
  // status is required: the contract lists it with no default
  const status = r.status;
  if (status !== 'paid' && status !== 'refunded') fail(`status: must be "paid" or "refunded", got ${show(status)}`);
  const lines = r.lines;
  if (!Array.isArray(lines)) fail(`lines: must be an array of order lines, got ${show(lines)}`);
  if (lines.length === 0) fail('lines: an order needs at least one line');
  const out = new Array<OrderLine>(lines.length);
  for (let i = 0; i < lines.length; i++) out[i] = validateLine(lines[i], `lines[${i}].`);
  return { type: 'order', orderId, customerId, ts, shop, status, lines: out };
}

/**
 * One order line; `prefix` starts every reason (`lines[2].`). Exported so
 * the CSV and Arrow readers can point a bad line at its own row.
 */
export function validateLine(raw: unknown, prefix = ''): OrderLine {
  const l = object(raw, `${prefix || 'line'}`.replace(/\.$/, ''));
  const sku = text(l, 'sku', prefix);
  const category = text(l, 'category', prefix);
  const q = l.quantity;
  if (typeof q !== 'number' || !Number.isInteger(q) || q < 1 || q > MAX_QUANTITY) {
    fail(`${prefix}quantity: must be an integer from 1 to ${MAX_QUANTITY}, got ${show(q)}`);
  }
  const amountCents = parseAmountCents(l.amount);
  if (amountCents === undefined) {
    fail(`${prefix}amount: ${amountProblem(l.amount)}`, 'amounts are yuan >= 0 with at most 2 decimals, like "299.00"');
  }
  return { sku, category, quantity: q, amountCents };
}

/**
 * `ts` as epoch milliseconds: an ISO-8601 date-time with offset, an integer
 * number of epoch ms, or (with `tz`) a local date-time. Throws E_BAD_RECORD.
 */
export function timestampMs(ts: unknown, tz?: string): number {
  let ms: number | undefined;
  if (typeof ts === 'number') {
    if (!Number.isInteger(ts)) fail(`ts: epoch milliseconds must be an integer, got ${show(ts)}`);
    ms = ts;
  } else if (typeof ts === 'string') {
    ms = parseDateTimeWithOffset(ts);
    if (ms === undefined && tz !== undefined) {
      if (!isValidTimeZone(tz)) {
        throw new ShandianError('E_BAD_TZ', `unknown time zone ${JSON.stringify(tz)}`, {}, 'use an IANA name such as Asia/Shanghai');
      }
      ms = localDateTimeToMs(ts, tz);
    }
    if (ms === undefined) {
      fail(`ts: ${show(ts)} is not an ISO-8601 date-time with offset`,
        'write it like 2026-11-11T00:03:12+08:00 or 2026-11-10T16:03:12Z, or as integer epoch milliseconds; ' +
          'ingest --tz ZONE reads date-times without offset in that zone');
    }
  } else {
    fail(`ts: must be a date-time with offset or integer epoch milliseconds, got ${show(ts)}`);
  }
  if (Math.abs(ms) > MAX_EPOCH_MS) fail(`ts: ${show(ts)} is outside the representable date range`);
  return ms;
}

function attributes(raw: unknown): Record<string, AttrValue | null> {
  const attrs = object(raw, 'attrs');
  // no prototype: an attribute named __proto__ or constructor is just a name
  const out = Object.create(null) as Record<string, AttrValue | null>;
  for (const name of Object.keys(attrs)) {
    const value = attrs[name];
    if (name.length === 0) fail('attrs: attribute names must be non-empty');
    if (!isWellFormed(name)) fail(`attrs: attribute name ${show(name)} is not valid Unicode (lone surrogate)`);
    const at = `attrs.${name}`;
    if (value === null) out[name] = null;
    else if (typeof value === 'string') {
      if (!isWellFormed(value)) fail(`${at}: ${show(value)} is not valid Unicode (lone surrogate)`);
      out[name] = value;
    } else if (typeof value === 'number' && Number.isFinite(value)) out[name] = value === 0 ? 0 : value; // -0 -> 0
    else fail(`${at}: must be a string, a finite number or null (to delete it), got ${show(value)}`);
  }
  return out;
}

function object(v: unknown, what: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(`${what}: must be an object, got ${show(v)}`);
  return v as Record<string, unknown>;
}

/** A required non-empty string field. */
function text(r: Record<string, unknown>, field: string, prefix = ''): string {
  const v = r[field];
  if (typeof v !== 'string' || v.length === 0) fail(`${prefix}${field}: must be a non-empty string, got ${show(v)}`);
  // lone surrogates cannot be stored as UTF-8: they would come back as U+FFFD, a different id
  if (!isWellFormed(v)) fail(`${prefix}${field}: ${show(v)} is not valid Unicode (lone surrogate)`);
  return v;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function isWellFormed(s: string): boolean {
  const native = (s as { isWellFormed?: () => boolean }).isWellFormed;
  return native ? native.call(s) : !LONE_SURROGATE.test(s);
}

/** A value as it appears in a reason: JSON, shortened. */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  let s: string;
  if (typeof v === 'bigint') s = `${v}`;
  else if (typeof v === 'number') s = String(v); // NaN, Infinity, -0 as JS writes them
  else {
    try {
      s = JSON.stringify(v) ?? String(v);
    } catch {
      s = Object.prototype.toString.call(v);
    }
  }
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

function fail(reason: string, hint = HINT): never {
  throw new ShandianError('E_BAD_RECORD', reason, {}, hint);
}
