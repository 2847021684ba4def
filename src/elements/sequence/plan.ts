import type { DimensionFilters } from '../../model/order-dimensions.js';
import type { PlanBase } from '../../plan/plan-node.js';

/**
 * A `<sequence>` with its window resolved: the steps' filters, the span in
 * seconds, the window [lo, hi] (epoch seconds, inclusive, hi capped at
 * asOf) that limits the steps, and asOf in whole seconds (the absence
 * period must have passed by then). The rule is in kernel.ts.
 */
export interface SequencePlan extends PlanBase {
  readonly kind: 'sequence';
  readonly steps: readonly DimensionFilters[];
  readonly absent?: DimensionFilters;
  readonly withinSeconds: number;
  readonly lo: number;
  readonly hi: number;
  /** floor(asOf / 1 s) */
  readonly asOf: number;
}

declare module '../../plan/plan-node.js' {
  interface PlanNodes {
    sequence: SequencePlan;
  }
}
