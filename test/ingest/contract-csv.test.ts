/** The CSV input form of contract section 2, read through readRecords. */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvParser } from '../../src/ingest/csv-parser.js';
import { cleanTmp, collect, firstError, HEADER, records, writeFile } from './contract-helpers.js';

afterAll(cleanTmp);

const MiB = 1 << 20;
const TS = '2026-11-11T00:03:12+08:00';

/** One order of the CSV form, as the reader hands it on. */
function csvOrder(id: string, customer: string, lines: Array<[string, string, number, string]>, ts: unknown = TS, shop = 'tmall', status = 'paid') {
  return {
    type: 'order', order_id: id, customer_id: customer, ts, shop, status,
    lines: lines.map(([sku, category, quantity, amount]) => ({ sku, category, quantity, amount })),
  };
}

function csv(rows: string[], eol = '\n'): string {
  return [HEADER, ...rows].join(eol) + eol;
}

const categoryOf = (raw: unknown, i = 0) => ((raw as { lines: Array<{ category: string }> }).lines[i]!.category);

describe('CSV reader (contract)', () => {
  it('groups consecutive rows of one order; the order is located at its first row', async () => {
    const f = writeFile('a.csv', csv([
      `T1,c1,${TS},tmall,paid,A,shoes,1,299.00`,
      `T1,c1,${TS},tmall,paid,B,socks,2,10.50`,
      `T2,c2,${TS},jd,refunded,A,shoes,1,299`,
    ]));
    const { items, thrown } = await collect(f);
    expect(thrown).toBeUndefined();
    expect(items.map((i) => [i.line, i.raw])).toEqual([
      [2, csvOrder('T1', 'c1', [['A', 'shoes', 1, '299.00'], ['B', 'socks', 2, '10.50']])],
      [4, csvOrder('T2', 'c2', [['A', 'shoes', 1, '299']], TS, 'jd', 'refunded')],
    ]);
  });

  it('epoch milliseconds in the ts column become numbers; quantity digits become integers', async () => {
    const recs = await records(writeFile('b.csv', csv(['T1,c1,1731254592123,tmall,paid,A,shoes,12,1'])));
    expect(recs[0]).toMatchObject({ ts: 1731254592123, lines: [{ quantity: 12, amount: '1' }] });
  });

  it('quoted commas, doubled quotes, unicode', async () => {
    const recs = await records(writeFile('c.csv', csv([
      `"T,1","c ""the"" one",${TS},"京东, 厦门",paid,"SKU ""X""",鞋子 😀,1,"15.00"`,
    ])));
    expect(recs).toEqual([csvOrder('T,1', 'c "the" one', [['SKU "X"', '鞋子 😀', 1, '15.00']], TS, '京东, 厦门')]);
  });

  it('embedded newlines (LF and CRLF) inside quotes keep later line numbers right', async () => {
    const f = writeFile('d.csv', csv([
      `T1,c1,${TS},tmall,paid,A,"two\nlines",1,1.00`,
      `T2,c2,${TS},tmall,paid,A,"three\r\nlines\nhere",1,1.00`,
      `T3,c3,${TS},tmall,paid,A,plain,1,1.00`,
      `T4,c4,${TS},tmall,paid,A,plain,1,1.005`,
    ]));
    const { items } = await collect(f);
    expect(items.map((i) => i.line)).toEqual([2, 4, 7, 8]);
    expect(categoryOf(items[0]!.raw)).toBe('two\nlines');
    expect(categoryOf(items[1]!.raw)).toBe('three\r\nlines\nhere');
    // a bad row after them is pinned to its physical line (by the reader, or later by validation at item.line)
    const err = items[3]!.error;
    if (err) expect(err.where.line).toBe(8);
  });

  it('a BOM, CRLF line ends, and a blank last line', async () => {
    const text = '\uFEFF' + csv([`T1,c1,${TS},tmall,paid,A,shoes,1,1.00`, `T2,c2,${TS},tmall,paid,A,shoes,1,2.00`], '\r\n') + '\r\n';
    const { items } = await collect(writeFile('e.csv', text));
    expect(items.map((i) => [i.line, i.raw?.order_id, i.raw?.customer_id])).toEqual([[2, 'T1', 'c1'], [3, 'T2', 'c2']]);
    expect((items[1]!.raw!.lines as Array<{ amount: string }>)[0]!.amount).toBe('2.00');
  });

  it('a BOM before a quoted header', async () => {
    const header = HEADER.split(',').map((c) => `"${c}"`).join(',');
    const recs = await records(writeFile('bomq.csv', `\uFEFF${header}\nT1,c1,${TS},tmall,paid,A,shoes,1,1.00\n`));
    expect(recs.map((r) => r.order_id)).toEqual(['T1']);
  });

  it('a header in another column order, with extra columns', async () => {
    const text = 'amount,note,quantity,category,sku,status,shop,ts,customer_id,order_id,channel\n' +
      `9.90,"hi, there",3,shoes,A,paid,jd,${TS},c1,T1,x\n`;
    expect(await records(writeFile('f.csv', text))).toEqual([csvOrder('T1', 'c1', [['A', 'shoes', 3, '9.90']], TS, 'jd')]);
  });

  it('a header without a required column is E_BAD_RECORD at line 1', async () => {
    for (const missing of ['amount', 'customer_id', 'status']) {
      const header = HEADER.split(',').filter((c) => c !== missing).join(',');
      const c = await collect(writeFile(`g-${missing}.csv`, `${header}\nT1,c1,${TS},tmall,paid,A,shoes,1\n`));
      const err = firstError(c);
      expect(err?.code).toBe('E_BAD_RECORD');
      expect(err?.where.line).toBe(1);
      expect(err?.message).toContain(missing);
      expect(c.items.filter((i) => i.raw)).toEqual([]);
    }
  });

  it('an empty file is E_BAD_RECORD (a header is required)', async () => {
    const err = firstError(await collect(writeFile('empty.csv', '')));
    expect(err?.code).toBe('E_BAD_RECORD');
  });

  it('rows of one order that disagree on customer_id, ts, shop or status: E_BAD_RECORD, and the next order still reads', async () => {
    const cases: Array<[string, string]> = [
      ['customer_id', `T1,c9,${TS},tmall,paid,B,shoes,1,1.00`],
      ['ts', 'T1,c1,2026-11-11T00:03:13+08:00,tmall,paid,B,shoes,1,1.00'],
      ['shop', `T1,c1,${TS},jd,paid,B,shoes,1,1.00`],
      ['status', `T1,c1,${TS},tmall,refunded,B,shoes,1,1.00`],
    ];
    for (const [field, row] of cases) {
      const f = writeFile(`h-${field}.csv`, csv([`T1,c1,${TS},tmall,paid,A,shoes,1,1.00`, row, `T2,c2,${TS},tmall,paid,A,shoes,1,1.00`]));
      const { items } = await collect(f);
      expect(items.length, field).toBe(2);
      expect(items[0]!.error?.code, field).toBe('E_BAD_RECORD');
      expect(items[0]!.error?.message, field).toContain(field);
      expect(items[0]!.error?.where.file).toBe(f);
      expect([2, 3]).toContain(items[0]!.error?.where.line);
      expect(items[1]).toMatchObject({ line: 4, raw: { order_id: 'T2' } });
    }
  });

  it('rows of one id that are not adjacent: the later ones are refused, naming both lines', async () => {
    const { items } = await collect(writeFile('i.csv', csv([
      `T1,c1,${TS},tmall,paid,A,shoes,1,1.00`,
      `T2,c2,${TS},tmall,paid,A,shoes,1,1.00`,
      `T1,c1,${TS},tmall,paid,B,shoes,1,1.00`,
      `T1,c1,${TS},tmall,paid,C,shoes,1,1.00`,
      `T3,c3,${TS},tmall,paid,A,shoes,1,1.00`,
    ])));
    expect(items.map((i) => [i.line, i.raw?.order_id ?? i.error?.code])).toEqual([[2, 'T1'], [3, 'T2'], [4, 'E_BAD_RECORD'], [6, 'T3']]);
    const e = items[2]!.error!;
    expect(e.reason).toBe('rows of order "T1" are not adjacent: it starts at line 2 and appears again at line 4, after other orders\' rows');
    expect(e.hint).toMatch(/next to each other/);
    expect(e.message).not.toMatch(/duplicate|refund/);
  });

  it('a row with too few fields is an error at its line; reading goes on', async () => {
    const { items } = await collect(writeFile('j.csv', csv([`T1,c1,${TS},tmall,paid,A,shoes,1,1.00`, `T2,c2,${TS},tmall,paid,A,shoes,1`, `T3,c3,${TS},tmall,paid,A,shoes,1,1.00`])));
    expect(items.map((i) => [i.line, i.error?.code ?? i.raw?.order_id])).toEqual([[2, 'T1'], [3, 'E_BAD_RECORD'], [4, 'T3']]);
  });

  it('a quote inside an unquoted field is an error at its line', async () => {
    const { items } = await collect(writeFile('k.csv', csv([`T1,c1,${TS},tmall,paid,A,sh"oes,1,1.00`, `T2,c2,${TS},tmall,paid,A,shoes,1,1.00`])));
    expect(items[0]!.error?.code).toBe('E_BAD_RECORD');
    expect(items[0]!.line).toBe(2);
    expect(items.at(-1)).toMatchObject({ line: 3, raw: { order_id: 'T2' } });
  });

  it('an unclosed quote at the end of the file is an error, not a record', async () => {
    const c = await collect(writeFile('l.csv', csv([`T1,c1,${TS},tmall,paid,A,shoes,1,1.00`]) + `T2,c2,${TS},tmall,paid,A,"shoes,1,1.00\n`));
    expect(c.items[0]).toMatchObject({ line: 2, raw: { order_id: 'T1' } });
    const err = c.items.slice(1).find((i) => i.error)?.error ?? c.thrown;
    expect(err?.code).toBe('E_BAD_RECORD');
    expect(err?.where.line).toBe(3);
    expect(c.items.filter((i) => i.raw?.order_id === 'T2')).toEqual([]);
  });

  it('multi-byte characters across 1 MiB chunk boundaries, and line numbers after them', async () => {
    for (const [ch, before] of [['闪', 1], ['闪', 2], ['😀', 2], ['😀', 3]] as const) {
      const row0 = `T0,c0,${TS},tmall,paid,A,"x\ny",1,1.00\n`;
      const lead = Buffer.byteLength(HEADER + '\n' + row0);
      const rowPrefix = `T1,c1,${TS},tmall,paid,A,`;
      const pad = MiB - before - lead - Buffer.byteLength(rowPrefix);
      const category = 'c'.repeat(pad) + ch + '电';
      const text = HEADER + '\n' + row0 + rowPrefix + category + ',1,1.00\n' + `T2,c2,${TS},tmall,paid,A,鞋,1,1.00\n`;
      const f = writeFile(`m-${before}.csv`, text);
      expect(fs.readFileSync(f).subarray(MiB - before, MiB - before + Buffer.byteLength(ch)).toString()).toBe(ch);
      const { items, thrown } = await collect(f);
      expect(thrown).toBeUndefined();
      expect(items.map((i) => [i.line, i.error?.message])).toEqual([[2, undefined], [4, undefined], [5, undefined]]);
      expect(categoryOf(items[1]!.raw) === category).toBe(true);
      expect(categoryOf(items[2]!.raw)).toBe('鞋');
    }
  });

  it('a quoted field with a newline spanning a chunk boundary', async () => {
    const rowPrefix = `T1,c1,${TS},tmall,paid,A,"`;
    const lead = Buffer.byteLength(HEADER + '\n' + rowPrefix);
    const category = 'q'.repeat(MiB - lead - 3) + '"",\n' + 'r'.repeat(100);
    const text = HEADER + '\n' + rowPrefix + category + '",1,1.00\n' + `T2,c2,${TS},tmall,paid,A,s,1,1.00\n`;
    const { items } = await collect(writeFile('n.csv', text));
    expect(items.map((i) => [i.line, i.error?.message])).toEqual([[2, undefined], [4, undefined]]);
    expect(categoryOf(items[0]!.raw) === category.replace('""', '"')).toBe(true);
  });
});

