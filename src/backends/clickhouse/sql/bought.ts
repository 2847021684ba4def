import type { BoughtPlan } from '../../../elements/bought/plan.js';
import { isExistenceOnly } from '../../../exec/bought-query.js';
import type { PlanNode } from '../../../plan/plan-node.js';
import { ORDER_DIMENSIONS } from '../../../model/order-dimensions.js';
import { intLiteral, stringLiteral } from './literal.js';
import { countingLine, inWindow, lineFilters, matchingLines, sharedDimensions } from './counting.js';
import { indent, inSubquery, type ElementSql, type SqlContext } from './sql-context.js';

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

/** A `<bought>` that needs only one counting matching line in its window (no threshold beyond minCount 1). */
export function isExistenceBought(n: PlanNode): n is BoughtPlan {
  return n.kind === 'bought' && isExistenceOnly(n);
}

/**
 * Several existence `<bought>`s OR-ed (a wide `<or>`, 50 SKU/shop/month
 * terms): one scan of the order lines with their line conditions OR-ed,
 * instead of one subquery each. Exact: a customer has a line meeting one
 * of the conditions exactly when one of the `<bought>`s holds.
 */
export function anyBoughtSql(nodes: readonly BoughtPlan[], ctx: SqlContext): string {
  // PREWHERE: wide-or-50 over 3M lines 2.7 s -> 0.6 s (the OR of 50 terms then runs on the few rows left)
  const prewhere = sharedDimensions(nodes);
  const lookup = nodes.length >= LOOKUP_FROM ? termLookup(nodes) : undefined;
  const alternatives = nodes.map((n) => {
    const f = lineFilters(n);
    return `(${inWindow(n.lo, n.hi)}${f === undefined ? '' : ` AND ${f}`})`;
  });
  return inSubquery(
    `SELECT customer_id FROM ${ctx.tables.orderLines.local}\n` +
      (prewhere !== undefined ? `PREWHERE ${prewhere}\n` : '') +
      `WHERE ${countingLine(ctx.tables.refunds)}\n  AND ` +
      (lookup ?? `(\n${indent(alternatives.join('\nOR '), '    ')}\n  )`),
  );
}

/** From this many terms a merged `<or>` looks its terms up by value instead of testing each on every line. */
const LOOKUP_FROM = 16;

/** Never a timestamp: the lower bound of a term open to the past (ts is far inside +-2^62). */
const NO_LOWER_BOUND = '-4611686018427387904';

/**
 * Many terms (a `<or>` of hundreds of `<bought>`s): the OR of every term
 * on every line grows with the terms (300 terms with distinct windows on
 * 3M lines: 25 s). When every term filters on one dimension, a line's value
 * of it maps (transform: a hash lookup) to the terms holding that value,
 * and only those are tested (window, other filters), in one arrayExists.
 * Constant arrays indexed by term number hold the windows and the other
 * filters (an empty list: any). Columns reach the lambda as arguments
 * (18.16 loses columns a lambda only captures). Undefined: no dimension is
 * in every term.
 */
function termLookup(nodes: readonly BoughtPlan[]): string | undefined {
  const common = ORDER_DIMENSIONS.filter((d) => nodes.every((n) => n[d.field] !== undefined));
  if (common.length === 0) return undefined;
  // the common dimension with the most distinct values: the fewest terms per line
  const distinctOf = (d: (typeof ORDER_DIMENSIONS)[number]) => [...new Set(nodes.flatMap((n) => n[d.field]!))];
  const key = common.reduce((a, b) => (distinctOf(b).length > distinctOf(a).length ? b : a));
  const values = distinctOf(key);
  const termsOf = values.map((v) => nodes.flatMap((n, i) => (n[key.field]!.includes(v) ? [i + 1] : [])));
  const others = ORDER_DIMENSIONS.filter((d) => d !== key && nodes.some((n) => n[d.field] !== undefined));
  const strings = (list: readonly string[]) => `[${[...new Set(list)].map(stringLiteral).join(', ')}]`;
  const lo = `[${nodes.map((n) => (n.lo === Number.NEGATIVE_INFINITY ? NO_LOWER_BOUND : intLiteral(n.lo))).join(', ')}]`;
  const hi = `[${nodes.map((n) => intLiteral(n.hi)).join(', ')}]`;
  const tests = [`t >= arrayElement(${lo}, i)`, `t <= arrayElement(${hi}, i)`];
  others.forEach((d, j) => {
    const sets = `[${nodes.map((n) => (n[d.field] === undefined ? 'emptyArrayString()' : strings(n[d.field]!))).join(', ')}]`;
    tests.push(`(empty(arrayElement(${sets}, i)) OR has(arrayElement(${sets}, i), x${j}))`);
  });
  const candidates =
    `arrayElement([${termsOf.map((t) => `[${t.join(', ')}]`).join(', ')}], ` +
    `transform(${key.name}, ${strings(values)}, [${values.map((_, i) => i + 1).join(', ')}], 0))`;
  const columns = ['ts', ...others.map((d) => d.name)];
  return (
    `arrayExists((i, t${others.map((_, j) => `, x${j}`).join('')}) -> ${tests.join(' AND ')},\n` +
    `    ${candidates} AS terms,\n` +
    `    ${columns.map((c) => `arrayResize([${c}], length(terms), ${c})`).join(', ')})`
  );
}
