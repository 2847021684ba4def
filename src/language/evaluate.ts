import type { BoughtPlan } from '../elements/bought/index.js';
import type { SequencePlan } from '../elements/sequence/index.js';
import type { Candidates, EvalContext, Steps } from '../elements/definition.js';
import type { BoughtQuery } from '../exec/bought-query.js';
import type { BoughtTask } from '../exec/bought-task.js';
import type { ValuesPrefetch } from '../exec/executor.js';
import { boughtByDays, type DayBucketCache } from '../exec/day-buckets.js';
import type { StatsByNode } from '../exec/node-stats.js';
import { TUNING } from '../model/defaults.js';
import type { Scratch } from '../exec/scratch.js';
import { scratchFor } from '../exec/shard-scratch.js';
import { Bitmap } from '../index/bitmap.js';
import type { PlanNode } from '../plan/plan-node.js';
import type { Catalog } from '../store/catalog.js';
import type { Shard } from '../store/shard.js';
import { candidateSources } from './candidate-sources.js';
import { planChildren, planDefinitionOf } from './registry.js';

export type { Candidates } from '../elements/definition.js';

/** Cooperative scheduling (engine/time-slice.ts's TimeSlice): ask `due()` between steps, `await pause()` when true. */
export interface Pauser {
  due(): boolean;
  pause(): Promise<void>;
}

/**
 * A candidate set is handed to the scan when it leaves at most this share of
 * the shard's customers: a looser one costs a bit test per row and the
 * conversion, and saves little.
 */
const MAX_CANDIDATE_SHARE = TUNING.MAX_CANDIDATE_SHARE;

/** The distinct `<bought>` nodes of a plan (shared subtrees once). */
export function boughtNodes(plan: PlanNode): BoughtPlan[] {
  return finish(boughtNodeSteps(plan));
}

/**
 * boughtNodes in steps (a 20,000-branch plan takes milliseconds to walk):
 * yields every WALK_STEP nodes, a point where the caller may pause. The
 * nodes come in the same order (depth first, children in order).
 */
export function* boughtNodeSteps(plan: PlanNode): Steps<BoughtPlan[]> {
  const seen = new Set<PlanNode>();
  const out: BoughtPlan[] = [];
  const stack: PlanNode[] = [plan];
  let visited = 0;
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    if (n.kind === 'bought') out.push(n);
    const children = planChildren(n);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    if (++visited % WALK_STEP === 0) yield;
  }
  return out;
}

/**
 * The whole-store phase's scans of a plan's nodes (PlanNodeDefinition.prefetch:
 * a `<score>`'s values not cached), one per key and shard, for the executor
 * to run before the evaluation (exec/pool-executor.ts); shared subtrees once.
 */
export function prefetchWork(plan: PlanNode, shards: readonly Shard[], catalog: Catalog): ValuesPrefetch[] {
  const seen = new Set<PlanNode>();
  const keys = new Set<string>();
  const out: ValuesPrefetch[] = [];
  const stack: PlanNode[] = [plan];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    for (const w of planDefinitionOf(n).prefetch?.(n, { shards, catalog }) ?? []) {
      const key = `${w.shard}:${w.key}`;
      if (!keys.has(key)) keys.add(key), out.push(w);
    }
    for (const c of planChildren(n)) stack.push(c);
  }
  return out;
}

/** The distinct `<sequence>` nodes of a plan (shared subtrees once), for the executor (exec/pool-executor.ts). */
export function sequenceNodes(plan: PlanNode): SequencePlan[] {
  const seen = new Set<PlanNode>();
  const out: SequencePlan[] = [];
  const stack: PlanNode[] = [plan];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    if (n.kind === 'sequence') out.push(n);
    for (const c of planChildren(n)) stack.push(c);
  }
  return out;
}

/** Walks over a plan yield after this many nodes. */
const WALK_STEP = TUNING.PLAN_WALK_STEP;

/**
 * One plan on one shard: each node computed by its kind's definition
 * (language/registry.ts), which asks this for its inputs. Shared subtrees are evaluated once (memo by node
 * identity). Results that come from an index or the memo are never
 * mutated: every combinator builds a new bitmap. The engine may first ask
 * for each `<bought>`'s candidates, run the `<bought>` nodes elsewhere (the
 * worker pool), then `run` with their results.
 */
export class ShardEvaluation implements EvalContext {
  private readonly memo = new Map<PlanNode, Bitmap>();
  private readonly candidateMemo = new Map<PlanNode, Candidates>();
  private universeBitmap?: Bitmap;
  readonly scratch: Scratch;
  /** results already computed elsewhere (bought conditions run in workers) */
  private precomputedResults?: ReadonlyMap<PlanNode, Bitmap>;

