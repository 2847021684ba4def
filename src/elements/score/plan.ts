import type { DimensionFilters } from '../../model/order-dimensions.js';
import type { PlanBase } from '../../plan/plan-node.js';
import type { ScoreBy } from './node.js';

/**
 * A `<score>` with its window resolved to [lo, hi] (epoch seconds,
 * inclusive, hi capped at asOf). Its members on a shard are that shard's
 * customers of the WHOLE STORE's population whose score lies in
 * [min, max] (elements/score/index.ts): its evaluation reads every shard.
 */
export interface ScorePlan extends PlanBase, DimensionFilters {
  readonly kind: 'score';
  readonly by: ScoreBy;
  readonly lo: number;
  readonly hi: number;
  readonly scale?: number;
  /** integers in the value's unit (cents for monetary), strictly increasing */
  readonly cuts?: readonly number[];
  readonly min: number;
  readonly max: number;
}

declare module '../../plan/plan-node.js' {
  interface PlanNodes {
    score: ScorePlan;
  }
}
