import { ORDER_DIMENSIONS, type DimensionFilters } from '../../../model/order-dimensions.js';
import type { TableName } from '../schema.js';
import { intLiteral, inStrings } from './literal.js';

/**
 * The conditions on an order_lines row (sql/'s shared pieces): a counting
 * order (paid at ingest and never refunded: a refund lives on its order's
 * shard, so the local refunds table holds every refund of this shard's
 * orders), a window, and a line matching filters.
 */
export function countingLine(refunds: TableName): string {
  // the node's own refunds also when the row source is the Distributed table: such a query is sent
  // to every shard, where it reads that shard's refunds
  return `status = 'paid' AND order_id NOT IN (SELECT order_id FROM ${refunds.local})`;
}

/** `ts` inside [lo, hi] (inclusive epoch seconds; lo may be -Infinity); never empty: callers plan an empty window as `empty`. */
export function inWindow(lo: number, hi: number): string {
  return lo === Number.NEGATIVE_INFINITY ? `ts <= ${intLiteral(hi)}` : `ts >= ${intLiteral(lo)} AND ts <= ${intLiteral(hi)}`;
}

/** The line matches every filter (sku and category of the line, shop of its order); undefined when there is none. */
export function lineFilters(filters: DimensionFilters): string | undefined {
  const parts: string[] = [];
  for (const d of ORDER_DIMENSIONS) {
    const values = filters[d.field];
    if (values !== undefined) parts.push(inStrings(d.name, values));
  }
  return parts.length === 0 ? undefined : parts.join(' AND ');
}

/** The WHERE of "counting matching lines in [lo, hi]". */
export function matchingLines(refunds: TableName, filters: DimensionFilters, lo: number, hi: number): string {
  const f = lineFilters(filters);
  return [countingLine(refunds), inWindow(lo, hi), ...(f === undefined ? [] : [f])].join('\n  AND ');
}

/**
 * A PREWHERE for a scan that keeps only lines matching one of several
 * filters: each dimension that every one of them filters on, with their
 * values together (a hash lookup per row before the rest of the condition
 * runs on the rows left); undefined when no dimension is in all of them.
 */
export function sharedDimensions(filters: readonly DimensionFilters[]): string | undefined {
  const parts: string[] = [];
  for (const d of ORDER_DIMENSIONS) {
    if (filters.every((f) => f[d.field] !== undefined)) parts.push(inStrings(d.name, filters.flatMap((f) => f[d.field]!)));
  }
  return parts.length === 0 ? undefined : parts.join(' AND ');
}
