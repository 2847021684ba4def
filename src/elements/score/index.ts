import type { NodeStats } from '../../exec/node-stats.js';
import { Bitmap } from '../../index/bitmap.js';
import { describeFilters, filtersKey, filtersOf } from '../../plan/dimension-filters.js';
import { resolveWindow } from '../../plan/resolve-window.js';
import { leaf, type ElementDefinition, type EvalContext, type PlanNodeDefinition, type Steps } from '../definition.js';
import type { ScorePlan } from './plan.js';
import { cutsRange, scaleRange, type ValueArray, type ValueRange } from './rank.js';
import { readScore } from './read.js';
import { prepareValues } from '../../exec/score-values.js';
import type { ValuesPrefetch } from '../../exec/executor.js';
import { canSlide, isCached, NOT_IN_P, shardValues, storeValues, valueKey, type ShardValues } from './values.js';

export type { ScoreNode, ScoreBy } from './node.js';
export type { ScorePlan } from './plan.js';

const NONE: readonly never[] = [];

/** `<score>` (contract 7.5): ranks (scale) or value layers (cuts) over the whole store's population. */
export const score = {
  read: readScore,
  children: () => NONE,
  lower: (n, ctx) => {
    const { lo, hi } = resolveWindow(n.window, n.pos, ctx.asOfMs, ctx.tz);
    // an empty window has an empty population
    if (lo > hi) return leaf(ctx.builder.empty(n.pos));
    const top = n.scale ?? n.cuts!.length + 1;
    const how = n.scale !== undefined ? `scale=${n.scale}` : `cuts=${n.cuts!.join(',')}`;
    return leaf(ctx.builder.intern({
      kind: 'score',
      key: `score(${n.by},${filtersKey(n)}${lo},${hi},${how},${n.min}..${n.max})`,
      estimate: Math.min(ctx.stats.universe(), Math.ceil((ctx.stats.universe() * (n.max - n.min + 1)) / top)),
      pos: n.pos,
      ...filtersOf(n),
      by: n.by,
      lo,
      hi,
      ...(n.scale !== undefined ? { scale: n.scale } : { cuts: n.cuts! }),
      min: n.min,
      max: n.max,
    }));
  },
} satisfies ElementDefinition<'score'>;

/**
 * The whole-store phase, then this shard's members. Each shard's values
 * v(c) (values.ts: one scan, cached per shard until its next append or
 * refund) for every shard of the store, a step each (the evaluation may
 * pause between them); from their sorted values the range of values whose
 * scores are in [min, max] (rank.ts; cuts need no population-wide state);
 * then this shard's customers in the population with a value in that range,
 * one pass over 4 bytes a customer. The executor usually ran the scans
 * before the evaluation (prefetch below: in the workers, or here in time
 * slices); what is left (values of the live totals, a window slid from a
 * cached one) the evaluation of the first shard computes, in steps, and the
 * others find cached (the query holds the store still across its pauses, so
 * every shard sees one state). Never limited to candidates (the population
 * is global), but a sibling `<bought>` may be limited to its members.
 */
export const scorePlan = {
  children: () => NONE,
  *compute(n, ctx) {
    const mine = yield* valuesOf(n, ctx);
    const range = yield* rangeOf(n, ctx);
    if (range === undefined) return new Bitmap();
    return select(mine.byCustomer, range);
  },
  explain: (n, s) => explainScore(n, s),
  /**
   * The whole-store phase in the worker pool: each shard's scan for values
   * not cached (one message each, exec/pool-executor.ts), stored in the
   * cache at the change count the task was prepared at. A scan of the live
   * totals (values.ts) stays here, as does any the executor does not run.
   */
  prefetch(n, { shards, catalog }) {
    const out: ValuesPrefetch[] = [];
    for (const [i, shard] of shards.entries()) {
      // cached, or a cached window it moved forward from (a small band to scan here)
      if (isCached(n, shard) || canSlide(n, shard)) continue;
      const task = prepareValues(n, shard, catalog);
      if (task.task === undefined || task.task.complement !== undefined) continue;
      const changes = shard.changes;
      out.push({ key: valueKey(n), shard: i, task, node: n, done: (values) => storeValues(n, shard, changes, values) });
    }
    return out;
  },
} satisfies PlanNodeDefinition<'score'>;

function* valuesOf(n: ScorePlan, ctx: EvalContext): Steps<ShardValues> {
  return yield* shardValues(n, ctx.shard, ctx.catalog);
}

function* rangeOf(n: ScorePlan, ctx: EvalContext): Steps<ValueRange | undefined> {
  if (n.cuts !== undefined) return cutsRange(n.cuts, n.min, n.max);
  const all: ValueArray[] = [];
  for (const shard of ctx.shards) {
    all.push((yield* shardValues(n, shard, ctx.catalog)).sorted);
  }
  return scaleRange(all, n.scale!, n.min, n.max);
}

/**
 * The customers (ascending) whose value is in the range; one outside the
 * population (NaN, or NOT_IN_P in 4-byte values) never is. Ids go to the
 * bitmap through a small reused buffer, SELECT_CHUNK at a time (no buffer
 * the size of a shard's customers is kept or allocated per query).
 */
export function select(byCustomer: ValueArray, range: ValueRange): Bitmap {
  const lo = range.lo;
  // NOT_IN_P is above every 4-byte value: an open top stops below it
  const hi = byCustomer instanceof Uint32Array ? Math.min(range.hi, NOT_IN_P - 1) : range.hi;
  const result = new Bitmap();
  const out = chunk;
  let k = 0;
  for (let c = 0; c < byCustomer.length; c++) {
    const v = byCustomer[c]!;
    if (v >= lo && v <= hi) {
      out[k++] = c;
      if (k === SELECT_CHUNK) result.addMany(out), (k = 0);
    }
  }
  if (k > 0) result.addMany(out.subarray(0, k));
  return result;
}

const SELECT_CHUNK = 1 << 16;
const chunk = new Uint32Array(SELECT_CHUNK);

/** `monetary of counting orders with sku in [A] at ts in [...]; scale 5, scores 4..5 (whole store)` */
export function explainScore(n: ScorePlan, _s: NodeStats): string {
  const from = Number.isFinite(n.lo) ? new Date(n.lo * 1000).toISOString() : '-inf';
  const parts = describeFilters(n);
  const how = n.scale !== undefined
    ? `scale ${n.scale}`
    : `cuts [${n.cuts!.map((x) => (n.by === 'monetary' ? (x / 100).toFixed(2) : String(x))).join(', ')}]`;
  return `${n.by} of counting orders${parts.length ? ` with ${parts.join(', ')}` : ''} at ts in [${from}, ${new Date(n.hi * 1000).toISOString()}]; ` +
    `${how}, scores ${n.min}..${n.max} (population: the whole store)`;
}
