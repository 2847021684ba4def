import type { PlanNode } from '../plan/plan-node.js';

/** What one plan node actually did, summed over shards (for explain). */
export interface NodeStats {
  actual: number;
  timeMs: number;
  /** a restricted `<bought>`: the candidates it was limited to (language/candidate-sources.ts) */
  candidates?: number;
}

export type StatsByNode = Map<PlanNode, NodeStats>;
