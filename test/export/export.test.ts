/**
 * Exports (contract 8.1) from the library: Segment.export / exportChunks /
 * rows in csv, ndjson and arrow with attr: and tag: columns, checked member
 * by member against the query's ids and the reference model's attributes
 * and tags; the Arrow stream read back with apache-arrow.
 */
import { Writable } from 'node:stream';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RecordBatchReader, Table, tableFromIPC, Type } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { parseColumns } from '../../src/export/export-columns.js';
import { RefModel } from '../oracle/model.js';
import { genDataset } from '../oracle/random-data.js';
import { baseSeed, genCases } from '../property/harness.js';
import { parseCsv } from './csv-reader.js';

const tmpDirs: string[] = [];
afterAll(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

class Collect extends Writable {
  chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    done();
  }
  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

async function exportBytes(seg: Awaited<ReturnType<Engine['query']>>, format: 'csv' | 'ndjson' | 'arrow', columns: string[], batchRows?: number): Promise<Buffer> {
  const out = new Collect();
  const report = await seg.export(out, { format, columns, batchRows });
  expect(report.members).toBe(seg.count);
  expect(report.bytes).toBe(out.bytes.length);
  return out.bytes;
}

/** What the model says a column holds for a customer: the attribute's value or null, whether the tag is held. */
function expectedCell(model: RefModel, customer: string, column: string): string | number | boolean | null {
  const [kind, ...rest] = column.split(':');
  const name = rest.join(':');
  if (kind === 'tag') return model.tags.get(customer)?.has(name) ?? false;
  return model.attrs.get(customer)?.get(name) ?? null;
}

const TRICKY = [
  { type: 'customer', customer_id: 'plain', attrs: { city: 'Xiamen', level: 3, mixed: 1, note: 'a,b' } },
  { type: 'customer', customer_id: 'x,"y"', attrs: { city: '厦门, "老城"', level: 2.5, mixed: 'two', note: 'line1\nline2' } },
  { type: 'customer', customer_id: '客户\r\n二', attrs: { city: '', level: -7, note: 'say "hi"' } },
  { type: 'customer', customer_id: ' sp ', attrs: { city: null, level: 1e21 } },
  { type: 'customer', customer_id: 'nothing', attrs: {} },
  { type: 'tag', customer_id: 'plain', tag: 'vip', op: 'add' },
  { type: 'tag', customer_id: 'x,"y"', tag: '新客', op: 'add' },
  { type: 'tag', customer_id: 'x,"y"', tag: 'vip', op: 'add' },
  { type: 'tag', customer_id: 'x,"y"', tag: 'vip', op: 'remove' },
  { type: 'customer', customer_id: 'plain', attrs: { gone: 'soon' } },
  { type: 'customer', customer_id: 'plain', attrs: { gone: null } },
];
const EVERYONE = '<segment><or><attr name="city" exists="true"/><not><attr name="city" exists="true"/></not></or></segment>';
const ALL_COLUMNS = ['attr:city', 'attr:level', 'attr:mixed', 'attr:note', 'attr:gone', 'attr:never', 'tag:vip', 'tag:新客', 'tag:never'];

describe('column lists', () => {
  it('reads attr: and tag: specs, names kept as written', () => {
    expect(parseColumns('attr:city,tag:vip,attr:会员 等级')).toEqual([
      { kind: 'attr', name: 'city', label: 'attr:city' },
      { kind: 'tag', name: 'vip', label: 'tag:vip' },
      { kind: 'attr', name: '会员 等级', label: 'attr:会员 等级' },
    ]);
    expect(parseColumns(['attr:a:b'])).toEqual([{ kind: 'attr', name: 'a:b', label: 'attr:a:b' }]);
    expect(parseColumns(['attr:a,b', 'tag: x '])).toEqual([{ kind: 'attr', name: 'a,b', label: 'attr:a,b' }, { kind: 'tag', name: ' x ', label: 'tag: x ' }]);
    expect(parseColumns(undefined)).toEqual([]);
  });

  for (const bad of ['', 'city', 'col:city', 'attr:', 'tag:', 'attr:a,,tag:b', 'attr:a,attr:a', 'ATTR:a']) {
    it(`refuses ${JSON.stringify(bad)} with E_BAD_ARGS`, () => {
      expect(() => parseColumns(bad)).toThrow(expect.objectContaining({ code: 'E_BAD_ARGS' }));
    });
  }
});

describe('exports of a segment with tricky values', async () => {
  const engine = await Engine.open({ shards: 2 });
  await engine.append(TRICKY);
  const model = new RefModel();
  model.applyAll(TRICKY);
  const seg = await engine.query(EVERYONE);
  const ids = new Set<string>();
  for await (const id of seg.ids()) ids.add(id);

  it('the segment is everyone', () => {
    expect([...ids].sort()).toEqual(['plain', 'x,"y"', '客户\r\n二', ' sp ', 'nothing'].sort());
  });

  it('csv: RFC 4180 with a header row, quoting, "" for the empty string, empty for absent', async () => {
    const text = (await exportBytes(seg, 'csv', ALL_COLUMNS)).toString('utf8');
    const rows = parseCsv(text);
    expect(rows[0]).toEqual(['customer_id', ...ALL_COLUMNS]);
    expect(rows.length - 1).toBe(ids.size);
    const seen = new Set<string>();
    for (const row of rows.slice(1)) {
      const id = row[0]!;
      expect(ids.has(id), id).toBe(true);
      seen.add(id);
      ALL_COLUMNS.forEach((col, c) => {
        const want = expectedCell(model, id, col);
        const got = row[c + 1];
        if (want === null) expect(got, `${id} ${col}`).toBeUndefined();
        else expect(got, `${id} ${col}`).toBe(String(want));
      });
    }
    expect(seen.size).toBe(ids.size);
    expect(text).toContain('"x,""y"""');
    expect(text).toContain('"厦门, ""老城"""');
    expect(text).toContain('"line1\nline2"');
    expect(text).toContain('1e+21');
  });

  it('ndjson: numbers stay numbers, strings strings, null when absent, tags true/false', async () => {
    const lines = (await exportBytes(seg, 'ndjson', ALL_COLUMNS)).toString('utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.length).toBe(ids.size);
    for (const line of lines) {
      const row = JSON.parse(line) as Record<string, unknown>;
      expect(Object.keys(row)).toEqual(['customer_id', ...ALL_COLUMNS]);
      for (const col of ALL_COLUMNS) expect(row[col], `${String(row.customer_id)} ${col}`).toStrictEqual(expectedCell(model, row.customer_id as string, col));
    }
    expect(lines.find((l) => l.includes('"plain"'))).toContain('"attr:level":3,');
    expect(lines.find((l) => l.includes('"plain"'))).toContain('"attr:mixed":1,');
  });

  it('ndjson without columns is the customer_id objects query --format ndjson always printed', async () => {
    const text = (await exportBytes(seg, 'ndjson', [])).toString('utf8');
    expect(text.split('\n').filter(Boolean).map((l) => JSON.parse(l))).toEqual([...ids].map(() => expect.objectContaining({})));
    for (const l of text.split('\n').filter(Boolean)) expect(Object.keys(JSON.parse(l))).toEqual(['customer_id']);
  });

  it('arrow: an IPC stream apache-arrow reads, typed per attribute, member by member equal to the model', async () => {
    const bytes = await exportBytes(seg, 'arrow', ALL_COLUMNS, 2); // batches of 2 rows: several record batches
    // the IPC streaming format: messages with the 0xFFFFFFFF continuation marker, ended by the end-of-stream marker; no file magic
    expect(bytes.readUInt32LE(0)).toBe(0xffffffff);
    expect([...bytes.subarray(bytes.length - 8)]).toEqual([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
    expect(bytes.subarray(0, 6).toString('latin1')).not.toBe('ARROW1');
    const table = tableFromIPC(bytes);
    expect(table.numRows).toBe(ids.size);
    expect(table.batches.length).toBe(Math.ceil(ids.size / 2));
    const type = (name: string) => table.schema.fields.find((f) => f.name === name)!.type.typeId;
    expect(table.schema.fields.map((f) => f.name)).toEqual(['customer_id', ...ALL_COLUMNS]);
    expect(type('customer_id')).toBe(Type.Utf8);
    expect(type('attr:level')).toBe(Type.Float); // numbers only
    expect(type('attr:city')).toBe(Type.Utf8);
    expect(type('attr:mixed')).toBe(Type.Utf8); // a number and a string: text
    expect(type('attr:never')).toBe(Type.Utf8);
    expect(type('tag:vip')).toBe(Type.Bool);
    const reader = RecordBatchReader.from(bytes);
    let rows = 0;
    for (const batch of reader) {
      for (let i = 0; i < batch.numRows; i++) {
        const id = batch.getChild('customer_id')!.get(i) as string;
        expect(ids.has(id)).toBe(true);
        for (const col of ALL_COLUMNS) {
          let want = expectedCell(model, id, col);
          if (col === 'attr:mixed' && typeof want === 'number') want = String(want);
          expect(batch.getChild(col)!.get(i), `${id} ${col}`).toStrictEqual(want);
        }
        rows++;
      }
    }
    expect(rows).toBe(ids.size);
  });

  it('rows(): the same values as objects', async () => {
    const got: Record<string, unknown>[] = [];
    for await (const row of seg.rows(ALL_COLUMNS)) got.push(row);
    expect(got.length).toBe(ids.size);
    for (const row of got) for (const col of ALL_COLUMNS) expect(row[col]).toStrictEqual(expectedCell(model, row.customer_id as string, col));
  });

  it('recordBatches(): apache-arrow RecordBatches with the arrow export\'s schema and values', async () => {
    const batches = [];
    for await (const b of seg.recordBatches(ALL_COLUMNS, 2)) batches.push(b);
    expect(batches.length).toBe(Math.ceil(ids.size / 2));
    const direct = new Table(batches);
    const viaStream = tableFromIPC(await exportBytes(seg, 'arrow', ALL_COLUMNS, 2));
    expect(direct.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(viaStream.schema.fields.map((f) => `${f.name}:${f.type}`));
    expect(direct.toArray().map((r) => r.toJSON())).toEqual(viaStream.toArray().map((r) => r.toJSON()));
    await expect(async () => {
      for await (const _ of seg.recordBatches(['nope:x'])) void _;
    }).rejects.toMatchObject({ code: 'E_BAD_ARGS' });
  });

  it('an empty segment: a csv header alone, an Arrow stream with the schema and no rows', async () => {
    const none = await engine.query('<segment><tag name="never"/></segment>');
    expect((await exportBytes(none, 'csv', ['tag:vip'])).toString()).toBe('customer_id,tag:vip\r\n');
    expect((await exportBytes(none, 'ndjson', ['tag:vip'])).length).toBe(0);
    const table = tableFromIPC(await exportBytes(none, 'arrow', ['attr:level', 'tag:vip']));
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['customer_id', 'attr:level', 'tag:vip']);
  });

  it('bad options are E_BAD_ARGS before anything is written', async () => {
    const out = new Collect();
    await expect(seg.export(out, { format: 'xml' as 'csv' })).rejects.toMatchObject({ code: 'E_BAD_ARGS' });
    await expect(seg.export(out, { format: 'csv', columns: ['city'] })).rejects.toMatchObject({ code: 'E_BAD_ARGS' });
    expect(out.chunks.length).toBe(0);
  });

  it('a failing stream rejects with E_IO', async () => {
    const broken = new Writable({ write: (_c, _e, done) => done(Object.assign(new Error('disk gone'), { code: 'EIO' })) });
    await expect(seg.export(broken, { format: 'csv', columns: ['tag:vip'], batchRows: 1 })).rejects.toMatchObject({ code: 'E_IO' });
  });

  it('exportToFile writes atomically; a failure leaves neither the file nor a temporary one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-export-'));
    tmpDirs.push(dir);
    const file = path.join(dir, 'out.arrow');
    await seg.exportToFile(file, { format: 'arrow', columns: ['tag:vip'] });
    expect(tableFromIPC(fs.readFileSync(file)).numRows).toBe(ids.size);
    expect(fs.readdirSync(dir)).toEqual(['out.arrow']);
    const controller = new AbortController();
    const failing = path.join(dir, 'failing.csv');
    const attempt = seg.exportToFile(failing, { format: 'csv', batchRows: 1, signal: controller.signal, onProgress: (n) => n >= 2 && controller.abort() });
    await expect(attempt).rejects.toThrow();
    expect(fs.readdirSync(dir)).toEqual(['out.arrow']);
    await expect(seg.exportToFile(path.join(dir, 'no/such/dir/x.csv'), { format: 'csv' })).rejects.toMatchObject({ code: 'E_BAD_ARGS' });
  });

  afterAll(() => engine.close());
});

describe('exports of random segments equal the reference model (all formats, every column kind)', async () => {
  const BASE = baseSeed();
  for (let d = 0; d < 3; d++) {
    const ds = genDataset((BASE ^ (0xe4 + d)) >>> 0, { minCustomers: 40, maxCustomers: 150 });
    it(`dataset ${ds.seed}`, async () => {
      const model = new RefModel();
      const valid: unknown[] = [];
      for (const r of ds.records) {
        try {
          model.apply(r);
          valid.push(r);
        } catch {
          // the model refuses it; so would the engine
        }
      }
      const engine = await Engine.open({ shards: 1 + (d % 3) });
      try {
        await engine.append(valid as never);
        const columns = [...ds.vocab.attrNames.map((a) => `attr:${a}`), ...ds.vocab.tags.map((t) => `tag:${t}`)];
        for (const c of genCases(ds, 12, { allowRef: false, savedNames: [], salt: 0xe4 })) {
          let seg;
          try {
            seg = await engine.query(c.xml, { asOf: c.ctx.optAsOf, tz: c.ctx.optTz });
          } catch {
            continue; // a refused query has nothing to export (the property suites check refusals)
          }
          const ids = new Set<string>();
          for await (const id of seg.ids()) ids.add(id);
          const csv = parseCsv((await exportBytes(seg, 'csv', columns, 7)).toString('utf8'));
          const nd = (await exportBytes(seg, 'ndjson', columns, 5)).toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
          const table = tableFromIPC(await exportBytes(seg, 'arrow', columns, 16));
          expect(csv.length - 1).toBe(ids.size);
          expect(nd.length).toBe(ids.size);
          expect(table.numRows).toBe(ids.size);
          const arrowTypes = new Map(table.schema.fields.map((f) => [f.name, f.type.typeId]));
          for (let r = 0; r < ids.size; r++) {
            const csvRow = csv[r + 1]!, ndRow = nd[r]!;
            const id = csvRow[0]!;
            expect(ids.has(id), id).toBe(true);
            expect(ndRow.customer_id).toBe(id);
            expect(table.getChild('customer_id')!.get(r)).toBe(id);
            columns.forEach((col, k) => {
              const want = expectedCell(model, id, col);
              expect(ndRow[col], `${id} ${col}`).toStrictEqual(want);
              expect(csvRow[k + 1], `${id} ${col}`).toBe(want === null ? undefined : String(want));
              const arrow = table.getChild(col)!.get(r);
              if (arrowTypes.get(col) === Type.Utf8 && typeof want === 'number') expect(arrow).toBe(String(want));
              else expect(arrow, `${id} ${col}`).toStrictEqual(want);
            });
          }
        }
      } finally {
        await engine.close();
      }
    }, 60_000);
  }
});

describe('values are read when their batch is written', () => {
  it('an append between two batches shows in the later batch; a string arriving in a Float64 column is null there', async () => {
    const engine = await Engine.open({ shards: 1 });
    try {
      await engine.append([
        { type: 'customer', customer_id: 'a', attrs: { n: 1 } },
        { type: 'customer', customer_id: 'b', attrs: { n: 2 } },
      ]);
      const seg = await engine.query('<segment><attr name="n" exists="true"/></segment>');
      // ndjson, one member a batch: change b after a's batch
      const it = seg.exportChunks({ format: 'ndjson', columns: ['attr:n'], batchRows: 1 })[Symbol.asyncIterator]();
      const first = JSON.parse(Buffer.from((await it.next()).value!).toString()) as Record<string, unknown>;
      const other = first.customer_id === 'a' ? 'b' : 'a';
      await engine.append([{ type: 'customer', customer_id: other, attrs: { n: 40 } }]);
      const second = JSON.parse(Buffer.from((await it.next()).value!).toString()) as Record<string, unknown>;
      expect(second).toEqual({ customer_id: other, 'attr:n': 40 });
      expect((await it.next()).done).toBe(true);
      // arrow: typed Float64 at the start; a string set mid-export is null in that column
      const chunks: Uint8Array[] = [];
      let firstBatchDone = false, appended = false;
      const arrow = seg.exportChunks({ format: 'arrow', columns: ['attr:n'], batchRows: 1, onProgress: (n) => (firstBatchDone ||= n === 1) })[Symbol.asyncIterator]();
      for (let r = await arrow.next(); !r.done; r = await arrow.next()) {
        chunks.push(r.value);
        if (firstBatchDone && !appended) {
          appended = true;
          await engine.append([{ type: 'customer', customer_id: 'a', attrs: { n: 'x' } }, { type: 'customer', customer_id: 'b', attrs: { n: 'x' } }]);
        }
      }
      expect(appended).toBe(true);
      const table = tableFromIPC(Buffer.concat(chunks));
      expect(table.schema.fields[1]!.type.typeId).toBe(Type.Float);
      expect(table.numRows).toBe(2);
      expect(typeof table.getChild('attr:n')!.get(0)).toBe('number');
      expect(table.getChild('attr:n')!.get(1)).toBe(null);
    } finally {
      await engine.close();
    }
  });
});

describe('exports from a store loaded from a snapshot (ids in the string arena, attribute columns and tag bitmaps from files)', () => {
  it('are byte for byte the exports before the snapshot', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-export-snap-'));
    tmpDirs.push(dir);
    const records = [...TRICKY, { type: 'customer', customer_id: '🐉 客户 "q"', attrs: { city: '🐉', level: 0.25 } }];
    const formats = ['csv', 'ndjson', 'arrow'] as const;
    let engine = await Engine.open({ dir, shards: 2 });
    const before: Buffer[] = [];
    try {
      await engine.append(records);
      const seg = await engine.query(EVERYONE);
      for (const f of formats) before.push(await exportBytes(seg, f, ALL_COLUMNS, 3));
      await engine.snapshot();
    } finally {
      await engine.close();
    }
    engine = await Engine.open({ dir, readOnly: true });
    try {
      const seg = await engine.query(EVERYONE);
      for (const [i, f] of formats.entries()) {
        const after = await exportBytes(seg, f, ALL_COLUMNS, 3);
        // member order may differ between a built and a loaded store: compare as sets of rows
        if (f === 'arrow') {
          const rows = (b: Buffer) => tableFromIPC(b).toArray().map((r) => JSON.stringify(r.toJSON())).sort();
          expect(rows(after), f).toEqual(rows(before[i]!));
        } else {
          const rows = (b: Buffer) => (f === 'csv' ? parseCsv(b.toString('utf8')).map((r) => JSON.stringify(r)) : b.toString('utf8').split('\n')).sort();
          expect(after.length, f).toBe(before[i]!.length);
          expect(rows(after), f).toEqual(rows(before[i]!));
        }
      }
    } finally {
      await engine.close();
    }
  });
});
