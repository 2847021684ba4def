import { describe, expect, it } from 'vitest';
import { readCsv } from '../../src/ingest/read-csv.js';
import { validateRecord } from '../../src/ingest/validate-record.js';
import { collect, rawOrder, tmpDir, writeFile } from './helpers.js';

const dir = tmpDir();
const HEADER = 'order_id,customer_id,ts,shop,status,sku,category,quantity,amount';
const csv = (...rows: string[]) => writeFile(dir, 'csv', [HEADER, ...rows].join('\n') + '\n');
const T = '2026-11-11T00:00:00+08:00';

describe('readCsv', () => {
  it('groups consecutive rows of one order_id into one order at its first line', async () => {
    const file = csv(`T1,c1,${T},jd,paid,A,shoes,1,299.00`, `T1,c1,${T},jd,paid,B,bags,2,3`, `T2,c2,${T},jd,refunded,A,shoes,1,0.5`);
    const { items, thrown } = await collect(readCsv(file));
    expect(thrown).toBeUndefined();
    expect(items).toEqual([
      { raw: rawOrder('T1', [['A', 'shoes', 1, '299.00'], ['B', 'bags', 2, '3']]), line: 2 },
      { raw: rawOrder('T2', [['A', 'shoes', 1, '0.5']], { customer_id: 'c2', status: 'refunded' }), line: 4 },
    ]);
    expect(validateRecord((items[0] as { raw: object }).raw)).toMatchObject({ lines: [{ amountCents: 29900 }, { amountCents: 300 }] });
  });

  it('takes the columns in any order and ignores extra ones', async () => {
    const file = writeFile(dir, 'csv', `note,amount,quantity,category,sku,status,shop,ts,customer_id,order_id,x\nhello,1.00,3,cat,S,paid,jd,${T},c9,T9,\n`);
    const { items } = await collect(readCsv(file));
    expect(items).toEqual([{ raw: rawOrder('T9', [['S', 'cat', 3, '1.00']], { customer_id: 'c9' }), line: 2 }]);
  });

  it('handles BOM, CRLF, quoting, embedded newlines and unicode', async () => {
    const text =
      '\uFEFF' +
      [
        HEADER,
        `"T,1","c ""q"" 1",${T},"天猫, 旗舰店",paid,"sku\nwith newline","鞋子",1,"1.50"`,
        `"T,1","c ""q"" 1",${T},"天猫, 旗舰店",paid,"🏬","a""b",2,2`,
        `T2,c2,${T},jd,paid,,"",1,1`,
      ].join('\r\n') + '\r\n';
    const { items } = await collect(readCsv(writeFile(dir, 'csv', text)));
    expect(items).toEqual([
      {
        raw: rawOrder('T,1', [['sku\nwith newline', '鞋子', 1, '1.50'], ['🏬', 'a"b', 2, '2']], { customer_id: 'c "q" 1', shop: '天猫, 旗舰店' }),
        line: 2,
      },
      // the line of T2 counts the newline inside the quoted sku; its empty sku is a bad row
      { error: 'E_BAD_RECORD 5: order "T2": sku: must be a non-empty string, got ""', line: 5 },
    ]);
  });

  it('converts quantity digits and numeric ts, leaving anything else to validation', async () => {
    const file = csv(`T1,c1,1794355200000,jd,paid,A,s,02,1`, `T2,c1,-1000,jd,paid,A,s,1,1`, `T3,c1,${T},jd,paid,A,s,1.5,1`, `T4,c1,${T},jd,paid,A,s, 2,1`);
    const { items } = await collect(readCsv(file));
    expect(items.map((i) => ('raw' in i ? [i.raw.ts, (i.raw.lines as Array<{ quantity: unknown }>)[0]!.quantity] : i.error))).toEqual([
      [1794355200000, 2],
      [-1000, 1],
      'E_BAD_RECORD 4: order "T3": quantity: must be an integer from 1 to 4294967295, got "1.5"',
      'E_BAD_RECORD 5: order "T4": quantity: must be an integer from 1 to 4294967295, got " 2"',
    ]);
  });

  it('rows that disagree on order fields spoil the whole order, reported once naming both rows', async () => {
    const file = csv(
      `T1,c1,${T},jd,paid,A,s,1,1`,
      `T1,c1,${T},tmall,paid,B,s,1,1`,
      `T1,c1,${T},jd,paid,C,s,1,1`,
      `T2,c1,${T},jd,paid,A,s,1,1`,
      `T3,c1,${T},jd,paid,A,s,1,1`,
      `T3,c2,${T},jd,paid,A,s,1,1`,
      `T4,c1,${T},jd,paid,A,s,1,1`,
      `T4,c1,2026-11-11T00:00:01+08:00,jd,paid,A,s,1,1`,
      `T5,c1,${T},jd,paid,A,s,1,1`,
      `T5,c1,${T},jd,refunded,A,s,1,1`,
    );
    const { items } = await collect(readCsv(file));
    expect(items).toEqual([
      { error: 'E_BAD_RECORD 3: rows of order "T1" disagree on shop: "jd" at line 2, "tmall" at line 3', line: 3 },
      { raw: rawOrder('T2', [['A', 's', 1, '1']]), line: 5 },
      { error: 'E_BAD_RECORD 7: rows of order "T3" disagree on customer_id: "c1" at line 6, "c2" at line 7', line: 7 },
      { error: `E_BAD_RECORD 9: rows of order "T4" disagree on ts: "${T}" at line 8, "2026-11-11T00:00:01+08:00" at line 9`, line: 9 },
      { error: 'E_BAD_RECORD 11: rows of order "T5" disagree on status: "paid" at line 10, "refunded" at line 11', line: 11 },
    ]);
  });

  it('ts written differently for the same instant agrees', async () => {
    const file = csv(`T1,c1,${T},jd,paid,A,s,1,1`, `T1,c1,2026-11-10T16:00:00Z,jd,paid,B,s,1,1`, `T1,c1,1794326400000,jd,paid,C,s,1,1`);
    const { items } = await collect(readCsv(file));
    expect(items).toEqual([{ raw: rawOrder('T1', [['A', 's', 1, '1'], ['B', 's', 1, '1'], ['C', 's', 1, '1']]), line: 2 }]);
  });

  it('rows of one order_id that are not adjacent are refused at the later row, naming both lines', async () => {
    const file = csv(`T1,c1,${T},jd,paid,A,s,1,1`, `T2,c1,${T},jd,paid,A,s,1,1`, `T1,c1,${T},jd,paid,B,s,1,1`);
    const { items } = await collect(readCsv(file));
    expect(items.map((i) => ['raw' in i ? i.raw.order_id : i.error, i.line])).toEqual([
      ['T1', 2], ['T2', 3],
      ['E_BAD_RECORD 4: rows of order "T1" are not adjacent: it starts at line 2 and appears again at line 4, after other orders\' rows', 4],
    ]);
  });

  it('a bad row of an order and later rows of that order split by another order: nothing of it is applied', async () => {
    const file = csv(`T1,c1,${T},jd,paid,A,s,0,1`, `T2,c1,${T},jd,paid,A,s,1,1`, `T1,c1,${T},jd,paid,B,s,1,1`);
    const { items } = await collect(readCsv(file));
    expect(items.map((i) => ('raw' in i ? i.raw.order_id : i.error.replace(/^(E_BAD_RECORD \d+: [^:]*:[^:]*).*$/, '$1')))).toEqual([
      'E_BAD_RECORD 2: order "T1": quantity', 'T2', 'E_BAD_RECORD 4: rows of order "T1" are not adjacent: it starts at line 2 and appears again at line 4, after other orders\' rows',
    ]);
  });

  it('a bad line field spoils its order, pointing at the row', async () => {
    const file = csv(`T1,c1,${T},jd,paid,A,s,1,1`, `T1,c1,${T},jd,paid,B,s,1,1.005`, `T1,c1,${T},jd,paid,C,s,0,1`, `T2,c1,${T},jd,paid,A,s,1,1`);
    const { items } = await collect(readCsv(file));
    expect(items).toEqual([
      { error: 'E_BAD_RECORD 3: order "T1": amount: "1.005" has more than 2 decimals', line: 3 },
      { raw: rawOrder('T2', [['A', 's', 1, '1']]), line: 5 },
    ]);
  });

  it('leaves order-level fields to validateRecord, at the first row', async () => {
    const file = csv(`T1,c1,yesterday,jd,paid,A,s,1,1`, `T2,c1,${T},jd,,A,s,1,1`);
    const { items } = await collect(readCsv(file));
    expect(items.map((i) => i.line)).toEqual([2, 3]);
    expect(() => validateRecord((items[0] as { raw: object }).raw)).toThrow(/ts: "yesterday" is not an ISO-8601 date-time with offset/);
    expect(() => validateRecord((items[1] as { raw: object }).raw)).toThrow(/status: must be "paid" or "refunded", got ""/);
  });

  it('a row with the wrong number of fields is bad, and spoils its order', async () => {
    const file = csv(`T1,c1,${T},jd,paid,A,s,1,1`, `T1,c1,${T},jd,paid,B,s,1`, `T2,c1,${T},jd,paid,A,s,1,1,extra`, `T3,c1,${T},jd,paid,A,s,1,1`, `oops`);
    const { items } = await collect(readCsv(file));
    expect(items).toEqual([
      { error: 'E_BAD_RECORD 3: expected 9 columns as in the header at line 1 (order_id,customer_id,ts,shop,status,sku,category,quantity,amount), got 8', line: 3 },
      { error: 'E_BAD_RECORD 4: expected 9 columns as in the header at line 1 (order_id,customer_id,ts,shop,status,sku,category,quantity,amount), got 10', line: 4 },
      { raw: rawOrder('T3', [['A', 's', 1, '1']]), line: 5 },
      { error: 'E_BAD_RECORD 6: expected 9 columns as in the header at line 1 (order_id,customer_id,ts,shop,status,sku,category,quantity,amount), got 1', line: 6 },
    ]);
  });

  it('malformed quoting is a bad row; reading goes on', async () => {
    const file = csv(`T1,c1,${T},jd,paid,A"x,s,1,1`, `T2,c1,${T},jd,paid,"A"x,s,1,1`, `T3,c1,${T},jd,paid,A,s,1,1`);
    const { items } = await collect(readCsv(file));
    expect(items).toEqual([
      { error: 'E_BAD_RECORD 2: malformed CSV: a quote inside an unquoted field (quote the whole field and double the quotes inside)', line: 2 },
      { error: 'E_BAD_RECORD 3: malformed CSV: text after the closing quote of a field (quote the whole field)', line: 3 },
      { raw: rawOrder('T3', [['A', 's', 1, '1']]), line: 4 },
    ]);
  });

  it('an unclosed quote is reported at the row where it opens', async () => {
    const file = csv(`T1,c1,${T},jd,paid,A,s,1,1`, `T2,c1,${T},jd,paid,"A,s,1,1`, `T3,c1,${T},jd,paid,A,s,1,1`);
    const { items } = await collect(readCsv(file));
    expect(items).toEqual([
      { raw: rawOrder('T1', [['A', 's', 1, '1']]), line: 2 },
      { error: 'E_BAD_RECORD 3: malformed CSV: the file ends inside a quoted field (a quote is not closed)', line: 3 },
    ]);
  });

  it.each([
    ['a missing column', 'order_id,customer_id,ts,shop,status,sku,category,quantity\n', 'the header lacks the column amount'],
    ['missing columns', 'order_id,customer_id,ts\n', 'the header lacks the columns shop, status, sku, category, quantity, amount'],
    ['a column twice', HEADER + ',sku\n', 'the header names sku more than once'],
    ['case-different names', HEADER.toUpperCase() + '\n', 'the header lacks the columns order_id, customer_id, ts, shop, status, sku, category, quantity, amount'],
    ['padded names', HEADER.replace('shop', ' shop') + '\n', 'the header lacks the column shop'],
    ['an empty file', '', 'the file is empty: a header row is required'],
    ['only blank lines', '\n\r\n\n', 'the file is empty: a header row is required'],
  ])('%s is E_BAD_RECORD at line 1', async (_name, text, reason) => {
    const { items, thrown } = await collect(readCsv(writeFile(dir, 'csv', text)));
    expect(items).toEqual([]);
    expect(thrown).toMatchObject({ code: 'E_BAD_RECORD', reason, where: { line: 1 } });
  });

  it('a header alone is an empty input', async () => {
    expect(await collect(readCsv(writeFile(dir, 'csv', HEADER)))).toEqual({ items: [] });
  });

  it('invalid UTF-8 is fatal at its line, after what came before', async () => {
    const head = Buffer.from(`${HEADER}\nT1,c1,${T},jd,paid,A,s,1,1\nT2,c1,${T},jd,paid,`);
    const file = writeFile(dir, 'csv', Buffer.concat([head, Buffer.from([0xff, 0xfe]), Buffer.from(',s,1,1\nT3,c1,x,jd,paid,A,s,1,1\n')]));
    const { items, thrown } = await collect(readCsv(file));
    expect(items).toEqual([
      { raw: rawOrder('T1', [['A', 's', 1, '1']]), line: 2 },
      { error: 'E_BAD_RECORD 3: the line is not valid UTF-8', line: 3, fatal: true },
    ]);
    expect(thrown).toMatchObject({ code: 'E_BAD_RECORD', where: { line: 3 } });
  });

  it('reports progress up to the file size', async () => {
    const file = csv(`T1,c1,${T},jd,paid,A,s,1,1`);
    const seen: Array<[number, number]> = [];
    await collect(readCsv(file, { onProgress: (a, b) => seen.push([a, b]) }));
    const size = (await import('node:fs')).statSync(file).size;
    expect(seen.at(-1)).toEqual([size, size]);
  });

  it('a missing file is E_BAD_ARGS', async () => {
    const { thrown } = await collect(readCsv(dir + '/nope.csv'));
    expect(thrown).toMatchObject({ code: 'E_BAD_ARGS' });
  });
});

