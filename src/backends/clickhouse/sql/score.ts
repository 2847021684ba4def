import type { ScorePlan } from '../../../elements/score/plan.js';
import { intLiteral } from './literal.js';
import { matchingLines } from './counting.js';
import { indent, inSubquery, type ElementSql } from './sql-context.js';

/** v(c) per customer of the population (contract 7.5), over one customer's counting matching lines. */
const VALUE = { recency: 'max(ts)', frequency: 'uniqExact(order_id)', monetary: 'sum(amount_cents)', quantity: 'sum(quantity)' } as const;

/**
 * `<score>` (contract 7.5), in exact integer arithmetic.
 *
 * With `cuts` a score needs only the customer's own v: 1 + the number of
 * cuts <= v, on each shard's local tables.
 *
 * With `scale` the population is the whole store: the GLOBAL IN subquery
 * runs once on the coordinating node over the Distributed tables. It takes
 * the histogram of v over all shards (value, customers), sorted by value;
 * a value's L is the number of customers with a smaller value (a running
 * sum), its score min(k, 1 + intDiv(k * L, n)) in UInt64; the values whose
 * score is in [min, max], and then the customers with those values.
 */
export const scoreSql: ElementSql<ScorePlan> = (n, ctx) => {
  const perCustomer = (table: 'local' | 'all') =>
    `SELECT customer_id, ${VALUE[n.by]} AS v FROM ${ctx.tables.orderLines[table]}\n` +
    `WHERE ${matchingLines(ctx.tables.refunds, n, n.lo, n.hi)}\n` +
    `GROUP BY customer_id`;
  if (n.cuts !== undefined) {
    const score = ['1', ...n.cuts.map((x) => `(v >= ${intLiteral(x)})`)].join(' + ');
    return inSubquery(`SELECT customer_id FROM (\n${indent(perCustomer('local'))}\n)\nWHERE (${score}) BETWEEN ${intLiteral(n.min)} AND ${intLiteral(n.max)}`);
  }
  const k = intLiteral(n.scale ?? 5);
  const values =
    `SELECT arrayJoin(arrayFilter((x, s) -> s >= ${intLiteral(n.min)} AND s <= ${intLiteral(n.max)}, vs,\n` +
    `  arrayMap((l, n) -> least(toUInt64(${k}), 1 + intDiv(toUInt64(${k}) * l, n)), below, arrayResize([total], length(below), total))))\n` +
    `FROM (\n` +
    `  SELECT vs, arrayMap((run, c) -> run - c, arrayCumSum(cs), cs) AS below, arraySum(cs) AS total\n` +
    `  FROM (\n` +
    `    SELECT arraySort(groupArray(v)) AS vs, arraySort((c, x) -> x, groupArray(c), groupArray(v)) AS cs\n` +
    `    FROM (SELECT v, toUInt64(count()) AS c FROM (\n${indent(perCustomer('all'), '      ')}\n    ) GROUP BY v)\n` +
    `  )\n` +
    `)`;
  return inSubquery(
    `SELECT customer_id FROM (\n${indent(perCustomer('all'))}\n)\nWHERE v IN (\n${indent(values)}\n)`,
    true,
  );
};
