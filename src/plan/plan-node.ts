import type { Position } from '../query/ast/index.js';

/**
 * The executable form of a query. Windows are resolved to inclusive bounds
 * in epoch seconds, refs are expanded, nested and/or are flattened, and equal
 * subtrees are one shared object (so each is evaluated once per shard).
 *
 * The plan node types by kind: here the algebra the PlanBuilder makes
 * (and, or, andNot, not, empty); each element with a plan node of its own
 * adds it from its folder (src/elements/<name>/plan.ts:
 * `declare module ... { interface PlanNodes { tag: TagPlan } }`).
 */
export interface PlanNodes {
  and: AndPlan;
  or: OrPlan;
  andNot: AndNotPlan;
  not: NotPlan;
  empty: EmptyPlan;
}

export type PlanKind = keyof PlanNodes;
export type PlanNode = PlanNodes[PlanKind];
export type PlanOf<K extends PlanKind> = PlanNodes[K];

export interface PlanBase {
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

/** Matches nobody (an empty window, an impossible threshold). */
export interface EmptyPlan extends PlanBase {
  readonly kind: 'empty';
}

/**
 * Exhaustive visitor over plan nodes: one function per kind, so adding a
 * kind breaks every visitor at compile time. `C` is what the caller hands
 * through (so a visitor can be one module-level object, not a closure per call).
 */
export type PlanVisitor<R, C = void> = { readonly [K in PlanKind]: (node: PlanOf<K>, ctx: C) => R };

export function visitPlan<R, C = void>(node: PlanNode, visitor: PlanVisitor<R, C>, ctx: C): R {
  return (visitor[node.kind] as (n: PlanNode, c: C) => R)(node, ctx);
}

/**
 * For the `default` of a switch over plan kinds that names every kind: a
 * new kind is a compile error there (its node is not `never`).
 */
export function exhaustive(node: never): void {
  void node;
}
