import { Bitmap } from '../index/bitmap.js';
import type { Catalog } from '../store/catalog.js';
import type { Shard } from '../store/shard.js';
import { planChildren, visitPlan, type AttrPlan, type BoughtPlan, type PlanNode, type PlanVisitor } from '../plan/plan-node.js';
import { candidateSources } from '../plan/candidate-sources.js';
import { prepareBought, runBought } from './eval-bought.js';
import type { BoughtTask } from './bought-task.js';
import { boughtByDays, type DayBucketCache } from './day-buckets.js';
import type { StatsByNode } from './node-stats.js';
import { Scratch } from './scratch.js';

/** Cooperative scheduling (engine/time-slice.ts's TimeSlice): ask `due()` between steps, `await pause()` when true. */
export interface Pauser {
  due(): boolean;
  pause(): Promise<void>;
}

/** An OR of more children than this is unioned in batches of this many (a pause may come between). */
const OR_BATCH = 256;

const scratchByShard = new WeakMap<Shard, Scratch>();

/**
 * The customers a `<bought>` on one shard is limited to (plan/candidate-sources.ts),
 * a bit per customer: `none` when nobody can match, undefined when it is not limited.
 */
export type Candidates = Int32Array | 'none' | undefined;

/**
 * A candidate set is handed to the scan when it leaves at most this share of
 * the shard's customers: a looser one costs a bit test per row and the
 * conversion, and saves little.
 */
const MAX_CANDIDATE_SHARE = 0.5;

/** The shard's reusable counting buffers on this thread. */
export function scratchFor(shard: Shard): Scratch {
  let scratch = scratchByShard.get(shard);
  if (!scratch) scratchByShard.set(shard, (scratch = new Scratch()));
  return scratch;
}

/** The distinct `<bought>` nodes of a plan (shared subtrees once). */
export function boughtNodes(plan: PlanNode): BoughtPlan[] {
  const seen = new Set<PlanNode>();
  const out: BoughtPlan[] = [];
  const walk = (n: PlanNode): void => {
    if (seen.has(n)) return;
    seen.add(n);
    if (n.kind === 'bought') out.push(n);
    planChildren(n).forEach(walk);
  };
  walk(plan);
  return out;
}

/**
 * One plan on one shard. Shared subtrees are evaluated once (memo by node
 * identity). Results that come from an index or the memo are never
 * mutated: every combinator builds a new bitmap. The engine may first ask
 * for each `<bought>`'s candidates, run the `<bought>` nodes elsewhere (the
 * worker pool), then `run` with their results.
 */
export class ShardEvaluation {
  private readonly memo = new Map<PlanNode, Bitmap>();
  private readonly candidateMemo = new Map<BoughtPlan, Candidates>();
  private universeBitmap?: Bitmap;
  private readonly scratch: Scratch;
  /** results already computed elsewhere (bought conditions run in workers) */
  private precomputed?: ReadonlyMap<PlanNode, Bitmap>;

  constructor(
    private readonly plan: PlanNode,
    private readonly shard: Shard,
    private readonly catalog: Catalog,
    private readonly stats?: StatsByNode,
    /** cached per-day existence results (absent: always scan) */
    private readonly dayBuckets?: DayBucketCache,
  ) {
    this.scratch = scratchFor(shard);
  }

  /**
   * The `<bought>` from day buckets, here and now, or undefined when `task`
   * (its prepared scan) should run instead (exec/day-buckets.ts).
   */
  byDays(node: BoughtPlan, task: BoughtTask): Bitmap | undefined {
    // a scan limited to candidates marks only those; buckets would OR every buyer in the window first
    if (this.candidates(node) !== undefined) return undefined;
    return boughtByDays(node, this.shard, this.catalog, this.scratch, this.dayBuckets, task);
  }

  run(precomputed?: ReadonlyMap<PlanNode, Bitmap>): Bitmap {
    this.precomputed = precomputed;
    return this.eval(this.plan);
  }

  /**
   * The intersection of the `<bought>`'s bounding siblings on this shard,
   * as a bit per customer, or `none`, or undefined (not limited, or too
   * loose to pay). Evaluating the siblings fills the memo, so `run` reuses them.
   */
  candidates(node: BoughtPlan): Candidates {
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
    this.precomputed = precomputed;
    const steps = this.steps(this.plan);
    for (;;) {
      const next = steps.next();
      if (next.done) return next.value;
      if (slice.due()) await slice.pause();
    }
  }

