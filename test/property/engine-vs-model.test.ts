// Property test: the engine answers random queries over random datasets with
// exactly the customer-id sets of the brute-force reference model.
// Reproduce a run with SHANDIAN_PROP_SEED=<base seed>.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { usesRef } from '../oracle/query-tree.js';
import type { Dataset } from '../oracle/random-data.js';
import {
  type EngineCtor,
  type EngineLike,
  type QueryCase,
  type SavedSegment,
  appendInBatches,
  baseSeed,
  buildModel,
  compare,
  datasets,
  describeCtx,
  genCases,
  genSaved,
  loadEngine,
  runEngine,
  shrink,
} from './harness.js';

const Engine = await loadEngine();
const BASE = baseSeed();
const DATASETS = 8;
const QUERIES_PER_DATASET = 100; // 800 in-memory engine queries per run
const SHARD_DATASETS = 3;
const SHARD_QUERIES = 80; // 240 with shards: 3
const PERSIST_QUERIES = 100;

interface Failure {
  label: string;
  ds: Dataset;
  saved: SavedSegment[];
  c: QueryCase;
  diff: string;
}

async function check(
  label: string,
  engine: EngineLike,
  ds: Dataset,
  saved: SavedSegment[],
  cases: QueryCase[],
  failures: Failure[],
): Promise<void> {
  const model = buildModel(ds.records, saved);
  for (const c of cases) {
    const expected = model.evaluate(c.tree, c.ctx);
    const diff = compare(expected, await runEngine(engine, c));
    if (diff) failures.push({ label, ds, saved, c, diff });
  }
}

async function report(E: EngineCtor, failures: Failure[]): Promise<string> {
  const parts: string[] = [];
  for (const f of failures.slice(0, 3)) {
    const small = await shrink(E, f.ds.records, f.saved, f.c);
    parts.push(
      [
        `[${f.label}] base seed ${BASE} (SHANDIAN_PROP_SEED=${BASE}), dataset seed ${f.ds.seed}, query #${f.c.index}`,
        `ctx: ${describeCtx(f.c.ctx)}`,
        `xml: ${f.c.xml}`,
        `diff: ${f.diff}`,
        `minimal dataset (${small.length} of ${f.ds.records.length} records):`,
        ...small.map((r) => '  ' + JSON.stringify(r)),
        ...(usesRef(f.c.tree) ? f.saved.map((s) => `saved ${JSON.stringify(s.name)}: ${s.xml}`) : []),
      ].join('\n'),
    );
  }
  return `${failures.length} mismatches\n` + parts.join('\n\n');
}

describe.skipIf(!Engine)('engine vs reference model', () => {
  const E = Engine!;
  const dss = datasets(BASE, DATASETS);
  const savedOf = new Map(dss.map((ds) => [ds, genSaved(ds)]));
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it(`${DATASETS * QUERIES_PER_DATASET} random queries on ${DATASETS} random datasets (in-memory)`, async () => {
    const failures: Failure[] = [];
    for (const ds of dss) {
      const saved = savedOf.get(ds)!;
      const engine = await E.open({});
      try {
        await appendInBatches(engine, ds.records, ds.seed);
        for (const s of saved) await engine.save(s.name, s.xml);
        const cases = genCases(ds, QUERIES_PER_DATASET, { allowRef: true, savedNames: saved.map((s) => s.name) });
        await check('in-memory', engine, ds, saved, cases, failures);
      } finally {
        await engine.close();
      }
    }
    if (failures.length) expect.fail(await report(E, failures));
  });

  it(`shards: 3, with day buckets for every window, gives the same answers (${SHARD_DATASETS * SHARD_QUERIES} queries)`, async () => {
    const failures: Failure[] = [];
    for (const ds of dss.slice(0, SHARD_DATASETS)) {
      const saved = savedOf.get(ds)!;
      const engine = await E.open({ shards: 3, dayBucketMinRows: 0 });
      try {
        await appendInBatches(engine, ds.records, ds.seed + 1);
        for (const s of saved) await engine.save(s.name, s.xml);
        const cases = genCases(ds, SHARD_QUERIES, { allowRef: true, savedNames: saved.map((s) => s.name), salt: 11 });
        await check('shards=3', engine, ds, saved, cases, failures);
      } finally {
        await engine.close();
      }
    }
    if (failures.length) expect.fail(await report(E, failures));
  });

  it('day buckets stay exact while appends and refunds land between queries (5 x 20 queries)', async () => {
    const failures: Failure[] = [];
    const ds = dss[1]!;
    const engine = await E.open({ shards: 2, dayBucketMinRows: 0 });
    try {
      const step = Math.ceil(ds.records.length / 5);
      for (let k = 0; k < 5; k++) {
        // each chunk adds orders and refunds on days whose buckets earlier queries cached
        await engine.append(ds.records.slice(k * step, (k + 1) * step));
        const sofar = { ...ds, records: ds.records.slice(0, (k + 1) * step) };
        const cases = genCases(ds, 20, { allowRef: false, savedNames: [], salt: 17 + k });
        await check(`streaming chunk ${k + 1}/5`, engine, sofar, [], cases, failures);
      }
    } finally {
      await engine.close();
    }
    if (failures.length) expect.fail(await report(E, failures));
  });

  it(`a reopened persisted engine answers the same (${PERSIST_QUERIES} queries)`, async () => {
    const failures: Failure[] = [];
    const ds = dss[DATASETS - 1]!;
    const saved = savedOf.get(ds)!;
    const dir = await mkdtemp(join(tmpdir(), 'shandian-prop-'));
    dirs.push(dir);
    const half = Math.floor(ds.records.length / 2);
    // first session: half the data; second: the rest; third: read only
    let engine = await E.open({ dir });
    await appendInBatches(engine, ds.records.slice(0, half), ds.seed);
    for (const s of saved) await engine.save(s.name, s.xml);
    await engine.close();
    engine = await E.open({ dir });
    await appendInBatches(engine, ds.records.slice(half), ds.seed + 2);
    await engine.close();
    engine = await E.open({ dir });
    try {
      const cases = genCases(ds, PERSIST_QUERIES, { allowRef: true, savedNames: saved.map((s) => s.name), salt: 13 });
      await check('persisted+reopened', engine, ds, saved, cases, failures);
    } finally {
      await engine.close();
    }
    if (failures.length) expect.fail(await report(E, failures));
  });
});
