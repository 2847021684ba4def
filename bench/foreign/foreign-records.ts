/**
 * The DuckDB side's own reading of input files for `bench/foreign/foreign.ts`:
 * NDJSON with JSON.parse per line, CSV with a small RFC 4180 parser of its
 * own, Arrow IPC through apache-arrow; every record checked against the
 * contract (section 1 and 2) here, without the engine's ingest code, and
 * normalised for DuckPeer (ts as integer epoch milliseconds, amounts as
 * "yuan.cents" text).
 *
 * Records the engine refused (reported by its `skipBad` ingest with file and
 * line) are left out here too; where this reader and the engine disagree
 * about a record, both lists are kept so the caller can say so loudly.
 */
import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { DataType, RecordBatchReader, type Data, type Decimal, type Vector } from 'apache-arrow';
import type { GenRecord } from '../../src/index.js';
import { localToUtcMs, offsetMs, parseIsoDateTime } from '../../test/oracle/time.js';

export const ORDER_COLUMNS = ['order_id', 'customer_id', 'ts', 'shop', 'status', 'sku', 'category', 'quantity', 'amount'] as const;
type Col = (typeof ORDER_COLUMNS)[number];
type Row = Record<Col, unknown>;

/** One record as a file holds it, with the lines (CSV/Arrow: rows) it came from. */
interface Item {
  raw?: unknown;
  /** why the text is not a record at all */
  error?: string;
  /** 1-based physical lines (NDJSON, CSV: the rows of the order) or data rows (Arrow) */
  lines: number[];
}

export interface Disagreement {
  file: string;
  line: number;
  reason: string;
}

export interface ReadStats {
  records: number;
  orders: number;
  lines: number;
  refunds: number;
  customerRecords: number;
  tagEvents: number;
  /** records the engine refused, left out here too */
  excluded: number;
  /** the engine refused them, this reader found nothing wrong */
  engineOnly: Disagreement[];
  /** this reader refused them, the engine accepted them (they are left out here: counts may then differ) */
  hereOnly: Disagreement[];
}

class Bad extends Error {}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const wellFormed = (s: string): boolean => !LONE_SURROGATE.test(s);
const bad = (reason: string): never => {
  throw new Bad(reason);
};

// ------------------------------------------------------------------ field checks

function text(r: Record<string, unknown>, field: string): string {
  const v = r[field];
  if (typeof v !== 'string' || v.length === 0) bad(`${field}: not a non-empty string`);
  if (!wellFormed(v as string)) bad(`${field}: lone surrogate`);
  return v as string;
}

const MAX_MS = 8.64e15;
/** Cache of zone offsets per wall-clock hour far from any transition (local timestamps are slow otherwise). */
const steadyHours = new Map<string, number>();

function timestamp(v: unknown, tz: string | undefined): number {
  let ms: number;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) bad(`ts: ${v} is not integer epoch milliseconds`);
    ms = v;
  } else if (typeof v === 'string') {
    const p = parseIsoDateTime(v);
    if (!p) return bad(`ts: ${JSON.stringify(v)} is not an ISO date-time`);
    if (!p.local) ms = p.ms;
    else {
      if (tz === undefined) return bad(`ts: ${JSON.stringify(v)} has no offset (and no --tz was given)`);
      const hour = Math.floor(p.ms / 3_600_000);
      const key = `${tz}\n${hour}`;
      let off = steadyHours.get(key);
      if (off === undefined) {
        const a = offsetMs(hour * 3_600_000 - 36 * 3_600_000, tz);
        if (a === offsetMs(hour * 3_600_000 + 36 * 3_600_000, tz)) {
          off = a;
          if (steadyHours.size > 200_000) steadyHours.clear();
          steadyHours.set(key, off);
        }
      }
      ms = off !== undefined ? p.ms - off : localToUtcMs(p.ms, tz);
    }
  } else {
    return bad('ts: neither a date-time string nor epoch milliseconds');
  }
  if (Math.abs(ms) > MAX_MS) bad('ts: out of range');
  return ms;
}

