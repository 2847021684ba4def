import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../src/gen/generate.js';
import type { GenOrderRecord } from '../../src/gen/records.js';
import { writeArrow } from '../../src/gen/write-arrow.js';
import { writeCsv } from '../../src/gen/write-csv.js';
import { writeNdjson } from '../../src/gen/write-ndjson.js';
import { formatForPath, writeRecords } from '../../src/gen/write-records.js';
import { AMOUNT, ISO_TS } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'shandian-gen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = ['order_id', 'customer_id', 'ts', 'shop', 'status', 'sku', 'category', 'quantity', 'amount'];

/** A small, independent RFC 4180 parser: quoted fields, doubled quotes, CRLF or LF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      i++;
      continue;
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
    i++;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** The rows the tabular writers should produce for generated records. */
function expectedRows(opts: { orders: number; seed?: number }): string[][] {
  const recs = [...generate(opts)];
  const refunded = new Set(recs.flatMap((r) => (r.type === 'refund' ? [r.order_id] : [])));
  return recs
    .filter((r): r is GenOrderRecord => r.type === 'order')
    .flatMap((o) =>
      o.lines.map((l) => [
        o.order_id, o.customer_id, o.ts, o.shop, refunded.has(o.order_id) ? 'refunded' : o.status,
        l.sku, l.category, String(l.quantity), l.amount,
      ]),
    );
}

