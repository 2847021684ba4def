import type { ConditionNode } from './condition-node.js';
import type { Position } from './position.js';

export interface AndNode {
  readonly kind: 'and';
  readonly children: readonly ConditionNode[];
  readonly pos: Position;
}
