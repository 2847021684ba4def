import type { Position, Window } from '../../query/ast/index.js';
import type { DimensionFilters } from '../../model/order-dimensions.js';
import type { ValueKind } from '../../exec/score-values.js';

/** What a `<score>` ranks its population by (contract 7.5): its kernel's value kinds. */
export type ScoreBy = ValueKind;

/**
 * `<score by ... (scale | cuts) min max>`: the filters of `<bought>`, a
 * window, and either `scale` (k equal-rank tiers over the whole store's
 * population) or `cuts` (fixed value thresholds). Exactly one of `scale`
 * and `cuts` is set. Cuts are integers in the value's unit: orders,
 * quantities, or cents for monetary. `max` is resolved (default: the top
 * score, k or the number of cuts + 1).
 */
export interface ScoreNode extends DimensionFilters {
  readonly kind: 'score';
  readonly by: ScoreBy;
  readonly window: Window;
  readonly scale?: number;
  readonly cuts?: readonly number[];
  readonly min: number;
  readonly max: number;
  readonly pos: Position;
}

declare module '../../query/ast/condition-node.js' {
  interface ConditionNodes {
    score: ScoreNode;
  }
}
