// Arrow exports on the ClickHouse cluster (contract 8.1 and 9): the Arrow
// IPC stream ClusterEngine.exportChunks gives, read back with apache-arrow,
// equals the in-process engine's arrow export of the same query on the same
// records: the same schema (customer_id Utf8, attr:NAME Float64 when every
// value held in the whole store is a number else Utf8, tag:NAME Bool) and the
// same rows once sorted by customer_id. Random data and queries
// (test/oracle/), plus attributes made to be numeric-only, string-only, and
// numeric only after a string was replaced or deleted. Reproduce with
// SHANDIAN_PROP_SEED=<base seed>. Skipped without clickhouse-server.
import { tableFromIPC, type Table } from 'apache-arrow';
import { expect, it } from 'vitest';
import { ClusterEngine } from '../../../../src/backends/clickhouse/cluster/cluster-engine.js';
import { Engine } from '../../../../src/engine/engine.js';
import { ShandianError } from '../../../../src/model/errors.js';
import type { InputRecord } from '../../../../src/model/records.js';
import { baseSeed, datasets, genCases } from '../../../property/harness.js';
import { describeClickHouse, freshDatabase, useLocalCluster } from '../cluster-harness.js';

const BASE = baseSeed();

/** Attributes whose type the random data never decides one way: see the header. */
function typedRecords(customers: readonly string[]): InputRecord[] {
  const out: InputRecord[] = [];
  customers.forEach((id, i) => {
    const attrs: Record<string, string | number | null> = { num_only: i * 1.5 - 7, str_only: `s${i % 5}` };
    if (i % 3 === 0) attrs.became_number = 'was text';
    if (i % 4 === 0) attrs.deleted_text = 'gone soon';
    else attrs.deleted_text = i;
    out.push({ type: 'customer', customer_id: id, attrs } as InputRecord);
  });
  // the string values replaced by numbers, or deleted: only numbers are held now
  customers.forEach((id, i) => {
    const attrs: Record<string, string | number | null> = { became_number: i };
    if (i % 4 === 0) attrs.deleted_text = null;
    out.push({ type: 'customer', customer_id: id, attrs } as InputRecord);
  });
  return out;
}

async function bytesOf(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
}

/** The schema as comparable text, and the rows as plain objects sorted by customer_id. */
function readable(table: Table): { schema: string[]; rows: Record<string, unknown>[] } {
  const schema = table.schema.fields.map((f) => `${f.name}: ${String(f.type)}${f.nullable ? '?' : ''}`);
  const rows = table.toArray().map((r) => ({ ...(r as { toJSON(): Record<string, unknown> }).toJSON() }));
  rows.sort((a, b) => (String(a.customer_id) < String(b.customer_id) ? -1 : String(a.customer_id) > String(b.customer_id) ? 1 : 0));
  return { schema, rows };
}

describeClickHouse('arrow exports on a 2-node cluster == in-process', () => {
  const cluster = useLocalCluster({ nodes: 2 });

  it('random segments and columns: the same Arrow schema and rows as the in-process export', async () => {
    const [ds] = datasets((BASE ^ 0xa77) >>> 0, 1);
    const customers = [...new Set(ds!.records.map((r) => (r as { customer_id?: string }).customer_id).filter((c): c is string => typeof c === 'string'))].slice(0, 60);
    const records = [...(ds!.records as InputRecord[]), ...typedRecords(customers)];
    const local = await Engine.open({ shards: 2 });
    const remote = await ClusterEngine.open({ clickhouse: { urls: cluster().urls, cluster: cluster().name, database: freshDatabase('arrow') } });
    try {
      await remote.createTables();
      for (let i = 0; i < records.length; i += 500) {
        await local.append(records.slice(i, i + 500));
        await remote.append(records.slice(i, i + 500));
      }
      const attrs = [...ds!.vocab.attrNames, 'num_only', 'str_only', 'became_number', 'deleted_text', 'nobody'];
      const tags = [...ds!.vocab.tags, 'nobody'];
      const rng = mulberry(BASE ^ 0x5eed);
      const fixed = ['<segment><bought/></segment>', '<segment><not><bought/></not></segment>', '<segment><attr name="num_only" gte="0"/></segment>']
        .map((xml) => ({ xml, ctx: { asOfMs: 0, tz: 'UTC', optAsOf: '2030-01-01T00:00:00Z' } as (typeof random)[number]['ctx'] }));
      const random = genCases(ds!, 24, { allowRef: false, savedNames: [], salt: 0xa7 });
      const cases = [...fixed, ...random];
      const columnSets: string[][] = [[], ['attr:num_only', 'attr:str_only', 'attr:became_number', 'attr:deleted_text', 'tag:nobody', 'attr:nobody']];
      for (let i = 2; i < cases.length; i++) {
        const pool = [...attrs.map((a) => `attr:${a}`), ...tags.map((t) => `tag:${t}`)];
        columnSets.push(pool.filter(() => rng() < 0.4));
      }
      let nonEmpty = 0;
      const types = new Set<string>();
      for (const [i, c] of cases.entries()) {
        const columns = columnSets[i % columnSets.length]!;
        const opts: { asOf?: string | number | Date; tz?: string } = {};
        if (c.ctx.optAsOf !== undefined) opts.asOf = c.ctx.optAsOf;
        if (c.ctx.optTz !== undefined) opts.tz = c.ctx.optTz;
        const segment = await local.query(c.xml, opts);
        const expected = readable(tableFromIPC(await bytesOf(segment.exportChunks({ format: 'arrow', columns }))));
        const got = readable(tableFromIPC(await bytesOf(remote.exportChunks(c.xml, { ...opts, format: 'arrow', columns }))));
        const what = `${c.xml} ${JSON.stringify(opts)} ${columns.join(',')}`;
        expect(got.schema, what).toEqual(expected.schema);
        expect(got.rows, what).toEqual(expected.rows);
        if (expected.rows.length > 0) nonEmpty++;
        for (const f of expected.schema) types.add(f.replace(/^.*: /, ''));
      }
      expect(nonEmpty).toBeGreaterThanOrEqual(fixed.length + 2);
      // the fixed column set typed both ways: the rule was exercised
      expect(types).toEqual(new Set(['Utf8', 'Float64?', 'Utf8?', 'Bool']));
      // a bad format is still refused before anything runs
      const e = await bytesOf(remote.exportChunks('<segment><bought/></segment>', { format: 'parquet' as 'csv' })).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ShandianError);
      expect((e as ShandianError).code).toBe('E_BAD_ARGS');
    } finally {
      await local.close();
      await remote.close();
    }
  }, 300_000);
});

/** A small seeded generator for the column choice. */
function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
