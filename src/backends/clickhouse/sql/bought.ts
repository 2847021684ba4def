import type { BoughtPlan } from '../../../elements/bought/plan.js';
import { intLiteral } from './literal.js';
import { matchingLines } from './counting.js';
import { inSubquery, type ElementSql } from './sql-context.js';

/**
 * `<bought>`: the customers with counting matching lines in the window;
 * with thresholds, grouped per customer: distinct orders, and the sums of
 * the matching lines' cents and quantities (contract 3, 7.2).
 */
export const boughtSql: ElementSql<BoughtPlan> = (n, ctx) => {
  const having: string[] = [];
  if (n.minCount > 1) having.push(`uniqExact(order_id) >= ${intLiteral(n.minCount)}`);
  if (n.maxCount !== undefined) having.push(`uniqExact(order_id) <= ${intLiteral(n.maxCount)}`);
  if (n.minAmountCents !== undefined) having.push(`sum(amount_cents) >= ${intLiteral(n.minAmountCents)}`);
  if (n.maxAmountCents !== undefined) having.push(`sum(amount_cents) <= ${intLiteral(n.maxAmountCents)}`);
  if (n.minQuantity !== undefined) having.push(`sum(quantity) >= ${intLiteral(n.minQuantity)}`);
  if (n.maxQuantity !== undefined) having.push(`sum(quantity) <= ${intLiteral(n.maxQuantity)}`);
  const select = `SELECT customer_id FROM ${ctx.tables.orderLines.local}\nWHERE ${matchingLines(ctx.tables.refunds, n, n.lo, n.hi)}`;
  return inSubquery(having.length === 0 ? select : `${select}\nGROUP BY customer_id\nHAVING ${having.join(' AND ')}`);
};
