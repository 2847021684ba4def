import type { PlanBase } from '../../plan/plan-node.js';

export interface TagPlan extends PlanBase {
  readonly kind: 'tag';
  readonly name: string;
}

declare module '../../plan/plan-node.js' {
  interface PlanNodes {
    tag: TagPlan;
  }
}
