import type { Window } from '../../query/ast/index.js';
import { filtersKey, filtersOf } from '../../plan/dimension-filters.js';
import type { PlanNode } from '../../plan/plan-node.js';
import { resolveWindow } from '../../plan/resolve-window.js';
import type { LowerContext, Steps } from '../definition.js';
import type { OrderEdgeNode } from './node.js';
import { ORDER_DIMENSIONS } from '../../model/order-dimensions.js';

function hasFilter(n: OrderEdgeNode<'firstOrder' | 'lastOrder'>): boolean {
  return ORDER_DIMENSIONS.some((d) => n[d.field] !== undefined);
}

/**
 * firstOrder in [lo, hi]: a counting matching order in [lo, hi] and none
 * before lo (the earliest one up to asOf is then inside). lastOrder in
 * [lo, hi]: one in [lo, hi] and none in (hi, asOf]. Both sides are lowered
 * as existence `<bought>`s (through ctx.lower, so they are the very nodes a
 * written `<bought>` with those filters and bounds would be, shared with it).
 * An empty window plans as `empty`.
 */
export function* lowerOrderEdge<K extends 'firstOrder' | 'lastOrder'>(n: OrderEdgeNode<K>, ctx: LowerContext): Steps<PlanNode> {
  const { lo, hi } = resolveWindow(n.window, n.pos, ctx.asOfMs, ctx.tz);
  if (lo > hi) return ctx.builder.empty(n.pos);
  const cap = Math.floor(ctx.asOfMs / 1000);
  const bought = (window: Window) => ctx.lower({ kind: 'bought', ...filtersOf(n), window, minCount: 1, pos: n.pos });
  const inside = yield* bought(n.window);
  if (inside.kind === 'empty') return inside;
  // whole seconds: "before lo" is ts <= lo - 1, "after hi" is ts >= hi + 1
  const beyondWindow: Window | undefined =
    n.kind === 'firstOrder'
      ? (lo === Number.NEGATIVE_INFINITY ? undefined : { kind: 'range', to: { kind: 'instant', ms: (lo - 1) * 1000 } })
      : (hi >= cap ? undefined : { kind: 'range', from: { kind: 'instant', ms: (hi + 1) * 1000 } });
  const beyond = beyondWindow === undefined ? undefined : yield* bought(beyondWindow);
  // no filter: every order counts, and each shard's per-customer first/last order ts answer it (rollup.ts)
  const via = hasFilter(n) ? 'scans' : 'rollup';
  const key = `${n.kind}(${via === 'rollup' ? `rollup,${cap},` : ''}${filtersKey(n)}${lo},${hi})`;
  return ctx.builder.intern({
    kind: n.kind, key, estimate: inside.estimate, pos: n.pos, ...filtersOf(n), lo, hi, asOf: cap, via, inside,
    ...(beyond !== undefined && beyond.kind !== 'empty' ? { beyond } : {}),
  } as PlanNode);
}
