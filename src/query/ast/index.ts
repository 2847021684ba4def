export type { Position } from './position.js';
export type { SegmentNode } from './segment-node.js';
export type { ConditionNode } from './condition-node.js';
export type { AndNode } from './and-node.js';
export type { OrNode } from './or-node.js';
export type { NotNode } from './not-node.js';
export type { BoughtNode } from './bought-node.js';
export type { TagNode } from './tag-node.js';
export type { AttrNode } from './attr-node.js';
export type { RefNode } from './ref-node.js';
export type { Window, DurationUnit } from './window.js';
export type { TimeBound } from './time-bound.js';

import type { ConditionNode } from './condition-node.js';

/** Exhaustive visitor over condition nodes: adding a node type breaks every visitor at compile time. */
export type ConditionVisitor<R> = {
  [K in ConditionNode['kind']]: (node: Extract<ConditionNode, { kind: K }>) => R;
};

export function visitCondition<R>(node: ConditionNode, visitor: ConditionVisitor<R>): R {
  return (visitor[node.kind] as (n: ConditionNode) => R)(node);
}