describe('writeNdjson', () => {
  it('writes one parsable contract record per line', async () => {
    const path = join(dir, 'a.ndjson');
    const progress: number[] = [];
    const res = await writeNdjson(path, generate({ orders: 3000, seed: 5 }), (p) => progress.push(p.records));
    const text = readFileSync(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    const recs = [...generate({ orders: 3000, seed: 5 })];
    expect(lines).toHaveLength(recs.length);
    expect(res.records).toBe(recs.length);
    expect(res.bytes).toBe(Buffer.byteLength(text));
    expect(progress.at(-1)).toBe(recs.length);
    lines.forEach((line, i) => expect(JSON.parse(line)).toEqual(JSON.parse(JSON.stringify(recs[i]))));
  });

  it('accepts async iterables and escapes arbitrary strings', async () => {
    const path = join(dir, 'b.jsonl');
    const weird = { type: 'customer', customer_id: 'a"b\\c\n鞋', attrs: { note: '\u0001', city: '厦门' } };
    async function* src() {
      yield weird;
      yield { type: 'tag', customer_id: 'x', tag: 'vip', op: 'add' };
    }
    await writeNdjson(path, src());
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([weird, { type: 'tag', customer_id: 'x', tag: 'vip', op: 'add' }]);
  });
});

describe('writeCsv', () => {
  it('writes order lines with the contract header; later refunds become status refunded', async () => {
    const path = join(dir, 'a.csv');
    const res = await writeCsv(path, generate({ orders: 4000, seed: 9 }));
    const rows = parseCsv(readFileSync(path, 'utf8'));
    expect(rows[0]).toEqual(HEADER);
    const body = rows.slice(1);
    expect(body).toEqual(expectedRows({ orders: 4000, seed: 9 }));
    expect(res.records).toBeGreaterThan(4000);
    let problems = 0;
    for (const r of body) {
      if (r.length !== 9 || !ISO_TS.test(r[2]!) || !AMOUNT.test(r[8]!) || !(Number(r[7]) >= 1)) problems++;
    }
    expect(problems).toBe(0);
    expect(body.some((r) => r[4] === 'refunded')).toBe(true);
  });

  it('quotes fields per RFC 4180 and honours a refund right after its order', async () => {
    const path = join(dir, 'b.csv');
    const order = {
      type: 'order', order_id: 'o,1', customer_id: 'say "hi"', ts: 1767196800000, shop: 'line\nbreak',
      status: 'paid', lines: [{ sku: 'A', category: '鞋', quantity: 2, amount: 12.5 }, { sku: 'B', category: 'x', quantity: 1, amount: '0' }],
    };
    await writeCsv(path, [order, { type: 'customer', customer_id: 'z', attrs: {} }, { type: 'refund', order_id: 'o,1' }]);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('"o,1","say ""hi"""');
    expect(parseCsv(text).slice(1)).toEqual([
      ['o,1', 'say "hi"', '1767196800000', 'line\nbreak', 'refunded', 'A', '鞋', '2', '12.5'],
      ['o,1', 'say "hi"', '1767196800000', 'line\nbreak', 'refunded', 'B', 'x', '1', '0'],
    ]);
  });

  it('refuses a refund it can no longer express', async () => {
    await expect(writeCsv(join(dir, 'c.csv'), [{ type: 'refund', order_id: 'nope' }])).rejects.toThrow(/refund/);
    await expect(writeCsv(join(dir, 'd.csv'), [{ type: 'bogus' }])).rejects.toThrow(/unknown record type/);
  });
});

describe('writeArrow', () => {
  it('writes an Arrow IPC file with the CSV columns in ~64k-row batches', async () => {
    const path = join(dir, 'a.arrow');
    await writeArrow(path, generate({ orders: 50_000, seed: 4 }));
    const table = tableFromIPC(readFileSync(path));
    expect(table.schema.fields.map((f) => f.name)).toEqual(HEADER);
    expect(table.schema.fields.map((f) => String(f.type))).toEqual(['Utf8', 'Utf8', 'Utf8', 'Utf8', 'Utf8', 'Utf8', 'Utf8', 'Int32', 'Utf8']);
    const expected = expectedRows({ orders: 50_000, seed: 4 });
    expect(table.numRows).toBe(expected.length);
    expect(table.batches.length).toBeGreaterThanOrEqual(2);
    for (const b of table.batches) expect(b.numRows).toBeLessThanOrEqual(65536 + 1024);
    const cols = HEADER.map((h) => table.getChild(h)!.toArray() as ArrayLike<unknown>);
    let mismatches = 0;
    for (let i = 0; i < expected.length; i++) {
      for (let c = 0; c < 9; c++) if (String(cols[c]![i]) !== expected[i]![c]) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('keeps non-ASCII text and writes a valid empty file', async () => {
    const path = join(dir, 'b.arrow');
    await writeArrow(path, [
      { type: 'order', order_id: '订单1', customer_id: 'c1', ts: '2026-11-11T00:00:00+08:00', shop: '天猫', status: 'paid',
        lines: [{ sku: 'S1', category: '鞋子', quantity: 3, amount: '1.50' }] },
    ]);
    const t = tableFromIPC(readFileSync(path));
    expect(t.numRows).toBe(1);
    expect(t.get(0)!.toJSON()).toEqual({
      order_id: '订单1', customer_id: 'c1', ts: '2026-11-11T00:00:00+08:00', shop: '天猫', status: 'paid',
      sku: 'S1', category: '鞋子', quantity: 3, amount: '1.50',
    });
    const empty = join(dir, 'c.arrow');
    await writeArrow(empty, [{ type: 'tag', customer_id: 'x', tag: 'vip', op: 'add' }]);
    const e = tableFromIPC(readFileSync(empty));
    expect(e.numRows).toBe(0);
    expect(e.schema.fields.map((f) => f.name)).toEqual(HEADER);
  });
});

describe('writeRecords', () => {
  it('picks the format from the extension', async () => {
    expect(formatForPath('x.ndjson')).toBe('ndjson');
    expect(formatForPath('x.JSONL')).toBe('ndjson');
    expect(formatForPath('x.csv')).toBe('csv');
    expect(formatForPath('x.arrow')).toBe('arrow');
    expect(formatForPath('x.parquet')).toBeUndefined();
    for (const ext of ['ndjson', 'jsonl', 'csv', 'arrow']) {
      const path = join(dir, `w.${ext}`);
      const res = await writeRecords(path, generate({ orders: 200 }));
      expect(res.bytes).toBeGreaterThan(0);
      expect(readFileSync(path).byteLength).toBe(res.bytes);
    }
    await expect(writeRecords(join(dir, 'w.txt'), [])).rejects.toThrow(/format/);
  });
});
