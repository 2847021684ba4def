import fs from 'node:fs';
import {
  Bool,
  Decimal,
  Dictionary,
  Float32,
  Float64,
  Int32,
  Int64,
  makeData,
  makeVector,
  Table,
  TimestampMicrosecond,
  TimestampMillisecond,
  TimestampNanosecond,
  TimestampSecond,
  Utf8,
  vectorFromArray,
  tableToIPC,
  type Vector,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { decimalText } from '../../src/ingest/arrow-cells.js';
import { readArrow } from '../../src/ingest/read-arrow.js';
import { validateRecord } from '../../src/ingest/validate-record.js';
import { ShandianError } from '../../src/model/errors.js';
import { collect, rawOrder, tmpDir, writeFile } from './helpers.js';

const dir = tmpDir();
const T = '2026-11-11T00:00:00+08:00';
const COLS = ['order_id', 'customer_id', 'ts', 'shop', 'status', 'sku', 'category', 'quantity', 'amount'] as const;

type Rows = Array<[string, string, unknown, string, string, string, string, unknown, unknown]>;

const utf8 = (values: unknown[]) => vectorFromArray(values as string[], new Utf8());

/** A table with the contract columns; `types` overrides a column's vector. */
function orders(rows: Rows, vectors: Partial<Record<(typeof COLS)[number], Vector>> = {}): Table {
  const cols: Record<string, Vector> = {};
  COLS.forEach((c, k) => (cols[c] = vectors[c] ?? utf8(rows.map((r) => r[k]))));
  return new Table(cols);
}

function write(table: Table, format: 'file' | 'stream' = 'file'): string {
  return writeFile(dir, 'arrow', tableToIPC(table, format));
}

const row = (id: string, sku = 'A', amount: unknown = '1.00', over: Partial<Record<string, unknown>> = {}): Rows[number] => [
  id, (over.customer_id as string) ?? 'c1', over.ts ?? T, (over.shop as string) ?? 'jd', (over.status as string) ?? 'paid', sku, 'shoes', over.quantity ?? '1', amount,
];

describe('readArrow', () => {
  for (const format of ['file', 'stream'] as const) {
    it(`round-trips the ${format} format, grouping rows into orders with row numbers`, async () => {
      const file = write(orders([row('T1'), row('T1', 'B', '2.50'), row('T2')]), format);
      const { items, thrown } = await collect(readArrow(file));
      expect(thrown).toBeUndefined();
      expect(items).toEqual([
        { raw: rawOrder('T1', [['A', 'shoes', 1, '1.00'], ['B', 'shoes', 1, '2.50']]), line: 1 },
        { raw: rawOrder('T2', [['A', 'shoes', 1, '1.00']]), line: 3 },
      ]);
    });

    it(`groups an order across batches (${format})`, async () => {
      const a = orders([row('T1'), row('T2')]);
      const b = orders([row('T2', 'B'), row('T3')]);
      const file = write(new Table([...a.batches, ...b.batches]), format);
      const { items } = await collect(readArrow(file));
      expect(items.map((i) => ['raw' in i ? [i.raw.order_id, (i.raw.lines as unknown[]).length] : i.error, i.line])).toEqual([
        [['T1', 1], 1],
        [['T2', 2], 2],
        [['T3', 1], 4],
      ]);
    });
  }

  it('reads typed columns: integer/float/Timestamp ts, numeric quantity, Float/Decimal/Int amount', async () => {
    const n = 4;
    const ms = [1794326400000, 1794326400999, -1, 0];
    const tsVectors: Record<string, Vector> = {
      int64: makeVector(BigInt64Array.from(ms.map(BigInt))),
      float64: vectorFromArray(ms, new Float64()),
      sec: makeVector(makeData({ type: new TimestampSecond(), data: BigInt64Array.from(ms.map((m) => BigInt(Math.floor(m / 1000)))) })),
      milli: makeVector(makeData({ type: new TimestampMillisecond(), data: BigInt64Array.from(ms.map(BigInt)) })),
      micro: makeVector(makeData({ type: new TimestampMicrosecond(), data: BigInt64Array.from(ms.map((m) => BigInt(m) * 1000n + 999n)) })),
      nano: makeVector(makeData({ type: new TimestampNanosecond('UTC'), data: BigInt64Array.from(ms.map((m) => BigInt(m) * 1_000_000n + 1n)) })),
    };
    for (const [name, ts] of Object.entries(tsVectors)) {
      const table = orders(Array.from({ length: n }, (_, i) => row(`T${i}`)), {
        ts,
        quantity: vectorFromArray([1, 2, 3, 4], new Int32()),
        amount: vectorFromArray([0.29, 1.1, 0, 299], new Float64()),
      });
      const { items } = await collect(readArrow(write(table)));
      const got = items.map((i) => validateRecord((i as { raw: object }).raw));
      expect(got.map((r) => r.type === 'order' && r.ts), name).toEqual(ms.map((m) => Math.floor(m / 1000)));
      expect(got.map((r) => r.type === 'order' && [r.lines[0]!.quantity, r.lines[0]!.amountCents]), name).toEqual([
        [1, 29],
        [2, 110],
        [3, 0],
        [4, 29900],
      ]);
    }
  });

  it('floors sub-millisecond Timestamps before 1970', async () => {
    const table = orders([row('T1')], {
      ts: makeVector(makeData({ type: new TimestampNanosecond(), data: BigInt64Array.from([-1n]) })),
    });
    const { items } = await collect(readArrow(write(table)));
    expect(items[0]).toMatchObject({ raw: { ts: -1 } });
  });

  it('reads Float32 amounts as their shortest decimal', async () => {
    const table = orders([row('T1'), row('T2'), row('T3')], { amount: vectorFromArray([0.1, 19.99, 0.125], new Float32()) });
    const { items } = await collect(readArrow(write(table)));
    expect(items).toEqual([
      { raw: rawOrder('T1', [['A', 'shoes', 1, 0.1]]), line: 1 },
      { raw: rawOrder('T2', [['A', 'shoes', 1, 19.99]]), line: 2 },
      { error: 'E_BAD_RECORD 3: order "T3": amount: 0.125 has more than 2 decimals', line: 3 },
    ]);
  });

  it('reads Decimal amounts exactly, any scale', async () => {
    // unscaled values, little-endian 32-bit words of a 128-bit two's complement integer
    const words = (values: bigint[]) => {
      const out = new Uint32Array(values.length * 4);
      values.forEach((v, i) => {
        let u = BigInt.asUintN(128, v);
        for (let w = 0; w < 4; w++, u >>= 32n) out[i * 4 + w] = Number(u & 0xffffffffn);
      });
      return out;
    };
    const dec = (scale: number, values: bigint[]) => makeVector(makeData({ type: new Decimal(scale, 38, 128), data: words(values) }));
    const rows = [row('T1'), row('T2'), row('T3'), row('T4')];
    const cases: Array<[Vector, unknown[]]> = [
      [dec(2, [29900n, 1n, 0n, 123456789012n]), ['299.00', '0.01', '0.00', '1234567890.12']],
      [dec(3, [1000n, 1005n, 10n, -1000n]), ['1.00', '1.005', '0.01', '-1.00']],
      [dec(0, [5n, 0n, 7n, 1n]), ['5', '0', '7', '1']],
      [dec(-2, [5n, 0n, 7n, 1n]), ['500', '0', '700', '100']],
    ];
    for (const [amount, want] of cases) {
      const { items } = await collect(readArrow(write(orders(rows, { amount }))));
      expect(items.map((i) => ('raw' in i ? (i.raw.lines as Array<{ amount: unknown }>)[0]!.amount : i.error.replace(/^.*amount: /, '')))).toEqual(
        want.map((w) => (w === '1.005' ? '"1.005" has more than 2 decimals' : w === '-1.00' ? '"-1.00" is negative' : w)),
      );
    }
  });

  it('decimalText', () => {
    expect(decimalText(12345n, 2)).toBe('123.45');
    expect(decimalText(5n, 4)).toBe('0.0005');
    expect(decimalText(50000n, 4)).toBe('5.00');
    expect(decimalText(-5n, 1)).toBe('-0.5');
    expect(decimalText(12n, -3)).toBe('12000');
    expect(decimalText(0n, 3)).toBe('0.00');
  });

  it('reads dictionary-encoded strings and integer ids', async () => {
    const shops = vectorFromArray(['jd', 'tmall', 'jd'], new Dictionary(new Utf8(), new Int32()));
    const ids = makeVector(BigInt64Array.from([9007199254740993n, 2n, 3n]));
    const table = orders([row('x'), row('x'), row('x')], { shop: shops, order_id: ids, customer_id: vectorFromArray([7, 8, 9], new Int32()) });
    const { items } = await collect(readArrow(write(table)));
    expect(items.map((i) => 'raw' in i && [i.raw.order_id, i.raw.customer_id, i.raw.shop])).toEqual([
      ['9007199254740993', '7', 'jd'],
      ['2', '8', 'tmall'],
      ['3', '9', 'jd'],
    ]);
  });

  it('nulls and out-of-range integers reach validation as such', async () => {
    const table = orders([row('T1'), row('T2')], {
      quantity: vectorFromArray([null, 1], new Int32()),
      ts: makeVector(makeData({ type: new Int64(), data: BigInt64Array.from([0n, 2n ** 62n]) })),
      sku: utf8([null, 'A']),
    });
    const { items } = await collect(readArrow(write(table)));
    expect(items[0]).toEqual({ error: 'E_BAD_RECORD 1: order "T1": sku: must be a non-empty string, got null', line: 1 });
    expect(() => validateRecord((items[1] as { raw: object }).raw)).toThrow(/ts: must be a date-time with offset or integer epoch milliseconds, got 4611686018427387904/);
  });

  it('rows that disagree spoil their order, as in CSV', async () => {
    const file = write(orders([row('T1'), row('T1', 'B', '1', { shop: 'tmall' }), row('T2')]));
    const { items } = await collect(readArrow(file));
    expect(items).toEqual([
      { error: 'E_BAD_RECORD 2: rows of order "T1" disagree on shop: "jd" at line 1, "tmall" at line 2', line: 2 },
      { raw: rawOrder('T2', [['A', 'shoes', 1, '1.00']]), line: 3 },
    ]);
  });

  it('refuses a schema without a contract column, or with one of a type it cannot read', async () => {
    const full = orders([row('T1')]);
    const without = new Table(Object.fromEntries(COLS.filter((c) => c !== 'amount').map((c) => [c, full.getChild(c)!])));
    expect((await collect(readArrow(write(without)))).thrown).toMatchObject({
      code: 'E_BAD_RECORD',
      reason: 'the Arrow schema lacks the column amount',
      where: { line: 1 },
    });
    const boolStatus = orders([row('T1')], { status: vectorFromArray([true], new Bool()) });
    expect((await collect(readArrow(write(boolStatus)))).thrown).toMatchObject({
      code: 'E_BAD_RECORD',
      reason: 'column status has Arrow type Bool; expected Utf8 (or an integer type)',
    });
    const floatTextCol = orders([row('T1')], { sku: vectorFromArray([1.5], new Float64()) });
    expect((await collect(readArrow(write(floatTextCol)))).thrown).toMatchObject({ reason: expect.stringMatching(/^column sku has Arrow type Float64/) });
  });

  it('accepts extra columns', async () => {
    const t = orders([row('T1')]);
    const cols: Record<string, Vector> = { extra: vectorFromArray([1], new Int32()) };
    for (const c of COLS) cols[c] = t.getChild(c)!;
    const { items } = await collect(readArrow(write(new Table(cols))));
    expect(items).toEqual([{ raw: rawOrder('T1', [['A', 'shoes', 1, '1.00']]), line: 1 }]);
  });

  it('an empty table (schema only) yields nothing', async () => {
    expect(await collect(readArrow(write(orders([]), 'stream')))).toEqual({ items: [] });
    expect(await collect(readArrow(write(orders([]), 'file')))).toEqual({ items: [] });
  });

  it.each([
    ['empty', Buffer.alloc(0), 'the file is empty: not Arrow IPC'],
    ['CSV text', Buffer.from('order_id,customer_id\nT1,c1\n'), 'not an Arrow IPC file or stream'],
  ])('refuses a file that is %s', async (_name, bytes, reason) => {
    const { thrown } = await collect(readArrow(writeFile(dir, 'arrow', bytes)));
    expect(thrown).toMatchObject({ code: 'E_BAD_RECORD', reason, where: { line: 1 } });
  });

  it('a truncated stream applies the complete orders before the damage, then fails', async () => {
    const batches = [orders([row('T1'), row('T2')]), orders([row('T2', 'B'), row('T3')]), orders([row('T4')])].flatMap((t) => t.batches);
    const bytes = tableToIPC(new Table(batches), 'stream');
    const cut = bytes.subarray(0, bytes.length - 100);
    const { items, thrown } = await collect(readArrow(writeFile(dir, 'arrow', cut)));
    expect(thrown).toMatchObject({ code: 'E_BAD_RECORD', reason: 'the Arrow file is truncated or not an Arrow IPC file (rows 4-4 are one order that may go on past the damage: not applied)', hint: expect.stringMatching(/write the whole file again/) });
    // T3 (row 4) was open when the damaged batch came: it might have gone on there
    expect(items.map((i) => ('raw' in i ? i.raw.order_id : i.line))).toEqual(['T1', 'T2', 4]);
    expect(items.at(-1)).toMatchObject({ fatal: true });
  });

  it('a file-format file with a damaged footer is refused', async () => {
    const bytes = tableToIPC(orders([row('T1')]), 'file');
    const damaged = Buffer.from(bytes);
    damaged.fill(0xab, damaged.length - 40, damaged.length - 10);
    const { thrown } = await collect(readArrow(writeFile(dir, 'arrow', damaged)));
    expect(thrown).toMatchObject({ code: 'E_BAD_RECORD' });
  });

  it('a truncated file-format file: a plain reason and a hint, not the library\'s TypeError', async () => {
    const bytes = tableToIPC(orders([row('T1'), row('T2')]), 'file');
    for (const cut of [bytes.length - 40, Math.floor(bytes.length / 2), 12]) {
      const file = writeFile(dir, 'arrow', bytes.subarray(0, cut));
      const { thrown } = await collect(readArrow(file));
      expect(thrown).toBeInstanceOf(ShandianError);
      expect(thrown).toMatchObject({ code: 'E_BAD_RECORD', reason: 'the Arrow file is truncated or not an Arrow IPC file', where: { file, line: 1 } });
      expect(thrown!.message).not.toMatch(/Cannot read|null|undefined/);
      expect(thrown!.hint).toMatch(/write the whole file again/);
    }
  });

  it('an empty file and a file of only the magic bytes have a hint', async () => {
    for (const content of ['', 'ARROW1\0\0']) {
      const { thrown } = await collect(readArrow(writeFile(dir, 'arrow', content)));
      expect(thrown).toMatchObject({ code: 'E_BAD_RECORD', where: { line: 1 }, hint: expect.stringMatching(/tableToIPC/) });
      expect(thrown!.message).not.toMatch(/Expected to read/);
    }
  });

  it('reports progress up to the file size', async () => {
    const file = write(orders(Array.from({ length: 100 }, (_, i) => row(`T${i}`))));
    const seen: Array<[number, number]> = [];
    await collect(readArrow(file, { onProgress: (a, b) => seen.push([a, b]) }));
    const size = fs.statSync(file).size;
    expect(seen.at(-1)).toEqual([size, size]);
    expect(seen.every(([a, b]) => a <= b)).toBe(true);
  });
});
