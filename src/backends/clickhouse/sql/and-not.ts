import type { AndNotPlan } from '../../../plan/plan-node.js';
import { anyOf, paren } from './any-of.js';
import type { ElementSql } from './sql-context.js';

/** `left AND NOT (any of remove)`: an `<and>` with `<not>` children, as the planner builds it. */
export const andNotSql: ElementSql<AndNotPlan> = (n, ctx) =>
  `${paren(ctx.predicate(n.left))}\nAND NOT ${paren(anyOf(n.remove, ctx))}`;
