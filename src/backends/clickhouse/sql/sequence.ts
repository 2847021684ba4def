import type { SequencePlan } from '../../../elements/sequence/plan.js';
import type { DimensionFilters } from '../../../model/order-dimensions.js';
import { countingLine, lineFilters, sharedDimensions } from './counting.js';
import { intLiteral } from './literal.js';
import { indent, inSubquery, type ElementSql } from './sql-context.js';

/**
 * Never a timestamp (ts is whole seconds since 1970, |ts| far below 2^62):
 * "no such order" in the chains below. 2^62, so INF - ts and ts + within
 * never overflow Int64.
 */
const INF = '4611686018427387904';
/** A chain already at INF stays there: arrayFirst finds the sentinel (> INF - 1), never its 0 default. */
const INF_LESS_ONE = '4611686018427387903';

/**
 * `<sequence>` (contract 7.4), exactly, without windowFunnel (18.16's
 * orders same-second events arbitrarily and has no strict mode): per
 * customer, the sorted timestamps of the counting orders with a line
 * matching each step (s1 ... sk) and the absent (sb), then the rule of
 * elements/sequence/kernel.ts with array functions, for every start o1:
 *
 * - without absent: the greedy chain (each next step the earliest order
 *   strictly after the previous one: arrayFirst over the sorted list,
 *   INF when there is none) ends within W of o1;
 * - with absent: ts(o1) + W <= asOf (s1 is limited to it), the middle steps
 *   greedy, the last step the LATEST order <= ts(o1) + W in the window (the
 *   shortest period for B), after the greedy o(k-1); and no B order in
 *   (ts(ok), ts(o1) + W]. With one step, ok is o1.
 *
 * Cost: one pass over the customers' counting orders, then per customer
 * O(|s1| * sum |si|) comparisons.
 */
export const sequenceSql: ElementSql<SequencePlan> = (n, ctx) => {
  const W = intLiteral(n.withinSeconds);
  const k = n.steps.length;
  const absent = n.absent !== undefined;
  const firstHi = absent ? Math.min(n.hi, n.asOf - n.withinSeconds) : n.hi;
  if (firstHi < n.lo) return '0';
  const lo = n.lo === Number.NEGATIVE_INFINITY ? undefined : intLiteral(n.lo);
  const inRange = (hi: number, col = 't') => `${lo === undefined ? '' : `${col} >= ${lo} AND `}${col} <= ${intLiteral(hi)}`;
  // per order: its ts and one flag per step (and the absent): some line matches
  const flag = (f: DimensionFilters) => {
    const m = lineFilters(f);
    return m === undefined ? '1' : `max(${m})`;
  };
  const orderFlags = [...n.steps.map((s, i) => `${flag(s)} AS f${i + 1}`), ...(absent ? [`${flag(n.absent)} AS fb`] : [])];
  // the orders that can matter: steps in [lo, hi]; B after o1 >= lo and at most asOf
  const scanHi = absent ? n.asOf : n.hi;
  // only lines that match some step (or the absent) can set a flag: the others are left out before grouping
  const stepFilters = [...n.steps, ...(n.absent !== undefined ? [n.absent] : [])];
  const anyStep = stepFilters.map(lineFilters);
  const someStep = anyStep.includes(undefined) ? '' : `\n  AND (${anyStep.map((f) => `(${f})`).join(' OR ')})`;
  const prewhere = sharedDimensions(stepFilters);
  const orders =
    `SELECT customer_id, order_id, any(ts) AS t, ${orderFlags.join(', ')}\n` +
    `FROM ${ctx.tables.orderLines.local}\n` +
    (prewhere !== undefined ? `PREWHERE ${prewhere}\n` : '') +
    `WHERE ${countingLine(ctx.tables.refunds)} AND ${inRange(scanHi, 'ts')}${someStep}\n` +
    `GROUP BY customer_id, order_id`;
  const lists: string[] = [`arraySort(groupArrayIf(t, f1 = 1 AND ${inRange(firstHi)})) AS s1`];
  for (let i = 2; i <= k; i++) {
    const times = `groupArrayIf(t, f${i} = 1 AND ${inRange(n.hi)})`;
    if (absent && i === k) lists.push(`arrayConcat(arrayReverseSort(${times}), [toInt64(-${INF})]) AS s${i}`);
    else lists.push(`arrayConcat(arraySort(${times}), [toInt64(${INF})]) AS s${i}`);
  }
  if (absent) lists.push(`groupArrayIf(t, fb = 1) AS sb`);
  // c2 .. : the greedy chains from every start (c1 = s1). 18.16 drops a column that a lambda
  // only captures (Unknown identifier), so lists reach lambdas as arguments, one copy per start
  const perStart = (list: string) => `arrayResize([${list}], length(s1), ${list})`;
  const chains: string[] = [];
  const greedyUpTo = absent ? k - 1 : k;
  for (let i = 2; i <= greedyUpTo; i++) {
    chains.push(`arrayMap((t, s) -> arrayFirst(x -> x > least(t, ${INF_LESS_ONE}), s), ${i === 2 ? 's1' : `c${i - 1}`}, ${perStart(`s${i}`)}) AS c${i}`);
  }
  const last = greedyUpTo === 1 ? 's1' : `c${greedyUpTo}`;
  let rule: string;
  if (!absent) {
    rule = `arrayExists((a, b) -> b - a <= ${W}, s1, ${last})`;
  } else if (k === 1) {
    rule = `arrayExists((a, bs) -> NOT arrayExists(b -> b > a AND b <= a + ${W}, bs), s1, ${perStart('sb')})`;
  } else {
    // ok: the latest step-k order <= a + W (s_k is descending, -INF last), after the greedy o(k-1)
    chains.push(`arrayMap((a, s) -> arrayFirst(x -> x <= a + ${W}, s), s1, ${perStart(`s${k}`)}) AS ok`);
    rule = `arrayExists((a, g, o, bs) -> o > g AND NOT arrayExists(b -> b > o AND b <= a + ${W}, bs), s1, ${last}, ok, ${perStart('sb')})`;
  }
  const perCustomer =
    `SELECT customer_id, ${lists.join(',\n  ')}\n` +
    `FROM (\n${indent(orders)}\n)\n` +
    `GROUP BY customer_id`;
  return inSubquery(
    `SELECT customer_id FROM (\n` +
      indent(`SELECT customer_id${chains.length ? `,\n  ${chains.join(',\n  ')}` : ''}, ${rule} AS hit\nFROM (\n${indent(perCustomer)}\n)\nWHERE notEmpty(s1)`) +
      `\n)\nWHERE hit = 1`,
  );
};
