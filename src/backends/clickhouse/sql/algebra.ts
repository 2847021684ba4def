import type { AndNotPlan, AndPlan, EmptyPlan, NotPlan, OrPlan, PlanNode } from '../../../plan/plan-node.js';
import { anyBoughtSql, isExistenceBought } from './bought.js';
import type { ElementSql, SqlContext } from './sql-context.js';

/**
 * The plan's algebra as boolean operators on the universe's rows: the
 * universe is the row source (the customers table), so `not` is NOT and
 * nothing needs INTERSECT / EXCEPT (which 18.16 has not).
 */
export const andSql: ElementSql<AndPlan> = (n, ctx) => join(n.children.map((c) => ctx.predicate(c)), 'AND');

export const orSql: ElementSql<OrPlan> = (n, ctx) => anyOf(n.children, ctx);

export const notSql: ElementSql<NotPlan> = (n, ctx) => `NOT (${ctx.predicate(n.child)})`;

/** left AND NOT (any of remove) */
export const andNotSql: ElementSql<AndNotPlan> = (n, ctx) =>
  `${paren(ctx.predicate(n.left))}\nAND NOT ${paren(anyOf(n.remove, ctx))}`;

/** Nobody: a constant false (18.16 has no `false` literal). */
export const emptySql: ElementSql<EmptyPlan> = () => '0';

/** OR of nodes; existence `<bought>`s among them (two or more) share one scan (bought.ts anyBoughtSql). */
function anyOf(nodes: readonly PlanNode[], ctx: SqlContext): string {
  const existence = nodes.filter(isExistenceBought);
  if (existence.length < 2) return join(nodes.map((c) => ctx.predicate(c)), 'OR');
  const others = nodes.filter((c) => !isExistenceBought(c)).map((c) => ctx.predicate(c));
  return join([anyBoughtSql(existence, ctx), ...others], 'OR');
}

function join(parts: readonly string[], op: 'AND' | 'OR'): string {
  return parts.length === 1 ? parts[0]! : parts.map(paren).join(`\n${op} `);
}

function paren(p: string): string {
  return `(${p})`;
}
