import type { Window } from '../../query/ast/index.js';
import { filtersKey, filtersOf } from '../../plan/dimension-filters.js';
import type { PlanNode } from '../../plan/plan-node.js';
import { resolveWindow } from '../../plan/resolve-window.js';
import type { LowerContext, Steps } from '../definition.js';
import type { OrderEdgeNode } from './node.js';

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
  const key = `${n.kind}(${filtersKey(n)}${lo},${hi})`;
  return ctx.builder.intern({
    kind: n.kind, key, estimate: inside.estimate, pos: n.pos, ...filtersOf(n), lo, hi, inside,
    ...(beyond !== undefined && beyond.kind !== 'empty' ? { beyond } : {}),
  } as PlanNode);
}
