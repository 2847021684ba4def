import type { DimensionFilters } from '../../model/order-dimensions.js';
import type { PlanBase, PlanNode } from '../../plan/plan-node.js';

/**
 * A `<firstOrder>` or `<lastOrder>` with its window resolved to [lo, hi]
 * (epoch seconds, inclusive, hi capped at asOf). Its result is
 * `inside AND NOT beyond`: `inside` is "a counting matching order in
 * [lo, hi]" and `beyond` is "one before lo" (firstOrder) or "one in
 * (hi, asOf]" (lastOrder), both plain existence `<bought>` plan nodes, so
 * they run where `<bought>` runs (the worker pool, day buckets, candidates).
 * `beyond` is absent when that side of the window is all of history up to asOf.
 */
export interface OrderEdgePlan<K extends 'firstOrder' | 'lastOrder'> extends PlanBase, DimensionFilters {
  readonly kind: K;
  readonly lo: number;
  readonly hi: number;
  /** the query's asOf, epoch seconds (floored) */
  readonly asOf: number;
  /**
   * 'scans': `inside AND NOT beyond`, its inputs. 'rollup' (no filter): from
   * each shard's per-customer first and last order ts (index/order-edges.ts),
   * with no inputs (inside and beyond still say what it means; a customer
   * whose last order is after asOf is decided by those scans on the calling
   * thread, limited to such customers: rollup.ts).
   */
  readonly via: 'scans' | 'rollup';
  readonly inside: PlanNode;
  readonly beyond?: PlanNode;
}

export type FirstOrderPlan = OrderEdgePlan<'firstOrder'>;
export type LastOrderPlan = OrderEdgePlan<'lastOrder'>;

declare module '../../plan/plan-node.js' {
  interface PlanNodes {
    firstOrder: FirstOrderPlan;
    lastOrder: LastOrderPlan;
  }
}
