import type { Position, Window } from '../../query/ast/index.js';
import type { DimensionFilters } from '../../model/order-dimensions.js';
import type { BoughtThresholds } from '../../exec/bought-query.js';

/**
 * Order behaviour. Filters are any-of lists (an attribute gives a list of one);
 * undefined means "any". Amounts are integer cents.
 */
export interface BoughtNode extends DimensionFilters, BoughtThresholds {
  readonly kind: 'bought';
  readonly window: Window;
  readonly pos: Position;
}

declare module '../../query/ast/condition-node.js' {
  interface ConditionNodes {
    bought: BoughtNode;
  }
}
