// The part-two property suite (contract section 7): at least 500 random
// queries per run that each hold at least one part-two feature (relative
// window bounds, quantity thresholds, <firstOrder>/<lastOrder>, <sample>,
// <sequence>, <score>), mixed with part-one elements, nested, with refs to
// saved segments that hold them too, on data made to bite (same-second
// orders, orders exactly on window edges and at asOf, equal totals,
// refunds: test/oracle/random-data.ts). Every answer is compared with the
// reference model; a sample of the ref-free ones also with DuckDB (three
// ways). Shard counts 1, 2, 3 and 7, so a whole-store rule (a <score>'s
// population) cannot pass by looking at one shard.
// Reproduce with SHANDIAN_PROP_SEED=<base seed>.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckPeer, type OracleRecord } from '../oracle/duckdb.js';
import { usesRef, type SegmentTree } from '../oracle/query-tree.js';
import { toSql } from '../oracle/random-query.js';
import {
  appendInBatches, baseSeed, buildModel, compare, datasets, describeCtx, genCases, genSaved, loadEngine, runEngine,
  type QueryCase, type SavedSegment,
} from './harness.js';

const Engine = await loadEngine();
const BASE = baseSeed();

/** Part-one kinds; any other element kind in a tree is a part-two element. */
const PART_ONE_KINDS = new Set(['and', 'or', 'not', 'bought', 'tag', 'attr', 'ref']);

/**
 * The part-two features a tree holds (by name), read generically from the
 * oracle's tree so elements added later (their own node shapes) count
 * without a change here. Refs count what their saved segment holds.
 */
export function partTwoFeatures(tree: unknown, saved: ReadonlyMap<string, SegmentTree>, seen = new Set<string>()): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v === null || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (typeof o.k === 'string') {
      if (!PART_ONE_KINDS.has(o.k)) out.add(o.k);
      if (o.k === 'ref' && typeof o.name === 'string' && !seen.has(o.name)) {
        seen.add(o.name);
        const s = saved.get(o.name);
        if (s) walk(s);
      }
      if (o.minQuantity !== undefined || o.maxQuantity !== undefined) out.add('quantity');
    }
    if (o.kind === 'relative') out.add('relative');
    for (const x of Object.values(o)) walk(x);
  };
  walk(tree);
  return out;
}

const SHARDS = [1, 2, 3, 7];
const PER_DATASET = 130; // 4 x 130 = 520 part-two queries a run
const THREE_WAY_PER_DATASET = 20;

describe('part two (contract 7): random queries, engine == model, a sample three ways', () => {
  const sets = datasets((BASE ^ 0x7a2) >>> 0, SHARDS.length);
  let peers: DuckPeer[] = [];
  beforeAll(async () => {
    peers = await Promise.all(sets.map(async (ds) => {
      const peer = await DuckPeer.create({ threads: 1 });
      await peer.load([ds.records as unknown as OracleRecord[]]);
      return peer;
    }));
  });
  afterAll(() => peers.forEach((p) => p.close()));

  it(`>= ${PER_DATASET * SHARDS.length} queries with a part-two element agree`, async () => {
    const failures: string[] = [];
    const features = new Map<string, number>();
    let checked = 0, nonTrivial = 0, threeWay = 0, byEngine = 0;
    for (const [i, ds] of sets.entries()) {
      const saved: SavedSegment[] = genSaved(ds, 3);
      const savedTrees = new Map(saved.map((s) => [s.name, s.tree] as const));
      const model = buildModel(ds.records, saved);
      const cases: { c: QueryCase; has: Set<string> }[] = [];
      for (const c of genCases(ds, PER_DATASET * 12, { allowRef: true, savedNames: saved.map((s) => s.name), salt: 0x72 })) {
        const has = partTwoFeatures(c.tree, savedTrees);
        if (has.size > 0) cases.push({ c, has });
        if (cases.length === PER_DATASET) break;
      }
      const engine = Engine ? await Engine.open({ shards: SHARDS[i]! }) : undefined;
      try {
        if (engine) {
          await appendInBatches(engine, ds.records, ds.seed);
          for (const s of saved) await engine.save(s.name, s.xml);
        }
        let duckLeft = THREE_WAY_PER_DATASET;
        for (const { c, has } of cases) {
          checked++;
          for (const f of has) features.set(f, (features.get(f) ?? 0) + 1);
          const expected = model.evaluate(c.tree, c.ctx);
          if (expected.size > 0 && expected.size < model.known.size) nonTrivial++;
          if (duckLeft > 0 && !usesRef(c.tree)) {
            duckLeft--;
            threeWay++;
            const duck = new Set(await peers[i]!.members(toSql(c.tree, c.ctx)));
            const onlyModel = [...expected].filter((x) => !duck.has(x)), onlyDuck = [...duck].filter((x) => !expected.has(x));
            if (onlyModel.length || onlyDuck.length) {
              failures.push(`model vs DuckDB (shards ${SHARDS[i]}): only model ${JSON.stringify(onlyModel.slice(0, 5))}, only duck ${JSON.stringify(onlyDuck.slice(0, 5))}\n  xml: ${c.xml}\n  ctx: ${describeCtx(c.ctx)}`);
            }
          }
          if (engine) {
            byEngine++;
            const d = compare(expected, await runEngine(engine, c));
            if (d) failures.push(`model vs engine (shards ${SHARDS[i]}, features ${[...has].join(',')}): ${d}\n  xml: ${c.xml}\n  ctx: ${describeCtx(c.ctx)}`);
          }
        }
      } finally {
        await engine?.close();
      }
    }
    if (failures.length) expect.fail(`base seed ${BASE} (SHANDIAN_PROP_SEED=${BASE}): ${failures.length} mismatches\n${failures.slice(0, 5).join('\n\n')}`);
    expect(checked).toBeGreaterThanOrEqual(500);
    expect(byEngine).toBe(checked);
    console.log(`part two: ${checked} queries, ${threeWay} three ways, ${nonTrivial} non-trivial; ${[...features].map(([f, n]) => `${f} ${n}`).join(", ")}`);
    expect(threeWay).toBeGreaterThanOrEqual(40);
    expect(nonTrivial).toBeGreaterThan(checked * 0.25);
    // every part-two feature the generator knows is exercised, each many times
    for (const f of ['relative', 'quantity', 'firstOrder', 'lastOrder', 'sample', 'sequence', 'score']) {
      expect(features.get(f) ?? 0, `queries holding ${f}`).toBeGreaterThanOrEqual(25);
    }
  });
});
