import type { AndNotPlan, AndPlan, EmptyPlan, NotPlan, OrPlan } from '../../../plan/plan-node.js';
import type { ElementSql } from './sql-context.js';

/**
 * The plan's algebra as boolean operators on the universe's rows: the
 * universe is the row source (the customers table), so `not` is NOT and
 * nothing needs INTERSECT / EXCEPT (which 18.16 has not).
 */
export const andSql: ElementSql<AndPlan> = (n, ctx) => join(n.children.map((c) => ctx.predicate(c)), 'AND');

export const orSql: ElementSql<OrPlan> = (n, ctx) => join(n.children.map((c) => ctx.predicate(c)), 'OR');

export const notSql: ElementSql<NotPlan> = (n, ctx) => `NOT (${ctx.predicate(n.child)})`;

/** left AND NOT (any of remove) */
export const andNotSql: ElementSql<AndNotPlan> = (n, ctx) =>
  `${paren(ctx.predicate(n.left))}\nAND NOT ${paren(join(n.remove.map((c) => ctx.predicate(c)), 'OR'))}`;

/** Nobody: a constant false (18.16 has no `false` literal). */
export const emptySql: ElementSql<EmptyPlan> = () => '0';

function join(parts: readonly string[], op: 'AND' | 'OR'): string {
  return parts.length === 1 ? parts[0]! : parts.map(paren).join(`\n${op} `);
}

function paren(p: string): string {
  return `(${p})`;
}
