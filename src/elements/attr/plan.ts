import type { PlanBase } from '../../plan/plan-node.js';

export interface AttrPlan extends PlanBase {
  readonly kind: 'attr';
  readonly name: string;
  readonly eq?: readonly string[];
  readonly range?: { readonly gt?: number; readonly gte?: number; readonly lt?: number; readonly lte?: number };
  readonly exists?: boolean;
}

declare module '../../plan/plan-node.js' {
  interface PlanNodes {
    attr: AttrPlan;
  }
}
