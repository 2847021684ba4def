import { Engine } from '../../src/engine/engine.js';
import type { Bitmap } from '../../src/index/bitmap.js';
import { ShardEvaluation } from '../../src/language/evaluate.js';
import { CustomerOrders } from '../../src/live/customer-orders.js';
import { markStore, roundOf, type ShardRound } from '../../src/live/round-screen.js';
import { parseSegment } from '../../src/language/parse-segment.js';
import { planChildren } from '../../src/language/registry.js';
import type { EngineRecord } from '../../src/model/records.js';
import type { PlanNode } from '../../src/plan/plan-node.js';
import type { SegmentNode } from '../../src/query/ast/index.js';
import type { Store } from '../../src/store/store.js';
import type { Shard } from '../../src/store/shard.js';
import type { SegmentTree } from '../oracle/query-tree.js';
import { genDataset, Rng, ZONES, type Dataset } from '../oracle/random-data.js';
import { genQuery, toXml } from '../oracle/random-query.js';

/**
 * A random store behind an engine (no live segments), with its internals a
 * test of src/live/ needs: the store, plans at a chosen asOf, full
 * evaluations, and the validated records of each append (captured where
 * the commit round hands them to the live segments).
 */
export class LiveRoundFixture {
  readonly rng: Rng;
  readonly ds: Dataset;
  readonly tz: string;
  next = 0;
  private lastBatches: readonly (readonly EngineRecord[])[] = [];

  private constructor(readonly engine: Engine, seed: number, ds: Dataset, tz: string) {
    this.rng = new Rng(seed ^ 0x5c4e);
    this.ds = ds;
    this.tz = tz;
    (engine as unknown as { commits: { afterApply?: (b: readonly (readonly EngineRecord[])[]) => Promise<void> } }).commits.afterApply = async (b) => {
      this.lastBatches = b;
    };
  }

  static async create(seed: number): Promise<LiveRoundFixture> {
    const ds = genDataset(seed, { minCustomers: 10, maxCustomers: 60 });
    const rng = new Rng(seed ^ 0x77);
    const tz = rng.pick(ZONES);
    const engine = await Engine.open({ threads: 0, shards: rng.int(1, 3), tz });
    return new LiveRoundFixture(engine, seed, ds, tz);
  }

  get store(): Store {
    return (this.engine as unknown as { store: Store }).store;
  }

  /** Appends the next `n` records; returns them as the commit round handed them over (validated). */
  async append(n: number): Promise<readonly (readonly EngineRecord[])[]> {
    const batch = this.ds.records.slice(this.next, this.next + n);
    this.next += batch.length;
    this.lastBatches = [];
    if (batch.length > 0) await this.engine.append(batch as never);
    return this.lastBatches;
  }

  /** A grouped order index per shard, with random thresholds (the small ones force regroupings and rebuilds). */
  customerOrders(): CustomerOrders[] {
    return this.store.shards.map(() => new CustomerOrders(this.rng.pick([1, 4, 1000]), this.rng.pick([1, 5, 100_000])));
  }

  /** Appends a round of 3, 10 or 40 records and brings `orders` up to date as the live segments do (sync, then the round's refunds). */
  async appendRound(orders: readonly CustomerOrders[]): Promise<ShardRound[]> {
    const mark = markStore(this.store);
    const rounds = roundOf(this.store, await this.append(this.rng.pick([3, 10, 40])), mark);
    this.store.shards.forEach((shard, s) => {
      orders[s]!.sync(shard);
      for (const o of rounds[s]!.orders) orders[s]!.noteRefund(shard, o);
    });
    return rounds;
  }

  get done(): boolean {
    return this.next >= this.ds.records.length;
  }

  randomQuery(asOfMs: number): { tree: SegmentTree; ast: SegmentNode; xml: string } {
    const tree = genQuery(this.rng, this.ds.vocab, { maxDepth: 3, allowRef: false, asOfHint: asOfMs });
    const xml = toXml(tree);
    return { tree, ast: parseSegment(xml), xml };
  }

  plan(ast: SegmentNode, asOfMs: number): PlanNode {
    return (this.engine as unknown as { plan(ast: SegmentNode, asOfMs: number, tz: string): PlanNode }).plan(ast, asOfMs, ast.tz ?? this.tz);
  }

  /** The plan's members on each shard, by a full evaluation. */
  evaluate(plan: PlanNode): Bitmap[] {
    const { store } = this;
    return store.shards.map((shard: Shard) => new ShardEvaluation(plan, shard, store.catalog, undefined, undefined, store.shards).run());
  }
}

/** Whether the plan holds a `<score>` (its answer depends on the whole population, not one customer's data). */
export function hasScore(plan: PlanNode): boolean {
  return plan.kind === 'score' || planChildren(plan).some(hasScore);
}
