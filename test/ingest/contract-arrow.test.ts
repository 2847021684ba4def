import fs from 'node:fs';
import {
  Float64,
  Int32,
  Int64,
  makeData,
  makeVector,
  Table,
  tableToIPC,
  TimestampMicrosecond,
  TimestampMillisecond,
  TimestampNanosecond,
  TimestampSecond,
  Utf8,
  vectorFromArray,
  type DataType,
  type Vector,
} from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';
import { ingestFile } from '../../src/engine/ingest-file.js';
import { validateRecord } from '../../src/ingest/validate-record.js';
import type { OrderRecord } from '../../src/model/records.js';
import { cleanTmp, collect, firstError, records, tmpDir, writeFile } from './contract-helpers.js';

afterAll(cleanTmp);

const TS_TEXT = '2026-11-11T00:03:12+08:00';
const TS_MS = Date.UTC(2026, 10, 10, 16, 3, 12);

interface Rows {
  order_id: string[];
  customer_id: string[];
  ts: unknown[];
  shop: string[];
  status: string[];
  sku: string[];
  category: string[];
  quantity: unknown[];
  amount: unknown[];
}

function utf8(values: Array<string | null>): Vector {
  return vectorFromArray(values, new Utf8());
}

function bigints(values: Array<bigint>, type: DataType): Vector {
  return makeVector(makeData({ type, length: values.length, nullCount: 0, data: BigInt64Array.from(values) } as never));
}

/** A table of order lines; columns default to Utf8, quantity to Int32. */
function table(rows: Rows, types: { ts?: (v: unknown[]) => Vector; quantity?: (v: unknown[]) => Vector; amount?: (v: unknown[]) => Vector } = {}, drop: string[] = []): Table {
  const cols: Record<string, Vector> = {
    order_id: utf8(rows.order_id),
    customer_id: utf8(rows.customer_id),
    ts: types.ts ? types.ts(rows.ts) : utf8(rows.ts as string[]),
    shop: utf8(rows.shop),
    status: utf8(rows.status),
    sku: utf8(rows.sku),
    category: utf8(rows.category),
    quantity: types.quantity ? types.quantity(rows.quantity) : vectorFromArray(rows.quantity as number[], new Int32()),
    amount: types.amount ? types.amount(rows.amount) : utf8(rows.amount as string[]),
  };
  for (const d of drop) delete cols[d];
  return new Table(cols);
}

function rows(n: number, patch: Partial<Rows> = {}): Rows {
  const r: Rows = {
    order_id: Array.from({ length: n }, (_, i) => `T${i + 1}`),
    customer_id: Array.from({ length: n }, (_, i) => `c${i + 1}`),
    ts: Array.from({ length: n }, () => TS_TEXT),
    shop: Array.from({ length: n }, () => 'tmall'),
    status: Array.from({ length: n }, () => 'paid'),
    sku: Array.from({ length: n }, () => 'A'),
    category: Array.from({ length: n }, () => '鞋'),
    quantity: Array.from({ length: n }, () => 1),
    amount: Array.from({ length: n }, () => '299.00'),
  };
  return { ...r, ...patch };
}

function arrowFile(t: Table, format: 'file' | 'stream', name = 'orders.arrow'): string {
  return writeFile(name, tableToIPC(t, format));
}

/** Orders of a file, validated as ingest would. */
async function orders(file: string): Promise<OrderRecord[]> {
  return (await records(file)).map((r) => validateRecord(r) as OrderRecord);
}

