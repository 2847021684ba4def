import type { FirstOrderPlan, LastOrderPlan } from '../../../elements/first-last-order/plan.js';
import { intLiteral } from './literal.js';
import { matchingLines } from './counting.js';
import { inSubquery, type ElementSql } from './sql-context.js';

/**
 * `<firstOrder>` / `<lastOrder>` (contract 7.3) from the node's own fields:
 * - first: among the counting matching orders with ts <= hi, the earliest
 *   is at or after lo (it is then the earliest up to asOf, and in the window);
 * - last: among those with lo <= ts <= asOf, the latest is at or before hi.
 */
export const orderEdgeSql: ElementSql<FirstOrderPlan | LastOrderPlan> = (n, ctx) => {
  const lines = ctx.tables.orderLines.local;
  if (n.kind === 'firstOrder') {
    const select = `SELECT customer_id FROM ${lines}\nWHERE ${matchingLines(ctx.tables.refunds, n, Number.NEGATIVE_INFINITY, n.hi)}`;
    // a window open to the past: any such order is the earliest's witness
    return inSubquery(n.lo === Number.NEGATIVE_INFINITY ? select : `${select}\nGROUP BY customer_id\nHAVING min(ts) >= ${intLiteral(n.lo)}`);
  }
  const select = `SELECT customer_id FROM ${lines}\nWHERE ${matchingLines(ctx.tables.refunds, n, n.lo, n.asOf)}`;
  // a window up to asOf: any such order is the latest's witness
  return inSubquery(n.hi >= n.asOf ? select : `${select}\nGROUP BY customer_id\nHAVING max(ts) <= ${intLiteral(n.hi)}`);
};

