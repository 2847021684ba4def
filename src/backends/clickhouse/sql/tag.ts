import type { TagPlan } from '../../../elements/tag/plan.js';
import { inStrings, stringLiteral } from './literal.js';
import { inSubquery, type ElementSql, type SqlContext } from './sql-context.js';

/** `<tag>`: the customers whose latest event for the tag (by seq) is an add. */
export const tagSql: ElementSql<TagPlan> = (n, ctx) =>
  inSubquery(
    `SELECT customer_id FROM ${ctx.tables.tagEvents.local}\nWHERE tag = ${stringLiteral(n.name)}\n` +
      `GROUP BY customer_id\nHAVING argMax(op, seq) = 'add'`,
  );

/** Several `<tag>`s OR-ed: one subquery over the tag events of all of them (a customer holds one of the tags now). */
export function anyTagSql(nodes: readonly TagPlan[], ctx: SqlContext): string {
  return inSubquery(
    `SELECT customer_id FROM ${ctx.tables.tagEvents.local}\nWHERE ${inStrings('tag', nodes.map((n) => n.name))}\n` +
      `GROUP BY customer_id, tag\nHAVING argMax(op, seq) = 'add'`,
  );
}