describe('Arrow reader (contract)', () => {
  for (const format of ['file', 'stream'] as const) {
    it(`reads the ${format} format with Utf8 columns like CSV`, async () => {
      const f = arrowFile(table(rows(3, { amount: ['299.00', '0.5', '7'] })), format);
      const { items } = await collect(f);
      expect(items.map((i) => i.line)).toEqual([1, 2, 3]);
      expect(items[0]!.raw).toEqual({
        type: 'order', order_id: 'T1', customer_id: 'c1', ts: TS_TEXT, shop: 'tmall', status: 'paid',
        lines: [{ sku: 'A', category: '鞋', quantity: 1, amount: '299.00' }],
      });
      expect((await orders(f)).map((o) => [o.ts, o.lines[0]!.amountCents])).toEqual([[TS_MS / 1000, 29900], [TS_MS / 1000, 50], [TS_MS / 1000, 700]]);
    });
  }

  it('ts as Int64 epoch milliseconds', async () => {
    const t = table(rows(2), { ts: () => bigints([BigInt(TS_MS + 999), -1n], new Int64()) });
    expect((await orders(arrowFile(t, 'file'))).map((o) => o.ts)).toEqual([TS_MS / 1000, -1]);
  });

  it('ts as Utf8 epoch milliseconds text', async () => {
    const t = table(rows(1, { ts: [String(TS_MS)] }));
    expect((await orders(arrowFile(t, 'stream'))).map((o) => o.ts)).toEqual([TS_MS / 1000]);
  });

  it('ts as Timestamp columns of every unit', async () => {
    const cases: Array<[string, DataType, bigint[]]> = [
      ['second', new TimestampSecond(), [BigInt(TS_MS / 1000)]],
      ['millisecond', new TimestampMillisecond(), [BigInt(TS_MS + 250)]],
      ['microsecond', new TimestampMicrosecond(), [BigInt(TS_MS) * 1000n]],
      ['nanosecond', new TimestampNanosecond(), [BigInt(TS_MS) * 1_000_000n]],
    ];
    for (const [unit, type, values] of cases) {
      const t = table(rows(1), { ts: () => bigints(values, type) });
      expect((await orders(arrowFile(t, 'file', `ts-${unit}.arrow`))).map((o) => o.ts), unit).toEqual([TS_MS / 1000]);
    }
  });

  it('Timestamp microsecond/nanosecond values with sub-millisecond parts are floored to the second', async () => {
    // pandas and pyarrow write timestamp[ns] / timestamp[us] by default
    const cases: Array<[string, DataType, bigint[]]> = [
      ['us', new TimestampMicrosecond(), [BigInt(TS_MS) * 1000n + 123_456n, -1_500n]],
      ['ns', new TimestampNanosecond(), [BigInt(TS_MS) * 1_000_000n + 999_999_999n, -1_500_000n]],
    ];
    for (const [unit, type, values] of cases) {
      const t = table(rows(2), { ts: () => bigints(values, type) });
      const c = await collect(arrowFile(t, 'file', `sub-${unit}.arrow`));
      const result = c.items.map((i) => {
        try {
          return (validateRecord(i.raw) as OrderRecord).ts;
        } catch (e) {
          return (e as Error).message;
        }
      });
      expect(result, unit).toEqual([TS_MS / 1000, -1]);
    }
  });

  it('Float64 amounts and Int64 quantities', async () => {
    const t = table(rows(4), {
      amount: () => vectorFromArray([299.99, 0.29, 5, 0], new Float64()),
      quantity: () => bigints([1n, 2n, 3n, 4n], new Int64()),
    });
    const got = await orders(arrowFile(t, 'file'));
    expect(got.map((o) => [o.lines[0]!.quantity, o.lines[0]!.amountCents])).toEqual([[1, 29999], [2, 29], [3, 500], [4, 0]]);
  });

  it('a Float64 amount that is not exactly 2 decimals (0.1 + 0.2) is refused', async () => {
    const t = table(rows(1), { amount: () => vectorFromArray([0.1 + 0.2], new Float64()) });
    const { items } = await collect(arrowFile(t, 'file'));
    expect(items).toHaveLength(1);
    // refused by the reader, or by validation as ingest applies it
    const reason = items[0]!.error?.message ?? (() => {
      try {
        validateRecord(items[0]!.raw);
        return 'accepted';
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(reason).toMatch(/E_BAD_RECORD.*amount/);
  });

  it('groups the rows of one order across record batches; rows are numbered over the file', async () => {
    const a = table(rows(3, { order_id: ['T1', 'T2', 'T2'], customer_id: ['c1', 'c2', 'c2'], sku: ['A', 'A', 'B'] }));
    const b = table(rows(3, { order_id: ['T2', 'T3', 'T3'], customer_id: ['c2', 'c3', 'c3'], sku: ['C', 'A', 'B'] }));
    const c = table(rows(1, { order_id: ['T3'], customer_id: ['c3'], sku: ['C'] }));
    const t = a.concat(b, c);
    expect(t.batches.length).toBe(3);
    for (const format of ['file', 'stream'] as const) {
      const { items } = await collect(arrowFile(t, format, `batches-${format}.arrow`));
      expect(items.map((i) => [i.line, i.raw?.order_id, (i.raw?.lines as Array<{ sku: string }>).map((l) => l.sku)])).toEqual([
        [1, 'T1', ['A']],
        [2, 'T2', ['A', 'B', 'C']],
        [5, 'T3', ['A', 'B', 'C']],
      ]);
    }
  });

  it('rows of one order that disagree (across a batch boundary) are E_BAD_RECORD', async () => {
    const a = table(rows(2, { order_id: ['T1', 'T2'], customer_id: ['c1', 'c2'] }));
    const b = table(rows(2, { order_id: ['T2', 'T3'], customer_id: ['c9', 'c3'] }));
    const { items } = await collect(arrowFile(a.concat(b), 'file'));
    expect(items.map((i) => i.error?.code ?? i.raw?.order_id)).toEqual(['T1', 'E_BAD_RECORD', 'T3']);
    expect(items[1]!.error!.message).toContain('customer_id');
  });

  it('a schema without a required column is E_BAD_RECORD', async () => {
    const c = await collect(arrowFile(table(rows(2), {}, ['amount']), 'file'));
    const err = firstError(c);
    expect(err?.code).toBe('E_BAD_RECORD');
    expect(err?.message).toContain('amount');
    expect(c.items.filter((i) => i.raw)).toEqual([]);
  });

  it('a file that is not Arrow is E_BAD_RECORD', async () => {
    const err = firstError(await collect(writeFile('fake.arrow', 'order_id,customer_id\nT1,c1\n')));
    expect(err?.code).toBe('E_BAD_RECORD');
  });

  it('null cells are bad records naming the field; later rows still read', async () => {
    const tbl = table(rows(3));
    const withNull = new Table({
      order_id: utf8(['T1', 'T2', 'T3']),
      customer_id: utf8(['c1', null, 'c3']),
      ts: tbl.getChild('ts')!,
      shop: tbl.getChild('shop')!,
      status: tbl.getChild('status')!,
      sku: tbl.getChild('sku')!,
      category: tbl.getChild('category')!,
      quantity: tbl.getChild('quantity')!,
      amount: tbl.getChild('amount')!,
    });
    const dir = tmpDir();
    const f = writeFile('nulls.arrow', tableToIPC(withNull, 'file'));
    const engine = await Engine.open({ dir, shards: 1 });
    const skipped: string[] = [];
    const report = await ingestFile(engine, f, { skipBad: true, onSkip: (e) => skipped.push(`${e.where.line}:${e.message}`) });
    expect(report).toMatchObject({ records: 2, skipped: 1 });
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatch(/^2:.*customer_id/);
    await engine.close();
  });

  it('reports progress up to the file size', async () => {
    const f = arrowFile(table(rows(50)), 'file');
    const { progress } = await collect(f);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.at(-1)).toEqual([fs.statSync(f).size, fs.statSync(f).size]);
  });
});
