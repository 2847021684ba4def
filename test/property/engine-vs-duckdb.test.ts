// Property test: random queries (no <ref>) answered three ways must agree:
// the engine, the brute-force reference model, and DuckDB SQL over the same
// raw records, loaded into the oracle's DuckDB schema (test/oracle/duckdb.ts)
// and queried with the oracle's SQL translation (test/oracle/sql.ts). DuckDB
// derives the final state (refunds, attribute upserts and
// deletions, tag add/remove) from raw event tables itself, so it checks the
// model's ingest as well as its evaluation. The model-vs-DuckDB half runs even
// before the engine exists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckPeer, type OracleRecord } from '../oracle/duckdb.js';
import { RefModel } from '../oracle/model.js';
import { genDataset } from '../oracle/random-data.js';
import { toSql } from '../oracle/random-query.js';
import { type QueryCase, baseSeed, compare, describeCtx, genCases, loadEngine, runEngine } from './harness.js';

const Engine = await loadEngine();
const BASE = baseSeed();
const QUERIES = 100;

async function duckIds(peer: DuckPeer, sql: string): Promise<Set<string>> {
  return new Set(await peer.members(sql));
}

function setDiff(a: Set<string>, b: Set<string>): string | undefined {
  const onlyA = [...a].filter((x) => !b.has(x));
  const onlyB = [...b].filter((x) => !a.has(x));
  if (!onlyA.length && !onlyB.length) return undefined;
  return `only model ${JSON.stringify(onlyA.slice(0, 8))}, only duckdb ${JSON.stringify(onlyB.slice(0, 8))}`;
}

describe('engine vs model vs DuckDB', () => {
  const ds = genDataset((BASE ^ 0xd0c) >>> 0);
  const model = new RefModel();
  model.applyAll(ds.records);
  const cases: QueryCase[] = genCases(ds, QUERIES, { allowRef: false, savedNames: [], salt: 17 });
  let peer: DuckPeer;

  beforeAll(async () => {
    peer = await DuckPeer.create({ threads: 1 });
    await peer.load([ds.records as unknown as OracleRecord[]]);
  });
  afterAll(() => peer?.close());

  it('DuckDB derives the same universe, tags and attributes as the model', async () => {
    expect([...(await duckIds(peer, 'SELECT customer_id FROM customers'))].sort()).toEqual([...model.known].sort());
    const tagRows = (await peer.conn.runAndReadAll('SELECT customer_id, tag FROM tags')).getRows().map((r) => `${r[0]}\u0000${r[1]}`);
    const modelTags = [...model.tags].flatMap(([c, s]) => [...s].map((t) => `${c}\u0000${t}`));
    expect(tagRows.sort()).toEqual(modelTags.sort());
    const attrRows = (await peer.conn.runAndReadAll('SELECT customer_id, name, str_val, num_val FROM attrs'))
      .getRows()
      .map((r) => JSON.stringify([r[0], r[1], r[2] ?? r[3]]));
    const modelAttrs = [...model.attrs].flatMap(([c, m]) => [...m].map(([k, v]) => JSON.stringify([c, k, v])));
    expect(attrRows.sort()).toEqual(modelAttrs.sort());
  });

  it(`${QUERIES} random queries: model == DuckDB${Engine ? ' == engine' : ' (engine not built yet)'}`, async () => {
    const engine = Engine ? await Engine.open({}) : undefined;
    const failures: string[] = [];
    let nonTrivial = 0;
    try {
      if (engine) await engine.append(ds.records);
      for (const c of cases) {
        const expected = model.evaluate(c.tree, c.ctx);
        if (expected.size > 0 && expected.size < model.known.size) nonTrivial++;
        const sql = toSql(c.tree, c.ctx);
        const duck = await duckIds(peer, sql);
        const d1 = setDiff(expected, duck);
        if (d1) failures.push(`model vs DuckDB: ${d1}\n  xml: ${c.xml}\n  ctx: ${describeCtx(c.ctx)}\n  sql: ${sql}`);
        if (engine) {
          const d2 = compare(expected, await runEngine(engine, c));
          if (d2) failures.push(`model vs engine: ${d2}\n  xml: ${c.xml}\n  ctx: ${describeCtx(c.ctx)}`);
        }
      }
    } finally {
      await engine?.close();
    }
    if (failures.length) {
      expect.fail(`base seed ${BASE} (SHANDIAN_PROP_SEED=${BASE}), dataset seed ${ds.seed}: ${failures.length} mismatches\n${failures.slice(0, 5).join('\n\n')}`);
    }
    // the generator must produce queries that discriminate: a broken one gives
    // ~0; over 300 seeds the count ran 27-67 (median 50), and one CI run got 23
    expect(nonTrivial, `non-trivial answers, base seed ${BASE}`).toBeGreaterThan(QUERIES * 0.15);
  });
});
