/**
 * DuckDB reads the exports: the CSV with read_csv (quotes, newlines and
 * Chinese text in ids and values; `""` apart from absent with
 * allow_quoted_nulls=false; tags as BOOLEAN), the NDJSON with read_json.
 * The Arrow IPC stream needs DuckDB's nanoarrow extension (read_arrow),
 * which is not built into @duckdb/node-api and cannot be installed offline:
 * that test runs only where the extension loads.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import type { Segment } from '../../src/engine/segment.js';
import { RefModel } from '../oracle/model.js';
import { genDataset } from '../oracle/random-data.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-export-duck-'));
let engine: Engine;
let seg: Segment;
let db: DuckDBConnection;
let model: RefModel;
let ids: Set<string>;
let columns: string[];
let canReadArrow = false;

const q = (s: string) => `'${s.replaceAll("'", "''")}'`;

beforeAll(async () => {
  const ds = genDataset(0xd0c4e, { minCustomers: 150, maxCustomers: 200 });
  model = new RefModel();
  const valid: unknown[] = [];
  for (const r of ds.records) {
    try {
      model.apply(r);
      valid.push(r);
    } catch {
      // refused by the model: the engine would refuse it too
    }
  }
  engine = await Engine.open({ shards: 3 });
  await engine.append(valid as never);
  seg = await engine.query(`<segment><or>${ds.vocab.tags.map((t) => `<tag name="${t.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('"', '&quot;')}"/>`).join('')}<attr name="city" exists="true"/></or></segment>`);
  ids = new Set<string>();
  for await (const id of seg.ids()) ids.add(id);
  columns = [...ds.vocab.attrNames.map((a) => `attr:${a}`), ...ds.vocab.tags.map((t) => `tag:${t}`)];
  db = await (await DuckDBInstance.create(':memory:')).connect();
  try {
    await db.run('LOAD nanoarrow');
    canReadArrow = true;
  } catch {
    canReadArrow = false;
  }
}, 60_000);

afterAll(async () => {
  await engine?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function want(customer: string, column: string): string | number | boolean | null {
  const [kind, ...rest] = column.split(':');
  const name = rest.join(':');
  if (kind === 'tag') return model.tags.get(customer)?.has(name) ?? false;
  return model.attrs.get(customer)?.get(name) ?? null;
}

describe('DuckDB reads the exports', () => {
  it('the segment is not trivial', () => {
    expect(ids.size).toBeGreaterThan(20);
  });

  it('csv: read_csv gives every member with its values (as text), tags as BOOLEAN', async () => {
    const file = path.join(dir, 'seg.csv');
    await seg.exportToFile(file, { format: 'csv', columns });
    const source = `read_csv(${q(file)}, header = true, allow_quoted_nulls = false, all_varchar = true)`;
    const rows = (await db.runAndReadAll(`SELECT * FROM ${source}`)).getRowObjects();
    expect(rows.length).toBe(ids.size);
    for (const row of rows) {
      const id = row.customer_id as string;
      expect(ids.has(id), JSON.stringify(id)).toBe(true);
      for (const col of columns) {
        const w = want(id, col);
        expect(row[col], `${id} ${col}`).toBe(w === null ? null : String(w));
      }
    }
    const types = (await db.runAndReadAll(`DESCRIBE SELECT * FROM read_csv(${q(file)}, header = true, allow_quoted_nulls = false)`)).getRows();
    for (const col of columns.filter((c) => c.startsWith('tag:'))) expect(types.find((t) => t[0] === col)?.[1], col).toBe('BOOLEAN');
  });

  it('ndjson: read_json gives every member, numbers as numbers', async () => {
    const file = path.join(dir, 'seg.ndjson');
    await seg.exportToFile(file, { format: 'ndjson', columns: ['attr:level', 'tag:vip'] });
    const rows = (await db.runAndReadAll(`SELECT customer_id, CAST("attr:level" AS VARCHAR) AS level, json_type(to_json("attr:level")) AS t, "tag:vip" AS vip FROM read_json(${q(file)}, format = 'newline_delimited', columns = {customer_id: 'VARCHAR', "attr:level": 'JSON', "tag:vip": 'BOOLEAN'})`)).getRowObjects();
    expect(rows.length).toBe(ids.size);
    const kinds = new Set(rows.map((row) => typeof want(row.customer_id as string, 'attr:level')));
    expect(kinds.has('number') && kinds.has('string'), 'the data has numbers and strings in attr:level').toBe(true);
    for (const row of rows) {
      const id = row.customer_id as string;
      const w = want(id, 'attr:level');
      expect(row.vip).toBe(want(id, 'tag:vip'));
      if (w === null) expect(row.level === null || row.level === 'null').toBe(true);
      else expect(JSON.parse(row.level as string)).toBe(w);
    }
  });

  it('arrow: read_arrow (nanoarrow extension) gives every member, where the extension loads', async (ctx) => {
    if (!canReadArrow) ctx.skip(); // not built in, not installable offline (see the top of this file)
    const file = path.join(dir, 'seg.arrow');
    await seg.exportToFile(file, { format: 'arrow', columns: ['tag:vip'] });
    const rows = (await db.runAndReadAll(`SELECT customer_id, "tag:vip" FROM read_arrow(${q(file)})`)).getRows();
    expect(new Set(rows.map((r) => r[0]))).toEqual(ids);
  });
});