  /** One node, memoised; yields after every node it computes (a point where the caller may pause). */
  private *steps(node: PlanNode): Generator<void, Bitmap> {
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

  private compute(node: PlanNode): Generator<void, Bitmap> {
    return visitPlan(node, COMPUTE, this);
  }

  /** A `<bought>`: its pool result when it ran there, else its scan here (or day buckets). */
  *bought(node: BoughtPlan): Generator<void, Bitmap> {
    const done = this.precomputed?.get(node);
    if (done) return done;
    const candidates = this.candidates(node);
    if (candidates === 'none') return new Bitmap();
    const task = prepareBought(node, this.shard, this.catalog, '', candidates);
    if (!task) return new Bitmap();
    return this.byDays(node, task) ?? runBought(task, this.scratch);
  }

  /** The result of one input of a node (memoised; yields). */
  input(node: PlanNode): Generator<void, Bitmap> {
    return this.steps(node);
  }

  /** Known customers of the shard (do not mutate). */
  universe(): Bitmap {
    return (this.universeBitmap ??= Bitmap.fromRange(0, this.shard.customerCount));
  }

  tag(name: string): Bitmap {
    // cloned: the index keeps changing under later appends, results must not
    return this.shard.tags.holders(this.catalog.tags.lookup(name)).clone();
  }

  /** All tests on the attribute must hold; `exists="false"` removes its holders. */
  attr(node: AttrPlan): Bitmap {
    const index = this.shard.attributes.get(node.name);
    const onlyAbsence = node.exists === false && node.eq === undefined && node.range === undefined;
    if (!index) return onlyAbsence ? this.universe() : new Bitmap();
    let result: Bitmap | undefined;
    const narrow = (b: Bitmap) => (result = result === undefined ? b.clone() : Bitmap.and(result, b));
    if (node.eq !== undefined) narrow(index.equals(node.eq));
    if (node.range !== undefined) narrow(index.range(node.range));
    if (node.exists === true) narrow(index.exists());
    if (node.exists === false) return Bitmap.andNot(result ?? this.universe(), index.exists());
    return result ?? new Bitmap();
  }
}

/**
 * One node's result from its inputs' (each `yield* ev.input(child)`, so the
 * caller may pause between nodes). Results from an index or the memo are
 * never mutated: every combinator builds a new bitmap.
 */
const COMPUTE: PlanVisitor<Generator<void, Bitmap>, ShardEvaluation> = {
  *empty() {
    return new Bitmap();
  },
  bought: (node, ev) => ev.bought(node),
  *tag(node, ev) {
    return ev.tag(node.name);
  },
  *attr(node, ev) {
    return ev.attr(node);
  },
  *not(node, ev) {
    return Bitmap.andNot(ev.universe(), yield* ev.input(node.child));
  },
  *or(node, ev) {
    if (node.children.length <= OR_BATCH) {
      const parts: Bitmap[] = [];
      for (const c of node.children) parts.push(yield* ev.input(c));
      return Bitmap.orMany(parts);
    }
    // a wide OR is folded in batches, so no one step unions thousands of bitmaps
    const acc = new Bitmap();
    let parts: Bitmap[] = [];
    for (const c of node.children) {
      parts.push(yield* ev.input(c));
      if (parts.length === OR_BATCH) acc.orInPlace(Bitmap.orMany(parts)), (parts = []);
    }
    if (parts.length > 0) acc.orInPlace(Bitmap.orMany(parts));
    return acc;
  },
  *and(node, ev) {
    // children are ordered smallest estimate first; stop once empty
    let acc: Bitmap | undefined;
    for (const child of node.children) {
      const b = yield* ev.input(child);
      acc = acc === undefined ? Bitmap.and(b, b) : (acc.andInPlace(b), acc);
      if (acc.isEmpty) break;
    }
    return acc ?? new Bitmap();
  },
  *andNot(node, ev) {
    const left = yield* ev.input(node.left);
    if (left.isEmpty) return new Bitmap();
    const result = left.clone();
    for (const r of node.remove) {
      result.andNotInPlace(yield* ev.input(r));
      if (result.isEmpty) break;
    }
    return result;
  },
};

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
