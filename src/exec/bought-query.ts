import type { DimensionFilters } from '../model/order-dimensions.js';

/**
 * What a `<bought>` asks of the kernels (its plan node, src/elements/bought/plan.ts,
 * is one). The value lists (skus, categories, shops: model/order-dimensions.ts)
 * are any-of; absent means any.
 */
export interface BoughtQuery extends DimensionFilters, BoughtThresholds {
  /** inclusive bounds, epoch seconds; lo may be -Infinity */
  readonly lo: number;
  readonly hi: number;
}

/** A `<bought>`'s thresholds, as its AST node (elements/bought/node.ts) and the kernels both hold them. Amounts are integer cents. */
export interface BoughtThresholds {
  /** integer >= 1, default 1 */
  readonly minCount: number;
  /** integer >= minCount */
  readonly maxCount?: number;
  readonly minAmountCents?: number;
  readonly maxAmountCents?: number;
  /** bounds on the sum of the matching lines' quantities (integers >= 1, min <= max) */
  readonly minQuantity?: number;
  readonly maxQuantity?: number;
}

/** True when a bought needs only "at least one matching order": no counting, no sums. */
export function isExistenceOnly(b: BoughtQuery): boolean {
  return b.minCount === 1 && b.maxCount === undefined && b.minAmountCents === undefined && b.maxAmountCents === undefined &&
    !hasQuantityBound(b);
}

/** True when a bought bounds the sum of its matching lines' quantities (exec/sum-quantities.ts runs it). */
export function hasQuantityBound(b: Pick<BoughtQuery, 'minQuantity' | 'maxQuantity'>): boolean {
  return b.minQuantity !== undefined || b.maxQuantity !== undefined;
}

/**
 * The customers a `<bought>` on one shard is limited to (language/candidate-sources.ts),
 * a bit per customer as BoughtTask.candidates takes them: `none` when nobody
 * can match, undefined when it is not limited.
 */
export type Candidates = Int32Array | 'none' | undefined;