  constructor(
    private readonly plan: PlanNode,
    readonly shard: Shard,
    readonly catalog: Catalog,
    private readonly stats?: StatsByNode,
    /** cached per-day existence results (absent: always scan) */
    private readonly dayBuckets?: DayBucketCache,
    /** every shard of the store (the population of a `<score>` is the whole store's); default: this one alone */
    readonly shards: readonly Shard[] = [shard],
  ) {
    this.scratch = scratchFor(shard);
  }

  /**
   * The `<bought>` from day buckets, here and now, or undefined when `task`
   * (its prepared scan) should run instead (exec/day-buckets.ts).
   */
  byDays(node: PlanNode & BoughtQuery, task: BoughtTask): Bitmap | undefined {
    // a scan limited to candidates marks only those; buckets would OR every buyer in the window first
    if (this.candidates(node) !== undefined) return undefined;
    return boughtByDays(node, this.shard, this.catalog, this.scratch, this.dayBuckets, task);
  }

  run(precomputed?: ReadonlyMap<PlanNode, Bitmap>): Bitmap {
    this.precomputedResults = precomputed;
    return this.eval(this.plan);
  }

  /**
   * The intersection of the `<bought>`'s bounding siblings on this shard,
   * as a bit per customer, or `none`, or undefined (not limited, or too
   * loose to pay). Evaluating the siblings fills the memo, so `run` reuses them.
   */
  candidates(node: PlanNode): Candidates {
    if (this.candidateMemo.has(node)) return this.candidateMemo.get(node);
    const sources = candidateSources(this.plan).get(node);
    let result: Candidates;
    if (sources) {
      let set = this.eval(sources[0]!);
      for (const s of sources.slice(1)) set = Bitmap.and(set, this.eval(s));
      const customers = this.shard.customerCount;
      if (set.isEmpty) result = 'none';
      else if (set.size <= customers * MAX_CANDIDATE_SHARE) result = toBits(set, customers);
      if (this.stats && result !== undefined) {
        const s = this.stats.get(node) ?? { actual: 0, timeMs: 0 };
        s.candidates = (s.candidates ?? 0) + set.size;
        this.stats.set(node, s);
      }
    }
    this.candidateMemo.set(node, result);
    return result;
  }

  eval(node: PlanNode): Bitmap {
    return finish(this.steps(node));
  }

  /**
   * `run` in steps: gives the event loop a turn whenever `slice` says the
   * time budget is spent (between plan nodes, never inside one), and stops
   * there when `slice.pause()` throws (signal aborted, deadline passed).
   */
  async runCooperatively(slice: Pauser, precomputed?: ReadonlyMap<PlanNode, Bitmap>): Promise<Bitmap> {
    this.precomputedResults = precomputed;
    const steps = this.steps(this.plan);
    for (;;) {
      const next = steps.next();
      if (next.done) return next.value;
      if (slice.due()) await slice.pause();
    }
  }

  /** One node, memoised; yields after every node it computes (a point where the caller may pause). */
  private *steps(node: PlanNode): Steps<Bitmap> {
    const cached = this.memo.get(node);
    if (cached) return cached;
    const started = this.stats ? performance.now() : 0;
    const result = yield* this.compute(node);
    this.memo.set(node, result);
    if (this.stats) {
      const s = this.stats.get(node) ?? { actual: 0, timeMs: 0 };
      s.actual += result.size;
      s.timeMs += performance.now() - started;
      this.stats.set(node, s);
    }
    yield;
    return result;
  }

  private compute(node: PlanNode): Steps<Bitmap> {
    return planDefinitionOf(node).compute(node, this);
  }

  input(node: PlanNode): Steps<Bitmap> {
    return this.steps(node);
  }

  universe(): Bitmap {
    return (this.universeBitmap ??= Bitmap.fromRange(0, this.shard.customerCount));
  }

  precomputed(node: PlanNode): Bitmap | undefined {
    return this.precomputedResults?.get(node);
  }
}

/** Runs steps to the end without pausing. */
function finish<T>(steps: Generator<void, T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** A bitmap of shard-local customers as a bit per customer (bit c of word c >>> 5). */
function toBits(set: Bitmap, customerCount: number): Int32Array {
  const bits = new Int32Array((customerCount + 31) >>> 5);
  for (const c of set.toUint32Array()) if (c < customerCount) bits[c >>> 5]! |= 1 << (c & 31);
  return bits;
}
