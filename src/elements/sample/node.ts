import type { Position } from '../../query/ast/index.js';

/** `<sample seed from to>`: the known customers whose bucket (0..9999) is in [fromBucket, toBucket). */
export interface SampleNode {
  readonly kind: 'sample';
  /** as written (non-empty) */
  readonly seed: string;
  /** `from` in hundredths of a percent (= P1 * 100), 0..9999 */
  readonly fromBucket: number;
  /** `to` in hundredths of a percent (= P2 * 100), fromBucket+1..10000 */
  readonly toBucket: number;
  readonly pos: Position;
}

declare module '../../query/ast/condition-node.js' {
  interface ConditionNodes {
    sample: SampleNode;
  }
}
