// Property test for <firstOrder>/<lastOrder> (contract 7.3): random queries
// that hold at least one of them, over random datasets (same-second orders,
// orders on window edges and asOf, refunds and refunded orders), answered by
// the reference model (min/max ts per customer), DuckDB (GROUP BY min/max)
// and the engine (which plans them as two <bought> scans), in one shard and
// three. Reproduce with SHANDIAN_PROP_SEED=<base seed>.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckPeer, type OracleRecord } from '../oracle/duckdb.js';
import type { QNode, SegmentTree } from '../oracle/query-tree.js';
import { toSql } from '../oracle/random-query.js';
import { datasets, baseSeed, buildModel, compare, describeCtx, genCases, loadEngine, runEngine, appendInBatches } from './harness.js';

const Engine = await loadEngine();
const BASE = baseSeed();

function holdsEdge(n: QNode | SegmentTree): boolean {
  if (!('k' in n)) return n.children.some(holdsEdge);
  if (n.k === 'firstOrder' || n.k === 'lastOrder') return true;
  if (n.k === 'and' || n.k === 'or') return n.children.some(holdsEdge);
  if (n.k === 'not') return holdsEdge(n.child);
  return false;
}

describe('<firstOrder>/<lastOrder>: model == DuckDB == engine', () => {
  const sets = datasets((BASE ^ 0xf1257) >>> 0, 3);
  let peers: DuckPeer[] = [];
  beforeAll(async () => {
    peers = await Promise.all(sets.map(async (ds) => {
      const peer = await DuckPeer.create({ threads: 1 });
      await peer.load([ds.records as unknown as OracleRecord[]]);
      return peer;
    }));
  });
  afterAll(() => peers.forEach((p) => p.close()));

  it('random queries holding them agree three ways', async () => {
    const failures: string[] = [];
    let checked = 0, nonTrivial = 0;
    for (const [i, ds] of sets.entries()) {
      const model = buildModel(ds.records, []);
      const cases = genCases(ds, 500, { allowRef: false, savedNames: [], salt: 0xf1 }).filter((c) => holdsEdge(c.tree)).slice(0, 60);
      const engine = Engine ? await Engine.open({ shards: i === 0 ? 1 : 3 }) : undefined;
      try {
        if (engine) await appendInBatches(engine, ds.records, ds.seed);
        for (const c of cases) {
          checked++;
          const expected = model.evaluate(c.tree, c.ctx);
          if (expected.size > 0 && expected.size < model.known.size) nonTrivial++;
          const sql = toSql(c.tree, c.ctx);
          const duck = new Set(await peers[i]!.members(sql));
          const onlyModel = [...expected].filter((x) => !duck.has(x)), onlyDuck = [...duck].filter((x) => !expected.has(x));
          if (onlyModel.length || onlyDuck.length) failures.push(`model vs DuckDB: only model ${JSON.stringify(onlyModel.slice(0, 5))}, only duck ${JSON.stringify(onlyDuck.slice(0, 5))}\n  xml: ${c.xml}\n  ctx: ${describeCtx(c.ctx)}`);
          if (engine) {
            const d = compare(expected, await runEngine(engine, c));
            if (d) failures.push(`model vs engine: ${d}\n  xml: ${c.xml}\n  ctx: ${describeCtx(c.ctx)}`);
          }
        }
      } finally {
        await engine?.close();
      }
    }
    if (failures.length) expect.fail(`base seed ${BASE} (SHANDIAN_PROP_SEED=${BASE}): ${failures.length} mismatches\n${failures.slice(0, 5).join('\n\n')}`);
    expect(checked).toBeGreaterThan(100);
    expect(nonTrivial).toBeGreaterThan(checked * 0.3);
  });
});
