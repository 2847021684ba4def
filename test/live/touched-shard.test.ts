import { describe, expect, it } from 'vitest';
import { Bitmap } from '../../src/index/bitmap.js';
import { ShardEvaluation } from '../../src/language/evaluate.js';
import { addReads, lineReach, type PlanReads } from '../../src/live/round-screen.js';
import { touchedShard } from '../../src/live/touched-shard.js';
import { hasScore, LiveRoundFixture } from './live-round-fixture.js';

/**
 * A small shard of some customers answers every per-customer plan for them
 * as the whole shard does: random stores grown by random appends (refunds,
 * out-of-order and same-second orders, attribute and tag changes), random
 * part-one and part-two queries at random instants, random customer
 * subsets; only the attributes and tags the plan reads; lines copied only from the earliest ts at which the plan reads
 * lines (lineReach), none when it reads none (so a plan that reads lines
 * earlier than lineReach says fails here).
 */
const SEEDS = Number(process.env.SHANDIAN_LIVE_SEEDS ?? 12);

describe('touchedShard', () => {
  it(`answers as the whole shard for its customers (${SEEDS} random stores)`, async () => {
    const base = Number(process.env.SHANDIAN_PROP_SEED ?? Math.floor(Math.random() * 2 ** 31));
    let checked = 0, withoutLines = 0, nonEmpty = 0;
    for (let t = 0; t < SEEDS; t++) {
      const seed = (base + t * 7877) >>> 0;
      const f = await LiveRoundFixture.create(seed);
      const orders = f.customerOrders();
      while (!f.done) {
        await f.appendRound(orders);
        const asOfMs = f.rng.pick(f.ds.vocab.asOfs) + f.rng.pick([0, 1000, -1000]);
        for (let k = 0; k < 3; k++) {
          const q = f.randomQuery(asOfMs);
          const plan = f.plan(q.ast, asOfMs);
          if (hasScore(plan)) continue; // the whole population's
          const full = f.evaluate(plan);
          const reach = lineReach(plan);
          const lines = reach < Infinity;
          f.store.shards.forEach((shard, s) => {
            // few customers: their orders are collected and radix-sorted; many: one pass over the shard picks them
            const share = f.rng.pick([0.04, 0.1, 0.5]);
            const some = new Bitmap();
            for (let c = 0; c < shard.customerCount; c++) if (f.rng.bool(share)) some.add(c);
            if (some.isEmpty) return;
            // lines from exactly where the plan reads them (none when it reads none)
            const lineFrom = new Map<number, number>();
            if (lines) for (const c of some) lineFrom.set(c, reach);
            // only the attributes and tags the plan reads (a plan reading one not copied fails here)
            const reads: PlanReads = { attributes: new Set(), tags: new Set() };
            addReads(plan, reads);
            const tagIds = new Set([...reads.tags].map((t) => f.store.catalog.tags.lookup(t)).filter((id): id is number => id !== undefined));
            const { mini, locals } = touchedShard(shard, orders[s]!, some, { attributes: reads.attributes, tagIds, lineFrom });
            const got = Bitmap.from(Array.from(new ShardEvaluation(plan, mini, f.store.catalog, undefined, undefined, [mini]).run(), (m) => locals[m]!));
            const want = Bitmap.and(full[s]!, some);
            expect([...got], `seed ${seed}, lines ${lines}, asOf ${new Date(asOfMs).toISOString()}\n${q.xml}`).toEqual([...want]);
            checked++;
            if (!lines) withoutLines++;
            if (!want.isEmpty) nonEmpty++;
          });
        }
      }
      await f.engine.close();
    }
    expect(checked).toBeGreaterThan(200);
    expect(withoutLines).toBeGreaterThan(30);
    expect(nonEmpty).toBeGreaterThan(50);
  }, 120_000);
});
