import fs from 'node:fs';
import { Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { readRecords } from '../../src/ingest/read-records.js';
import { tmpDir } from './helpers.js';

const dir = tmpDir();
const N = 200_000;

/** Reads `file`, noting how much of it had been read when the first record came out. */
async function readAll(file: string): Promise<{ count: number; errors: number; lastLine: number; readAtFirst: number; total: number }> {
  let errors = 0;
  let bytes = 0;
  let total = 0;
  let readAtFirst = -1;
  let count = 0;
  let lastLine = 0;
  for await (const item of readRecords(file, { onProgress: (b, t) => ((bytes = b), (total = t)) })) {
    if (item.error) errors++;
    if (readAtFirst < 0) readAtFirst = bytes;
    count++;
    lastLine = item.line;
  }
  return { count, errors, lastLine, readAtFirst, total };
}

describe('streaming', () => {
  it(`NDJSON: ${N} lines come out before the file is read to the end`, async () => {
    const file = `${dir}/big.ndjson`;
    fs.writeFileSync(file, Array.from({ length: N }, (_, i) => `{"type":"tag","customer_id":"c${i}","tag":"t","op":"add"}\n`).join(''));
    const r = await readAll(file);
    expect(r).toMatchObject({ count: N, errors: 0, lastLine: N });
    expect(r.readAtFirst).toBeLessThan(r.total / 4);
  });

  it(`CSV: ${N} rows come out before the file is read to the end`, async () => {
    const file = `${dir}/big.csv`;
    const rows = Array.from({ length: N }, (_, i) => `T${i >> 1},c${i >> 1},2026-11-11T00:00:00Z,jd,paid,"S,${i}",cat,1,1.00\r\n`);
    fs.writeFileSync(file, 'order_id,customer_id,ts,shop,status,sku,category,quantity,amount\r\n' + rows.join(''));
    const r = await readAll(file);
    expect(r).toMatchObject({ count: N / 2, errors: 0, lastLine: N }); // lastLine: first row of the last order
    expect(r.readAtFirst).toBeLessThan(r.total / 4);
  });

  it('Arrow stream: batches come out one by one', async () => {
    const n = 40_000;
    const ids = Array.from({ length: n }, (_, i) => `T${i}`);
    const col = (v: string) => vectorFromArray(ids.map(() => v), new Utf8());
    const whole = new Table({
      order_id: vectorFromArray(ids, new Utf8()), customer_id: col('c'), ts: col('2026-11-11T00:00:00Z'), shop: col('jd'),
      status: col('paid'), sku: col('A'), category: col('x'), quantity: col('1'), amount: col('1'),
    });
    const batches = Array.from({ length: 20 }, (_, k) => whole.batches[0]!.slice(k * 2000, (k + 1) * 2000));
    for (const format of ['stream', 'file'] as const) {
      const file = `${dir}/big-${format}.arrow`;
      fs.writeFileSync(file, tableToIPC(new Table(batches), format));
      const r = await readAll(file);
      expect(r).toMatchObject({ count: n, errors: 0, lastLine: n });
      expect(r.readAtFirst).toBeLessThan(r.total / 4);
    }
  });
});
