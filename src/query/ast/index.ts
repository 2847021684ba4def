export type { Position } from './position.js';
export type { SegmentNode } from './segment-node.js';
export type { ConditionNode, ConditionNodes, ConditionKind, ConditionOf } from './condition-node.js';
export type { Window, DurationUnit } from './window.js';
export type { TimeBound } from './time-bound.js';

import type { ConditionKind, ConditionNode, ConditionOf } from './condition-node.js';

/** Exhaustive visitor over condition nodes: adding a node type breaks every visitor at compile time. */
export type ConditionVisitor<R> = {
  [K in ConditionKind]: (node: ConditionOf<K>) => R;
};

export function visitCondition<R>(node: ConditionNode, visitor: ConditionVisitor<R>): R {
  return (visitor[node.kind] as (n: ConditionNode) => R)(node);
}
