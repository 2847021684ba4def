// The ClickHouse compiler (src/backends/clickhouse/sql/) against the
// in-process engine and the reference model: random data (test/oracle/
// random-data.ts) loaded into a local 2-node cluster (each node one shard,
// Distributed tables sharded by customer) and into the engine, then random
// part-one and part-two queries (test/oracle/random-query.ts, refs to saved
// segments included) compiled to one SQL query each; the customer sets and
// the count form must be identical, to the customer.
// Reproduce with SHANDIAN_PROP_SEED=<base seed>. Skipped, with a message,
// when clickhouse-server is not on the PATH.
import { writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { compileSegment } from '../../../src/backends/clickhouse/sql/compile-plan.js';
import { createStatements, type ClickHouseTarget } from '../../../src/backends/clickhouse/schema.js';
import { parseSegment } from '../../../src/language/parse-segment.js';
import { ShandianError } from '../../../src/model/errors.js';
import {
  appendInBatches, baseSeed, buildModel, compare, datasets, describeCtx, genCases, genSaved, loadEngine, runEngine,
} from '../../property/harness.js';
import { describeClickHouse, freshDatabase, useLocalCluster } from './cluster-harness.js';
import { asParams, chQuery, insertRows, queryIds, recordsToRows } from './sql/load-rows.js';

const Engine = await loadEngine();
const BASE = baseSeed();
const DATASETS = 3;
const PER_DATASET = 110; // 330 queries a run

describeClickHouse('ClickHouse SQL == engine == model (2-node cluster)', () => {
  const cluster = useLocalCluster({ nodes: 2 });

  it(`>= ${DATASETS * PER_DATASET} random part-one and part-two queries agree`, async () => {
    await agree(cluster().nodes.map((n) => n.url), cluster().name, DATASETS);
  }, 600_000);

  it(`one node without a cluster (local tables only): ${PER_DATASET} queries agree`, async () => {
    await agree([cluster().nodes[0]!.url], undefined, 1);
  }, 300_000);

  /** Loads random datasets, runs random queries compiled for `cluster` (absent: one node) on `urls`, compares. */
  async function agree(urls: string[], clusterName: string | undefined, datasetCount: number): Promise<void> {
    const failures: string[] = [];
    let checked = 0, nonTrivial = 0;
    const kinds = new Map<string, number>();
    for (const ds of datasets((BASE ^ 0xc1c ^ datasetCount) >>> 0, datasetCount)) {
      const target: ClickHouseTarget = { database: freshDatabase('sql_prop'), ...(clusterName !== undefined ? { cluster: clusterName } : {}) };
      for (const url of urls) for (const s of createStatements(target)) await chQuery(url, s);
      await insertRows(urls[0]!, target, recordsToRows(ds.records));
      // both shards hold part of the data
      for (const url of urls) {
        const n = Number((await chQuery(url, `SELECT count() FROM \`${target.database}\`.order_lines_local`)).trim());
        expect(n, `order lines on ${url}`).toBeGreaterThan(0);
      }
      const saved = genSaved(ds, 3);
      const savedXml = new Map(saved.map((s) => [s.name, s.xml] as const));
      const model = buildModel(ds.records, saved);
      const engine = Engine ? await Engine.open({ shards: 2 }) : undefined;
      try {
        if (engine) {
          await appendInBatches(engine, ds.records, ds.seed);
          for (const s of saved) await engine.save(s.name, s.xml);
        }
        for (const c of genCases(ds, PER_DATASET, { allowRef: true, savedNames: saved.map((s) => s.name), salt: 0xc4 })) {
          checked++;
          for (const k of JSON.stringify(c.tree).matchAll(/"k":"(\w+)"/g)) kinds.set(k[1]!, (kinds.get(k[1]!) ?? 0) + 1);
          const expected = model.evaluate(c.tree, c.ctx);
          if (expected.size > 0 && expected.size < model.known.size) nonTrivial++;
          let ids: string[], count: number, sql = '';
          try {
            const compiled = compileSegment(parseSegment(c.xml), target, {
              asOfMs: c.ctx.asOfMs,
              tz: c.ctx.tz,
              loadSegment: (name) => {
                const xml = savedXml.get(name);
                if (xml === undefined) throw new ShandianError('E_UNKNOWN_SEGMENT', `no saved segment ${name}`);
                return parseSegment(xml);
              },
            });
            sql = compiled.membersSql;
            ids = await queryIds(urls[0]!, compiled.membersSql, compiled.settings);
            count = Number(JSON.parse((await chQuery(urls[0]!, `${compiled.countSql}\nFORMAT JSONEachRow`, asParams(compiled.settings))).trim()).count);
          } catch (e) {
            failures.push(`ClickHouse failed: ${(e as Error).message.slice(0, 1500)}\n  xml: ${c.xml}\n  ctx: ${describeCtx(c.ctx)}`);
            continue;
          }
          const got = new Set(ids);
          const d = compare(expected, { ids: got, count, duplicates: ids.length === got.size ? [] : ['(repeated ids)'] });
          if (d) failures.push(`model vs ClickHouse: ${d}\n  xml: ${c.xml}\n  ctx: ${describeCtx(c.ctx)}\n  sql: ${sql.slice(0, 3000)}`);
          if (engine) {
            const e = compare(got, await runEngine(engine, c));
            if (e) failures.push(`ClickHouse vs engine: ${e}\n  xml: ${c.xml}\n  ctx: ${describeCtx(c.ctx)}`);
          }
        }
      } finally {
        await engine?.close();
        for (const url of urls) await chQuery(url, `DROP DATABASE IF EXISTS \`${target.database}\``);
      }
    }
    if (failures.length && process.env.SHANDIAN_CH_DUMP) writeFileSync(process.env.SHANDIAN_CH_DUMP, failures.join('\n\n'));
    if (failures.length) expect.fail(`base seed ${BASE} (SHANDIAN_PROP_SEED=${BASE}): ${failures.length} mismatches\n${failures.slice(0, 4).join('\n\n')}`);
    console.log(`ClickHouse: ${checked} queries, ${nonTrivial} non-trivial; elements ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    expect(checked).toBe(datasetCount * PER_DATASET);
    // every part-two element (and refs) is exercised, each several times (<score>, the rarest: 19 to 35 in 14 runs)
    if (datasetCount > 1) for (const k of ['sequence', 'score', 'sample', 'firstOrder', 'lastOrder', 'ref']) expect(kinds.get(k) ?? 0, `${k} (SHANDIAN_PROP_SEED=${BASE})`).toBeGreaterThanOrEqual(10);
    expect(nonTrivial).toBeGreaterThan(checked * 0.25);
  }
});
