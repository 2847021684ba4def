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

describe('reading a stream instead of a file (input option)', () => {
  it('NDJSON and CSV read from an async iterable of chunks (Buffers, Uint8Arrays, strings), named by `file` in errors', async () => {
    const { Readable } = await import('node:stream');
    const nd = ['{"type":"refund","order_id":"A"}\n{"type":', '"tag","customer_id":"c","tag":"t","op":"add"}\nnull\n'];
    const items = [];
    for await (const item of readRecords('-', { format: 'ndjson', input: Readable.from(nd.map((s) => Buffer.from(s))) })) items.push(item);
    expect(items.map((i) => i.raw ?? i.error?.message)).toEqual([
      { type: 'refund', order_id: 'A' },
      { type: 'tag', customer_id: 'c', tag: 't', op: 'add' },
      'E_BAD_RECORD: -:3: each line must be a JSON object, got null (each line must hold one JSON object like {"type":"order",...})',
    ]);
    const csvText = 'order_id,customer_id,ts,shop,status,sku,category,quantity,amount\nT1,c1,0,s,paid,A,x,1,1\nT1,c1,0,s,paid,B,x,2,3\n';
    const rows = [];
    const chunks = [new TextEncoder().encode(csvText.slice(0, 70)), csvText.slice(70)];
    for await (const item of readRecords('<stdin>', { format: 'csv', input: Readable.from(chunks, { objectMode: true }) })) rows.push(item);
    expect(rows).toMatchObject([{ raw: { order_id: 'T1', lines: [{ sku: 'A' }, { sku: 'B' }] }, line: 2 }]);
  });

  it('Arrow from a stream is E_BAD_ARGS with a hint', async () => {
    const { Readable } = await import('node:stream');
    const gen = readRecords('-', { format: 'arrow', input: Readable.from([Buffer.from('x')]) });
    await expect(gen.next()).rejects.toMatchObject({ code: 'E_BAD_ARGS', hint: expect.stringMatching(/\.arrow file/) });
  });
});
