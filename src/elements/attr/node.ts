import type { Position } from '../../query/ast/index.js';

/**
 * A customer attribute test. At least one of `eq`, `range`, `exists` is set;
 * when several are set, all must hold.
 */
export interface AttrNode {
  readonly kind: 'attr';
  readonly name: string;
  /** any-of: from `eq="x"` or `<value>` children, as written */
  readonly eq?: readonly string[];
  /** numeric comparisons; match numeric values only */
  readonly range?: { readonly gt?: number; readonly gte?: number; readonly lt?: number; readonly lte?: number };
  readonly exists?: boolean;
  readonly pos: Position;
}

declare module '../../query/ast/condition-node.js' {
  interface ConditionNodes {
    attr: AttrNode;
  }
}
