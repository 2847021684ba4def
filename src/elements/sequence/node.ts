import type { DurationUnit, Position, Window } from '../../query/ast/index.js';
import type { DimensionFilters } from '../../model/order-dimensions.js';

/** One `<step>` or the `<absent>` of a `<sequence>`: the filters of `<bought>` (none: any order). */
export interface SequenceStepNode extends DimensionFilters {
  readonly pos: Position;
}

/**
 * `<sequence within="N{h|d|w}">` (contract 7.4): 1 to 16 steps, then
 * optionally one absent; at least two of them in all. The window limits
 * the steps only. The steps are not conditions (no `children` field: the
 * AST crosses threads as a leaf, engine/ast-events.ts).
 */
export interface SequenceNode {
  readonly kind: 'sequence';
  readonly steps: readonly SequenceStepNode[];
  readonly absent?: SequenceStepNode;
  /** `within` as written: N >= 1 hours, days (24 h) or weeks */
  readonly within: { readonly amount: number; readonly unit: DurationUnit };
  readonly window: Window;
  readonly pos: Position;
}

declare module '../../query/ast/condition-node.js' {
  interface ConditionNodes {
    sequence: SequenceNode;
  }
}
