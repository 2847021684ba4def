// Wide <or>s on ClickHouse: an <or> (or an <and>'s <not> list) of many
// existence <bought>s is one scan of the order lines, and from 16 terms on
// a value lookup (sql/bought.ts termLookup); random ORs of 2 to 80 terms
// (any-of lists, every window form, filters on one to three dimensions, some
// terms with thresholds that stay separate) must give the engine's members.
// Reproduce with SHANDIAN_PROP_SEED=<base seed>.
import { expect, it } from 'vitest';
import { compileSegment } from '../../../src/backends/clickhouse/sql/compile-plan.js';
import { createStatements, type ClickHouseTarget } from '../../../src/backends/clickhouse/schema.js';
import { Engine } from '../../../src/index.js';
import { parseSegment } from '../../../src/language/parse-segment.js';
import { Rng, type Dataset } from '../../oracle/random-data.js';
import { appendInBatches, baseSeed, datasets } from '../../property/harness.js';
import { describeClickHouse, freshDatabase, useLocalCluster } from './cluster-harness.js';
import { chQuery, insertRows, queryIds, recordsToRows } from './sql/load-rows.js';

const BASE = baseSeed();
const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('"', '&quot;').replaceAll('\n', '&#10;').replaceAll('\t', '&#9;');

function term(rng: Rng, ds: Dataset, shared: 'sku' | 'category' | 'shop'): string {
  const pools = { sku: [...ds.vocab.skus, 'nope'], category: [...ds.vocab.categories, 'nope'], shop: [...ds.vocab.shops, 'nope'] };
  const attrs: string[] = [];
  const children: string[] = [];
  for (const dim of ['sku', 'category', 'shop'] as const) {
    if (dim !== shared && !rng.bool(0.3)) continue;
    const values = rng.sample(pools[dim], rng.int(1, 3));
    if (values.length === 1 && rng.bool(0.5)) attrs.push(`${dim}="${esc(values[0]!)}"`);
    else children.push(...values.map((v) => `<${dim}>${esc(v)}</${dim}>`));
  }
  switch (rng.int(0, 3)) {
    case 0: break;
    case 1: attrs.push(`last="${rng.int(1, 300)}${rng.pick(['h', 'd', 'w'])}"`); break;
    case 2: attrs.push(`from="2026-0${rng.int(1, 9)}-1${rng.int(0, 9)}"`); break;
    default: attrs.push(`from="-${rng.int(100, 400)}d"`, `to="-${rng.int(0, 99)}d"`);
  }
  if (rng.bool(0.1)) attrs.push(`minCount="2"`);
  return `<bought ${attrs.join(' ')}>${children.join('')}</bought>`;
}

describeClickHouse('ClickHouse wide <or> of <bought>s == engine (2-node cluster)', () => {
  const cluster = useLocalCluster({ nodes: 2 });

  it('random ORs of 2 to 80 terms, also as <not> lists', async () => {
    const urls = cluster().nodes.map((n) => n.url);
    const ds = datasets((BASE ^ 0x0e) >>> 0, 1)[0]!;
    const target: ClickHouseTarget = { database: freshDatabase('sql_wide'), cluster: cluster().name };
    for (const url of urls) for (const s of createStatements(target)) await chQuery(url, s);
    await insertRows(urls[0]!, target, recordsToRows(ds.records));
    const engine = await Engine.open({ shards: 2 });
    const problems: string[] = [];
    let nonTrivial = 0;
    try {
      await appendInBatches(engine as never, ds.records, ds.seed);
      const rng = new Rng(ds.seed ^ 0x71de);
      for (let q = 0; q < 40; q++) {
        const shared = rng.pick(['sku', 'category', 'shop'] as const);
        const terms = Array.from({ length: rng.pick([2, 5, 16, 17, 40, 80]) }, () => term(rng, ds, shared)).join('');
        const asOf = rng.pick(ds.vocab.asOfs);
        const xml = rng.bool(0.3) ? `<segment><tag name="${esc(ds.vocab.tags[0]!)}"/><not><or>${terms}</or></not></segment>` : `<segment><or>${terms}</or></segment>`;
        const compiled = compileSegment(parseSegment(xml), target, { asOfMs: asOf, tz: 'Asia/Shanghai', loadSegment: () => { throw new Error('no refs'); } });
        const got = new Set(await queryIds(urls[0]!, compiled.membersSql, compiled.settings));
        const seg = await engine.query(xml, { asOf, tz: 'Asia/Shanghai' });
        const want = new Set<string>();
        for await (const id of seg.ids()) want.add(id);
        if (want.size > 0) nonTrivial++;
        const onlyCh = [...got].filter((x) => !want.has(x)), onlyEngine = [...want].filter((x) => !got.has(x));
        if (onlyCh.length || onlyEngine.length) problems.push(`only ClickHouse ${JSON.stringify(onlyCh.slice(0, 5))}, only engine ${JSON.stringify(onlyEngine.slice(0, 5))}\n  xml: ${xml.slice(0, 1500)}`);
      }
    } finally {
      await engine.close();
      for (const url of urls) await chQuery(url, `DROP DATABASE IF EXISTS \`${target.database}\``);
    }
    expect(problems.join('\n\n'), `SHANDIAN_PROP_SEED=${BASE}`).toBe('');
    expect(nonTrivial).toBeGreaterThan(20);
  }, 300_000);
});