/** Integer cents of an amount: decimal text or a JS number, >= 0, at most 2 decimals. */
function cents(v: unknown): number {
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'number' && Number.isFinite(v) && v >= 0) s = String(v + 0);
  else return bad(`amount: ${String(v)} is not a non-negative decimal`);
  const m = /^([0-9]+)(?:\.([0-9]{1,2}))?$/.exec(s);
  if (!m) return bad(`amount: ${JSON.stringify(v)} is not a decimal with at most 2 decimals`);
  const c = Number(m[1]!.replace(/^0+(?=\d)/, '') + (m[2] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(c)) bad(`amount: ${s} is too large`);
  return c;
}

const centsText = (c: number): string => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;

function quantity(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 4_294_967_295) bad(`quantity: ${String(v)} is not an integer >= 1`);
  return v as number;
}

function object(v: unknown, what: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) bad(`${what}: not an object`);
  return v as Record<string, unknown>;
}

/** A contract record -> the normalised shape DuckPeer loads (stateless checks only). */
function normalise(raw: unknown, tz: string | undefined): GenRecord {
  const r = object(raw, 'record');
  switch (r.type) {
    case 'order': {
      const order_id = text(r, 'order_id');
      const customer_id = text(r, 'customer_id');
      const ts = timestamp(r.ts, tz);
      const shop = text(r, 'shop');
      if (r.status !== 'paid' && r.status !== 'refunded') bad(`status: ${String(r.status)}`);
      if (!Array.isArray(r.lines) || r.lines.length === 0) bad('lines: not a non-empty array');
      const lines = (r.lines as unknown[]).map((l) => {
        const o = object(l, 'line');
        return { sku: text(o, 'sku'), category: text(o, 'category'), quantity: quantity(o.quantity), amount: centsText(cents(o.amount)) };
      });
      // ts as a number: DuckPeer reads numbers as epoch milliseconds
      return { type: 'order', order_id, customer_id, ts: ts as unknown as string, shop, status: r.status as 'paid' | 'refunded', lines };
    }
    case 'refund':
      return { type: 'refund', order_id: text(r, 'order_id') };
    case 'customer': {
      const customer_id = text(r, 'customer_id');
      const a = object(r.attrs, 'attrs');
      const attrs: Record<string, string | number | null> = Object.create(null) as Record<string, string | number | null>;
      for (const [name, value] of Object.entries(a)) {
        if (name.length === 0 || !wellFormed(name)) bad('attrs: bad attribute name');
        if (value === null) attrs[name] = null;
        else if (typeof value === 'string' && wellFormed(value)) attrs[name] = value;
        else if (typeof value === 'number' && Number.isFinite(value)) attrs[name] = value + 0;
        else bad(`attrs.${name}: not a string, finite number or null`);
      }
      return { type: 'customer', customer_id, attrs } as unknown as GenRecord;
    }
    case 'tag': {
      const customer_id = text(r, 'customer_id');
      const tag = text(r, 'tag');
      if (r.op !== 'add' && r.op !== 'remove') bad(`op: ${String(r.op)}`);
      return { type: 'tag', customer_id, tag, op: r.op } as GenRecord;
    }
    default:
      return bad(`type: ${String(r.type)}`);
  }
}

// ------------------------------------------------------------------ NDJSON

function* chunks(file: string, size = 8 << 20): Generator<Buffer> {
  const fd = fs.openSync(file, 'r');
  try {
    for (;;) {
      const buf = Buffer.allocUnsafe(size);
      const n = fs.readSync(fd, buf, 0, size, null);
      if (n === 0) return;
      yield buf.subarray(0, n);
    }
  } finally {
    fs.closeSync(fd);
  }
}

function* ndjsonItems(file: string): Generator<Item> {
  let carry: Buffer | undefined;
  let line = 0;
  const one = (bytes: Buffer): Item | undefined => {
    line++;
    if (line === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    if (/^[ \t\r]*$/.test(bytes.toString('latin1'))) return undefined;
    if (!isUtf8(bytes)) return { error: 'not UTF-8', lines: [line] };
    try {
      return { raw: JSON.parse(bytes.toString('utf8')), lines: [line] };
    } catch (e) {
      return { error: `not JSON: ${(e as Error).message}`, lines: [line] };
    }
  };
  for (const chunk of chunks(file)) {
    const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      const it = one(buf.subarray(start, nl));
      if (it) yield it;
      start = nl + 1;
    }
    carry = start < buf.length ? Buffer.from(buf.subarray(start)) : undefined;
  }
  if (carry) {
    const it = one(carry);
    if (it) yield it;
  }
}

