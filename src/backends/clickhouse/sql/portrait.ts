import { resolveWindow } from '../../../plan/resolve-window.js';
import { attrBuckets, rangeBuckets } from '../../../portrait/build-buckets.js';
import { byCustomersThenValue } from '../../../portrait/bucket-order.js';
import type { PortraitDimension } from '../../../portrait/dimension.js';
import { formatCents } from '../../../portrait/format-cents.js';
import { NONE_LABEL, type PortraitBucket, type PortraitDimensionResult, type PortraitResult } from '../../../portrait/portrait-result.js';
import { fail } from '../../../model/errors.js';
import { tableNames, type ClickHouseTarget } from '../schema.js';
import type { CompiledSegment } from './compile-plan.js';
import { countingLine, inWindow } from './counting.js';
import { floatLiteral, stringLiteral } from './literal.js';
import { indent } from './sql-context.js';

/**
 * Runs one SELECT with the settings given (the compiled segment's: query-settings.ts)
 * and gives its rows as JSON objects (JSONEachRow: 64-bit integers arrive as strings).
 */
export type RunRows = (sql: string, settings: CompiledSegment['settings']) => Promise<readonly Record<string, unknown>[]>;

/** One dimension's SQL: `sql` gives its buckets; `holdersSql`, when present, the number of members with any value (the rest is `(none)`). */
export interface PortraitDimensionSql {
  readonly dimension: PortraitDimension;
  readonly sql: string;
  readonly holdersSql?: string;
}

/**
 * The members as a filter on `customer_id` for a query over a Distributed
 * table: a subquery on the shard's own universe (a customer's rows are all
 * on its shard), or, when the segment needs the whole store (`<score>` by
 * rank: a GLOBAL IN inside), the members computed once on the coordinating
 * node and shipped to the shards (GLOBAL IN).
 */
export function membersFilter(compiled: CompiledSegment, target: ClickHouseTarget): string {
  const t = tableNames(target);
  if (compiled.predicate.includes('GLOBAL IN')) return `customer_id GLOBAL IN (\n${indent(compiled.membersSql)}\n)`;
  return `customer_id IN (\n  SELECT customer_id FROM ${t.customers.local}\n  WHERE ${indent(compiled.predicate, '    ').trimStart()}\n)`;
}

/**
 * The SQL of each dimension (contract 8.2), over the members:
 * - attr: each member's current value (latest event by seq; numbers as
 *   their bits, so they come back exact), counted per (kind, value);
 * - attr-range: members with a numeric value, per range (the number of bounds <= v);
 * - tag: each (member, tag) held now, counted per tag; holders for `(none)`;
 * - order: counting lines of members in the window (resolved by the engine's
 *   window code), per value: distinct customers, distinct orders, cents.
 */
export function portraitSql(compiled: CompiledSegment, dimensions: readonly PortraitDimension[], target: ClickHouseTarget, at: { asOfMs: number; tz: string }): PortraitDimensionSql[] {
  const t = tableNames(target);
  const members = membersFilter(compiled, target);
  const current = (name: string) =>
    `SELECT customer_id, argMax(kind, seq) AS k, argMax(str_value, seq) AS s, argMax(num_bits, seq) AS b, argMax(num_value, seq) AS v\n` +
    `FROM ${t.attrEvents.all}\nWHERE name = ${stringLiteral(name)} AND ${members}\nGROUP BY customer_id`;
  return dimensions.map((d): PortraitDimensionSql => {
    switch (d.kind) {
      case 'attr':
        return {
          dimension: d,
          sql: `SELECT k, s, b, count() AS customers FROM (\n${indent(current(d.name))}\n)\nWHERE k != 'delete'\nGROUP BY k, s, b`,
        };
      case 'attr-range': {
        const bucket = d.bounds.map((x) => `(v >= ${floatLiteral(x)})`).join(' + ');
        return {
          dimension: d,
          sql: `SELECT toUInt32(${bucket}) AS bucket, count() AS customers FROM (\n${indent(current(d.name))}\n)\nWHERE k = 'number'\nGROUP BY bucket`,
        };
      }
      case 'tag': {
        const held =
          `SELECT customer_id, tag FROM ${t.tagEvents.all}\nWHERE ${members}\n` +
          `GROUP BY customer_id, tag\nHAVING argMax(op, seq) = 'add'`;
        return {
          dimension: d,
          sql: `SELECT tag, count() AS customers FROM (\n${indent(held)}\n)\nGROUP BY tag`,
          holdersSql: `SELECT uniqExact(customer_id) AS holders FROM (\n${indent(held)}\n)`,
        };
      }
      case 'order': {
        const window = d.last ? { kind: 'last' as const, ...d.last } : { kind: 'all' as const };
        const { lo, hi } = resolveWindow(window, { line: 0, column: 0 }, at.asOfMs, at.tz);
        return {
          dimension: d,
          sql:
            `SELECT ${d.field} AS value, uniqExact(customer_id) AS customers, uniqExact(order_id) AS orders, sum(amount_cents) AS cents\n` +
            `FROM ${t.orderLines.all}\n` +
            `WHERE ${countingLine(t.refunds)} AND ${inWindow(lo, hi)}\n  AND ${members}\n` +
            `GROUP BY ${d.field}`,
        };
      }
    }
  });
}

