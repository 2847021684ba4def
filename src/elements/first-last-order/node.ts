import type { Position, Window } from '../../query/ast/index.js';
import type { DimensionFilters } from '../../model/order-dimensions.js';

/**
 * `<firstOrder>` / `<lastOrder>`: the filters of `<bought>` and a window, no
 * thresholds. Filters are any-of lists (undefined: any).
 */
export interface OrderEdgeNode<K extends 'firstOrder' | 'lastOrder'> extends DimensionFilters {
  readonly kind: K;
  readonly window: Window;
  readonly pos: Position;
}

export type FirstOrderNode = OrderEdgeNode<'firstOrder'>;
export type LastOrderNode = OrderEdgeNode<'lastOrder'>;

declare module '../../query/ast/condition-node.js' {
  interface ConditionNodes {
    firstOrder: FirstOrderNode;
    lastOrder: LastOrderNode;
  }
}