describe('readCsv: invalid UTF-8 inside an order', () => {
  it('spoils the order the bad row belongs to, keeps the one before', async () => {
    const good = `${HEADER}\nT0,c1,${T},jd,paid,A,s,1,1\nT1,c1,${T},jd,paid,A,s,1,1\n`;
    const file = writeFile(dir, 'csv', Buffer.concat([Buffer.from(good + `T1,c1,${T},jd,paid,`), Buffer.from([0xc3, 0x28]), Buffer.from(',s,1,1\n')]));
    const { items, thrown } = await collect(readCsv(file));
    expect(items).toEqual([
      { raw: rawOrder('T0', [['A', 's', 1, '1']]), line: 2 },
      { error: 'E_BAD_RECORD 4: the line is not valid UTF-8', line: 4, fatal: true },
    ]);
    expect(thrown).toMatchObject({ code: 'E_BAD_RECORD' });
  });
});

describe('readCsv: limits and encodings', () => {
  it('a runaway quoted field is fatal at the row where it opens, after the orders before', async () => {
    const file = csv(`T1,c1,${T},jd,paid,A,s,1,1`, `T2,c1,${T},jd,paid,"open`, ...Array.from({ length: 50 }, (_, i) => `T${i},c1,${T},jd,paid,A,s,1,1`));
    const { items, thrown } = await collect(readCsv(file, { maxRowBytes: 500 }));
    expect(items).toEqual([
      { raw: rawOrder('T1', [['A', 's', 1, '1']]), line: 2 },
      { error: 'E_BAD_RECORD 3: a CSV row starting at line 3 is longer than 500 characters', line: 3, fatal: true },
    ]);
    expect(thrown).toMatchObject({ code: 'E_BAD_RECORD', where: { line: 3 } });
  });

  it('a runaway row of the order in progress spoils that order', async () => {
    const file = csv(`T1,c1,${T},jd,paid,A,s,1,1`, `T1,c1,${T},jd,paid,"open`, ...Array.from({ length: 50 }, (_, i) => `T${i},c1,${T},jd,paid,A,s,1,1`));
    const { items } = await collect(readCsv(file, { maxRowBytes: 500 }));
    expect(items).toEqual([{ error: 'E_BAD_RECORD 3: a CSV row starting at line 3 is longer than 500 characters', line: 3, fatal: true }]);
  });

  it('a line with no line feed past the limit is fatal', async () => {
    const file = writeFile(dir, 'csv', `${HEADER}\n` + 'x'.repeat(3 << 20));
    const { thrown } = await collect(readCsv(file, { maxRowBytes: 1 << 20 }));
    expect(thrown).toMatchObject({ code: 'E_BAD_RECORD', reason: 'a line is longer than 1048576 bytes', where: { line: 2 } });
  });

  it('a UTF-16 file is refused at line 1', async () => {
    const file = writeFile(dir, 'csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${HEADER}\n`, 'utf16le')]));
    const { items, thrown } = await collect(readCsv(file));
    expect(items).toEqual([{ error: 'E_BAD_RECORD 1: the file is UTF-16 text, not UTF-8', line: 1, fatal: true }]);
    expect(thrown).toMatchObject({ code: 'E_BAD_RECORD', hint: expect.stringContaining('iconv -f UTF-16 -t UTF-8') });
  });

  it('UTF-16 without a byte order mark, big-endian UTF-16, and UTF-32 are refused at line 1 too', async () => {
    for (const [bytes, name] of [
      [Buffer.from(`${HEADER}\n`, 'utf16le'), 'UTF-16'],
      [Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(`${HEADER}\n`, 'utf16le').swap16()]), 'UTF-16'],
      [Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), Buffer.from('o\0\0\0', 'latin1')]), 'UTF-32'],
    ] as const) {
      const { items } = await collect(readCsv(writeFile(dir, 'csv', bytes)));
      expect(items).toEqual([{ error: `E_BAD_RECORD 1: the file is ${name} text, not UTF-8`, line: 1, fatal: true }]);
    }
  });

  it('a NUL byte in a row is refused as binary or UTF-16 data (fatal), the orders before it stay', async () => {
    const file = csv(`T1,c1,${T},jd,paid,A,s,1,1`, `T2,c1,${T},jd,paid,A,s,1,1\0`, `T3,c1,${T},jd,paid,A,s,1,1`);
    const { items, thrown } = await collect(readCsv(file));
    expect(items).toEqual([
      { raw: rawOrder('T1', [['A', 's', 1, '1']]), line: 2 },
      { error: 'E_BAD_RECORD 3: the line holds a NUL byte: this is binary data or UTF-16 text, not UTF-8 text', line: 3, fatal: true },
    ]);
    expect(thrown?.hint).toMatch(/UTF-8/);
  });

  it('every error has a hint and a file:line: short and long rows, bad quoting, bad UTF-8, empty file, runaway quote', async () => {
    const cases = [
      csv(`T1,c1,${T},jd,paid,A,s,1`),
      csv(`T1,c1,${T},jd,paid,A,s,1,1,x`),
      csv(`T1,c1,${T},jd,paid,A"x,s,1,1`),
      writeFile(dir, 'csv', Buffer.concat([Buffer.from(`${HEADER}\nT1,c1,${T},jd,paid,`), Buffer.from([0xc4, 0xe3]), Buffer.from(',s,1,1\n')])),
      writeFile(dir, 'csv', ''),
      writeFile(dir, 'csv', `${HEADER}\nT1,"c1\n`),
    ];
    for (const file of cases) {
      const errors: Array<{ hint?: string; message: string }> = [];
      try {
        for await (const item of readCsv(file)) if (item.error) errors.push(item.error);
      } catch (e) {
        errors.push(e as { hint?: string; message: string });
      }
      expect(errors.length, file).toBeGreaterThan(0);
      for (const e of errors) {
        expect(e, e.message).toMatchObject({ code: 'E_BAD_RECORD', hint: expect.any(String) });
        expect(e.message).toMatch(new RegExp(`^E_BAD_RECORD: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: `));
      }
    }
  });

  it('multi-byte characters and quoted newlines across 1 MiB chunk boundaries', async () => {
    const rows: string[] = [];
    const want: Array<[string, string]> = [];
    for (let i = 0; i < 12000; i++) {
      const sku = `厦门🏬"${'x'.repeat(i % 97)}\n${i}`;
      rows.push(`T${i},c1,${T},jd,paid,"${sku.replace(/"/g, '""')}",鞋,1,1`);
      want.push([`T${i}`, sku]);
    }
    const { items } = await collect(readCsv(csv(...rows)));
    const got = items.map((i) => ('raw' in i ? [i.raw.order_id, (i.raw.lines as Array<{ sku: string }>)[0]!.sku] : i.error));
    expect(got).toEqual(want);
    // each row takes two physical lines
    expect(items.at(-1)!.line).toBe(2 + 2 * 11999);
  });
});
