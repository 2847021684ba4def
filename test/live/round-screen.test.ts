import { describe, expect, it } from 'vitest';
import { Bitmap } from '../../src/index/bitmap.js';
import { CustomerOrders } from '../../src/live/customer-orders.js';
import { ShardEvaluation } from '../../src/language/evaluate.js';
import { markStore, roundOf, screen } from '../../src/live/round-screen.js';
import type { PlanNode } from '../../src/plan/plan-node.js';
import { hasScore, LiveRoundFixture } from './live-round-fixture.js';

/**
 * The screen's promise: every customer whose answer to a plan a round
 * changed is among the customers it returns for that plan. Random stores
 * (orders on window edges, same-second orders, refunds, attribute and tag
 * changes), random part-one and part-two queries at random instants, and
 * rounds of 1 to 20 records: each query is fully evaluated before and after
 * the round at the same asOf, and the difference must be inside the screen.
 */
const SEEDS = Number(process.env.SHANDIAN_LIVE_SEEDS ?? 12);

describe('round screen (live appends)', () => {
  it(`misses no customer whose answer a round changed (${SEEDS} random stores)`, async () => {
    const base = Number(process.env.SHANDIAN_PROP_SEED ?? Math.floor(Math.random() * 2 ** 31));
    let checked = 0, changed = 0, screenedOut = 0, refinedOut = 0;
    for (let t = 0; t < SEEDS; t++) {
      const seed = (base + t * 104729) >>> 0;
      const f = await LiveRoundFixture.create(seed);
      await f.append(f.rng.int(0, Math.floor(f.ds.records.length / 2)));
      const orders = f.store.shards.map(() => new CustomerOrders(4));
      while (!f.done) {
        const asOfMs = f.rng.pick(f.ds.vocab.asOfs) + f.rng.pick([0, 0, 1000, -1000, 86_400_000]);
        const queries = Array.from({ length: 6 }, () => f.randomQuery(asOfMs)).map((q) => ({ ...q, before: f.evaluate(f.plan(q.ast, asOfMs)) }));
        const mark = markStore(f.store);
        const batches = await f.append(f.rng.pick([1, 2, 5, 20]));
        const rounds = roundOf(f.store, batches, mark);
        f.store.shards.forEach((shard, s) => orders[s]!.sync(shard));
        for (const q of queries) {
          const plan = f.plan(q.ast, asOfMs);
          if (hasScore(plan)) continue; // a <score> is evaluated in full on every round
          const after = f.evaluate(plan);
          f.store.shards.forEach((shard, s) => {
            const moved = Bitmap.or(Bitmap.andNot(after[s]!, q.before[s]!), Bitmap.andNot(q.before[s]!, after[s]!));
            // with the tag/attribute refinement (what the live segments use), and without it (a superset)
            const holders = (leaf: PlanNode) => new ShardEvaluation(leaf, shard, f.store.catalog).run();
            const screened = screen(plan, rounds[s]!, shard, f.store.catalog, orders[s]!.firstLine, holders);
            const wide = screen(plan, rounds[s]!, shard, f.store.catalog, orders[s]!.firstLine);
            expect(Bitmap.andNot(screened, wide).isEmpty).toBe(true);
            refinedOut += Bitmap.andNot(wide, screened).size;
            const missed = Bitmap.andNot(moved, screened);
            expect(missed.isEmpty, `seed ${seed}, asOf ${new Date(asOfMs).toISOString()}: customers ${JSON.stringify([...missed].map((c) => shard.customers.value(c)))} changed but were screened out\n${q.xml}`).toBe(true);
            checked++;
            changed += moved.size;
            screenedOut += Bitmap.andNot(rounds[s]!.touched, screened).size;
          });
        }
      }
      await f.engine.close();
    }
    // the rounds did change answers, and the screen did leave touched customers out (else it proves nothing)
    expect(changed).toBeGreaterThan(20);
    expect(screenedOut).toBeGreaterThan(20);
    expect(checked).toBeGreaterThan(100);
    expect(refinedOut).toBeGreaterThan(5); // the and/andNot refinement by tags and attributes was exercised (211-371 over 14 seeds)
  }, 120_000);
});
