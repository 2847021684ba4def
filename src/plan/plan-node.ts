import type { Position } from '../query/ast/index.js';
import type { DimensionFilters } from '../model/order-dimensions.js';

/**
 * The executable form of a query. Windows are resolved to inclusive bounds
 * in epoch seconds, refs are expanded, nested and/or are flattened, and equal
 * subtrees are one shared object (so each is evaluated once per shard).
 */
export type PlanNode = AndPlan | OrPlan | AndNotPlan | NotPlan | BoughtPlan | TagPlan | AttrPlan | EmptyPlan;

interface PlanBase {
  /** canonical text of the subtree within its plan (composite nodes name their children by number); equal keys mean equal results */
  readonly key: string;
  /** estimated customers (upper bound), for ordering AND children */
  estimate: number;
  /** where it came from in the query, for explain */
  readonly pos?: Position;
}

export interface AndPlan extends PlanBase {
  readonly kind: 'and';
  readonly children: PlanNode[];
}

export interface OrPlan extends PlanBase {
  readonly kind: 'or';
  readonly children: PlanNode[];
}

/** `left AND NOT (any of remove)`: what `and` with `not` children becomes. */
export interface AndNotPlan extends PlanBase {
  readonly kind: 'andNot';
  readonly left: PlanNode;
  readonly remove: PlanNode[];
}

/** Known customers minus the child. */
export interface NotPlan extends PlanBase {
  readonly kind: 'not';
  readonly child: PlanNode;
}

/** The value lists (skus, categories, shops: model/order-dimensions.ts) are any-of; absent means any. */
export interface BoughtPlan extends PlanBase, DimensionFilters {
  readonly kind: 'bought';
  /** inclusive bounds, epoch seconds; lo may be -Infinity */
  readonly lo: number;
  readonly hi: number;
  readonly minCount: number;
  readonly maxCount?: number;
  readonly minAmountCents?: number;
  readonly maxAmountCents?: number;
}

export interface TagPlan extends PlanBase {
  readonly kind: 'tag';
  readonly name: string;
}

export interface AttrPlan extends PlanBase {
  readonly kind: 'attr';
  readonly name: string;
  readonly eq?: readonly string[];
  readonly range?: { readonly gt?: number; readonly gte?: number; readonly lt?: number; readonly lte?: number };
  readonly exists?: boolean;
}

/** Matches nobody (an empty window, an impossible threshold). */
export interface EmptyPlan extends PlanBase {
  readonly kind: 'empty';
}

export type PlanKind = PlanNode['kind'];
export type PlanOf<K extends PlanKind> = Extract<PlanNode, { kind: K }>;

/**
 * Exhaustive visitor over plan nodes: one function per kind, so adding a
 * kind breaks every visitor at compile time. `C` is what the caller hands
 * through (so a visitor can be one module-level object, not a closure per call).
 */
export type PlanVisitor<R, C = void> = { readonly [K in PlanKind]: (node: PlanOf<K>, ctx: C) => R };

export function visitPlan<R, C = void>(node: PlanNode, visitor: PlanVisitor<R, C>, ctx: C): R {
  return (visitor[node.kind] as (n: PlanNode, c: C) => R)(node, ctx);
}

const NO_CHILDREN: readonly PlanNode[] = [];

const CHILDREN: PlanVisitor<readonly PlanNode[]> = {
  and: (n) => n.children,
  or: (n) => n.children,
  andNot: (n) => [n.left, ...n.remove],
  not: (n) => [n.child],
  bought: () => NO_CHILDREN,
  tag: () => NO_CHILDREN,
  attr: () => NO_CHILDREN,
  empty: () => NO_CHILDREN,
};

/** The node's inputs, in evaluation order (andNot: its left side first). */
export function planChildren(node: PlanNode): readonly PlanNode[] {
  return visitPlan(node, CHILDREN, undefined);
}

/** True when a bought needs only "at least one matching order": no counting, no sums. */
export function isExistenceOnly(b: BoughtPlan): boolean {
  return b.minCount === 1 && b.maxCount === undefined && b.minAmountCents === undefined && b.maxAmountCents === undefined;
}
