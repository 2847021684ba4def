import type { ConditionNode, Position } from '../../query/ast/index.js';

export interface AndNode {
  readonly kind: 'and';
  readonly children: readonly ConditionNode[];
  readonly pos: Position;
}

declare module '../../query/ast/condition-node.js' {
  interface ConditionNodes {
    and: AndNode;
  }
}
