import { prepareBought, runBought } from '../../exec/eval-bought.js';
import { Bitmap } from '../../index/bitmap.js';
import { leaf, type ElementDefinition, type PlanNodeDefinition } from '../definition.js';
import { explainBought } from './explain.js';
import { lowerBought } from './lower.js';
import { readBought } from './read.js';

export type { BoughtNode } from './node.js';
export type { BoughtPlan } from './plan.js';

const NONE: readonly never[] = [];

/**
 * `<bought>`: customers with matching orders in a window, counted and
 * summed. Its kernels are in src/exec (eval-bought.ts and what it calls),
 * which the worker pool runs too (exec/bought-task.ts, bought-worker.ts).
 */
export const bought = {
  read: readBought,
  children: () => NONE,
  lower: (n, ctx) => leaf(lowerBought(n, ctx)),
} satisfies ElementDefinition<'bought'>;

export const boughtPlan = {
  children: () => NONE,
  /** its pool result when it ran there, else its scan here, limited to its candidates (or day buckets) */
  *compute(n, ctx) {
    const done = ctx.precomputed(n);
    if (done) return done;
    const candidates = ctx.candidates(n);
    if (candidates === 'none') return new Bitmap();
    const task = prepareBought(n, ctx.shard, ctx.catalog, '', candidates);
    if (!task) return new Bitmap();
    return ctx.byDays(n, task) ?? runBought(task, ctx.scratch);
  },
  explain: explainBought,
  bounds: 'takes',
} satisfies PlanNodeDefinition<'bought'>;
