import type { AttrPlan } from '../../../elements/attr/plan.js';
import { parseNumericLiteral } from '../../../model/numeric-literal.js';
import type { TableName } from '../schema.js';
import { floatLiteral, inStrings, stringLiteral } from './literal.js';
import { inSubquery, type ElementSql } from './sql-context.js';

/**
 * `<attr>` (contract 3): the attribute's current value per customer is its
 * latest event by seq (a delete leaves none). `eq` compares strings to
 * strings and, for a numeric literal, numbers to that number; ranges match
 * numbers only; `exists`. All tests given must hold, as in-process
 * (elements/attr/index.ts): `exists="false"` with a test is nobody.
 */
export const attrSql: ElementSql<AttrPlan> = (n, ctx) => {
  const tests: string[] = [];
  if (n.eq !== undefined) {
    const numbers = [...new Set(n.eq.map(parseNumericLiteral).filter((v): v is number => v !== undefined))];
    const alternatives = [`(k = 'string' AND ${inStrings('s', n.eq)})`];
    if (numbers.length > 0) {
      alternatives.push(`(k = 'number' AND ${numbers.length === 1 ? `v = ${floatLiteral(numbers[0]!)}` : `v IN (${numbers.map(floatLiteral).join(', ')})`})`);
    }
    tests.push(alternatives.length === 1 ? alternatives[0]! : `(${alternatives.join(' OR ')})`);
  }
  if (n.range !== undefined) {
    const r = n.range;
    const parts = [`k = 'number'`];
    if (r.gt !== undefined) parts.push(`v > ${floatLiteral(r.gt)}`);
    if (r.gte !== undefined) parts.push(`v >= ${floatLiteral(r.gte)}`);
    if (r.lt !== undefined) parts.push(`v < ${floatLiteral(r.lt)}`);
    if (r.lte !== undefined) parts.push(`v <= ${floatLiteral(r.lte)}`);
    tests.push(parts.join(' AND '));
  }
  if (n.exists === false) return tests.length > 0 ? '0' : `NOT (${inSubquery(currentValues(ctx.tables.attrEvents, n.name, []))})`;
  return inSubquery(currentValues(ctx.tables.attrEvents, n.name, tests));
};

/** The holders of the attribute now (k, s, v: kind, string, number of the latest event) that pass `tests`. */
function currentValues(events: TableName, name: string, tests: readonly string[]): string {
  return (
    `SELECT customer_id FROM (\n` +
    `  SELECT customer_id, argMax(kind, seq) AS k, argMax(str_value, seq) AS s, argMax(num_value, seq) AS v\n` +
    `  FROM ${events.local} WHERE name = ${stringLiteral(name)}\n` +
    `  GROUP BY customer_id\n` +
    `)\nWHERE ${["k != 'delete'", ...tests].join(' AND ')}`
  );
}
