import type { TagPlan } from '../../../elements/tag/plan.js';
import { stringLiteral } from './literal.js';
import { inSubquery, type ElementSql } from './sql-context.js';

/** `<tag>`: the customers whose latest event for the tag (by seq) is an add. */
export const tagSql: ElementSql<TagPlan> = (n, ctx) =>
  inSubquery(
    `SELECT customer_id FROM ${ctx.tables.tagEvents.local}\nWHERE tag = ${stringLiteral(n.name)}\n` +
      `GROUP BY customer_id\nHAVING argMax(op, seq) = 'add'`,
  );
