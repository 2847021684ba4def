import { planSegment } from '../../../language/plan-segment.js';
import type { PlanNode, PlanVisitor } from '../../../plan/plan-node.js';
import { visitPlan } from '../../../plan/plan-node.js';
import type { PlanStats } from '../../../plan/plan-stats.js';
import type { SegmentNode } from '../../../query/ast/index.js';
import { tableNames, type ClickHouseTarget } from '../schema.js';
import { andNotSql } from './and-not.js';
import { andSql } from './and.js';
import { emptySql } from './empty.js';
import { notSql } from './not.js';
import { orSql } from './or.js';
import { attrSql } from './attr.js';
import { boughtSql } from './bought.js';
import { orderEdgeSql } from './first-last-order.js';
import { QUERY_SETTINGS } from './query-settings.js';
import { sampleSql } from './sample.js';
import { scoreSql } from './score.js';
import { sequenceSql } from './sequence.js';
import { indent, type SqlContext } from './sql-context.js';
import { tagSql } from './tag.js';
import { fail } from '../../../model/errors.js';

/**
 * One compiler per plan node kind: exhaustive (PlanVisitor), so a new
 * element without ClickHouse SQL does not compile.
 */
const ELEMENTS: PlanVisitor<string, SqlContext> = {
  and: andSql,
  or: orSql,
  andNot: andNotSql,
  not: notSql,
  empty: emptySql,
  bought: boughtSql,
  tag: tagSql,
  attr: attrSql,
  sample: sampleSql,
  firstOrder: orderEdgeSql,
  lastOrder: orderEdgeSql,
  sequence: sequenceSql,
  score: scoreSql,
  liveRef: () => {
    throw fail.internal('a ClickHouse plan has no live segments');
  },
};

/** A segment as ClickHouse SQL. */
export interface CompiledSegment {
  /** the members' customer ids, one column `customer_id`, each once */
  readonly membersSql: string;
  /** one row, one column `count`: the number of members */
  readonly countSql: string;
  /** the predicate on `customer_id` (evaluated per universe row on each shard) */
  readonly predicate: string;
  /** settings to run both queries (and the portrait's) with: query-settings.ts */
  readonly settings: typeof QUERY_SETTINGS;
}

/**
 * The plan as one query over the universe (the customers table: its
 * Distributed table on a cluster, so each shard answers for its own
 * customers and the coordinating node concatenates). A plan node shared by
 * several parents compiles to the same text, so ClickHouse builds its set once.
 */
export function compilePlan(plan: PlanNode, target: ClickHouseTarget): CompiledSegment {
  const tables = tableNames(target);
  const memo = new Map<PlanNode, string>();
  const ctx: SqlContext = {
    tables,
    predicate(node) {
      let sql = memo.get(node);
      if (sql === undefined) memo.set(node, (sql = visitPlan(node, ELEMENTS, ctx)));
      return sql;
    },
  };
  const predicate = ctx.predicate(plan);
  const where = `WHERE ${indent(predicate).trimStart()}`;
  return {
    predicate,
    settings: QUERY_SETTINGS,
    membersSql: `SELECT DISTINCT customer_id FROM ${tables.customers.all}\n${where}`,
    countSql: `SELECT uniqExact(customer_id) AS count FROM ${tables.customers.all}\n${where}`,
  };
}

/** What the compiler needs besides the AST: the caller's asOf and zone, and the saved segments. */
export interface CompileOptions {
  /** the caller's asOf (epoch ms); the segment's own `asOf` attribute wins, as in-process */
  readonly asOfMs: number;
  /** the caller's zone (option, else the store's, else UTC); the segment's own `tz` attribute wins */
  readonly tz: string;
  /** a saved segment's AST; throws E_UNKNOWN_SEGMENT when there is none */
  loadSegment(name: string): SegmentNode;
}

/**
 * AST -> the engine's own plan (windows resolved by plan/resolve-window.ts,
 * refs expanded with the same cycle checks, the same algebra) -> SQL. The
 * planner's size estimates only order AND children, so constant stats do.
 */
export function compileSegment(ast: SegmentNode, target: ClickHouseTarget, options: CompileOptions): CompiledSegment & { plan: PlanNode; asOfMs: number; tz: string } {
  const asOfMs = ast.asOfMs ?? options.asOfMs;
  const tz = ast.tz ?? options.tz;
  const plan = planSegment(ast, { asOfMs, tz, stats: FLAT_STATS, loadSegment: options.loadSegment });
  return { plan, asOfMs, tz, ...compilePlan(plan, target) };
}

const FLAT_STATS: PlanStats = {
  universe: () => 1_000_000,
  boughtRows: () => 1_000_000,
  tagHolders: () => 1_000_000,
  attributeHolders: () => 1_000_000,
};
