import type { NodeStats } from '../../exec/node-stats.js';
import { Bitmap } from '../../index/bitmap.js';
import { describeFilters } from '../../plan/dimension-filters.js';
import type { PlanNode } from '../../plan/plan-node.js';
import type { ElementDefinition, EvalContext, PlanNodeDefinition, Steps } from '../definition.js';
import { lowerOrderEdge } from './lower.js';
import type { OrderEdgePlan } from './plan.js';
import { readOrderEdge } from './read.js';
import { computeByRollup } from './rollup.js';

export type { FirstOrderNode, LastOrderNode } from './node.js';
export type { FirstOrderPlan, LastOrderPlan } from './plan.js';

const NONE: readonly never[] = [];

/**
 * `<firstOrder>` and `<lastOrder>` (acquisition and recency): whether a
 * customer's earliest (latest) counting matching order up to asOf lies in
 * the window. Each is `inside AND NOT beyond` over two existence `<bought>`
 * plan nodes (lower.ts), so the order scans are `<bought>`'s own: run in the
 * worker pool, from day buckets, limited to candidates, and they see every
 * acknowledged append and refund (a refunded order is not alive, so the
 * first or last order moves to the next counting one).
 */
export const firstOrder = {
  read: (el) => readOrderEdge('firstOrder', el),
  children: () => NONE,
  lower: lowerOrderEdge,
} satisfies ElementDefinition<'firstOrder'>;

export const lastOrder = {
  read: (el) => readOrderEdge('lastOrder', el),
  children: () => NONE,
  lower: lowerOrderEdge,
} satisfies ElementDefinition<'lastOrder'>;

function children(n: OrderEdgePlan<'firstOrder' | 'lastOrder'>): readonly PlanNode[] {
  if (n.via === 'rollup') return NONE;
  return n.beyond === undefined ? [n.inside] : [n.inside, n.beyond];
}

function* compute(n: OrderEdgePlan<'firstOrder' | 'lastOrder'>, ctx: EvalContext): Steps<Bitmap> {
  if (n.via === 'rollup') return yield* computeByRollup(n, ctx);
  const inside = yield* ctx.input(n.inside);
  if (inside.isEmpty) return new Bitmap();
  if (n.beyond === undefined) return inside.clone();
  const result = inside.clone();
  result.andNotInPlace(yield* ctx.input(n.beyond));
  return result;
}

function explain(n: OrderEdgePlan<'firstOrder' | 'lastOrder'>, _s: NodeStats): string {
  const which = n.kind === 'firstOrder' ? 'earliest' : 'latest';
  const from = Number.isFinite(n.lo) ? new Date(n.lo * 1000).toISOString() : '-inf';
  const parts = describeFilters(n);
  const beyond = n.via === 'rollup' ? '; from the per-customer first/last order ts'
    : n.beyond === undefined ? '' : n.kind === 'firstOrder' ? '; keep first, remove who ordered before' : '; keep first, remove who ordered after';
  return `${which} counting order${parts.length ? ` with ${parts.join(', ')}` : ''} at ts in [${from}, ${new Date(n.hi * 1000).toISOString()}]${beyond}`;
}

export const firstOrderPlan = {
  children,
  compute,
  explain,
  // a limit on the result holds for `inside`, never for what is removed
  bounds: (n) => (n.via === 'rollup' ? NONE : [n.inside]),
} satisfies PlanNodeDefinition<'firstOrder'>;

export const lastOrderPlan = {
  children,
  compute,
  explain,
  bounds: (n) => (n.via === 'rollup' ? NONE : [n.inside]),
} satisfies PlanNodeDefinition<'lastOrder'>;
