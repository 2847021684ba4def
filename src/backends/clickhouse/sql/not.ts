import type { NotPlan } from '../../../plan/plan-node.js';
import type { ElementSql } from './sql-context.js';

/** `<not>`: the known customers (the universe's rows) for whom the child does not hold. */
export const notSql: ElementSql<NotPlan> = (n, ctx) => `NOT (${ctx.predicate(n.child)})`;