// ------------------------------------------------------------------ CSV

/** RFC 4180 rows with the physical line each starts on; blank lines skipped; LF, CRLF and CR end a line. */
function* csvRows(file: string): Generator<{ fields: string[]; line: number; error?: string }> {
  const decoder = new StringDecoder('utf8');
  let fields: string[] = [];
  let field = '';
  let state: 'start' | 'plain' | 'quoted' | 'quote' = 'start';
  let line = 1;
  let rowLine = 1;
  let error: string | undefined;
  let first = true;
  let pending: Array<{ fields: string[]; line: number; error?: string }> = [];
  const endRow = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '' && state !== 'quote')) {
      pending.push(error === undefined ? { fields, line: rowLine } : { fields, line: rowLine, error });
    }
    fields = [];
    field = '';
    error = undefined;
    state = 'start';
  };
  let prev = '';
  const feed = (s: string) => {
    for (let i = 0; i < s.length; i++) {
      // fast path: at the start of a row, a whole line without quotes
      if (state === 'start' && field === '' && fields.length === 0 && !(s[i] === '\n' && prev === '\r')) {
        let j = i;
        for (let ch = s.charCodeAt(j); j < s.length && ch !== 10 && ch !== 13 && ch !== 34; ch = s.charCodeAt(++j));
        if (j < s.length && s.charCodeAt(j) !== 34) {
          const text = s.slice(i, j);
          if (text !== '') pending.push({ fields: text.split(','), line: rowLine });
          prev = s[j]!;
          line++;
          rowLine = line;
          i = j;
          continue;
        }
      }
      const c = s[i]!;
      const p = prev;
      prev = c;
      // LF, CRLF and a lone CR are one line break each, inside quotes too
      const lineBreak = c === '\r' || (c === '\n' && p !== '\r');
      if (state === 'quoted') {
        if (c === '"') state = 'quote';
        else {
          field += c;
          if (lineBreak) line++;
        }
        continue;
      }
      if (c === '\n' && p === '\r') continue; // the row already ended at the CR
      if (c === '"') {
        if (state === 'start') state = 'quoted';
        else if (state === 'quote') {
          field += '"';
          state = 'quoted';
        } else {
          error ??= 'a quote inside an unquoted field';
          field += c;
        }
        continue;
      }
      if (c === ',') {
        fields.push(field);
        field = '';
        state = 'start';
        continue;
      }
      if (lineBreak) {
        endRow();
        line++;
        rowLine = line;
        continue;
      }
      if (state === 'quote') error ??= 'text after a closing quote';
      field += c;
      if (state === 'start') state = 'plain';
    }
  };
  for (let chunk of chunks(file)) {
    if (first) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    feed(decoder.write(chunk));
    yield* pending;
    pending = [];
  }
  feed(decoder.end());
  const end = state as string; // (assigned inside feed)
  if (end === 'quoted') error ??= 'an unclosed quote';
  if (field !== '' || fields.length > 0 || end !== 'start') endRow();
  yield* pending;
}

/** Consecutive rows with one order_id -> one order record (raw values, as NDJSON would hold them). */
class RowGrouper {
  private cur: { first: Row; lines: number[]; rows: Row[]; error?: string } | undefined;

  add(row: Row | undefined, orderId: unknown, line: number, error?: string): Item | undefined {
    const cur = this.cur;
    if (cur && orderId !== undefined && orderId === cur.first.order_id) {
      cur.lines.push(line);
      if (error) cur.error ??= error;
      else if (row) {
        for (const f of ['customer_id', 'ts', 'shop', 'status'] as const) {
          if (!sameValue(f, cur.first[f], row[f])) cur.error ??= `rows of one order disagree on ${f}`;
        }
        cur.rows.push(row);
      }
      return undefined;
    }
    const done = this.flush();
    if (orderId === undefined && error) {
      this.cur = undefined;
      return done ?? { error, lines: [line] }; // (a row without an order_id stands alone)
    }
    this.cur = { first: row ?? ({ order_id: orderId } as Row), lines: [line], rows: row ? [row] : [], ...(error ? { error } : {}) };
    return done;
  }

