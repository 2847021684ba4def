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
 * runs once on the coordinating node over the Distributed tables (each
 * shard groups its own customers): every customer of P with v, sorted by v;
 * a customer's L is the number of smaller values before it, its score
 * min(k, 1 + intDiv(k * L, n)) in UInt64; those with a score in
 * [min, max], shipped to the shards as GLOBAL IN's temporary table.
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
  // one pass over the whole store: every member of P with v, gathered on the coordinating node, sorted by v;
  // at position i (1-based) of the sorted values, e = the occurrences of that value up to i (arrayEnumerateUniq),
  // so L = i - e values are smaller. n reaches the lambda as an argument (18.16 loses captured columns)
  const ranked =
    `SELECT arrayJoin(arrayFilter((id, s) -> s >= ${intLiteral(n.min)} AND s <= ${intLiteral(n.max)}, ids,\n` +
    `  arrayMap((i, e, total) -> least(toUInt64(${k}), 1 + intDiv(toUInt64(${k}) * (i - e), total)),\n` +
    `    arrayEnumerate(vs), arrayEnumerateUniq(vs), arrayResize([n], length(vs), n)))) AS customer_id\n` +
    `FROM (\n` +
    `  SELECT arraySort((id, x) -> x, groupArray(customer_id), groupArray(v)) AS ids, arraySort(groupArray(v)) AS vs, toUInt64(count()) AS n\n` +
    `  FROM (\n${indent(perCustomer('all'), '    ')}\n  )\n` +
    `)`;
  return inSubquery(ranked, true);
};