describe('CsvParser (contract): chunking never changes the rows', () => {
  const TEXT = 'a,b,c\r\n"x,1","y ""q""\nz",\n\n3,"",""""\r"last\r\nrow",2,3';
  const EXPECTED = [
    { fields: ['a', 'b', 'c'], line: 1, error: undefined },
    { fields: ['x,1', 'y "q"\nz', ''], line: 2, error: undefined },
    { fields: ['3', '', '"'], line: 5, error: undefined },
    { fields: ['last\r\nrow', '2', '3'], line: 6, error: undefined },
  ];

  function parse(pieces: string[]): Array<{ fields: string[]; line: number; error: string | undefined }> {
    const rows: Array<{ fields: string[]; line: number; error: string | undefined }> = [];
    const p = new CsvParser((fields, line, error) => rows.push({ fields: [...fields], line, error }));
    for (const piece of pieces) p.push(piece);
    p.end();
    return rows;
  }

  it('parses RFC 4180 with LF, CRLF and lone CR line ends', () => {
    expect(parse([TEXT])).toEqual(EXPECTED);
  });

  it('gives the same rows for any cut of the text', () => {
    for (let size = 1; size <= 7; size++) {
      const pieces: string[] = [];
      for (let i = 0; i < TEXT.length; i += size) pieces.push(TEXT.slice(i, i + size));
      expect(parse(pieces), `pieces of ${size}`).toEqual(EXPECTED);
    }
    for (let cut = 0; cut <= TEXT.length; cut++) expect(parse([TEXT.slice(0, cut), TEXT.slice(cut)]), `cut at ${cut}`).toEqual(EXPECTED);
  });
});
