import type { Position } from './position.js';
import type { Window } from './window.js';

/**
 * Order behaviour. Filters are any-of lists (an attribute gives a list of one);
 * undefined means "any". Amounts are integer cents.
 */
export interface BoughtNode {
  readonly kind: 'bought';
  readonly skus?: readonly string[];
  readonly categories?: readonly string[];
  readonly shops?: readonly string[];
  readonly window: Window;
  /** integer >= 1, default 1 */
  readonly minCount: number;
  /** integer >= minCount */
  readonly maxCount?: number;
  readonly minAmountCents?: number;
  readonly maxAmountCents?: number;
  readonly pos: Position;
}
