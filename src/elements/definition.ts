import type { BoughtQuery, Candidates } from '../exec/bought-query.js';
import type { BoughtTask } from '../exec/bought-task.js';
import type { ValuesPrefetch } from '../exec/executor.js';
import type { NodeStats } from '../exec/node-stats.js';
import type { Scratch } from '../exec/scratch.js';
import type { Bitmap } from '../index/bitmap.js';
import type { PlanBuilder } from '../plan/plan-builder.js';
import type { PlanKind, PlanNode, PlanOf } from '../plan/plan-node.js';
import type { PlanStats } from '../plan/plan-stats.js';
import type { ConditionKind, ConditionNode, ConditionOf, SegmentNode } from '../query/ast/index.js';
import type { XmlElement } from '../query/xml-tree.js';
import type { Catalog } from '../store/catalog.js';
import type { Shard } from '../store/shard.js';

/**
 * What a query element is made of. Each element lives in its folder
 * (src/elements/<name>/) and exports one ElementDefinition, plus one
 * PlanNodeDefinition per plan node kind it adds; src/language/registry.ts
 * lists them in two tables typed by kind, so a missing or misshapen part
 * is a compile error. An element never imports the drivers: what it needs
 * of them (reading its children, lowering them, their results) comes in
 * a context.
 */

/** Work in steps: the drivers may pause between them (engine/time-slice.ts). */
export type Steps<T> = Generator<void, T>;

/** A value as one step (a leaf of the plan: a point where the planner may pause after it). */
export function* leaf<T>(value: T): Steps<T> {
  yield;
  return value;
}

/** A condition element: from XML to the AST, and from the AST to the plan. */
export interface ElementDefinition<K extends ConditionKind> {
  /** the element as an AST node (its name is `K`); throws ShandianError (query/query-error.ts) */
  read(el: XmlElement, ctx: ReadContext): ConditionOf<K>;
  /** the conditions inside it (walks such as collectRefs) */
  children(node: ConditionOf<K>): readonly ConditionNode[];
  /** the saved segment it names, for a reference */
  refersTo?(node: ConditionOf<K>): string;
  /** its plan: a leaf made with ctx.builder (yield once: `leaf(...)`), or its children's combined */
  lower(node: ConditionOf<K>, ctx: LowerContext): Steps<PlanNode>;
}

/** A plan node kind: its inputs, its result on one shard, its explain text. */
export interface PlanNodeDefinition<K extends PlanKind> {
  /** the plan nodes it takes as inputs, in evaluation order */
  children(plan: PlanOf<K>): readonly PlanNode[];
  /** its members on one shard; a new bitmap or one never mutated (index results are cloned) */
  compute(plan: PlanOf<K>, ctx: EvalContext): Steps<Bitmap>;
  /** the explain text after its op, from its own fields (and what it did) */
  explain(plan: PlanOf<K>, stats: NodeStats): string;
  /**
   * Semi-join pushdown (language/candidate-sources.ts): 'takes' when its
   * evaluation may be limited to candidates (ctx.candidates), or the inputs
   * a limit on its result passes to (those it distributes over); absent: neither.
   */
  readonly bounds?: 'takes' | ((plan: PlanOf<K>) => readonly PlanNode[]);
  /**
   * Scans of a whole-store phase the executor may run before the evaluation
   * (the worker pool), as `<score>` does for values it has not cached; the
   * evaluation computes whatever none ran. Absent: none.
   */
  prefetch?(plan: PlanOf<K>, store: { readonly shards: readonly Shard[]; readonly catalog: Catalog }): ValuesPrefetch[];
}

/** What a reader may ask of the query reader (language/read-condition.ts). */
export interface ReadContext {
  /** the child conditions of `el`, between min and max of them (E_CHILD_COUNT, E_UNKNOWN_ELEMENT) */
  readChildren(el: XmlElement, min: number, max?: number): ConditionNode[];
}

/** What lowering may ask of the planner (language/plan-segment.ts). */
export interface LowerContext {
  readonly builder: PlanBuilder;
  readonly stats: PlanStats;
  readonly asOfMs: number;
  readonly tz: string;
  /** the saved segments being expanded, outermost first */
  readonly refStack: readonly string[];
  /** the saved segment's AST; throws E_UNKNOWN_SEGMENT when there is none */
  loadSegment(name: string): SegmentNode;
  lower(node: ConditionNode): Steps<PlanNode>;
  lowerAll(nodes: readonly ConditionNode[]): Steps<PlanNode[]>;
  /** the same planner inside saved segment `name` */
  withRef(name: string): LowerContext;
  /** the engine's live segments, when `<ref>` may be answered from their kept membership (query path only) */
  readonly live?: LiveMemberships;
}

/** The live segments as the planner sees them (src/live/, contract 8.3). */
export interface LiveMemberships {
  /** now (epoch ms): the clock reading the query's asOf defaulted to */
  readonly nowMs: number;
  /** the kept membership of live segment `name`; undefined: not live (or not kept here) */
  kept(name: string): KeptMembership | undefined;
}

/** A live segment's kept membership. */
export interface KeptMembership {
  /** the zone it is evaluated in */
  readonly tz: string;
  /** its customers kept now */
  size(): number;
  /** its members on `shard` now (a bitmap never mutated: do not mutate it) */
  members(shard: Shard): Bitmap;
}

export type { Candidates } from '../exec/bought-query.js';

/** What a node's evaluation may ask of the shard's evaluation (language/evaluate.ts). */
export interface EvalContext {
  readonly shard: Shard;
  /** every shard of the store, this one included (a whole-store element, `<score>`, reads them all) */
  readonly shards: readonly Shard[];
  readonly catalog: Catalog;
  /** the shard's reusable kernel buffers on this thread */
  readonly scratch: Scratch;
  /** an input's result (memoised; never mutate it): `yield* ctx.input(child)` */
  input(node: PlanNode): Steps<Bitmap>;
  /** the shard's known customers (never mutate it) */
  universe(): Bitmap;
  /** its result when it was computed elsewhere (the worker pool) */
  precomputed(node: PlanNode): Bitmap | undefined;
  candidates(node: PlanNode): Candidates;
  /** an existence `<bought>` from cached day buckets, or undefined: run `task` (exec/day-buckets.ts) */
  byDays(node: PlanNode & BoughtQuery, task: BoughtTask): Bitmap | undefined;
}
