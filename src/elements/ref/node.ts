import type { Position } from '../../query/ast/index.js';

/** A saved segment, evaluated with the referring query's asOf and zone. */
export interface RefNode {
  readonly kind: 'ref';
  readonly segment: string;
  readonly pos: Position;
}

declare module '../../query/ast/condition-node.js' {
  interface ConditionNodes {
    ref: RefNode;
  }
}
