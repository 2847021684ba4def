import type { SequenceQuery } from '../../exec/sequence-task.js';
import type { PlanBase } from '../../plan/plan-node.js';

/**
 * A `<sequence>` with its window resolved: what the kernel takes
 * (exec/sequence-task.ts SequenceQuery: the steps' filters, the span in
 * seconds, the window [lo, hi] that limits the steps, asOf in whole
 * seconds), as a plan node. The rule is in exec/sequence-task.ts.
 */
export interface SequencePlan extends PlanBase, SequenceQuery {
  readonly kind: 'sequence';
}

declare module '../../plan/plan-node.js' {
  interface PlanNodes {
    sequence: SequencePlan;
  }
}
