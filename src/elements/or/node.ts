import type { ConditionNode, Position } from '../../query/ast/index.js';

export interface OrNode {
  readonly kind: 'or';
  readonly children: readonly ConditionNode[];
  readonly pos: Position;
}

declare module '../../query/ast/condition-node.js' {
  interface ConditionNodes {
    or: OrNode;
  }
}
