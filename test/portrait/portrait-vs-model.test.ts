// Property test: engine.portrait equals the reference portrait (test/oracle/portrait.ts)
// on random datasets and random segments, for every dimension form, with several shard
// counts. Reproduce with SHANDIAN_PROP_SEED=<base seed>.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';
import { refPortrait } from '../oracle/portrait.js';
import { LAST_CHOICES, Rng, genDataset, type Dataset } from '../oracle/random-data.js';
import { appendInBatches, baseSeed, buildModel, genCases } from '../property/harness.js';

const BASE = baseSeed();

/** A random --by list covering every form; bounds often exactly on values present in the data. */
function genDimensions(rng: Rng, ds: Dataset): string[] {
  const out: string[] = [];
  const n = rng.int(1, 4);
  for (let i = 0; i < n; i++) {
    switch (rng.int(0, 4)) {
      case 0:
        out.push(`attr:${rng.pick(ds.vocab.attrNames)}`);
        break;
      case 1: {
        const pool = [...ds.vocab.attrNumbers, -5, 0, 1, 18.5, 30, 31, 50, 1000];
        const bounds = [...new Set(rng.sample(pool, rng.int(1, 4)))].sort((a, b) => a - b);
        out.push(`attr:${rng.pick(ds.vocab.attrNames)}:${bounds.join(',')}`);
        break;
      }
      case 2:
        out.push('tag');
        break;
      default: {
        const field = rng.pick(['shop', 'category', 'sku']);
        if (rng.bool(0.3)) out.push(field);
        else {
          const l = rng.pick(LAST_CHOICES);
          out.push(`${field}:last=${l.n}${l.unit}`);
        }
      }
    }
  }
  return out;
}

type Open = (shards: number) => Promise<Engine>;
const inProcess: Open = (shards) => Engine.open({ shards });

async function checkDataset(seed: number, shards: number, queries: number, open: Open = inProcess): Promise<string[]> {
  const ds = genDataset(seed);
  const model = buildModel(ds.records, []);
  const engine = await open(shards);
  const problems: string[] = [];
  try {
    await appendInBatches(engine as never, ds.records, seed);
    const rng = new Rng(seed ^ 0x9047);
    for (const c of genCases(ds, queries, { allowRef: false, savedNames: [], salt: 11 })) {
      const by = genDimensions(rng, ds);
      const members = model.evaluate(c.tree, c.ctx);
      const expected = refPortrait(model, members, by, c.ctx);
      const opts: { asOf?: string | number | Date; tz?: string } = {};
      if (c.ctx.optAsOf !== undefined) opts.asOf = c.ctx.optAsOf;
      if (c.ctx.optTz !== undefined) opts.tz = c.ctx.optTz;
      const got = await engine.portrait(c.xml, { by, ...opts });
      const actual = { count: got.count, dimensions: got.dimensions.map((d) => ({ by: d.by, buckets: d.buckets })) };
      try {
        expect(actual).toEqual(expected);
        expect(got.asOf).toBe(new Date(c.ctx.asOfMs).toISOString());
      } catch (e) {
        problems.push(`seed ${seed} shards ${shards} query #${c.index} by ${JSON.stringify(by)}\nxml: ${c.xml}\n${(e as Error).message.slice(0, 2000)}`);
        if (problems.length >= 3) break;
      }
    }
  } finally {
    await engine.close();
  }
  return problems;
}

describe(`engine.portrait vs the reference model (SHANDIAN_PROP_SEED=${BASE})`, () => {
  for (const shards of [1, 2, 3, 7]) {
    it(`random datasets and segments, ${shards} shard${shards > 1 ? 's' : ''}`, async () => {
      const problems: string[] = [];
      for (let d = 0; d < 3; d++) problems.push(...(await checkDataset((BASE + d * 7919 + shards * 104729) >>> 0, shards, 40)));
      expect(problems.join('\n\n')).toBe('');
    });
  }
});

// The worker pool exists only for the built engine (its worker file is compiled CommonJS):
// order dimensions' scans go to the workers from poolMinLines orders; 0 sends every one.
const DIST = path.join(import.meta.dirname, '../../dist/src/index.js');
describe.skipIf(!fs.existsSync(DIST))(`engine.portrait with order scans in the worker pool (dist, SHANDIAN_PROP_SEED=${BASE})`, () => {
  it('random datasets and segments, 1 and 3 shards, threads 2, poolMinLines 0', async () => {
    const built = (await import(DIST)) as { Engine: typeof Engine };
    const pooled: Open = (shards) => built.Engine.open({ shards, threads: 2, poolMinLines: 0 });
    const problems: string[] = [];
    for (const shards of [1, 3]) problems.push(...(await checkDataset((BASE + 31 * shards) >>> 0, shards, 30, pooled)));
    expect(problems.join('\n\n')).toBe('');
  });
});
