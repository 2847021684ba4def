import type { PlanNode } from '../../../plan/plan-node.js';
import type { TableName, TableRole } from '../schema.js';

/**
 * What an element's compiler is handed: the tables, and a way to compile
 * its inputs. Every element compiles to a PREDICATE on the column
 * `customer_id`, evaluated once per row of the universe (the customers
 * table, on each shard): usually `customer_id IN (subquery)` over the
 * shard's local tables (a customer's data is all on its shard), so the
 * algebra is plain AND / OR / NOT and the universe is the row source itself.
 */
export interface SqlContext {
  readonly tables: { readonly [R in TableRole]: TableName };
  /** the predicate of an input node */
  predicate(node: PlanNode): string;
}

/** One element's compiler: its plan node to a predicate on `customer_id`. */
export type ElementSql<N> = (node: N, ctx: SqlContext) => string;

/** Indents every line of a block by two spaces (the SQL stays readable in explain). */
export function indent(text: string, by = '  '): string {
  return text.replace(/^/gm, by);
}

/** `customer_id IN (subquery)`, the subquery on its own indented lines. */
export function inSubquery(subquery: string, global = false): string {
  return `customer_id ${global ? 'GLOBAL IN' : 'IN'} (\n${indent(subquery)}\n)`;
}
