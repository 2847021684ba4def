import type { ConditionNode, Position } from '../../query/ast/index.js';

/** Known customers for whom the child does not hold. */
export interface NotNode {
  readonly kind: 'not';
  readonly child: ConditionNode;
  readonly pos: Position;
}

declare module '../../query/ast/condition-node.js' {
  interface ConditionNodes {
    not: NotNode;
  }
}
