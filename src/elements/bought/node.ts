import type { Position, Window } from '../../query/ast/index.js';
import type { DimensionFilters } from '../../model/order-dimensions.js';

/**
 * Order behaviour. Filters are any-of lists (an attribute gives a list of one);
 * undefined means "any". Amounts are integer cents.
 */
export interface BoughtNode extends DimensionFilters {
  readonly kind: 'bought';
  readonly window: Window;
  /** integer >= 1, default 1 */
  readonly minCount: number;
  /** integer >= minCount */
  readonly maxCount?: number;
  readonly minAmountCents?: number;
  readonly maxAmountCents?: number;
  /** integer >= 1: bounds on the sum of the matching lines' quantities */
  readonly minQuantity?: number;
  /** integer >= minQuantity */
  readonly maxQuantity?: number;
  readonly pos: Position;
}

declare module '../../query/ast/condition-node.js' {
  interface ConditionNodes {
    bought: BoughtNode;
  }
}
