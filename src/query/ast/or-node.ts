import type { ConditionNode } from './condition-node.js';
import type { Position } from './position.js';

export interface OrNode {
  readonly kind: 'or';
  readonly children: readonly ConditionNode[];
  readonly pos: Position;
}