  flush(): Item | undefined {
    const cur = this.cur;
    this.cur = undefined;
    if (!cur) return undefined;
    if (cur.error) return { error: cur.error, lines: cur.lines };
    const { order_id, customer_id, ts, shop, status } = cur.first;
    return {
      raw: { type: 'order', order_id, customer_id, ts, shop, status, lines: cur.rows.map((r) => ({ sku: r.sku, category: r.category, quantity: r.quantity, amount: r.amount })) },
      lines: cur.lines,
    };
  }
}

function sameValue(f: string, a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (f !== 'ts') return false;
  const ms = (v: unknown): number | undefined => {
    if (typeof v === 'number') return v;
    if (typeof v !== 'string') return undefined;
    const p = parseIsoDateTime(v);
    return p && !p.local ? p.ms : undefined;
  };
  const x = ms(a);
  return x !== undefined && x === ms(b);
}

const tsText = (v: unknown): unknown => (typeof v === 'string' && /^-?[0-9]+$/.test(v) ? Number(v) : v);
const qtyText = (v: unknown): unknown => (typeof v === 'string' && /^[0-9]+$/.test(v) ? Number(v) : v);

function* csvItems(file: string): Generator<Item> {
  let index: number[] | undefined;
  let width = 0;
  const grouper = new RowGrouper();
  for (const { fields, line, error } of csvRows(file)) {
    if (!index) {
      const missing = ORDER_COLUMNS.filter((c) => !fields.includes(c));
      if (missing.length) throw new Error(`${file}: the CSV header lacks ${missing.join(', ')}`);
      index = ORDER_COLUMNS.map((c) => fields.indexOf(c));
      width = fields.length;
      continue;
    }
    const orderId = index[0]! < fields.length ? fields[index[0]!] : undefined;
    let out: Item | undefined;
    if (error !== undefined || fields.length !== width) {
      out = grouper.add(undefined, orderId, line, error ?? `${fields.length} fields, the header has ${width}`);
    } else {
      const row = {} as Row;
      ORDER_COLUMNS.forEach((c, k) => (row[c] = fields[index![k]!]));
      row.ts = tsText(row.ts);
      row.quantity = qtyText(row.quantity);
      out = grouper.add(row, row.order_id, line);
    }
    if (out) yield out;
  }
  const last = grouper.flush();
  if (last) yield last;
}

// ------------------------------------------------------------------ Arrow

function cellReader(col: Col, v: Vector): (i: number) => unknown {
  const type = v.type as DataType;
  const isText = (t: DataType): boolean => DataType.isUtf8(t) || DataType.isLargeUtf8(t) || (DataType.isDictionary(t) && isText(t.dictionary));
  if (DataType.isTimestamp(type)) {
    return (i) => {
      const x = v.get(i) as number | null;
      return x === null ? null : Math.floor(x);
    };
  }
  if (DataType.isDecimal(type)) {
    const data = v.data[0] as Data<Decimal>;
    if (v.data.length !== 1) throw new Error('multi-chunk decimal columns are not supported here');
    const words = data.values as unknown as Uint32Array;
    const stride = data.stride;
    const scale = data.type.scale;
    return (i) => {
      if (!data.getValid(i)) return null;
      let u = 0n;
      for (let w = stride - 1; w >= 0; w--) u = (u << 32n) | BigInt(words[i * stride + w]!);
      if (u >> BigInt(32 * stride - 1)) u -= 1n << BigInt(32 * stride);
      if (u < 0n) return `-${String(-u)}`; // refused as negative
      const digits = String(u).padStart(scale + 1, '0');
      if (scale <= 0) return digits + '0'.repeat(-scale);
      const frac = digits.slice(-scale).replace(/0+$/, '').padEnd(Math.min(2, scale), '0');
      return frac.length ? `${digits.slice(0, -scale)}.${frac}` : digits.slice(0, -scale);
    };
  }
  const get = (i: number): unknown => {
    const x = v.get(i) as unknown;
    return typeof x === 'bigint' && x >= BigInt(Number.MIN_SAFE_INTEGER) && x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : x;
  };
  if (isText(type)) {
    if (col === 'ts') return (i) => tsText(get(i));
    if (col === 'quantity') return (i) => qtyText(get(i));
    return get;
  }
  if (DataType.isInt(type) && !['ts', 'quantity', 'amount'].includes(col)) {
    return (i) => {
      const x = v.get(i) as unknown;
      return typeof x === 'number' || typeof x === 'bigint' ? String(x) : x;
    };
  }
  if (DataType.isFloat(type) && type.precision === 1 /* SINGLE */) {
    return (i) => {
      const x = get(i);
      if (typeof x !== 'number' || !Number.isFinite(x)) return x;
      for (let p = 1; p <= 9; p++) if (Math.fround(Number(x.toPrecision(p))) === x) return Number(x.toPrecision(p));
      return x;
    };
  }
  return get;
}

