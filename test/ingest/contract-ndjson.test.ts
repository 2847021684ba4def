import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { readRecords } from '../../src/ingest/read-records.js';
import { ShandianError } from '../../src/model/errors.js';
import { cleanTmp, collect, ndjson, order, records, writeFile } from './contract-helpers.js';

afterAll(cleanTmp);

const MiB = 1 << 20;

const SAMPLE = [
  order('T1001', 'c42', '2026-11-11T00:03:12+08:00', 'A', '299.00'),
  { type: 'refund', order_id: 'T1001' },
  { type: 'customer', customer_id: 'c42', attrs: { city: 'Xiamen', level: 'gold', age: 31 } },
  { type: 'tag', customer_id: 'c42', tag: 'vip', op: 'add' },
];

describe('NDJSON reader (contract)', () => {
  it('reads one object per line with 1-based line numbers', async () => {
    const { items } = await collect(writeFile('a.ndjson', ndjson(SAMPLE)));
    expect(items.map((i) => i.raw)).toEqual(SAMPLE);
    expect(items.map((i) => i.line)).toEqual([1, 2, 3, 4]);
  });

  it('.jsonl is NDJSON too', async () => {
    expect(await records(writeFile('a.jsonl', ndjson(SAMPLE)))).toEqual(SAMPLE);
  });

  it('an unknown extension is E_BAD_ARGS', async () => {
    const f = writeFile('a.json', ndjson(SAMPLE));
    let caught: unknown;
    try {
      for await (const _ of readRecords(f)) void _;
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ShandianError);
    expect((caught as ShandianError).code).toBe('E_BAD_ARGS');
  });

  it('skips blank and whitespace-only lines but counts them', async () => {
    const text = ['', JSON.stringify(SAMPLE[0]), '   ', '\t', JSON.stringify(SAMPLE[1]), '', ''].join('\n');
    const { items } = await collect(writeFile('b.ndjson', text));
    expect(items.map((i) => [i.line, i.raw])).toEqual([[2, SAMPLE[0]], [5, SAMPLE[1]]]);
  });

  it('takes CRLF line ends (and a blank CRLF line)', async () => {
    const text = SAMPLE.map((r) => JSON.stringify(r)).join('\r\n').replace('\r\n', '\r\n\r\n') + '\r\n';
    const { items } = await collect(writeFile('c.ndjson', text));
    expect(items.map((i) => i.raw)).toEqual(SAMPLE);
    expect(items.map((i) => i.line)).toEqual([1, 3, 4, 5]);
  });

  it('drops a byte order mark at the start of the file', async () => {
    const { items } = await collect(writeFile('d.ndjson', '\uFEFF' + ndjson(SAMPLE)));
    expect(items.map((i) => i.raw)).toEqual(SAMPLE);
  });

  it('reads a last line without a line end', async () => {
    const text = ndjson(SAMPLE.slice(0, 2)) + JSON.stringify(SAMPLE[2]);
    const { items } = await collect(writeFile('e.ndjson', text));
    expect(items.map((i) => [i.line, i.raw])).toEqual([[1, SAMPLE[0]], [2, SAMPLE[1]], [3, SAMPLE[2]]]);
  });

  it('a line that is not JSON is an error item at its line, and reading goes on', async () => {
    const f = writeFile('f.ndjson', ndjson([SAMPLE[0], '{"type":"order",', '', SAMPLE[3], 'nope', SAMPLE[2]]));
    const { items, thrown } = await collect(f);
    expect(thrown).toBeUndefined();
    expect(items.map((i) => [i.line, i.error ? 'error' : 'ok'])).toEqual([[1, 'ok'], [2, 'error'], [4, 'ok'], [5, 'error'], [6, 'ok']]);
    const err = items[1]!.error!;
    expect(err).toBeInstanceOf(ShandianError);
    expect(err.code).toBe('E_BAD_RECORD');
    expect(err.where).toMatchObject({ file: f, line: 2 });
    expect(err.message).toContain(`${f}:2`);
    expect(items[4]!.raw).toEqual(SAMPLE[2]);
  });

  it('a JSON value that is not an object is an error item', async () => {
    const { items } = await collect(writeFile('g.ndjson', ndjson(['[1,2]', '42', '"order"', 'null', 'true', SAMPLE[3]])));
    expect(items.map((i) => (i.error ? i.error.code : 'ok'))).toEqual(['E_BAD_RECORD', 'E_BAD_RECORD', 'E_BAD_RECORD', 'E_BAD_RECORD', 'E_BAD_RECORD', 'ok']);
    expect(items.map((i) => i.line)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a line of invalid UTF-8 is an error item at its line, not mojibake', async () => {
    const good = Buffer.from(ndjson([SAMPLE[2]]));
    const bad = Buffer.concat([Buffer.from('{"type":"tag","customer_id":"c'), Buffer.from([0xff, 0xfe]), Buffer.from('","tag":"v","op":"add"}\n')]);
    const { items } = await collect(writeFile('h.ndjson', Buffer.concat([good, bad, good])));
    expect(items.map((i) => [i.line, i.error?.code ?? 'ok'])).toEqual([[1, 'ok'], [2, 'E_BAD_RECORD'], [3, 'ok']]);
  });

  describe('1 MiB chunk boundaries', () => {
    const prefix = '{"type":"customer","customer_id":"c1","attrs":{"s":"';
    const suffix = '"}}\n';

    /** A file whose `ch` starts `before` bytes before the 1 MiB boundary (the chunk size). */
    function straddling(ch: string, before: number, boundary = MiB): { file: string; value: string } {
      const padBytes = boundary - before - Buffer.byteLength(prefix);
      const value = 'a'.repeat(padBytes) + ch + '闪电';
      const text = prefix + value + suffix + JSON.stringify({ type: 'customer', customer_id: 'c2', attrs: { s: '厦门' } }) + '\n';
      const file = writeFile(`split-${before}.ndjson`, text);
      const bytes = fs.readFileSync(file);
      const at = boundary - before;
      expect(bytes.subarray(at, at + Buffer.byteLength(ch)).toString('utf8')).toBe(ch); // the setup is right
      return { file, value };
    }

    for (const [ch, before] of [['闪', 1], ['闪', 2], ['😀', 1], ['😀', 2], ['😀', 3], ['é', 1]] as const) {
      it(`a ${Buffer.byteLength(ch)}-byte character split ${before}|${Buffer.byteLength(ch) - before} across the boundary`, async () => {
        const { file, value } = straddling(ch, before);
        const { items } = await collect(file);
        expect(items.map((i) => i.error?.message)).toEqual([undefined, undefined]);
        expect((items[0]!.raw!.attrs as { s: string }).s === value).toBe(true);
        expect(items[1]).toMatchObject({ line: 2, raw: { customer_id: 'c2', attrs: { s: '厦门' } } });
      });
    }

    it('a character split at the second boundary, on line 3', async () => {
      const first = JSON.stringify({ type: 'customer', customer_id: 'c0', attrs: { s: 'x'.repeat(MiB) } }) + '\n\n';
      const lead = Buffer.byteLength(first);
      const padBytes = 2 * MiB - 2 - lead - Buffer.byteLength(prefix);
      const value = 'b'.repeat(padBytes) + '电' + 'z';
      const { items } = await collect(writeFile('second.ndjson', first + prefix + value + suffix));
      expect(items.map((i) => [i.line, i.error?.message])).toEqual([[1, undefined], [3, undefined]]);
      expect((items[1]!.raw!.attrs as { s: string }).s === value).toBe(true);
    });

    it('a line spanning three chunks, with CRLF split across a boundary', async () => {
      const big = '闪'.repeat(Math.floor((2.5 * MiB) / 3));
      const line1 = JSON.stringify({ type: 'customer', customer_id: 'c1', attrs: { s: big } });
      // the CR of line 2 ends one chunk, its LF starts the next
      const line2Start = Buffer.byteLength(line1) + 2;
      const line2Prefix = '{"type":"customer","customer_id":"c2","attrs":{"s":"';
      const padBytes = 3 * MiB - 1 - line2Start - Buffer.byteLength(line2Prefix) - 3;
      const line2 = line2Prefix + 'q'.repeat(padBytes) + '"}}';
      const text = line1 + '\r\n' + line2 + '\r\n' + JSON.stringify(SAMPLE[3]) + '\r\n';
      const file = writeFile('long.ndjson', text);
      expect(fs.readFileSync(file)[3 * MiB - 1]).toBe(13);
      const { items } = await collect(file);
      expect(items.map((i) => [i.line, i.error?.message])).toEqual([[1, undefined], [2, undefined], [3, undefined]]);
      expect((items[0]!.raw!.attrs as { s: string }).s === big).toBe(true);
      expect((items[1]!.raw!.attrs as { s: string }).s.length).toBe(padBytes);
      expect(items[2]!.raw).toEqual(SAMPLE[3]);
    });
  });

  it('reports progress up to the file size', async () => {
    const f = writeFile('p.ndjson', ndjson(SAMPLE) + ndjson([{ type: 'customer', customer_id: 'big', attrs: { s: 'x'.repeat(3 * MiB) } }]));
    const { progress } = await collect(f);
    const size = fs.statSync(f).size;
    expect(progress.length).toBeGreaterThanOrEqual(1);
    for (const [done, total] of progress) {
      expect(total).toBe(size);
      expect(done).toBeLessThanOrEqual(size);
    }
    for (let i = 1; i < progress.length; i++) expect(progress[i]![0]).toBeGreaterThanOrEqual(progress[i - 1]![0]);
    expect(progress.at(-1)![0]).toBe(size);
  });
});
