import type { PlanNode } from '../../../plan/plan-node.js';
import type { TagPlan } from '../../../elements/tag/plan.js';
import { anyBoughtSql, isExistenceBought } from './bought.js';
import { anyTagSql } from './tag.js';
import type { SqlContext } from './sql-context.js';

/**
 * The plan's algebra as boolean operators on the universe's rows (and.ts,
 * or.ts, not.ts, and-not.ts, empty.ts): the universe is the row source (the
 * customers table), so `not` is NOT and nothing needs INTERSECT / EXCEPT
 * (which 18.16 has not). Here the pieces they share.
 */

/**
 * OR of nodes; existence `<bought>`s among them (two or more) share one
 * scan of the order lines (bought.ts anyBoughtSql), and `<tag>`s one of the
 * tag events (tag.ts anyTagSql): 18.16 pays for every IN subquery of a
 * query (200 of them: ~0.2 s before any data is read).
 */
export function anyOf(nodes: readonly PlanNode[], ctx: SqlContext): string {
  const existence = nodes.filter(isExistenceBought);
  const tags = nodes.filter((c): c is TagPlan => c.kind === 'tag');
  const merged = (existence.length >= 2 ? [anyBoughtSql(existence, ctx)] : []).concat(tags.length >= 2 ? [anyTagSql(tags, ctx)] : []);
  if (merged.length === 0) return join(nodes.map((c) => ctx.predicate(c)), 'OR');
  const rest = nodes.filter((c) => !(existence.length >= 2 && isExistenceBought(c)) && !(tags.length >= 2 && c.kind === 'tag'));
  return join([...merged, ...rest.map((c) => ctx.predicate(c))], 'OR');
}

export function join(parts: readonly string[], op: 'AND' | 'OR'): string {
  return parts.length === 1 ? parts[0]! : parts.map(paren).join(`\n${op} `);
}

export function paren(p: string): string {
  return `(${p})`;
}
