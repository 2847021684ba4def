import type { PlanBase } from '../../plan/plan-node.js';

export interface SamplePlan extends PlanBase {
  readonly kind: 'sample';
  readonly seed: string;
  /** buckets fromBucket <= bucket(c) < toBucket (hundredths of a percent) */
  readonly fromBucket: number;
  readonly toBucket: number;
}

declare module '../../plan/plan-node.js' {
  interface PlanNodes {
    sample: SamplePlan;
  }
}
