import { describe, expect, it } from 'vitest';
import { readNdjson } from '../../src/ingest/read-ndjson.js';
import { collect, tmpDir, writeFile } from './helpers.js';

const dir = tmpDir();

describe('readNdjson', () => {
  it('yields each object with its line, skipping blank lines but counting them', async () => {
    const text = '{"type":"refund","order_id":"A"}\n\n   \n\t\r\n{"type":"tag","customer_id":"c","tag":"t","op":"add"}\r\n\n';
    const { items, thrown } = await collect(readNdjson(writeFile(dir, 'ndjson', text)));
    expect(thrown).toBeUndefined();
    expect(items).toEqual([
      { raw: { type: 'refund', order_id: 'A' }, line: 1 },
      { raw: { type: 'tag', customer_id: 'c', tag: 't', op: 'add' }, line: 5 },
    ]);
  });

  it('reads a last line without newline, and a BOM', async () => {
    const { items } = await collect(readNdjson(writeFile(dir, 'ndjson', '\uFEFF{"a":1}\n{"b":"厦门"}')));
    expect(items).toEqual([
      { raw: { a: 1 }, line: 1 },
      { raw: { b: '厦门' }, line: 2 },
    ]);
  });

  it('reports bad lines as error items with their line numbers and goes on', async () => {
    const text = [
      '{"ok":1}',
      '{"type":"order",', // truncated
      '[1,2]',
      '"just a string"',
      'null',
      '42',
      '{"ok":2}',
      '{"a":1}{"b":2}',
      '\uFEFF{"bom":"not at the start of the file"}',
      '\u00a0',
      '{"ok":3}',
    ].join('\n');
    const { items } = await collect(readNdjson(writeFile(dir, 'jsonl', text)));
    expect(items.map((i) => ('raw' in i ? i.raw : i.error.replace(/: not valid JSON: .*/, ': not valid JSON')))).toEqual([
      { ok: 1 },
      'E_BAD_RECORD 2: not valid JSON',
      'E_BAD_RECORD 3: each line must be a JSON object, got an array',
      'E_BAD_RECORD 4: each line must be a JSON object, got "just a string"',
      'E_BAD_RECORD 5: each line must be a JSON object, got null',
      'E_BAD_RECORD 6: each line must be a JSON object, got 42',
      { ok: 2 },
      'E_BAD_RECORD 8: not valid JSON',
      'E_BAD_RECORD 9: not valid JSON',
      'E_BAD_RECORD 10: not valid JSON',
      { ok: 3 },
    ]);
    expect(items.map((i) => i.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('a line that is JSON but not an object says so, with a hint', async () => {
    const file = writeFile(dir, 'ndjson', 'null\n[]\n42\n"x"\n');
    const { items } = await collect(readNdjson(file));
    expect(items.map((i) => 'error' in i && i.error)).toEqual([
      'E_BAD_RECORD 1: each line must be a JSON object, got null',
      'E_BAD_RECORD 2: each line must be a JSON object, got an array',
      'E_BAD_RECORD 3: each line must be a JSON object, got 42',
      'E_BAD_RECORD 4: each line must be a JSON object, got "x"',
    ]);
    for await (const item of readNdjson(file)) {
      expect(item.error?.hint).toMatch(/one JSON object/);
      expect(item.error?.message).toContain(`${file}:${item.line}`);
    }
  });

  it('a key written twice in one object is a bad line naming the key (JSON.parse would keep the last)', async () => {
    const order = (extra: string, line = '{"sku":"A","category":"c","quantity":1,"amount":"1.00"}', attrs = '') =>
      `{"type":"order","order_id":"T1",${extra}"customer_id":"c","ts":0,"shop":"s","status":"paid","lines":[${line}]${attrs}}`;
    const text = [
      order('"order_id":"T2",'),
      '{"type":"refund","type":"order","order_id":"T1"}',
      order('', '{"sku":"A","category":"c","quantity":1,"amount":"1.00"},{"sku":"A","category":"c","quantity":1,"amount":"1.00","amount":"0"}'),
      '{"type":"customer","customer_id":"c","attrs":{"city":"Xiamen","level":"gold","city":"Fuzhou"}}',
      '{"type" : "tag", "type"\t:\r"tag","customer_id":"c","tag":"t","op":"add"}',
      '{"a":{"b":[{"x":1},{"x":2,"y":{"z":1,"z":2}}]}}',
      '{"\u0061":1,"a":2}',
      String.raw`{"type":"tag","customer_id":"c","tag":"\":","op":"add","x":{"\":":1}}`, // colons after quotes in strings: no duplicate
      '{"a":{"k":1},"b":{"k":1},"c":[{"k":1},{"k":1}]}', // equal keys in different objects are fine
    ].join('\n');
    const { items } = await collect(readNdjson(writeFile(dir, 'ndjson', text)));
    expect(items.map((i) => ('error' in i ? i.error : 'ok'))).toEqual([
      'E_BAD_RECORD 1: duplicate key "order_id"',
      'E_BAD_RECORD 2: duplicate key "type"',
      'E_BAD_RECORD 3: duplicate key "amount" in lines[1]',
      'E_BAD_RECORD 4: duplicate key "city" in attrs',
      'E_BAD_RECORD 5: duplicate key "type"',
      'E_BAD_RECORD 6: duplicate key "z" in a.b[1].y',
      'E_BAD_RECORD 7: duplicate key "a"',
      'ok',
      'ok',
    ]);
  });

  it('a UTF-16 file is refused once at line 1 (fatal), not line by line', async () => {
    const text = '{"type":"refund","order_id":"A"}\n{"type":"refund","order_id":"B"}\n';
    for (const bytes of [Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), Buffer.from(text, 'utf16le')]) {
      const { items, thrown } = await collect(readNdjson(writeFile(dir, 'ndjson', bytes)));
      expect(items).toEqual([{ error: 'E_BAD_RECORD 1: the file is UTF-16 text, not UTF-8', line: 1, fatal: true }]);
      expect(thrown).toMatchObject({ code: 'E_BAD_RECORD', hint: expect.stringContaining('iconv -f UTF-16 -t UTF-8') });
    }
  });

  it('a line with a NUL byte says so, with a hint about the encoding', async () => {
    const { items } = await collect(readNdjson(writeFile(dir, 'ndjson', '\0{"a":1}\n{"b":2}\n')));
    expect(items).toEqual([
      { error: 'E_BAD_RECORD 1: the line holds a NUL byte: this is binary data or UTF-16 text, not UTF-8 JSON', line: 1 },
      { raw: { b: 2 }, line: 2 },
    ]);
  });

  it('invalid UTF-8 is a bad line, not silently replaced', async () => {
    const bytes = Buffer.concat([Buffer.from('{"a":"x'), Buffer.from([0xff]), Buffer.from('"}\n{"a":"\u00e9"}\n')]);
    const { items } = await collect(readNdjson(writeFile(dir, 'ndjson', bytes)));
    expect(items).toEqual([
      { error: 'E_BAD_RECORD 1: the line is not valid UTF-8', line: 1 },
      { raw: { a: 'é' }, line: 2 },
    ]);
  });

  it('lone surrogate escapes parse (validation refuses them later)', async () => {
    const { items } = await collect(readNdjson(writeFile(dir, 'ndjson', '{"a":"\\ud800"}\n')));
    expect(items).toEqual([{ raw: { a: '\ud800' }, line: 1 }]);
  });

  it('keeps __proto__ as a plain key', async () => {
    const { items } = await collect(readNdjson(writeFile(dir, 'ndjson', '{"__proto__":{"type":"order"}}\n')));
    const raw = (items[0] as { raw: Record<string, unknown> }).raw;
    expect(raw.type).toBeUndefined();
    expect(Object.keys(raw)).toEqual(['__proto__']);
  });

  it('a line longer than the limit is a bad line; the next line reads fine', async () => {
    const long = `{"pad":"${'x'.repeat(5000)}"}`;
    const file = writeFile(dir, 'ndjson', `{"ok":1}\n${long}\n{"ok":2}\n${long}`);
    const { items } = await collect(readNdjson(file, { maxLineBytes: 1000 }));
    expect(items).toEqual([
      { raw: { ok: 1 }, line: 1 },
      { error: 'E_BAD_RECORD 2: the line is longer than 1000 bytes', line: 2 },
      { raw: { ok: 2 }, line: 3 },
      { error: 'E_BAD_RECORD 4: the line is longer than 1000 bytes', line: 4 },
    ]);
  });

  it('splits lines across chunk boundaries without cutting characters', async () => {
    // lines of multi-byte text around the 1 MiB chunk size
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) lines.push(JSON.stringify({ i, s: '厦门🏬'.repeat((i * 7) % 300) }));
    const { items } = await collect(readNdjson(writeFile(dir, 'ndjson', lines.join('\n'))));
    expect(items.length).toBe(3000);
    const wrong = items.filter((it, i) => !('raw' in it) || JSON.stringify(it.raw) !== lines[i] || it.line !== i + 1);
    expect(wrong).toEqual([]);
  });

  it('an empty file yields nothing', async () => {
    expect(await collect(readNdjson(writeFile(dir, 'ndjson', '')))).toEqual({ items: [] });
  });

  it('reports progress up to the file size', async () => {
    const file = writeFile(dir, 'ndjson', '{"a":1}\n'.repeat(1000));
    const seen: number[] = [];
    await collect(readNdjson(file, { onProgress: (read, total) => seen.push(read / total) }));
    expect(seen.at(-1)).toBe(1);
  });

  it('a missing file is E_BAD_ARGS, a directory too', async () => {
    expect((await collect(readNdjson(dir + '/nope.ndjson'))).thrown).toMatchObject({ code: 'E_BAD_ARGS' });
    expect((await collect(readNdjson(dir))).thrown).toMatchObject({ code: 'E_BAD_ARGS' });
  });
});
