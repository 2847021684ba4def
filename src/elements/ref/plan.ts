import type { PlanBase } from '../../plan/plan-node.js';
import type { KeptMembership } from '../definition.js';

/**
 * A `<ref>` to a live segment answered from its kept membership (contract
 * 8.3: the query's asOf is now and its zone is the segment's).
 */
export interface LiveRefPlan extends PlanBase {
  readonly kind: 'liveRef';
  readonly segment: string;
  /** the live segment's members, read at evaluation (src/live/) */
  readonly kept: KeptMembership;
}

declare module '../../plan/plan-node.js' {
  interface PlanNodes {
    liveRef: LiveRefPlan;
  }
}