function* arrowItems(file: string): Generator<Item> {
  const reader = RecordBatchReader.from(fs.readFileSync(file));
  const grouper = new RowGrouper();
  let rowNo = 0;
  for (const batch of reader) {
    const cells = ORDER_COLUMNS.map((c) => {
      const child = batch.getChild(c);
      if (!child) throw new Error(`${file}: the Arrow schema lacks ${c}`);
      return cellReader(c, child);
    });
    for (let i = 0; i < batch.numRows; i++) {
      rowNo++;
      const row = {} as Row;
      ORDER_COLUMNS.forEach((c, k) => (row[c] = cells[k]!(i)));
      const out = grouper.add(row, row.order_id, rowNo);
      if (out) yield out;
    }
  }
  const last = grouper.flush();
  if (last) yield last;
}

// ------------------------------------------------------------------ the stream DuckPeer loads

export function formatOf(file: string): 'ndjson' | 'csv' | 'arrow' {
  const ext = /\.([A-Za-z0-9]+)$/.exec(file)?.[1]?.toLowerCase();
  if (ext === 'ndjson' || ext === 'jsonl') return 'ndjson';
  if (ext === 'csv') return 'csv';
  if (ext === 'arrow' || ext === 'arrows' || ext === 'feather') return 'arrow';
  throw new Error(`${file}: cannot tell the format from the extension (.ndjson, .jsonl, .csv, .arrow)`);
}

export interface ReadOptions {
  /** zone for timestamps without offset (as `ingest --tz`) */
  tz?: string;
  /** file -> lines (rows) of the records the engine refused */
  engineRejected: Map<string, Set<number>>;
  batchSize?: number;
}

/**
 * The files' records in file order, in batches, checked and normalised here,
 * minus every record the engine refused. Fills `stats` as it goes.
 */
export function* independentBatches(files: readonly string[], options: ReadOptions, stats: ReadStats): Generator<GenRecord[]> {
  const size = options.batchSize ?? 10_000;
  const orderIds = new Set<string>();
  let batch: GenRecord[] = [];
  for (const file of files) {
    const rejected = options.engineRejected.get(file) ?? new Set<number>();
    const items = { ndjson: ndjsonItems, csv: csvItems, arrow: arrowItems }[formatOf(file)](file);
    for (const item of items) {
      const refusedByEngine = item.lines.some((l) => rejected.has(l));
      let rec: GenRecord | undefined;
      let reason = item.error;
      if (reason === undefined) {
        try {
          rec = normalise(item.raw, options.tz);
          if (rec.type === 'order' && orderIds.has(rec.order_id)) bad(`order_id ${rec.order_id}: a duplicate`);
          if (rec.type === 'refund' && !orderIds.has(rec.order_id)) bad(`refund of unknown order ${rec.order_id}`);
        } catch (e) {
          if (!(e instanceof Bad)) throw e;
          reason = e.message;
          rec = undefined;
        }
      }
      const line = item.lines[0]!;
      if (refusedByEngine) {
        stats.excluded++;
        if (reason === undefined) stats.engineOnly.push({ file, line, reason: 'accepted by this reader' });
        continue;
      }
      if (reason !== undefined || !rec) {
        stats.hereOnly.push({ file, line, reason: reason ?? 'unreadable' });
        continue;
      }
      stats.records++;
      switch (rec.type) {
        case 'order':
          orderIds.add(rec.order_id);
          stats.orders++;
          stats.lines += rec.lines.length;
          break;
        case 'refund': stats.refunds++; break;
        case 'customer': stats.customerRecords++; break;
        case 'tag': stats.tagEvents++; break;
      }
      batch.push(rec);
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length) yield batch;
}

export function emptyStats(): ReadStats {
  return { records: 0, orders: 0, lines: 0, refunds: 0, customerRecords: 0, tagEvents: 0, excluded: 0, engineOnly: [], hereOnly: [] };
}
