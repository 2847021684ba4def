import { describe, expect, it } from 'vitest';
import { readRecords } from '../../src/ingest/read-records.js';
import { collect, tmpDir, writeFile } from './helpers.js';

const dir = tmpDir();

describe('readRecords', () => {
  it.each(['ndjson', 'jsonl', 'NDJSON'])('reads .%s as NDJSON', async (ext) => {
    const { items } = await collect(readRecords(writeFile(dir, ext, '{"type":"refund","order_id":"A"}\n')));
    expect(items).toEqual([{ raw: { type: 'refund', order_id: 'A' }, line: 1 }]);
  });

  it('reads .csv as CSV', async () => {
    const file = writeFile(dir, 'csv', 'order_id,customer_id,ts,shop,status,sku,category,quantity,amount\nT1,c,1,jd,paid,A,x,1,1\n');
    const { items } = await collect(readRecords(file));
    expect(items).toMatchObject([{ raw: { type: 'order', order_id: 'T1', ts: 1 }, line: 2 }]);
  });

  it.each(['json', 'txt', 'parquet', 'constructor', 'toString'])('refuses .%s with E_BAD_ARGS at once', (ext) => {
    expect(() => readRecords(`${dir}/x.${ext}`)).toThrow(expect.objectContaining({ code: 'E_BAD_ARGS' }));
  });

  it('refuses a name without extension', () => {
    expect(() => readRecords(`${dir}/noext`)).toThrow(expect.objectContaining({ code: 'E_BAD_ARGS' }));
    expect(() => readRecords(`${dir}/.csv/`)).toThrow(expect.objectContaining({ code: 'E_BAD_ARGS' }));
  });
});