/**
 * A portrait on ClickHouse: the segment's count, then each dimension's
 * buckets, ordered and labelled as in-process (portrait/build-buckets.ts,
 * portrait/bucket-order.ts), so the results are equal value for value.
 */
export async function portraitOnClickHouse(
  compiled: CompiledSegment, dimensions: readonly PortraitDimension[], target: ClickHouseTarget,
  at: { asOfMs: number; tz: string }, run: RunRows,
): Promise<PortraitResult> {
  const count = integer((await run(compiled.countSql, compiled.settings))[0]?.count);
  const results: PortraitDimensionResult[] = [];
  for (const q of portraitSql(compiled, dimensions, target, at)) {
    const rows = await run(q.sql, compiled.settings);
    const d = q.dimension;
    switch (d.kind) {
      case 'attr': {
        const strings = new Map<string, number>(), numbers = new Map<number, number>();
        let held = 0;
        for (const r of rows) {
          const n = integer(r.customers);
          held += n;
          if (r.k === 'number') numbers.set(fromBits(String(r.b)), n);
          else strings.set(String(r.s), n);
        }
        results.push({ by: d.by, kind: d.kind, buckets: attrBuckets({ strings, numbers, none: count - held }) });
        break;
      }
      case 'attr-range': {
        const ranges = new Float64Array(d.bounds.length + 1);
        let held = 0;
        for (const r of rows) {
          const n = integer(r.customers);
          ranges[integer(r.bucket)] = n;
          held += n;
        }
        results.push({ by: d.by, kind: d.kind, buckets: rangeBuckets({ ranges, none: count - held }, d.bounds) });
        break;
      }
      case 'tag': {
        const buckets: PortraitBucket[] = rows.map((r) => ({ value: String(r.tag), customers: integer(r.customers) }));
        const holders = integer((await run(q.holdersSql!, compiled.settings))[0]?.holders);
        buckets.sort(byCustomersThenValue);
        if (count - holders > 0) buckets.push({ value: NONE_LABEL, none: true, customers: count - holders });
        results.push({ by: d.by, kind: d.kind, buckets });
        break;
      }
      case 'order': {
        const buckets: PortraitBucket[] = rows.map((r) => ({
          value: String(r.value), customers: integer(r.customers), orders: integer(r.orders), amount: formatCents(integer(r.cents)),
        }));
        results.push({ by: d.by, kind: d.kind, buckets: buckets.sort(byCustomersThenValue) });
        break;
      }
    }
  }
  return { count, asOf: new Date(at.asOfMs).toISOString(), tz: at.tz, dimensions: results };
}

/** A count or sum from JSONEachRow (UInt64 arrives as a string); exact below 2^53. */
function integer(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw fail.internal(`ClickHouse portrait: ${JSON.stringify(v)} is not an exact integer`);
  return n;
}

/** The number a num_bits value (decimal string of the binary64 bits) holds. */
function fromBits(bits: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(bits));
  return view.getFloat64(0);
}
