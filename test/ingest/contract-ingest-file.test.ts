/** ingestFile against contract section 6: stop at the first bad record, what came before stays applied and durable. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../src/engine/ingest-file.js';
import { Engine } from '../../src/index.js';
import { ShandianError } from '../../src/model/errors.js';
import { cleanTmp, HEADER, ndjson, order, tmpDir } from './contract-helpers.js';

afterAll(cleanTmp);

const AS_OF = '2030-01-01T00:00:00Z';
const EVERYONE = '<segment><or><bought/><not><bought/></not></or></segment>';

async function ids(engine: Engine, xml = EVERYONE): Promise<string[]> {
  const seg = await engine.query(xml, { asOf: AS_OF });
  const out: string[] = [];
  for await (const id of seg.ids()) out.push(id);
  return out.sort();
}

async function caught(p: Promise<unknown>): Promise<ShandianError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ShandianError);
    return e as ShandianError;
  }
  throw new Error('expected the ingest to fail');
}

function setup(name: string, text: string): { dir: string; file: string } {
  const root = tmpDir();
  const file = path.join(root, name);
  fs.writeFileSync(file, text);
  return { dir: path.join(root, 'store'), file };
}

const badLines: Array<[string, unknown]> = [
  ['not JSON', '{"type":'],
  ['a bad amount', order('X', 'cx', 0, 'A', '1.005')],
  ['a duplicate order id', order('O2', 'cx', 0, 'A')],
  ['a refund of an unknown order', { type: 'refund', order_id: 'O404' }],
  ['an unknown type', { type: 'return', order_id: 'O1' }],
];

describe('ingestFile (contract)', () => {
  for (const [what, bad] of badLines) {
    for (const batchSize of [1, 3, 4096]) {
      it(`stops at ${what} (line 6, batches of ${batchSize}); lines 1-5 applied and durable, nothing after`, async () => {
        const { dir, file } = setup('in.ndjson', ndjson([
          order('O1', 'c1', 0, 'A'),
          order('O2', 'c2', 0, 'A'),
          { type: 'customer', customer_id: 'c3', attrs: { city: 'Xiamen' } },
          '',
          { type: 'tag', customer_id: 'c4', tag: 'vip', op: 'add' },
          bad,
          order('O7', 'c7', 0, 'A'),
          { type: 'tag', customer_id: 'c8', tag: 'vip', op: 'add' },
        ]));
        const engine = await Engine.open({ dir, shards: 2 });
        const err = await caught(ingestFile(engine, file, { batchSize }));
        expect(err.code).toBe('E_BAD_RECORD');
        expect(err.where).toMatchObject({ file, line: 6 });
        expect(err.message).toContain(`${file}:6`);
        expect(await ids(engine)).toEqual(['c1', 'c2', 'c3', 'c4']);
        await engine.close();
        const again = await Engine.open({ dir });
        expect(await ids(again)).toEqual(['c1', 'c2', 'c3', 'c4']);
        expect(await ids(again, '<segment><tag name="vip"/></segment>')).toEqual(['c4']);
        await again.close();
      });
    }
  }

  it('skipBad reports every bad record, located, in file order, and applies the rest', async () => {
    const { dir, file } = setup('skip.ndjson', ndjson([
      order('O1', 'c1', 0, 'A'),
      'nope',
      order('O1', 'c2', 0, 'A'),
      order('O3', 'c3', 0, 'A', -1),
      order('O4', 'c4', 0, 'A'),
      { type: 'refund', order_id: 'O9' },
      { type: 'refund', order_id: 'O4' },
      { type: 'tag', customer_id: 'c5', tag: 'vip', op: 'flip' },
      order('O4', 'c6', 0, 'A'),
    ]));
    const engine = await Engine.open({ dir, shards: 2 });
    const skipped: ShandianError[] = [];
    const report = await ingestFile(engine, file, { skipBad: true, batchSize: 2, onSkip: (e) => skipped.push(e) });
    expect(report).toMatchObject({ file, records: 3, skipped: 6 });
    expect(skipped.map((e) => [e.code, e.where.file, e.where.line])).toEqual([2, 3, 4, 6, 8, 9].map((l) => ['E_BAD_RECORD', file, l]));
    expect(skipped[1]!.message).toMatch(/duplicate/);
    expect(await ids(engine)).toEqual(['c1', 'c4']);
    expect(await ids(engine, '<segment><bought/></segment>')).toEqual(['c1']); // O4 was refunded
    await engine.close();
  });

  it('skipBad goes on past several refused records in a row (consecutive duplicates and unknown refunds)', async () => {
    const { dir, file } = setup('dups.ndjson', ndjson([
      order('O1', 'c1', 0, 'A'),
      order('O1', 'c1', 0, 'A'),
      order('O1', 'c1', 0, 'A'),
      { type: 'refund', order_id: 'nope' },
      { type: 'refund', order_id: 'nope' },
      order('O2', 'c2', 0, 'A'),
    ]));
    const engine = await Engine.open({ dir, shards: 2 });
    const lines: number[] = [];
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('ingestFile with skipBad did not finish within 3 s (hang)')), 3000);
    });
    try {
      const report = await Promise.race([ingestFile(engine, file, { skipBad: true, onSkip: (e) => lines.push(e.where.line!) }), hang]);
      expect(report).toMatchObject({ records: 2, skipped: 4 });
      expect(lines).toEqual([2, 3, 4, 5]);
      expect(await ids(engine)).toEqual(['c1', 'c2']);
    } finally {
      clearTimeout(timer);
    }
    await engine.close();
  });

  it('skipBad keeps batching: bad records (every kind) do not split the batch, the good ones around them commit together', async () => {
    const rows: unknown[] = [];
    const bads: number[] = [];
    for (let i = 1; i <= 200; i++) {
      if (i % 10 !== 0) {
        rows.push(i % 7 === 0 && (i - 1) % 10 !== 0 ? { type: 'refund', order_id: `G${i - 1}` } : order(`G${i}`, `c${i % 13}`, i * 1000, 'A'));
        continue;
      }
      bads.push(i);
      const kinds = [
        'not json {',
        order(`B${i}`, 'cb', 0, 'A', '1.005'), // validation
        order('G1', 'cb', 0, 'A'), // duplicate of an order earlier in the same batch (store refusal)
        { type: 'refund', order_id: `never${i}` }, // unknown order (store refusal)
        { type: 'tag', customer_id: 'cb', tag: 'vip', op: 'flip' },
        'null',
      ];
      rows.push(kinds[(i / 10) % kinds.length]);
    }
    const { dir, file } = setup('mixed.ndjson', ndjson(rows));
    const engine = await Engine.open({ dir, shards: 2 });
    let appends = 0;
    for (const m of ['append', 'appendValid', 'appendValidPrefix', 'appendSkippingRefused'] as const) {
      const f = (engine as unknown as Record<string, ((...a: unknown[]) => unknown) | undefined>)[m];
      if (f) (engine as unknown as Record<string, unknown>)[m] = (...a: unknown[]) => (appends++, f.apply(engine, a));
    }
    const lines: number[] = [];
    const report = await ingestFile(engine, file, { skipBad: true, onSkip: (e) => lines.push(e.where.line!) });
    expect(lines).toEqual(bads); // every bad record, in line order, located
    expect(report).toMatchObject({ records: 180, skipped: 20 });
    expect(appends).toBe(1); // one batch, one log frame
    expect(await ids(engine)).not.toContain('cb');
    const orders = engine.size.orders;
    expect(orders).toBe(180 - rows.filter((r) => (r as { type?: string }).type === 'refund' && !String((r as { order_id: string }).order_id).startsWith('never')).length);
    await engine.close();
    const again = await Engine.open({ dir });
    expect(again.size.orders).toBe(orders);
    await again.close();
  });

  it('calls onProgress with the file size and a growing record count', async () => {
    const { dir, file } = setup('p.ndjson', ndjson(Array.from({ length: 3000 }, (_, i) => order(`P${i}`, `c${i % 50}`, i * 1000, 'A', `${i}.25`))));
    const engine = await Engine.open({ dir, shards: 2 });
    const seen: Array<{ bytesRead: number; totalBytes: number; records: number }> = [];
    const report = await ingestFile(engine, file, { onProgress: (p) => seen.push({ ...p }) });
    expect(report.records).toBe(3000);
    expect(report.skipped).toBe(0);
    expect(seen.length).toBeGreaterThanOrEqual(1);
    const size = fs.statSync(file).size;
    for (const p of seen) expect(p.totalBytes).toBe(size);
    expect(seen.at(-1)!.bytesRead).toBe(size);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.bytesRead).toBeGreaterThanOrEqual(seen[i - 1]!.bytesRead);
      expect(seen[i]!.records).toBeGreaterThanOrEqual(seen[i - 1]!.records);
    }
    expect((await engine.query('<segment><bought minCount="60"/></segment>', { asOf: AS_OF })).count).toBe(50);
    await engine.close();
  });

  it('CSV: rows of one id that are not adjacent: the later rows are refused at their line, naming both lines (not as a duplicate)', async () => {
    const T = '2026-11-11T00:03:12+08:00';
    const { dir, file } = setup('nc.csv', [HEADER,
      `T1,c1,${T},tmall,paid,A,shoes,1,1.00`,
      `T2,c2,${T},tmall,paid,A,shoes,1,1.00`,
      `T1,c1,${T},tmall,paid,B,shoes,1,1.00`,
      `T3,c3,${T},tmall,paid,A,shoes,1,1.00`].join('\n') + '\n');
    const engine = await Engine.open({ dir, shards: 2 });
    const err = await caught(ingestFile(engine, file));
    expect(err.code).toBe('E_BAD_RECORD');
    expect(err.where).toMatchObject({ file, line: 4 });
    expect(err.message).toContain(`${file}:4: rows of order "T1" are not adjacent: it starts at line 2 and appears again at line 4`);
    expect(err.message).not.toMatch(/duplicate|refund/);
    expect(await ids(engine)).toEqual(['c1', 'c2']);
    // T1 kept its first row only
    expect(await ids(engine, '<segment><bought sku="B"/></segment>')).toEqual([]);
    await engine.close();
  });

  it('CSV: a multi-row order with one bad row is refused whole', async () => {
    const T = '2026-11-11T00:03:12+08:00';
    const { dir, file } = setup('whole.csv', [HEADER,
      `T1,c1,${T},tmall,paid,A,shoes,1,1.00`,
      `T2,c2,${T},tmall,paid,A,shoes,1,1.00`,
      `T2,c2,${T},tmall,paid,B,shoes,0,1.00`,
      `T2,c2,${T},tmall,paid,C,shoes,1,1.00`,
      `T3,c3,${T},tmall,paid,A,shoes,1,1.00`].join('\n') + '\n');
    const engine = await Engine.open({ dir, shards: 2 });
    const skipped: ShandianError[] = [];
    const report = await ingestFile(engine, file, { skipBad: true, onSkip: (e) => skipped.push(e) });
    expect(report).toMatchObject({ records: 2, skipped: 1 });
    expect(skipped[0]!.message).toContain('quantity');
    expect([3, 4]).toContain(skipped[0]!.where.line);
    expect(await ids(engine)).toEqual(['c1', 'c3']);
    await engine.close();
  });

  it('CSV: rows disagreeing on customer_id stop the file; the orders before stay', async () => {
    const T = '2026-11-11T00:03:12+08:00';
    const { dir, file } = setup('dis.csv', [HEADER,
      `T1,c1,${T},tmall,paid,A,shoes,1,1.00`,
      `T2,c2,${T},tmall,paid,A,shoes,1,1.00`,
      `T2,c9,${T},tmall,paid,B,shoes,1,1.00`,
      `T3,c3,${T},tmall,paid,A,shoes,1,1.00`].join('\n') + '\n');
    const engine = await Engine.open({ dir, shards: 2 });
    const err = await caught(ingestFile(engine, file));
    expect(err.code).toBe('E_BAD_RECORD');
    expect(err.message).toContain('customer_id');
    expect([3, 4]).toContain(err.where.line);
    expect(await ids(engine)).toEqual(['c1']);
    await engine.close();
  });

  it('a CSV header without a column stops the file even with skipBad', async () => {
    const { dir, file } = setup('nohdr.csv', 'order_id,customer_id,ts,shop,status,sku,category,quantity\nT1,c1,0,s,paid,A,x,1\n');
    const engine = await Engine.open({ dir, shards: 1 });
    const err = await caught(ingestFile(engine, file, { skipBad: true }));
    expect(err.code).toBe('E_BAD_RECORD');
    expect(err.where).toMatchObject({ file, line: 1 });
    expect(await ids(engine)).toEqual([]);
    await engine.close();
  });

  it('the tz option reads timestamps without offset in that zone', async () => {
    const { dir, file } = setup('tz.ndjson', ndjson([order('O1', 'c1', '2026-11-11T00:30:00', 'A')]));
    const engine = await Engine.open({ dir, shards: 1 });
    await caught(ingestFile(engine, file));
    expect(await ids(engine)).toEqual([]);
    await ingestFile(engine, file, { tz: 'Asia/Shanghai' });
    const q = (from: string) => `<segment><bought from="${from}" to="${from}"/></segment>`;
    expect((await engine.query(q('2026-11-10'), { asOf: AS_OF })).count).toBe(1); // 2026-11-10T16:30Z
    expect((await engine.query(q('2026-11-11'), { asOf: AS_OF })).count).toBe(0);
    await engine.close();
  });
});
