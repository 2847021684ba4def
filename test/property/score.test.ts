// Property test for <score> (contract 7.5): random score queries (all four
// `by`, scale or cuts, min/max, windows with relative bounds, filters,
// nested in and/or/not beside part-one elements) over random datasets
// (equal totals, same-second orders, refunds), answered by the reference
// model (values for everyone, then L by counting) and the engine with 1, 2,
// 3 and 7 shards (the population is the whole store, never one shard), and
// by DuckDB (rank() OVER (ORDER BY v) - 1) on a sample. Reproduce with
// SHANDIAN_PROP_SEED=<base seed>.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckPeer, type OracleRecord } from '../oracle/duckdb.js';
import type { QNode, SegmentTree } from '../oracle/query-tree.js';
import { Rng } from '../oracle/random-data.js';
import { genCtx, genNode, genScore, toSql, toXml } from '../oracle/random-query.js';
import { appendInBatches, baseSeed, buildModel, compare, datasets, describeCtx, loadEngine, runEngine, type QueryCase } from './harness.js';

const Engine = await loadEngine();
const BASE = baseSeed();
const SHARDS = [1, 2, 3, 7];
const PER_DATASET = 45; // x 4 datasets: 180 score queries a run, each on every shard count
const DUCK_SAMPLE = 12; // per dataset

function holdsScore(n: QNode | SegmentTree): boolean {
  if (!('k' in n)) return n.children.some(holdsScore);
  if (n.k === 'score') return true;
  if (n.k === 'and' || n.k === 'or') return n.children.some(holdsScore);
  if (n.k === 'not') return holdsScore(n.child);
  return false;
}

/** A score query: alone, RFM-like (several in an and), or nested with part-one and part-two elements. */
function genScoreCases(ds: ReturnType<typeof datasets>[number], n: number): QueryCase[] {
  const rng = new Rng((ds.seed * 131 + 0x5c0e) >>> 0);
  const out: QueryCase[] = [];
  for (let i = 0; i < n; i++) {
    const ctx = genCtx(rng, ds.vocab);
    const score = () => genScore(rng, ds.vocab, ctx.asOfMs);
    const other = () => genNode(rng, ds.vocab, 3, { allowRef: false, asOfHint: ctx.asOfMs });
    const r = rng.next();
    let children: QNode[];
    if (r < 0.35) children = [score()];
    else if (r < 0.55) children = [{ k: 'and', children: [score(), score(), score()] }];
    else if (r < 0.7) children = [score(), other()];
    else if (r < 0.8) children = [{ k: 'or', children: [score(), other()] }];
    else if (r < 0.9) children = [other(), { k: 'not', child: score() }];
    else children = [{ k: 'not', child: { k: 'and', children: [score(), score()] } }];
    const tree: SegmentTree = { children };
    const xml = toXml(tree, { rng, asOf: ctx.segAsOf, tz: ctx.segTz });
    out.push({ index: i, tree, ctx, xml });
  }
  return out.filter((c) => holdsScore(c.tree));
}

describe('<score>: model == engine (1, 2, 3, 7 shards) == DuckDB (a sample)', () => {
  const sets = datasets((BASE ^ 0x5c02e) >>> 0, 4);
  let peers: DuckPeer[] = [];
  beforeAll(async () => {
    peers = await Promise.all(sets.map(async (ds) => {
      const peer = await DuckPeer.create({ threads: 1 });
      await peer.load([ds.records as unknown as OracleRecord[]]);
      return peer;
    }));
  });
  afterAll(() => peers.forEach((p) => p.close()));

  it('random score queries agree', async () => {
    const failures: string[] = [];
    let checked = 0, nonTrivial = 0, duckChecked = 0;
    for (const [i, ds] of sets.entries()) {
      const model = buildModel(ds.records, []);
      const cases = genScoreCases(ds, PER_DATASET);
      const expected = cases.map((c) => model.evaluate(c.tree, c.ctx));
      for (const [j, c] of cases.entries()) {
        if (j >= DUCK_SAMPLE) break;
        duckChecked++;
        const duck = new Set(await peers[i]!.members(toSql(c.tree, c.ctx)));
        const want = expected[j]!;
        const onlyModel = [...want].filter((x) => !duck.has(x)), onlyDuck = [...duck].filter((x) => !want.has(x));
        if (onlyModel.length || onlyDuck.length) failures.push(`model vs DuckDB: only model ${JSON.stringify(onlyModel.slice(0, 5))}, only duck ${JSON.stringify(onlyDuck.slice(0, 5))}\n  xml: ${c.xml}\n  ctx: ${describeCtx(c.ctx)}`);
      }
      if (!Engine) continue;
      for (const shards of SHARDS) {
        const engine = await Engine.open({ shards });
        try {
          await appendInBatches(engine, ds.records, ds.seed);
          for (const [j, c] of cases.entries()) {
            const want = expected[j]!;
            if (shards === 1) {
              checked++;
              if (want.size > 0 && want.size < model.known.size) nonTrivial++;
            }
            const d = compare(want, await runEngine(engine, c));
            if (d) failures.push(`model vs engine (${shards} shards): ${d}\n  xml: ${c.xml}\n  ctx: ${describeCtx(c.ctx)}`);
          }
        } finally {
          await engine.close();
        }
      }
    }
    if (failures.length) expect.fail(`base seed ${BASE} (SHANDIAN_PROP_SEED=${BASE}): ${failures.length} mismatches\n${failures.slice(0, 5).join('\n\n')}`);
    expect(checked).toBeGreaterThanOrEqual(150);
    expect(duckChecked).toBeGreaterThanOrEqual(40);
    expect(nonTrivial).toBeGreaterThan(checked * 0.3);
  });
});
