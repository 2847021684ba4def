import type { ConditionNode } from './condition-node.js';
import type { Position } from './position.js';

/** Known customers for whom the child does not hold. */
export interface NotNode {
  readonly kind: 'not';
  readonly child: ConditionNode;
  readonly pos: Position;
}
