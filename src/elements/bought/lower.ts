import { filtersKey, filtersOf } from '../../plan/dimension-filters.js';
import type { PlanNode } from '../../plan/plan-node.js';
import { resolveWindow } from '../../plan/resolve-window.js';
import type { LowerContext } from '../definition.js';
import type { BoughtNode } from './node.js';

/** The window resolved in the query's zone; an impossible one (empty window, max below min) plans as `empty`. */
export function lowerBought(n: BoughtNode, ctx: LowerContext): PlanNode {
  const { lo, hi } = resolveWindow(n.window, n.pos, ctx.asOfMs, ctx.tz);
  const impossible =
    lo > hi ||
    (n.maxCount !== undefined && n.maxCount < n.minCount) ||
    (n.minAmountCents !== undefined && n.maxAmountCents !== undefined && n.minAmountCents > n.maxAmountCents) ||
    (n.minQuantity !== undefined && n.maxQuantity !== undefined && n.minQuantity > n.maxQuantity);
  if (impossible) return ctx.builder.empty(n.pos);
  const filters = filtersOf(n);
  const key =
    `bought(${filtersKey(n)}` +
    `${lo},${hi},${n.minCount},${n.maxCount ?? ''},${n.minAmountCents ?? ''},${n.maxAmountCents ?? ''}` +
    `${n.minQuantity !== undefined || n.maxQuantity !== undefined ? `,q${n.minQuantity ?? ''}..${n.maxQuantity ?? ''}` : ''})`;
  const estimate = Math.min(ctx.stats.boughtRows(filters), ctx.stats.universe());
  return ctx.builder.intern({ kind: 'bought', key, estimate, pos: n.pos, ...filters, lo, hi,
    minCount: n.minCount, maxCount: n.maxCount, minAmountCents: n.minAmountCents, maxAmountCents: n.maxAmountCents,
    minQuantity: n.minQuantity, maxQuantity: n.maxQuantity });
}
