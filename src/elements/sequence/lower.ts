import { filtersKey, filtersOf } from '../../plan/dimension-filters.js';
import type { PlanNode } from '../../plan/plan-node.js';
import { resolveWindow } from '../../plan/resolve-window.js';
import type { LowerContext } from '../definition.js';
import type { SequenceNode } from './node.js';

const UNIT_SECONDS = { h: 3600, d: 86_400, w: 604_800 } as const;

/**
 * The window resolved in the query's zone (it limits the steps only); an
 * empty one, or with `<absent>` one whose first step would have to be
 * after asOf - within, plans as `empty`. The estimate is the smallest
 * step's, an upper bound.
 */
export function lowerSequence(n: SequenceNode, ctx: LowerContext): PlanNode {
  const { lo, hi } = resolveWindow(n.window, n.pos, ctx.asOfMs, ctx.tz);
  const asOf = Math.floor(ctx.asOfMs / 1000);
  const withinSeconds = n.within.amount * UNIT_SECONDS[n.within.unit];
  if (lo > hi || (n.absent !== undefined && Math.min(hi, asOf - withinSeconds) < lo)) return ctx.builder.empty(n.pos);
  const steps = n.steps.map((s) => filtersOf(s));
  const absent = n.absent === undefined ? undefined : filtersOf(n.absent);
  const key =
    `sequence(${withinSeconds},${lo},${hi},${steps.map((s) => `step(${filtersKey(s)})`).join('')}` +
    `${absent === undefined ? '' : `absent(${filtersKey(absent)})${asOf}`})`;
  const estimate = Math.min(ctx.stats.universe(), ...steps.map((s) => ctx.stats.boughtRows(s)));
  return ctx.builder.intern({
    kind: 'sequence', key, estimate, pos: n.pos, steps, ...(absent !== undefined ? { absent } : {}), withinSeconds, lo, hi, asOf,
  });
}
