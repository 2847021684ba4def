import type { BoughtQuery } from '../../exec/bought-query.js';
import type { PlanBase } from '../../plan/plan-node.js';

/** A `<bought>` with its window resolved: what the kernels take (exec/bought-query.ts), as a plan node. */
export interface BoughtPlan extends PlanBase, BoughtQuery {
  readonly kind: 'bought';
}

declare module '../../plan/plan-node.js' {
  interface PlanNodes {
    bought: BoughtPlan;
  }
}
