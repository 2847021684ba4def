import { DataType, makeVector, Precision, TimeUnit, Type, type Data, type Decimal, type Timestamp } from 'apache-arrow';
import { quantityFromText, tsFromText, type OrderRowColumn } from './group-order-rows.js';

/**
 * Arrow cells -> the raw JS values record validation understands, per
 * contract column. Strings stay strings; integers become numbers (bigint
 * only beyond 2^53, which validation then refuses); Timestamps (any unit,
 * with or without a zone: the values count from the Unix epoch in UTC)
 * become epoch milliseconds, floored; Decimals become exact decimal text.
 */

type Kind = 'text' | 'ts' | 'quantity' | 'amount';

const KIND: Record<OrderRowColumn, Kind> = {
  order_id: 'text', customer_id: 'text', ts: 'ts', shop: 'text', status: 'text',
  sku: 'text', category: 'text', quantity: 'quantity', amount: 'amount',
};

const EXPECTED: Record<Kind, string> = {
  text: 'Utf8 (or an integer type)',
  ts: 'Utf8, an integer or float of epoch ms, or Timestamp',
  quantity: 'an integer type, Float or Utf8',
  amount: 'Utf8, Float, an integer type or Decimal',
};

function isText(t: DataType | undefined): boolean {
  if (!t) return false; // a damaged dictionary type without its value type
  if (DataType.isDictionary(t)) return isText(t.dictionary);
  return DataType.isUtf8(t) || DataType.isLargeUtf8(t) || DataType.isUtf8View(t);
}

/** Why a column of this type cannot be read, or undefined when it can. */
export function unsupportedColumn(name: OrderRowColumn, type: DataType): string | undefined {
  const kind = KIND[name];
  const ok =
    isText(type) ||
    DataType.isInt(type) ||
    (kind !== 'text' && DataType.isFloat(type)) ||
    (kind === 'ts' && DataType.isTimestamp(type)) ||
    (kind === 'amount' && DataType.isDecimal(type));
  return ok ? undefined : `column ${name} has Arrow type ${typeName(type)}; expected ${EXPECTED[kind]}`;
}

/**
 * A type's name for a message. Never String(type) unguarded: the library's
 * toString of a damaged nested type (a LargeList without its child field)
 * throws a TypeError (fuzz finding F4).
 */
function typeName(type: DataType): string {
  try {
    return String(type);
  } catch {
    const id = (type as { typeId?: unknown } | undefined)?.typeId;
    const name = typeof id === 'number' ? Type[id] : undefined;
    return name ? `${name} (damaged: its child types are missing)` : 'of an unknown kind';
  }
}

/** Reads cell i of one batch's column data. */
export function columnReader(col: { name: OrderRowColumn; type: DataType }, data: Data): (i: number) => unknown {
  const kind = KIND[col.name];
  const type = data.type as DataType;
  if (DataType.isTimestamp(type)) return timestampReader(data as Data<Timestamp>);
  if (DataType.isDecimal(type)) return decimalReader(data as Data<Decimal>);
  const vector = makeVector(data);
  const get = (i: number): unknown => vector.get(i);
  if (isText(type)) {
    if (kind === 'ts') return (i) => tsFromText(get(i));
    if (kind === 'quantity') return (i) => quantityFromText(get(i));
    return get;
  }
  if (DataType.isInt(type)) {
    // ids written as integers are their decimal text, as in a CSV file
    if (kind === 'text') return (i) => textOfInt(get(i));
    return (i) => safeNumber(get(i));
  }
  if (DataType.isFloat(type) && type.precision === Precision.SINGLE) return (i) => shortestFloat32(get(i));
  return get;
}

function textOfInt(v: unknown): unknown {
  return typeof v === 'number' || typeof v === 'bigint' ? String(v) : v;
}

function safeNumber(v: unknown): unknown {
  if (typeof v !== 'bigint') return v;
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/**
 * The shortest decimal that is this float32: a Float32 column holding 0.1
 * yields 0.1, not 0.10000000149011612 (which has more than 2 decimals).
 */
function shortestFloat32(v: unknown): unknown {
  if (typeof v !== 'number' || !Number.isFinite(v)) return v;
  for (let p = 1; p <= 9; p++) {
    const d = Number(v.toPrecision(p));
    if (Math.fround(d) === v) return d;
  }
  return v;
}

const PER_MS: Record<number, bigint> = {
  [TimeUnit.MICROSECOND]: 1000n,
  [TimeUnit.NANOSECOND]: 1_000_000n,
};

function timestampReader(data: Data<Timestamp>): (i: number) => unknown {
  const values = data.values as unknown as BigInt64Array;
  const unit = data.type.unit;
  return (i) => {
    if (!data.getValid(i)) return null;
    const v = values[i]!;
    let ms: bigint;
    if (unit === TimeUnit.SECOND) ms = v * 1000n;
    else if (unit === TimeUnit.MILLISECOND) ms = v;
    else {
      const d = PER_MS[unit]!;
      ms = v / d;
      if (v % d < 0n) ms -= 1n; // floor, not truncation, before 1970
    }
    return safeNumber(ms);
  };
}

function decimalReader(data: Data<Decimal>): (i: number) => unknown {
  const words = data.values as unknown as Uint32Array;
  const stride = data.stride;
  const bits = BigInt(32 * stride);
  const { scale } = data.type;
  return (i) => {
    if (!data.getValid(i)) return null;
    let unscaled = 0n;
    for (let w = stride - 1; w >= 0; w--) unscaled = (unscaled << 32n) | BigInt(words[i * stride + w]!);
    if (unscaled >> (bits - 1n)) unscaled -= 1n << bits; // two's complement
    return decimalText(unscaled, scale);
  };
}

/** unscaled * 10^-scale as plain decimal text, zeros past the 2nd decimal dropped (1.000 is 1.00). */
export function decimalText(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  let out: string;
  if (scale <= 0) {
    out = unscaled === 0n ? '0' : digits + '0'.repeat(-scale);
  } else {
    digits = digits.padStart(scale + 1, '0');
    let frac = digits.slice(-scale);
    while (frac.length > 2 && frac.endsWith('0')) frac = frac.slice(0, -1);
    out = `${digits.slice(0, -scale)}.${frac}`;
  }
  return negative ? `-${out}` : out;
}
