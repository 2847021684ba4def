// Portraits on ClickHouse (src/backends/clickhouse/sql/portrait.ts) equal the
// reference portrait (test/oracle/portrait.ts) and engine.portrait, bucket for
// bucket, on a local 2-node cluster: random datasets, random segments (with
// <score>: the members then reach the shards by GLOBAL IN), every dimension
// form. Reproduce with SHANDIAN_PROP_SEED=<base seed>.
import { expect, it } from 'vitest';
import { compileSegment } from '../../../src/backends/clickhouse/sql/compile-plan.js';
import { portraitOnClickHouse } from '../../../src/backends/clickhouse/sql/portrait.js';
import { createStatements, type ClickHouseTarget } from '../../../src/backends/clickhouse/schema.js';
import { Engine } from '../../../src/index.js';
import { parseSegment } from '../../../src/language/parse-segment.js';
import { parseDimensions } from '../../../src/portrait/dimension.js';
import { refPortrait } from '../../oracle/portrait.js';
import { LAST_CHOICES, Rng, type Dataset } from '../../oracle/random-data.js';
import { appendInBatches, baseSeed, buildModel, datasets, genCases } from '../../property/harness.js';
import { describeClickHouse, freshDatabase, useLocalCluster } from './cluster-harness.js';
import { asParams, chQuery, insertRows, recordsToRows } from './sql/load-rows.js';

const BASE = baseSeed();

function genDimensions(rng: Rng, ds: Dataset): string[] {
  const out: string[] = [];
  for (let i = rng.int(1, 4); i > 0; i--) {
    switch (rng.int(0, 4)) {
      case 0: out.push(`attr:${rng.pick(ds.vocab.attrNames)}`); break;
      case 1: {
        const pool = [...ds.vocab.attrNumbers, -5, 0, 1, 18.5, 30, 31, 50, 1000];
        out.push(`attr:${rng.pick(ds.vocab.attrNames)}:${[...new Set(rng.sample(pool, rng.int(1, 4)))].sort((a, b) => a - b).join(',')}`);
        break;
      }
      case 2: out.push('tag'); break;
      default: {
        const field = rng.pick(['shop', 'category', 'sku']);
        const l = rng.pick(LAST_CHOICES);
        out.push(rng.bool(0.3) ? field : `${field}:last=${l.n}${l.unit}`);
      }
    }
  }
  return out;
}

describeClickHouse('ClickHouse portraits == reference == engine (2-node cluster)', () => {
  const cluster = useLocalCluster({ nodes: 2 });

  it('random segments and dimensions', async () => {
    const url = cluster().nodes[0]!.url;
    const run = async (sql: string, settings: Readonly<Record<string, string | number>>) =>
      (await chQuery(url, `${sql}\nFORMAT JSONEachRow`, asParams(settings))).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
    const problems: string[] = [];
    let checked = 0;
    for (const ds of datasets((BASE ^ 0x9a7) >>> 0, 2)) {
      const target: ClickHouseTarget = { database: freshDatabase('sql_portrait'), cluster: cluster().name };
      for (const node of cluster().nodes) for (const s of createStatements(target)) await chQuery(node.url, s);
      await insertRows(url, target, recordsToRows(ds.records));
      const model = buildModel(ds.records, []);
      const engine = await Engine.open({ shards: 2 });
      try {
        await appendInBatches(engine as never, ds.records, ds.seed);
        const rng = new Rng(ds.seed ^ 0x9047);
        for (const c of genCases(ds, 30, { allowRef: false, savedNames: [], salt: 17 })) {
          checked++;
          const by = genDimensions(rng, ds);
          const expected = refPortrait(model, model.evaluate(c.tree, c.ctx), by, c.ctx);
          const compiled = compileSegment(parseSegment(c.xml), target, { asOfMs: c.ctx.asOfMs, tz: c.ctx.tz, loadSegment: () => { throw new Error('no refs'); } });
          const got = await portraitOnClickHouse(compiled, parseDimensions(by), target, { asOfMs: c.ctx.asOfMs, tz: c.ctx.tz }, run);
          const opts: { asOf?: string | number | Date; tz?: string } = {};
          if (c.ctx.optAsOf !== undefined) opts.asOf = c.ctx.optAsOf;
          if (c.ctx.optTz !== undefined) opts.tz = c.ctx.optTz;
          const inProcess = await engine.portrait(c.xml, { by, ...opts });
          try {
            expect({ count: got.count, dimensions: got.dimensions.map((d) => ({ by: d.by, buckets: d.buckets })) }).toEqual(expected);
            expect(got).toEqual(inProcess);
          } catch (e) {
            problems.push(`by ${JSON.stringify(by)}\nxml: ${c.xml}\n${(e as Error).message.slice(0, 1500)}`);
            if (problems.length >= 3) break;
          }
        }
      } finally {
        await engine.close();
        for (const node of cluster().nodes) await chQuery(node.url, `DROP DATABASE IF EXISTS \`${target.database}\``);
      }
    }
    expect(problems.join('\n\n'), `SHANDIAN_PROP_SEED=${BASE}`).toBe('');
    expect(checked).toBe(60);
  }, 300_000);
});
