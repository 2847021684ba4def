import type { Position } from '../../query/ast/index.js';

export interface TagNode {
  readonly kind: 'tag';
  readonly name: string;
  readonly pos: Position;
}

declare module '../../query/ast/condition-node.js' {
  interface ConditionNodes {
    tag: TagNode;
  }
}
